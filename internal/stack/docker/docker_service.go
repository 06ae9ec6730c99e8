package docker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tcnetwork "github.com/testcontainers/testcontainers-go/network"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// dockerService is one service of a docker stack: containers reached through the
// service's front proxy and switch (package front) in the proxy container. Every deploy
// runs a new container (start-first: beside the old one, which the switch drains and
// which is stopped only when the stack is reaped after the trial's hold; recreate: after
// the old one stopped); the data mount is the same throughout.
type dockerService struct {
	st         *dockerStack
	spec       scenario.Service
	dataDir    string           // host directory mounted at /data
	endpoint   string           // front proxy, host side
	switchPort int              // the service's switch, in the proxy container
	ready      stack.ReadyCheck // polled on every start of a container

	op      sync.Mutex // serialises lifecycle operations
	mu      sync.Mutex // guards the fields below
	ctr     *testcontainers.DockerContainer
	release string
	gen     int // containers started in this trial: numbers their output files
	// made counts the containers made over the stack's life (a reused stack's too): names
	// them, so a reset's new container never takes the name of one still being removed.
	made int
	// retired are the containers start-first and blue-green deploys replaced: drained by
	// the switch, idle, stopped at Reap (after the trial's hold) or at Down. Stopping one
	// costs the engine about a quarter of a second of CPU (2 cores), which inside the
	// measurement window delayed the probes that reconnect to the new release.
	retired []*testcontainers.DockerContainer
	// standby is the previous release of a blue-green deploy, running idle behind the
	// switch; FlipBack routes to it again.
	standby        *testcontainers.DockerContainer
	standbyRelease string
	// snapshots counts the data snapshots taken (Restorer).
	snapshots int
	// logs names the output file of each container, kept when it is removed.
	logs dockerLogs
}

var (
	_ stack.Service      = (*dockerService)(nil)
	_ stack.Controller   = (*dockerService)(nil)
	_ stack.Pauser       = (*dockerService)(nil)
	_ stack.Reviver      = (*dockerService)(nil)
	_ stack.Flipper      = (*dockerService)(nil)
	_ stack.Disconnector = (*dockerService)(nil)
	_ stack.DataKeeper   = (*dockerService)(nil)
)

// Endpoint implements Service.
func (s *dockerService) Endpoint() string { return s.endpoint }

// DataDir is the host directory mounted at /data in every container of the service:
// the same across kills, restarts and deploys within the stack.
func (s *dockerService) DataDir() string { return s.dataDir }

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

// running reports whether the service's container exists and runs.
func (s *dockerService) running(ctx context.Context) bool {
	s.mu.Lock()
	ctr := s.ctr
	s.mu.Unlock()
	if ctr == nil {
		return false
	}
	st, err := ctr.State(ctx)
	return err == nil && st.Running && !st.Paused
}

// Deploy implements Service with the service's strategy: start-first runs the release
// in a new container beside the running one and flips the switch once it is ready (the
// old one takes no new connection, its idle ones are closed at the switch as its
// graceful stop would, and it is stopped at Reap); recreate stops and removes the
// running one first: that stop is the deploy's own, inside its gap. When ctx ends before
// the switch the deploy is aborted and the new container removed.
func (s *dockerService) Deploy(ctx context.Context, release string, opts ...stack.DeployOption) error {
	s.op.Lock()
	defer s.op.Unlock()
	cfg := stack.NewDeployConfig(s.spec, opts)
	if _, err := stack.FindRelease(s.spec, release); err != nil {
		return fmt.Errorf("deploy %s: %w", s.spec.Name, err)
	}
	if cfg.Strategy == scenario.StrategyRecreate || !s.running(ctx) {
		return s.recreate(ctx, release, cfg)
	}
	ctr, upstream, err := s.run(ctx, release)
	if err != nil {
		return err
	}
	cfg.Step(stack.StepReady, release)
	if err := s.flipSwitch(ctx, upstream); err != nil {
		return errors.Join(fmt.Errorf("deploy %s %s: %w", s.spec.Name, release, err), s.remove(ctx, ctr))
	}
	s.mu.Lock()
	old, oldRelease := s.ctr, s.release
	s.ctr, s.release = ctr, release
	var prev *testcontainers.DockerContainer
	if cfg.Strategy == scenario.StrategyBlueGreen {
		// The previous release stands by, idle, for a flip back; an older standby goes.
		prev, s.standby, s.standbyRelease = s.standby, old, oldRelease
		old = nil
	}
	s.retire(prev, old)
	s.mu.Unlock()
	cfg.Step(stack.StepSwitched, release)
	return nil
}

// retire keeps containers that no longer take new connections for Reap; the caller
// holds mu.
func (s *dockerService) retire(ctrs ...*testcontainers.DockerContainer) {
	for _, c := range ctrs {
		if c != nil {
			s.retired = append(s.retired, c)
		}
	}
}

// reap stops and removes the retired containers, all at once. As on the process
// runtime's drain, each stop waits until the container has accepted the connections the
// switch sent it before the flip; SIGTERM then lets it finish the requests it has.
func (s *dockerService) reap(ctx context.Context) error {
	s.mu.Lock()
	ctrs := s.retired
	s.retired = nil
	s.mu.Unlock()
	errs := make([]error, len(ctrs))
	var wg sync.WaitGroup
	for i, ctr := range ctrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.awaitAccepted(ctx, ctr)
			if errs[i] = s.remove(ctx, ctr); errs[i] != nil {
				s.mu.Lock()
				s.retire(ctr) // still held: a teardown names it
				s.mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// awaitAccepted waits until no connection is being dialled to ctr through the switch
// and none waits in the accept queue of its listener (read in its network namespace,
// /proc/<pid>/net, where drill can: a local engine), or AcceptWait passed.
func (s *dockerService) awaitAccepted(ctx context.Context, ctr *testcontainers.DockerContainer) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stack.AcceptWait) // the inspection too
	defer cancel()
	info, err := ctr.Inspect(ctx)
	if err != nil || info.State == nil || info.State.Pid == 0 {
		return
	}
	up, err := s.address(info)
	if err != nil {
		return
	}
	dialing := func(ctx context.Context) int {
		n, err := s.st.front.Dialing(ctx, s.spec.Name, up)
		if err != nil {
			return 0 // unknown: the accept queue alone decides
		}
		return n
	}
	stack.AwaitAccepted(ctx, dialing, fmt.Sprintf("/proc/%d/net", info.State.Pid), s.spec.Port)
}

// FlipBack implements Flipper: the standing-by previous release takes new connections
// again and the current one drains.
func (s *dockerService) FlipBack(ctx context.Context, opts ...stack.DeployOption) error {
	s.op.Lock()
	defer s.op.Unlock()
	cfg := stack.NewDeployConfig(s.spec, opts)
	s.mu.Lock()
	sb, rel := s.standby, s.standbyRelease
	s.mu.Unlock()
	if sb == nil {
		return fmt.Errorf("flip back %s: no previous release is standing by (deploy with strategy blue-green)", s.spec.Name)
	}
	up, err := s.upstream(ctx, sb)
	if err != nil {
		return fmt.Errorf("flip back %s: %w", s.spec.Name, err)
	}
	if err := s.flipSwitch(ctx, up); err != nil {
		return fmt.Errorf("flip back %s: %w", s.spec.Name, err)
	}
	s.mu.Lock()
	cur := s.ctr
	s.ctr, s.release, s.standby, s.standbyRelease = sb, rel, nil, ""
	s.retire(cur)
	s.mu.Unlock()
	cfg.Step(stack.StepSwitched, rel)
	return nil
}

// recreate stops and removes what runs, then starts release; nothing serves between.
// The retired containers go with the running one: no earlier release holds the data
// mount when the new one opens it.
func (s *dockerService) recreate(ctx context.Context, release string, cfg stack.DeployConfig) error {
	if err := s.setSwitch(ctx, ""); err != nil {
		return fmt.Errorf("deploy %s %s: %w", s.spec.Name, release, err)
	}
	s.mu.Lock()
	old := s.ctr
	s.ctr, s.release = nil, ""
	s.mu.Unlock()
	if old != nil {
		cfg.Step(stack.StepStopping, "")
	}
	if err := errors.Join(s.remove(ctx, old), s.reap(ctx)); err != nil {
		return fmt.Errorf("deploy %s %s: %w", s.spec.Name, release, err)
	}
	if old != nil {
		cfg.Step(stack.StepDrained, "")
	}
	ctr, upstream, err := s.run(ctx, release)
	if err != nil {
		return err
	}
	cfg.Step(stack.StepReady, release)
	s.mu.Lock()
	s.ctr, s.release = ctr, release
	s.mu.Unlock()
	if err := s.setSwitch(ctx, upstream); err != nil {
		return fmt.Errorf("deploy %s %s: %w", s.spec.Name, release, err)
	}
	cfg.Step(stack.StepSwitched, release)
	return nil
}

// remove stops a container gracefully (SIGTERM, then SIGKILL after the stop timeout)
// and removes it, even when ctx was cancelled.
func (s *dockerService) remove(ctx context.Context, ctr *testcontainers.DockerContainer) error {
	if ctr == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.st.d.stopTimeout+dockerStopTimeout)
	defer cancel()
	s.mu.Lock()
	keep := s.logs.dir != ""
	s.mu.Unlock()
	if keep {
		// Stopped first, so its file holds what it printed while stopping.
		timeout := s.st.d.stopTimeout
		_ = ctr.Stop(ctx, &timeout)
		s.keepLog(ctx, ctr)
	}
	if err := ctr.Terminate(ctx, testcontainers.StopTimeout(s.st.d.stopTimeout)); err != nil {
		return fmt.Errorf("remove container of %s: %w", s.spec.Name, err)
	}
	return nil
}

// setSwitch sends the service's new connections to upstream ("" refuses them at once,
// as a closed port would, while drill holds the service down). It is done even when ctx
// was cancelled: a switch left on a removed container would hang clients.
func (s *dockerService) setSwitch(ctx context.Context, upstream string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dockerStopTimeout)
	defer cancel()
	return s.st.front.Set(ctx, s.spec.Name, upstream)
}

// flipSwitch sends new connections to upstream and closes the connections still open
// on the release it replaces once they are quiet (start-first, blue-green and a flip
// back alike: the replaced container is idle until Reap).
func (s *dockerService) flipSwitch(ctx context.Context, upstream string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dockerStopTimeout)
	defer cancel()
	return s.st.front.Flip(ctx, s.spec.Name, upstream, stack.FlipQuiet, stack.FlipDrain)
}

// upstream is where the switch reaches a container: its address on the stack's network
// (read afresh: it changes when a container restarts or reconnects).
func (s *dockerService) upstream(ctx context.Context, ctr *testcontainers.DockerContainer) (string, error) {
	info, err := ctr.Inspect(ctx)
	if err != nil {
		return "", fmt.Errorf("inspect %s: %w", s.spec.Name, err)
	}
	return s.address(info)
}

// address is where the switch reaches the inspected container: its address on the
// stack's network.
func (s *dockerService) address(info *container.InspectResponse) (string, error) {
	if info.NetworkSettings != nil {
		if ep, ok := info.NetworkSettings.Networks[s.st.netName]; ok && ep != nil && ep.IPAddress.IsValid() {
			return net.JoinHostPort(ep.IPAddress.String(), strconv.Itoa(s.spec.Port)), nil
		}
	}
	return "", fmt.Errorf("inspect %s: no address on network %s", s.spec.Name, s.st.netName)
}

// run starts the named release in a new container and waits until its health path
// answers 2xx; it returns the container and the switch's upstream for it.
func (s *dockerService) run(ctx context.Context, release string) (*testcontainers.DockerContainer, string, error) {
	rel, err := stack.FindRelease(s.spec, release)
	if err != nil {
		return nil, "", fmt.Errorf("start %s: %w", s.spec.Name, err)
	}
	ref, err := s.st.images.Image(s.spec.Name, release)
	if err != nil {
		return nil, "", fmt.Errorf("start %s: %w", s.spec.Name, err)
	}
	s.mu.Lock()
	s.gen++
	s.made++
	gen := s.gen
	name := "drill-" + s.st.id + "-" + s.spec.Name + "-" + strconv.Itoa(s.made)
	s.mu.Unlock()
	port := strconv.Itoa(s.spec.Port) + "/tcp"
	vars := stack.MergeEnv(s.st.vars, map[string]string{"HOST": "0.0.0.0", "PORT": strconv.Itoa(s.spec.Port), "DATA_DIR": dockerDataMount})
	if hp := s.spec.Readiness().HealthPort(s.spec.Port); hp != 0 {
		vars["HEALTH_PORT"] = strconv.Itoa(hp)
	}
	env := stack.ExpandEnv(stack.MergeEnv(s.st.proxyEnv, s.st.endpointEnv, map[string]string{"DATA_DIR": dockerDataMount}, s.spec.Env, rel.Env), vars)
	env["HOST"], env["PORT"] = "0.0.0.0", strconv.Itoa(s.spec.Port)
	fixture := s.spec.Fixture != ""
	if fixture {
		env["LEDGER_RELEASE"], env["LEDGER_DATA"] = rel.Name, dockerDataMount
	}
	if err := stack.WriteFiles(s.dataDir, s.spec, rel, vars); err != nil {
		return nil, "", fmt.Errorf("start %s %s: %w", s.spec.Name, release, err)
	}
	timeout := s.spec.StartTimeout.D()
	if timeout <= 0 {
		timeout = dockerStartTimeout
	}
	ready := s.spec.Readiness()
	healthPort, extraPorts := readyPorts(ready, s.spec.Port)
	waitFor := readyStrategy{check: s.ready, port: healthPort, vars: vars, timeout: timeout}
	opts := []testcontainers.ContainerCustomizer{
		testcontainers.WithName(name),
		testcontainers.WithLabels(dockerWith(s.st.labels, LabelService, s.spec.Name)),
		testcontainers.WithLogger(s.st.d.logger),
		tcnetwork.WithNetworkName([]string{s.spec.Name}, s.st.netName),
		testcontainers.WithEnv(env),
		testcontainers.WithExposedPorts(append([]string{port}, extraPorts...)...),
		testcontainers.WithHostConfigModifier(dockerLoopbackPorts(append([]string{port}, extraPorts...))),
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			hc.Binds = append(hc.Binds, s.dataDir+":"+dockerDataMount)
		}),
		testcontainers.WithWaitStrategy(waitFor),
	}
	if argv := dockerCommand(s.spec, rel); len(argv) > 0 {
		// A command service runs its argv, expanded as on the process runtime, in the
		// Debian image, in its data directory.
		argv = stack.ExpandAll(argv, vars)
		opts = append(opts, testcontainers.WithConfigModifier(func(c *container.Config) {
			c.Entrypoint, c.Cmd, c.WorkingDir = argv, nil, dockerDataMount
		}))
	}
	if s.spec.StopSignal != "" {
		opts = append(opts, testcontainers.WithConfigModifier(func(c *container.Config) { c.StopSignal = s.spec.StopSignal }))
	}
	switch {
	case s.spec.User != "":
		opts = append(opts, testcontainers.WithConfigModifier(func(c *container.Config) { c.User = s.spec.User }))
	case fixture:
		// Fixture images are drill's own: run them as drill's user so the data they
		// write on the host belongs to whoever runs drill.
		opts = append(opts, testcontainers.WithConfigModifier(func(c *container.Config) {
			c.User = strconv.Itoa(os.Getuid()) + ":" + strconv.Itoa(os.Getgid())
		}))
	}
	ctr, err := testcontainers.Run(ctx, ref, opts...)
	if ctr != nil {
		s.st.names.Store(ctr.GetContainerID(), name)
		s.mu.Lock()
		s.logs.name(ctr.GetContainerID(), s.spec.Name, gen, release)
		s.mu.Unlock()
	}
	if err != nil {
		s.keepLog(ctx, ctr)
		return nil, "", dockerRunFailed(ctx, ctr, fmt.Errorf("start %s %s (%s; ready when %s, service port %d, within %s): %w",
			s.spec.Name, release, ref, ready.Describe(), s.spec.Port, timeout, err))
	}
	up, err := s.upstream(ctx, ctr)
	if err != nil {
		return nil, "", errors.Join(err, s.remove(ctx, ctr))
	}
	return ctr, up, nil
}

// dockerCommand is the argv a release of a command service runs in the Debian image:
// its own command, else the service's. A fixture, or a release with an image (the
// service's or its own), runs its image as built: its command is the process runtime's.
func dockerCommand(svc scenario.Service, rel scenario.Release) []string {
	switch {
	case svc.Fixture != "" || svc.Image != "" || rel.Image != "":
		return nil
	case len(rel.Command) > 0:
		return rel.Command
	}
	return svc.Command
}

// Kill implements Controller: SIGKILL to the container, no graceful shutdown. Nothing
// brings it back but a Revive, a Restart or a deploy.
func (s *dockerService) Kill(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	ctr, err := s.current()
	if err != nil {
		return err
	}
	if err := s.setSwitch(ctx, ""); err != nil {
		return fmt.Errorf("kill %s: %w", s.spec.Name, err)
	}
	if _, err := s.st.d.cli.ContainerKill(ctx, ctr.GetContainerID(), client.ContainerKillOptions{Signal: "KILL"}); err != nil {
		return fmt.Errorf("kill %s: %w", s.spec.Name, err)
	}
	// The kill's time is the signal's, as on the process runtime: the engine has
	// delivered SIGKILL when its API returns. Marked before the call (when the switch
	// cut new clients off), PostgreSQL acknowledged commits up to 386 ms after the
	// mark over connections it already held: the mark came before the death.
	stack.MarkEffect(ctx)
	return nil
}

// Revive implements Reviver: starts the service's container again when it is not
// running, as Docker's restart policy does; a running service is left alone.
func (s *dockerService) Revive(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	if s.running(ctx) {
		return nil
	}
	ctr, err := s.current()
	if err != nil || s.spec.Readiness().Log != "" {
		// A log check would pass on the line the container printed before it died: a new
		// container (on the same data) prints afresh.
		return s.recreate(ctx, s.Release(), stack.NewDeployConfig(s.spec, nil))
	}
	return s.startAgain(ctx, ctr)
}

// startAgain starts a stopped container, waits until healthy, and switches to it.
func (s *dockerService) startAgain(ctx context.Context, ctr *testcontainers.DockerContainer) error {
	// Start runs the container's wait strategy again: it returns once healthy.
	if err := ctr.Start(ctx); err != nil {
		return fmt.Errorf("start %s again: %w%s", s.spec.Name, err, dockerLogSuffix(ctx, ctr))
	}
	up, err := s.upstream(ctx, ctr)
	if err != nil {
		return err
	}
	return s.setSwitch(ctx, up)
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
	if s.spec.Readiness().Log != "" {
		// A log check would pass on the line printed before the restart: a new container
		// (same release, same data) is checked afresh.
		return s.recreate(ctx, s.Release(), stack.NewDeployConfig(s.spec, nil))
	}
	if err := s.setSwitch(ctx, ""); err != nil {
		return fmt.Errorf("restart %s: %w", s.spec.Name, err)
	}
	timeout := s.st.d.stopTimeout
	if err := ctr.Stop(ctx, &timeout); err != nil {
		return fmt.Errorf("restart %s: %w", s.spec.Name, err)
	}
	return s.startAgain(ctx, ctr)
}

// Stop implements the stop fault: a graceful stop that leaves the container stopped
// (Restart, Revive or a redeploy brings it back).
func (s *dockerService) Stop(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	ctr, err := s.current()
	if err != nil {
		return err
	}
	if err := s.setSwitch(ctx, ""); err != nil {
		return fmt.Errorf("stop %s: %w", s.spec.Name, err)
	}
	stack.MarkEffect(ctx) // the clients are cut off from here on
	timeout := s.st.d.stopTimeout
	if err := ctr.Stop(ctx, &timeout); err != nil {
		return fmt.Errorf("stop %s: %w", s.spec.Name, err)
	}
	return nil
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
	_, err = s.st.d.cli.NetworkConnect(ctx, s.st.netID, client.NetworkConnectOptions{
		Container: ctr.GetContainerID(), EndpointConfig: endpoint,
	})
	if err != nil {
		return fmt.Errorf("reconnect %s: %w", s.spec.Name, err)
	}
	// The container may come back on another address: the switch follows it.
	up, err := s.upstream(ctx, ctr)
	if err != nil {
		return fmt.Errorf("reconnect %s: %w", s.spec.Name, err)
	}
	return s.setSwitch(ctx, up)
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
