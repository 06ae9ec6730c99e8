package stack

import (
	"bytes"
	"context"
	"fmt"
	cerrdefs "github.com/containerd/errdefs"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tcnetwork "github.com/testcontainers/testcontainers-go/network"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/drillhq/drill/internal/scenario"
)

// dockerService is one service of a docker stack: a container reached through its front
// proxy by its network alias (the service name), recreated on every Deploy.
type dockerService struct {
	st       *dockerStack
	spec     scenario.Service
	name     string // container name
	dataDir  string // host directory mounted at /data
	endpoint string // front proxy, host side
	// proxyNames are the Toxiproxy proxies whose upstream is this service.
	proxyNames []string

	op      sync.Mutex // serialises lifecycle operations
	mu      sync.Mutex // guards the fields below
	ctr     *testcontainers.DockerContainer
	release string
}

var (
	_ Service      = (*dockerService)(nil)
	_ Controller   = (*dockerService)(nil)
	_ Disconnector = (*dockerService)(nil)
)

// Endpoint implements Service.
func (s *dockerService) Endpoint() string { return s.endpoint }

// Release implements Service.
func (s *dockerService) Release() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.release
}

// ContainerID is the id of the container running the service now ("" when none).
func (s *dockerService) ContainerID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctr == nil {
		return ""
	}
	return s.ctr.GetContainerID()
}

func (s *dockerService) current() (*testcontainers.DockerContainer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctr == nil {
		return nil, fmt.Errorf("act on %s: no container running", s.spec.Name)
	}
	return s.ctr, nil
}

// Deploy implements Service: recreate. The old container is stopped gracefully and
// removed; the new release starts with the same name, alias, network and data mount.
func (s *dockerService) Deploy(ctx context.Context, release string) error {
	s.op.Lock()
	defer s.op.Unlock()
	if _, err := findRelease(s.spec, release); err != nil {
		return fmt.Errorf("deploy %s: %w", s.spec.Name, err)
	}
	s.mu.Lock()
	old := s.ctr
	s.ctr = nil
	s.mu.Unlock()
	// The old release is asked to stop first, as a recreate does: it closes its listener
	// and its address refuses new connections while it drains. Then, before it exits and
	// its address vanishes, the proxies are disabled so clients keep being refused at
	// once (see dockerServeProxies) until the new container has started.
	if old != nil {
		_, err := s.st.d.cli.ContainerKill(ctx, old.GetContainerID(), client.ContainerKillOptions{Signal: "TERM"})
		// Conflict: it is not running (it crashed, or a fault killed it): nothing to stop.
		if err != nil && !cerrdefs.IsConflict(err) {
			return fmt.Errorf("deploy %s %s: stop old container: %w", s.spec.Name, release, err)
		}
	}
	if err := s.dockerServeProxies(false); err != nil {
		return fmt.Errorf("deploy %s %s: %w", s.spec.Name, release, err)
	}
	if old != nil {
		if err := old.Terminate(ctx, testcontainers.StopTimeout(s.st.d.stopTimeout)); err != nil {
			return fmt.Errorf("deploy %s %s: remove old container: %w", s.spec.Name, release, err)
		}
	}
	return s.start(ctx, release, false)
}

// dockerServeProxies enables or disables the proxies in front of the service.
//
// Why: Toxiproxy dials its upstream inside its accept loop. A dial towards the address
// of a container that is gone is never answered, and it stalls every new client of the
// proxy until TCP retransmits the SYN, a second or more later: outage drill would
// measure as RTC although it is Toxiproxy's. So whenever the service's container is
// down by drill's hand (a recreate, a kill, a stop) its proxies are disabled first and
// clients are refused at once, exactly as the process runtime's closed port refuses
// them; they are enabled again as soon as the new container has started (a lifecycle
// hook in start), when its address refuses or serves at once.
func (s *dockerService) dockerServeProxies(enabled bool) error {
	// No proxies yet: the stack is still starting (Toxiproxy may be starting beside this
	// service, and createProxies runs once every container is up).
	if len(s.proxyNames) == 0 {
		return nil
	}
	for _, name := range s.proxyNames {
		p, err := s.st.toxiClient.Proxy(name)
		if err != nil {
			return fmt.Errorf("find proxy %s: %w", name, err)
		}
		if p.Enabled == enabled {
			continue
		}
		if enabled {
			err = p.Enable()
		} else {
			err = p.Disable()
		}
		if err != nil {
			return fmt.Errorf("set proxy %s enabled=%v: %w", name, enabled, err)
		}
	}
	return nil
}

// start runs the named release and waits until its health path answers: with 200 when
// healthy is set (stack start), with any status otherwise (a deploy: a bad release that
// answers 500 is deployed, and the probes say it is unhealthy).
func (s *dockerService) start(ctx context.Context, release string, healthy bool) error {
	rel, err := findRelease(s.spec, release)
	if err != nil {
		return fmt.Errorf("start %s: %w", s.spec.Name, err)
	}
	ref, err := s.st.images.Image(s.spec.Name, release)
	if err != nil {
		return fmt.Errorf("start %s: %w", s.spec.Name, err)
	}
	port := strconv.Itoa(s.spec.Port) + "/tcp"
	env := mergeEnv(s.st.proxyEnv, s.spec.Env, rel.Env)
	env["HOST"], env["PORT"] = "0.0.0.0", strconv.Itoa(s.spec.Port)
	fixture := s.spec.Fixture != ""
	if fixture {
		env["LEDGER_RELEASE"], env["LEDGER_DATA"] = rel.Name, dockerDataMount
	}
	timeout := s.spec.StartTimeout.D()
	if timeout <= 0 {
		timeout = dockerStartTimeout
	}
	health := s.spec.Health
	if health == "" {
		health = "/"
	}
	opts := []testcontainers.ContainerCustomizer{
		// Once the container exists its address answers (a closed port refuses at once),
		// so the proxies can serve again before readiness: recovery is then seen as soon
		// as the service listens, not when drill's readiness poll notices it.
		testcontainers.WithAdditionalLifecycleHooks(testcontainers.ContainerLifecycleHooks{
			PostStarts: []testcontainers.ContainerHook{func(context.Context, testcontainers.Container) error {
				return s.dockerServeProxies(true)
			}},
		}),
		s.st.dockerFixedAddress(s.spec.Name),
		testcontainers.WithName(s.name),
		testcontainers.WithLabels(dockerWith(s.st.labels, LabelService, s.spec.Name)),
		testcontainers.WithLogger(s.st.d.logger),
		tcnetwork.WithNetworkName([]string{s.spec.Name}, s.st.netName),
		testcontainers.WithEnv(env),
		testcontainers.WithExposedPorts(port),
		testcontainers.WithHostConfigModifier(dockerLoopbackPorts([]string{port})),
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			hc.Binds = append(hc.Binds, s.dataDir+":"+dockerDataMount)
		}),
		testcontainers.WithWaitStrategy(dockerWaitHTTP(health, port, timeout, healthy)),
	}
	if fixture {
		// Fixture images are drill's own: run them as drill's user so the data they
		// write on the host belongs to whoever runs drill.
		opts = append(opts, testcontainers.WithConfigModifier(func(c *container.Config) {
			c.User = strconv.Itoa(os.Getuid()) + ":" + strconv.Itoa(os.Getgid())
		}))
	}
	ctr, err := testcontainers.Run(ctx, ref, opts...)
	if err != nil {
		return dockerRunFailed(ctx, ctr, fmt.Errorf("start %s %s (%s; ready when GET %s on port %d answers 200 within %s): %w",
			s.spec.Name, release, ref, health, s.spec.Port, timeout, err))
	}
	s.mu.Lock()
	s.ctr, s.release = ctr, release
	s.mu.Unlock()
	return nil
}

// Kill implements Controller: SIGKILL to the container, no graceful shutdown.
func (s *dockerService) Kill(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	ctr, err := s.current()
	if err != nil {
		return err
	}
	if err := s.dockerServeProxies(false); err != nil {
		return fmt.Errorf("kill %s: %w", s.spec.Name, err)
	}
	if _, err := s.st.d.cli.ContainerKill(ctx, ctr.GetContainerID(), client.ContainerKillOptions{Signal: "KILL"}); err != nil {
		return fmt.Errorf("kill %s: %w", s.spec.Name, err)
	}
	return nil
}

// Pause implements Controller: freezes (true) or thaws (false) the container.
func (s *dockerService) Pause(ctx context.Context, paused bool) error {
	s.op.Lock()
	defer s.op.Unlock()
	ctr, err := s.current()
	if err != nil {
		return err
	}
	id := ctr.GetContainerID()
	if paused {
		_, err = s.st.d.cli.ContainerPause(ctx, id, client.ContainerPauseOptions{})
	} else {
		_, err = s.st.d.cli.ContainerUnpause(ctx, id, client.ContainerUnpauseOptions{})
	}
	if err != nil {
		return fmt.Errorf("pause %s (%t): %w", s.spec.Name, paused, err)
	}
	return nil
}

// Restart implements Controller: a graceful stop (thawing a paused container first),
// a start of the same container and release, and a wait until it is healthy again.
func (s *dockerService) Restart(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	ctr, err := s.current()
	if err != nil {
		return err
	}
	state, err := ctr.State(ctx)
	if err != nil {
		return fmt.Errorf("restart %s: %w", s.spec.Name, err)
	}
	if state.Paused {
		if _, err := s.st.d.cli.ContainerUnpause(ctx, ctr.GetContainerID(), client.ContainerUnpauseOptions{}); err != nil {
			return fmt.Errorf("restart %s: unpause: %w", s.spec.Name, err)
		}
	}
	if err := s.dockerServeProxies(false); err != nil {
		return fmt.Errorf("restart %s: %w", s.spec.Name, err)
	}
	timeout := s.st.d.stopTimeout
	if err := ctr.Stop(ctx, &timeout); err != nil {
		return fmt.Errorf("restart %s: %w", s.spec.Name, err)
	}
	// Start runs the container's wait strategy again: it returns once healthy.
	if err := ctr.Start(ctx); err != nil {
		return fmt.Errorf("restart %s: %w%s", s.spec.Name, err, dockerLogSuffix(ctx, ctr))
	}
	return s.dockerServeProxies(true)
}

// Stop implements the stop fault: a graceful stop that leaves the container stopped
// (Restart or a redeploy brings it back).
func (s *dockerService) Stop(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	ctr, err := s.current()
	if err != nil {
		return err
	}
	if err := s.dockerServeProxies(false); err != nil {
		return fmt.Errorf("stop %s: %w", s.spec.Name, err)
	}
	timeout := s.st.d.stopTimeout
	if err := ctr.Stop(ctx, &timeout); err != nil {
		return fmt.Errorf("stop %s: %w", s.spec.Name, err)
	}
	return nil
}

// dockerWaitHTTP waits until GET path on port answers (200 when healthy, else any status).
func dockerWaitHTTP(path, port string, timeout time.Duration, healthy bool) *wait.HTTPStrategy {
	w := wait.ForHTTP(path).WithPort(port).WithStartupTimeout(timeout).WithPollInterval(dockerPollInterval)
	if !healthy {
		w = w.WithStatusCodeMatcher(func(int) bool { return true })
	}
	return w
}

// Disconnect implements Disconnector: detaches the container from the stack's network.
func (s *dockerService) Disconnect(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	ctr, err := s.current()
	if err != nil {
		return err
	}
	if _, err := s.st.d.cli.NetworkDisconnect(ctx, s.st.netID, client.NetworkDisconnectOptions{Container: ctr.GetContainerID(), Force: true}); err != nil {
		return fmt.Errorf("disconnect %s: %w", s.spec.Name, err)
	}
	return nil
}

// Reconnect implements Disconnector: attaches the container again under its alias.
func (s *dockerService) Reconnect(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	ctr, err := s.current()
	if err != nil {
		return err
	}
	endpoint := &network.EndpointSettings{Aliases: []string{s.spec.Name}}
	if ip, ok := s.st.addrs[s.spec.Name]; ok {
		endpoint.IPAMConfig = &network.EndpointIPAMConfig{IPv4Address: ip}
	}
	_, err = s.st.d.cli.NetworkConnect(ctx, s.st.netID, client.NetworkConnectOptions{
		Container: ctr.GetContainerID(), EndpointConfig: endpoint,
	})
	if err != nil {
		return fmt.Errorf("reconnect %s: %w", s.spec.Name, err)
	}
	return nil
}

// dockerLogTail is the end of a container's output, for error messages.
func dockerLogTail(ctx context.Context, ctr *testcontainers.DockerContainer) string {
	rc, err := ctr.Logs(ctx)
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, 1<<20))
	b = bytes.TrimSpace(b)
	if len(b) > 2048 {
		b = b[len(b)-2048:]
	}
	return strings.TrimSpace(string(b))
}

func dockerLogSuffix(ctx context.Context, ctr *testcontainers.DockerContainer) string {
	if t := dockerLogTail(context.WithoutCancel(ctx), ctr); t != "" {
		return "\ncontainer output (last lines):\n" + t
	}
	return ""
}
