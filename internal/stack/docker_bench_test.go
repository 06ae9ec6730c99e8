package stack_test

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"sync"
	"testing"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/drillhq/drill/internal/fixture"
	"github.com/drillhq/drill/internal/stack"
)

// Run with: go test ./internal/stack -run '^$' -bench Docker -benchtime 5x
//
// Each benchmark has a "raw" sub-benchmark doing the same Docker operations directly
// with the Docker client (the floor any runtime pays), and a "drill" sub-benchmark
// through the runtime; "drill" reports x-raw, its time per operation over raw's.

// benchDocker skips without an engine and builds the fixtures into a temporary
// DRILL_FIXTURE_DIR; it returns a client and the images of ledgerStack.
func benchDocker(b *testing.B) (*testcontainers.DockerClient, stack.Images) {
	b.Helper()
	ctx := context.Background()
	if err := stack.EngineAvailable(ctx); err != nil {
		b.Skip("docker engine not available: " + err.Error())
	}
	wd, err := os.Getwd()
	if err != nil {
		b.Fatal(err)
	}
	root, err := fixture.ModuleRoot(wd)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if err := fixture.Build(ctx, root, dir); err != nil {
		b.Fatal(err)
	}
	b.Setenv(fixture.DirEnv, dir)
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cli.Close() })
	im, err := stack.EnsureImages(ctx, ledgerStack())
	if err != nil {
		b.Fatal(err)
	}
	return cli, im
}

// benchRatio runs raw then drill and makes drill report its time per op over raw's.
func benchRatio(b *testing.B, raw, drill func(b *testing.B)) {
	var rawPerOp float64
	b.Run("raw", func(b *testing.B) {
		raw(b)
		rawPerOp = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("drill", func(b *testing.B) {
		drill(b)
		if rawPerOp > 0 {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/rawPerOp, "x-raw")
		}
	})
}

func BenchmarkDockerUpDown(b *testing.B) {
	cli, im := benchDocker(b)
	ledger, _ := im.Image("ledger", "v1")
	rt, err := stack.NewDocker()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rt.Close() })
	ctx := context.Background()
	benchRatio(b,
		func(b *testing.B) {
			n := 0
			for b.Loop() {
				n++
				r := &rawStack{cli: cli, name: fmt.Sprintf("drill-bench-%d-%d", os.Getpid(), n), data: b.TempDir()}
				if err := r.up(ctx, im.Toxiproxy, ledger); err != nil {
					r.down(ctx)
					b.Fatal(err)
				}
				r.down(ctx)
			}
		},
		func(b *testing.B) {
			for b.Loop() {
				st, err := rt.Up(ctx, ledgerStack(), stack.WithDataDir(b.TempDir()))
				if st != nil {
					if derr := st.Down(ctx); derr != nil {
						b.Fatal(derr)
					}
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
}

func BenchmarkDockerRedeploy(b *testing.B) {
	cli, im := benchDocker(b)
	ledger, _ := im.Image("ledger", "v1")
	rt, err := stack.NewDocker()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rt.Close() })
	ctx := context.Background()
	benchRatio(b,
		func(b *testing.B) {
			r := &rawStack{cli: cli, name: fmt.Sprintf("drill-bench-%d-redeploy", os.Getpid()), data: b.TempDir()}
			defer r.down(ctx)
			if err := r.up(ctx, im.Toxiproxy, ledger); err != nil {
				b.Fatal(err)
			}
			releases := []string{"v2", "v1"}
			i := 0
			for b.Loop() {
				if err := r.redeploy(ctx, ledger, releases[i%2]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		},
		func(b *testing.B) {
			st, err := rt.Up(ctx, ledgerStack(), stack.WithDataDir(b.TempDir()))
			if st != nil {
				defer st.Down(ctx)
			}
			if err != nil {
				b.Fatal(err)
			}
			svc, err := st.Service("ledger")
			if err != nil {
				b.Fatal(err)
			}
			releases := []string{"v2", "v1"}
			i := 0
			for b.Loop() {
				if err := svc.Deploy(ctx, releases[i%2]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
}

// rawStack is ledgerStack made by hand with the Docker client: a network, a Toxiproxy
// container and a ledger container (both started at once, both waited for by polling
// their HTTP readiness paths as often as the runtime does), and the two proxies.
type rawStack struct {
	cli    *testcontainers.DockerClient
	name   string
	data   string
	netID  string
	toxiID string
	svcID  string
}

func (r *rawStack) up(ctx context.Context, toxiImage, ledgerImage string) error {
	net, err := r.cli.NetworkCreate(ctx, r.name, client.NetworkCreateOptions{Driver: "bridge", Labels: map[string]string{"dev.drill.bench": "true"}})
	if err != nil {
		return err
	}
	r.netID = net.ID
	errs := make([]error, 2)
	var wg sync.WaitGroup
	wg.Go(func() {
		r.toxiID, errs[0] = r.run(ctx, r.name+"-toxiproxy", toxiImage, "toxiproxy", nil, []string{"8474/tcp", "20000/tcp", "20001/tcp"}, "", "8474/tcp", "/version")
	})
	wg.Go(func() { r.svcID, errs[1] = r.runLedger(ctx, ledgerImage, "v1") })
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		return fmt.Errorf("raw up: %v %v", errs[0], errs[1])
	}
	api, err := r.hostPort(ctx, r.toxiID, "8474/tcp")
	if err != nil {
		return err
	}
	tc := toxiclient.NewClient("http://" + api)
	if _, err := tc.CreateProxy("ledger", "0.0.0.0:20000", "ledger:8080"); err != nil {
		return err
	}
	_, err = tc.CreateProxy("ledger-db", "0.0.0.0:20001", "ledger:8080")
	return err
}

func (r *rawStack) runLedger(ctx context.Context, image, release string) (string, error) {
	env := []string{"HOST=0.0.0.0", "PORT=8080", "LEDGER_RELEASE=" + release, "LEDGER_DATA=/data"}
	return r.run(ctx, r.name+"-ledger", image, "ledger", env, []string{"8080/tcp"}, r.data+":/data", "8080/tcp", "/healthz")
}

// redeploy recreates the ledger container: graceful stop, remove, create, start, wait.
func (r *rawStack) redeploy(ctx context.Context, image, release string) error {
	timeout := 10
	if _, err := r.cli.ContainerStop(ctx, r.svcID, client.ContainerStopOptions{Timeout: &timeout}); err != nil {
		return err
	}
	if _, err := r.cli.ContainerRemove(ctx, r.svcID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
		return err
	}
	id, err := r.runLedger(ctx, image, release)
	r.svcID = id
	return err
}

func (r *rawStack) run(ctx context.Context, name, image, alias string, env, ports []string, bind, readyPort, readyPath string) (string, error) {
	exposed := network.PortSet{}
	bindings := network.PortMap{}
	for _, p := range ports {
		exposed[network.MustParsePort(p)] = struct{}{}
		bindings[network.MustParsePort(p)] = []network.PortBinding{{HostIP: netip.MustParseAddr("127.0.0.1")}}
	}
	hc := &container.HostConfig{PortBindings: bindings}
	if bind != "" {
		hc.Binds = []string{bind}
	}
	res, err := r.cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name:       name,
		Config:     &container.Config{Image: image, Env: env, ExposedPorts: exposed, Labels: map[string]string{"dev.drill.bench": "true"}},
		HostConfig: hc,
		NetworkingConfig: &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{
			r.name: {Aliases: []string{alias}},
		}},
	})
	if err != nil {
		return "", err
	}
	if _, err := r.cli.ContainerStart(ctx, res.ID, client.ContainerStartOptions{}); err != nil {
		return res.ID, err
	}
	hp, err := r.hostPort(ctx, res.ID, readyPort)
	if err != nil {
		return res.ID, err
	}
	return res.ID, benchWaitHTTP(ctx, "http://"+hp+readyPath, 60*time.Second)
}

func (r *rawStack) hostPort(ctx context.Context, id, port string) (string, error) {
	in, err := r.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return "", err
	}
	b := in.Container.NetworkSettings.Ports[network.MustParsePort(port)]
	if len(b) == 0 {
		return "", fmt.Errorf("port %s not published", port)
	}
	return "127.0.0.1:" + b[0].HostPort, nil
}

func (r *rawStack) down(ctx context.Context) {
	for _, id := range []string{r.svcID, r.toxiID} {
		if id != "" {
			_, _ = r.cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
		}
	}
	if r.netID != "" {
		_, _ = r.cli.NetworkRemove(ctx, r.netID, client.NetworkRemoveOptions{})
	}
}

// benchWaitHTTP polls url every 20 ms (the runtime's readiness interval) until it answers 200.
func benchWaitHTTP(ctx context.Context, url string, timeout time.Duration) error {
	c := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		resp, err := c.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("wait for %s: not ready after %s (last error %v)", url, timeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
