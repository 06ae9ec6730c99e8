package docker_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/drillhq/drill/internal/fixture"
	"github.com/drillhq/drill/internal/front"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/docker"
	"github.com/drillhq/drill/internal/stack/stacktest"
)

// Run with: go test ./internal/stack -run '^$' -bench Docker -benchtime 8x
//
// Every iteration is one pair: the same stack operation done by hand with the Docker
// client ("raw", the Docker work drill's runtime does — the floor any runtime pays) and
// through docker.Runtime ("drill"), one right after the other, in alternating order so
// neither always runs on a warmer engine. Each pair gives its own ratio drill / raw; the
// benchmark logs every pair and reports the median ratio, its range, how many pairs
// drill was slower in, and the median seconds of each side. Images are built before
// timing starts.

// benchDocker skips without an engine and builds the fixtures into a temporary
// DRILL_FIXTURE_DIR; it returns a client and the images of ledgerStack.
func benchDocker(b *testing.B) (*testcontainers.DockerClient, docker.Images) {
	b.Helper()
	ctx := context.Background()
	if err := docker.EngineAvailable(ctx); err != nil {
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
	im, err := docker.EnsureImages(ctx, stacktest.LedgerStack())
	if err != nil {
		b.Fatal(err)
	}
	return cli, im
}

// pairs times raw and drill once per iteration, alternating which goes first, and
// reports the per-pair ratios drill / raw.
func pairs(b *testing.B, raw, drill func() error) {
	b.Helper()
	var rawT, drillT, ratios []float64
	timed := func(f func() error) float64 {
		start := time.Now()
		if err := f(); err != nil {
			b.Fatal(err)
		}
		return time.Since(start).Seconds()
	}
	for i := 0; i < b.N; i++ {
		var r, d float64
		if i%2 == 0 {
			r = timed(raw)
			d = timed(drill)
		} else {
			d = timed(drill)
			r = timed(raw)
		}
		rawT, drillT, ratios = append(rawT, r), append(drillT, d), append(ratios, d/r)
		b.Logf("pair %d of %d (%s first): raw %.3fs drill %.3fs drill/raw %.2f×", i+1, b.N, map[bool]string{true: "raw", false: "drill"}[i%2 == 0], r, d, d/r)
	}
	slower := 0
	for _, x := range ratios {
		if x > 1 {
			slower++
		}
	}
	b.ReportMetric(median(ratios), "x-raw-median")
	b.ReportMetric(slices.Min(ratios), "x-raw-min")
	b.ReportMetric(slices.Max(ratios), "x-raw-max")
	b.ReportMetric(float64(slower), "pairs-drill-slower")
	b.ReportMetric(median(rawT), "raw-s")
	b.ReportMetric(median(drillT), "drill-s")
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func BenchmarkDockerUpDown(b *testing.B) {
	cli, im := benchDocker(b)
	rt, err := docker.New()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rt.Close() })
	ctx := context.Background()
	n := 0
	pairs(b,
		func() error {
			n++
			r := &rawStack{cli: cli, name: fmt.Sprintf("drill-bench-%d-%d", os.Getpid(), n), data: b.TempDir()}
			err := r.up(ctx, im)
			return errors.Join(err, r.down(ctx))
		},
		func() error {
			st, err := rt.Up(ctx, stacktest.LedgerStack(), stack.WithDataDir(b.TempDir()))
			if st != nil {
				err = errors.Join(err, st.Down(ctx))
			}
			return err
		})
}

// BenchmarkDockerRedeploy times a recreate deploy of the ledger (switch off, stop and
// remove the running container, start the other release, wait until it answers, switch
// on). A start-first deploy returns once the new release is switched in and drains the
// old one in the background, so its drain cannot be timed pair by pair; recreate does
// the same Docker work, all of it on the timed path.
func BenchmarkDockerRedeploy(b *testing.B) {
	cli, im := benchDocker(b)
	rt, err := docker.New()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rt.Close() })
	ctx := context.Background()
	r := &rawStack{cli: cli, name: fmt.Sprintf("drill-bench-%d-redeploy", os.Getpid()), data: b.TempDir()}
	b.Cleanup(func() { _ = r.down(ctx) })
	if err := r.up(ctx, im); err != nil {
		b.Fatal(err)
	}
	st, err := rt.Up(ctx, stacktest.LedgerStack(), stack.WithDataDir(b.TempDir()))
	if st != nil {
		b.Cleanup(func() { _ = st.Down(ctx) })
	}
	if err != nil {
		b.Fatal(err)
	}
	svc, err := st.Service("ledger")
	if err != nil {
		b.Fatal(err)
	}
	releases := []string{"v2", "v1"}
	ri, di := 0, 0
	pairs(b,
		func() error {
			ri++
			return r.redeploy(ctx, im, releases[ri%2])
		},
		func() error {
			di++
			return svc.Deploy(ctx, releases[di%2], stack.WithStrategy(scenario.StrategyRecreate))
		})
}

// BenchmarkDockerImageCheck measures what drill does on every Up that the raw baseline
// does not: hashing the drill binary the fixture and proxy images are built from (once
// for each), to tell whether the images are current. Raw checks only that they exist.
func BenchmarkDockerImageCheck(b *testing.B) {
	benchDocker(b)
	prog, err := fixture.Locate("ledger")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		for range 2 {
			f, err := os.Open(prog.Path)
			if err != nil {
				b.Fatal(err)
			}
			h := sha256.New()
			_, err = io.Copy(h, f)
			f.Close()
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// rawStack is ledgerStack made by hand with the Docker client, doing the Docker work
// docker.Runtime does: check the images exist, create the network, start the proxy
// container and wait for its API (polling every 20 ms, as the runtime does), create the
// service's switch, deploy the first release (switch off, create + start the container
// as the caller's user with its data directory, wait for /healthz, read its address,
// switch to it), create the two proxies and read their host ports; down removes every
// container and network carrying the stack's label, as the runtime does.
type rawStack struct {
	cli    *testcontainers.DockerClient
	name   string
	data   string
	toxiID string
	svcID  string
	front  *front.Client
}

func (r *rawStack) labels() map[string]string { return map[string]string{"dev.drill.bench": r.name} }

func (r *rawStack) up(ctx context.Context, im docker.Images) error {
	v1, _ := im.Image("ledger", "v1")
	for _, ref := range []string{im.Toxiproxy, v1} {
		if _, err := r.cli.ImageInspect(ctx, ref); err != nil {
			return err
		}
	}
	if _, err := r.cli.NetworkCreate(ctx, r.name, client.NetworkCreateOptions{Driver: "bridge", Labels: r.labels()}); err != nil {
		return err
	}
	var err error
	r.toxiID, err = r.run(ctx, r.name+"-toxiproxy", im.Toxiproxy, "toxiproxy", nil, []string{"8474/tcp", "20000/tcp", "20001/tcp"}, "", "8474/tcp", "/version")
	if err != nil {
		return err
	}
	api, err := r.hostPort(ctx, r.toxiID, "8474/tcp")
	if err != nil {
		return err
	}
	r.front = front.NewClient("http://" + api)
	if _, err := r.front.Create(ctx, "ledger", "127.0.0.1:30000", ""); err != nil {
		return err
	}
	if err := r.deploy(ctx, im, "v1"); err != nil {
		return err
	}
	tc := toxiclient.NewClient("http://" + api)
	for i, name := range []string{"ledger", "ledger-db"} {
		port := strconv.Itoa(20000 + i)
		if _, err := tc.CreateProxy(name, "0.0.0.0:"+port, "127.0.0.1:30000"); err != nil {
			return err
		}
		if _, err := r.hostPort(ctx, r.toxiID, port+"/tcp"); err != nil {
			return err
		}
	}
	return nil
}

// deploy starts release behind the switch, which refuses connections meanwhile.
func (r *rawStack) deploy(ctx context.Context, im docker.Images, release string) error {
	if err := r.front.Set(ctx, "ledger", ""); err != nil {
		return err
	}
	image, err := im.Image("ledger", release)
	if err != nil {
		return err
	}
	env := []string{"HOST=0.0.0.0", "PORT=8080", "LEDGER_RELEASE=" + release, "LEDGER_DATA=/data",
		stack.EnvName(stack.ProxyEnvPrefix, "ledger-db") + "=toxiproxy:20001"}
	if release == "v2" {
		env = append(env, "LEDGER_DURABILITY=always")
	}
	r.svcID, err = r.run(ctx, r.name+"-ledger-"+release, image, "ledger", env, []string{"8080/tcp"}, r.data+":/data", "8080/tcp", "/healthz")
	if err != nil {
		return err
	}
	in, err := r.cli.ContainerInspect(ctx, r.svcID, client.ContainerInspectOptions{})
	if err != nil {
		return err
	}
	ep, ok := in.Container.NetworkSettings.Networks[r.name]
	if !ok || ep == nil || !ep.IPAddress.IsValid() {
		return fmt.Errorf("ledger has no address on %s", r.name)
	}
	return r.front.Set(ctx, "ledger", net.JoinHostPort(ep.IPAddress.String(), "8080"))
}

// redeploy is a recreate deploy: switch off, stop (graceful, 10 s grace) and remove
// the running container, then deploy release.
func (r *rawStack) redeploy(ctx context.Context, im docker.Images, release string) error {
	if err := r.front.Set(ctx, "ledger", ""); err != nil {
		return err
	}
	timeout := 10
	if _, err := r.cli.ContainerStop(ctx, r.svcID, client.ContainerStopOptions{Timeout: &timeout}); err != nil {
		return err
	}
	if _, err := r.cli.ContainerRemove(ctx, r.svcID, client.ContainerRemoveOptions{RemoveVolumes: true}); err != nil {
		return err
	}
	return r.deploy(ctx, im, release)
}

func (r *rawStack) run(ctx context.Context, name, image, alias string, env, ports []string, bind, readyPort, readyPath string) (string, error) {
	exposed := network.PortSet{}
	bindings := network.PortMap{}
	for _, p := range ports {
		exposed[network.MustParsePort(p)] = struct{}{}
		bindings[network.MustParsePort(p)] = []network.PortBinding{{HostIP: netip.MustParseAddr("127.0.0.1")}}
	}
	hc := &container.HostConfig{PortBindings: bindings}
	cfg := &container.Config{Image: image, Env: env, ExposedPorts: exposed, Labels: r.labels()}
	if bind != "" {
		hc.Binds = []string{bind}
		cfg.User = strconv.Itoa(os.Getuid()) + ":" + strconv.Itoa(os.Getgid())
	}
	res, err := r.cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name: name, Config: cfg, HostConfig: hc,
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

// down removes, as the runtime's Down does, every container (forced, at once) and then
// the network that carry the stack's label.
func (r *rawStack) down(ctx context.Context) error {
	f := make(client.Filters).Add("label", "dev.drill.bench="+r.name)
	ctrs, err := r.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return err
	}
	errs := make([]error, len(ctrs.Items))
	var wg sync.WaitGroup
	for i, c := range ctrs.Items {
		wg.Go(func() {
			_, errs[i] = r.cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
		})
	}
	wg.Wait()
	nets, err := r.cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, n := range nets.Items {
		_, err := r.cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{})
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// benchWaitHTTP polls url every 20 ms (the runtime's readiness interval) until it answers 2xx.
func benchWaitHTTP(ctx context.Context, url string, timeout time.Duration) error {
	c := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		resp, err := c.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
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
