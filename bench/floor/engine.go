package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack/docker"
)

// readyPoll is how often the floor polls a container's health path: drill's runtime
// polls every 20 ms as well.
const readyPoll = 20 * time.Millisecond

// engineFloor times, per trial, the bad release's container and then the rollback
// release's, each from create to its first healthy answer, and removes both (untimed).
func engineFloor(ctx context.Context, sc *scenario.Scenario, im docker.Images, trials int) ([]time.Duration, error) {
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect docker engine: %w", err)
	}
	defer cli.Close()
	svc := sc.Service(sc.Change.Service)
	if svc == nil {
		return nil, fmt.Errorf("find service %q of the change", sc.Change.Service)
	}
	out := make([]time.Duration, 0, trials)
	for i := range trials {
		data, err := os.MkdirTemp("", "drill-floor-data-")
		if err != nil {
			return out, fmt.Errorf("make data dir: %w", err)
		}
		var ids []string
		start := time.Now()
		for _, rel := range []string{sc.Change.Release, svc.Release} {
			var id string
			id, err = startReady(ctx, cli, im, *svc, rel, data, fmt.Sprintf("drill-floor-%d-%d-%s", os.Getpid(), i, rel))
			if id != "" {
				ids = append(ids, id)
			}
			if err != nil {
				break
			}
		}
		took := time.Since(start)
		for _, id := range ids {
			_, rerr := cli.ContainerRemove(context.WithoutCancel(ctx), id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
			err = errors.Join(err, rerr)
		}
		os.RemoveAll(data)
		if err != nil {
			return out, fmt.Errorf("floor trial %d: %w", i+1, err)
		}
		out = append(out, took)
	}
	return out, nil
}

// startReady creates and starts release rel of svc as drill's runtime does (its image,
// HOST, PORT, the fixture's release and data variables, the release's environment, the
// data directory mounted as the caller's user, the port published on loopback) and
// polls its health path until it answers 2xx.
func startReady(ctx context.Context, cli *testcontainers.DockerClient, im docker.Images, svc scenario.Service, rel, data, name string) (string, error) {
	image, err := im.Image(svc.Name, rel)
	if err != nil {
		return "", err
	}
	env := []string{"HOST=0.0.0.0", "PORT=" + strconv.Itoa(svc.Port), "LEDGER_RELEASE=" + rel, "LEDGER_DATA=/data"}
	for k, v := range svc.Env {
		env = append(env, k+"="+v)
	}
	for _, r := range svc.Releases {
		if r.Name == rel {
			for k, v := range r.Env {
				env = append(env, k+"="+v)
			}
		}
	}
	port := network.MustParsePort(strconv.Itoa(svc.Port) + "/tcp")
	res, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{Name: name,
		Config: &container.Config{Image: image, Env: env, ExposedPorts: network.PortSet{port: struct{}{}},
			User: strconv.Itoa(os.Getuid()) + ":" + strconv.Itoa(os.Getgid())},
		HostConfig: &container.HostConfig{Binds: []string{data + ":/data"},
			PortBindings: network.PortMap{port: []network.PortBinding{{HostIP: netip.MustParseAddr("127.0.0.1")}}}}})
	if err != nil {
		return "", fmt.Errorf("create %s: %w", name, err)
	}
	if _, err := cli.ContainerStart(ctx, res.ID, client.ContainerStartOptions{}); err != nil {
		return res.ID, fmt.Errorf("start %s: %w", name, err)
	}
	in, err := cli.ContainerInspect(ctx, res.ID, client.ContainerInspectOptions{})
	if err != nil {
		return res.ID, fmt.Errorf("inspect %s: %w", name, err)
	}
	b := in.Container.NetworkSettings.Ports[port]
	if len(b) == 0 {
		return res.ID, fmt.Errorf("inspect %s: port %s not published", name, port)
	}
	return res.ID, waitHealthy(ctx, "http://127.0.0.1:"+b[0].HostPort+svc.Health, svc.StartTimeout.D())
}

// waitHealthy polls url every readyPoll until it answers 2xx, for at most timeout.
func waitHealthy(ctx context.Context, url string, timeout time.Duration) error {
	c := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := c.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				return nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("wait for %s: no healthy answer within %s", url, timeout)
		}
		time.Sleep(readyPoll)
	}
}
