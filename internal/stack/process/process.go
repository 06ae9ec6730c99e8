// Package process is the process runtime: each service a local process (its own
// process group, cgroup and, when asked, user) behind a switch and a front proxy of an
// embedded Toxiproxy, all on 127.0.0.1.
package process

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"

	"github.com/drillhq/drill/internal/fixture"
	"github.com/drillhq/drill/internal/outpath"
	"github.com/drillhq/drill/internal/readiness"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// Runtime is the runtime that starts services as local processes on 127.0.0.1 with
// an embedded Toxiproxy and a switch in front of each. It needs no container engine.
type Runtime struct{}

// New returns the process runtime.
func New() *Runtime { return &Runtime{} }

// Name implements stack.Runtime.
func (*Runtime) Name() string { return "process" }

// Up implements stack.Runtime.
func (*Runtime) Up(ctx context.Context, spec scenario.Stack, opts ...stack.UpOption) (stack.Stack, error) {
	cfg := stack.NewUpConfig(opts...)
	st := &processStack{services: map[string]*processService{}, spec: spec}
	services, err := scenario.StartOrder(spec.Services)
	if err != nil {
		return nil, fmt.Errorf("start stack: %w", err)
	}
	if cfg.DataDir == "" {
		dir, err := stack.MakeTempDir("run")
		if err != nil {
			return nil, fmt.Errorf("make data dir: %w", err)
		}
		cfg.DataDir, st.ownedDir = dir, dir
	}
	st.root = cfg.DataDir
	tp, err := startToxiproxy(ctx)
	if err != nil {
		return st, err
	}
	st.toxi = tp
	logDir := cfg.OutputDir
	if logDir == "" {
		logDir = cfg.DataDir
	}
	// Every service's switch first, refusing until the service runs: the proxies in
	// front of a service forward to its switch, which follows its deploys. Services
	// start in depends_on order and stop in the reverse.
	vars := map[string]string{}
	endpointEnv := map[string]string{}
	checks := cfg.Readiness
	if checks == nil {
		checks = readiness.NewRegistry()
	}
	for _, svc := range services {
		dataDir, err := outpath.File(cfg.DataDir, svc.Name)
		if err != nil {
			return st, fmt.Errorf("start stack: %w", err)
		}
		s, err := newProcessService(svc, dataDir, logDir, tp)
		if err != nil {
			return st, err
		}
		if s.ready, err = checks.ReadyCheck(svc.Readiness()); err != nil {
			return st, fmt.Errorf("start %s: %w", svc.Name, err)
		}
		st.services[svc.Name] = s
		st.order = append(st.order, s)
		vars[stack.EnvName(stack.VarEndpointPrefix, svc.Name)] = s.switchAddr
		endpointEnv[stack.EnvName(stack.EndpointEnvPrefix, svc.Name)] = s.switchAddr
	}
	// Scenario proxies next, on ports chosen now, so every service starts knowing
	// where to reach them (DRILL_PROXY_<NAME>).
	proxyEnv := map[string]string{}
	for _, p := range spec.Proxies {
		up, ok := st.services[p.Upstream]
		if !ok {
			return st, fmt.Errorf("create proxy %s: unknown upstream service %q", p.Name, p.Upstream)
		}
		addr, err := tp.CreateProxy(p.Name, "127.0.0.1:0", up.switchAddr)
		if err != nil {
			return st, err
		}
		proxyEnv[stack.EnvName(stack.ProxyEnvPrefix, p.Name)] = addr
		vars[stack.EnvName(stack.VarProxyPrefix, p.Name)] = addr
	}
	for _, s := range st.order {
		s.extraEnv, s.vars = stack.MergeEnv(endpointEnv, proxyEnv), vars
		if err := s.Deploy(ctx, s.spec.Release); err != nil {
			return st, err
		}
		if s.endpoint, err = tp.createProxy(s.spec.Name, s.switchAddr); err != nil {
			return st, err
		}
	}
	return st, nil
}

// processStack is a stack of local processes behind an embedded Toxiproxy.
type processStack struct {
	services map[string]*processService
	order    []*processService
	toxi     *embeddedToxiproxy
	ownedDir string
	root     string         // where the services' data directories are
	spec     scenario.Stack // what Up started, which Reset starts again
	downOnce sync.Once
	downErr  error
}

func (s *processStack) Service(name string) (stack.Service, error) {
	svc, ok := s.services[name]
	if !ok {
		return nil, fmt.Errorf("find service %q: not in the stack", name)
	}
	return svc, nil
}

func (s *processStack) Toxiproxy() *toxiclient.Client {
	if s.toxi == nil {
		return nil
	}
	return s.toxi.Client
}

// Down stops services in reverse start order, then the proxies, then removes owned data.
func (s *processStack) Down(ctx context.Context) error {
	s.downOnce.Do(func() {
		ctx = context.WithoutCancel(ctx)
		var errs []error
		for i := len(s.order) - 1; i >= 0; i-- {
			errs = append(errs, s.order[i].halt(ctx))
		}
		if s.toxi != nil {
			errs = append(errs, s.toxi.Close())
		}
		if s.ownedDir != "" {
			errs = append(errs, os.RemoveAll(s.ownedDir))
		}
		s.downErr = errors.Join(errs...)
	})
	return s.downErr
}

// processService is one service run as child processes on loopback, each instance on a
// port of its own behind the service's switch (two instances overlap in a start-first
// deploy).
type processService struct {
	spec       scenario.Service
	dataDir    string
	logDir     string              // where each instance's output file goes
	cred       *syscall.Credential // the service's user; nil: drill's
	endpoint   string              // front proxy address
	switchAddr string              // the switch the front proxy forwards to
	front      *embeddedToxiproxy
	ready      stack.ReadyCheck // the service's readiness check, polled on every start

	// extraEnv is added to every release's environment (the addresses of the stack's
	// services and scenario proxies); vars are the ${NAME} wiring variables of the stack.
	extraEnv map[string]string
	vars     map[string]string

	op       sync.Mutex // serialises lifecycle operations (deploy, kill, restart, stop)
	mu       sync.Mutex // guards the fields below
	proc     *child     // the instance serving now; nil when none
	addr     string     // where proc listens
	release  string
	gen      int            // instances started so far: names their output files
	draining sync.WaitGroup // old instances of start-first deploys, still stopping
	// standby is the previous release of a blue-green deploy, running idle behind the
	// switch; FlipBack routes to it again.
	standby *instance
	// snapshots counts the data snapshots taken (Restorer).
	snapshots int
	// spare is a command service's next instance, started ahead (spare.go); spares
	// counts spares being started; halted: the stack is going down, start no more.
	spare  *spare
	spares sync.WaitGroup
	halted bool
}

// instance is one running release of a service.
type instance struct {
	proc    *child
	addr    string
	release string
}

var (
	_ stack.Service    = (*processService)(nil)
	_ stack.Controller = (*processService)(nil)
	_ stack.Pauser     = (*processService)(nil)
	_ stack.Reviver    = (*processService)(nil)
	_ stack.Flipper    = (*processService)(nil)
	_ stack.DataKeeper = (*processService)(nil)
)

func newProcessService(spec scenario.Service, dataDir, logDir string, front *embeddedToxiproxy) (*processService, error) {
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return nil, fmt.Errorf("make output dir for %s: %w", spec.Name, err)
	}
	cred, err := runAs(spec.User)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", spec.Name, err)
	}
	s := &processService{spec: spec, dataDir: dataDir, logDir: logDir, front: front, cred: cred}
	if err := s.makeDataDir(dataDir); err != nil {
		return nil, err
	}
	if s.switchAddr, err = front.createSwitch(spec.Name); err != nil {
		return nil, err
	}
	return s, nil
}

// makeDataDir makes the service's data directory, owned by the service's own user when
// it has one: a database refuses a directory it cannot write.
func (s *processService) makeDataDir(dataDir string) error {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return fmt.Errorf("make data dir for %s: %w", s.spec.Name, err)
	}
	if s.cred == nil {
		return nil
	}
	if err := os.Chown(dataDir, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
		return fmt.Errorf("give data dir of %s to user %s: %w", s.spec.Name, s.spec.User, err)
	}
	if err := openPathFor(dataDir, filepath.Dir(dataDir), s.cred.Uid); err != nil {
		return fmt.Errorf("open data dir of %s to user %s: %w", s.spec.Name, s.spec.User, err)
	}
	return nil
}

// DataDir is the directory that holds the service's durable data: the same across
// kills, restarts and deploys within the stack.
func (s *processService) DataDir() string { return s.dataDir }

func (s *processService) Endpoint() string { return s.endpoint }

func (s *processService) Release() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.release
}

// Deploy implements Service with the service's strategy: start-first starts the release
// on a new port beside the running one and switches once it is ready (the old instance
// drains in the background); recreate stops the running one first. When ctx ends before
// the switch the deploy is aborted: the new instance is stopped, the old one (start-first)
// goes on serving.
func (s *processService) Deploy(ctx context.Context, release string, opts ...stack.DeployOption) error {
	s.op.Lock()
	defer s.op.Unlock()
	cfg := stack.NewDeployConfig(s.spec, opts)
	s.mu.Lock()
	running := s.proc != nil && !s.proc.done()
	s.mu.Unlock()
	if cfg.Strategy == scenario.StrategyRecreate || !running {
		return s.recreate(ctx, release, cfg)
	}
	p, addr, err := s.launch(ctx, release)
	if err != nil {
		return err
	}
	cfg.Step(stack.StepReady, release)
	if cfg.Strategy == scenario.StrategyBlueGreen {
		s.front.flipSwitch(s.spec.Name, addr)
	} else {
		s.front.setSwitch(s.spec.Name, addr)
	}
	s.mu.Lock()
	old := &instance{proc: s.proc, addr: s.addr, release: s.release}
	s.proc, s.addr, s.release = p, addr, release
	s.mu.Unlock()
	cfg.Step(stack.StepSwitched, release)
	if cfg.Strategy == scenario.StrategyBlueGreen {
		// The previous release stands by, idle, for a flip back; an older standby goes.
		s.mu.Lock()
		prev := s.standby
		s.standby = old
		s.mu.Unlock()
		if prev != nil {
			s.drain(prev, stack.DeployConfig{})
		}
		return nil
	}
	s.drain(old, cfg)
	return nil
}

// drain stops an instance that no longer takes new connections, in the background:
// it finishes the requests it has, then exits. The stop waits until the connections
// the switch sent it before the flip have reached it and it has accepted them: stopping
// closes its listener, and a connection still being dialled or waiting in the accept
// queue would be refused or reset, an outage of drill's making (seen on a loaded
// machine, where the instance accepted 300 ms late).
func (s *processService) drain(old *instance, cfg stack.DeployConfig) {
	s.draining.Add(1)
	go func() {
		defer s.draining.Done()
		s.awaitAccepted(old.addr)
		_ = old.proc.stop(stopGrace)
		cfg.Step(stack.StepDrained, "")
	}()
}

// awaitAccepted waits until the instance at addr (in drill's network namespace) has
// accepted what the switch sent it (awaitAccepted).
func (s *processService) awaitAccepted(addr string) {
	_, p, err := net.SplitHostPort(addr)
	port, perr := strconv.Atoi(p)
	if err != nil || perr != nil {
		return
	}
	dialing := func(context.Context) int { return s.front.dialing(s.spec.Name, addr) }
	stack.AwaitAccepted(context.Background(), dialing, stack.SelfNet, port)
}

// FlipBack implements Flipper: the standing-by previous release takes new connections
// again and the current one drains.
func (s *processService) FlipBack(ctx context.Context, opts ...stack.DeployOption) error {
	s.op.Lock()
	defer s.op.Unlock()
	cfg := stack.NewDeployConfig(s.spec, opts)
	s.mu.Lock()
	sb := s.standby
	s.mu.Unlock()
	if sb == nil || sb.proc.done() {
		return fmt.Errorf("flip back %s: no previous release is standing by (deploy with strategy blue-green)", s.spec.Name)
	}
	s.front.flipSwitch(s.spec.Name, sb.addr)
	s.mu.Lock()
	cur := &instance{proc: s.proc, addr: s.addr, release: s.release}
	s.proc, s.addr, s.release, s.standby = sb.proc, sb.addr, sb.release, nil
	s.mu.Unlock()
	cfg.Step(stack.StepSwitched, sb.release)
	if cur.proc != nil {
		s.drain(cur, cfg)
	}
	return nil
}

// stopGrace is how long a stopped instance may take to exit before it is killed.
const stopGrace = 5 * time.Second

// recreate stops what runs, then starts release; nothing serves in between.
func (s *processService) recreate(ctx context.Context, release string, cfg stack.DeployConfig) error {
	s.front.setSwitch(s.spec.Name, "")
	s.mu.Lock()
	old := s.proc
	s.proc, s.addr, s.release = nil, "", ""
	s.mu.Unlock()
	if old != nil {
		cfg.Step(stack.StepStopping, "")
		if err := old.stop(stopGrace); err != nil {
			return fmt.Errorf("deploy %s %s: %w", s.spec.Name, release, err)
		}
		cfg.Step(stack.StepDrained, "")
	}
	p, addr, err := s.launch(ctx, release)
	if err != nil {
		return err
	}
	cfg.Step(stack.StepReady, release)
	s.mu.Lock()
	s.proc, s.addr, s.release = p, addr, release
	s.mu.Unlock()
	s.front.setSwitch(s.spec.Name, addr)
	cfg.Step(stack.StepSwitched, release)
	return nil
}

// Kill implements Controller: SIGKILL to the service's process group. Nothing brings
// it back but a Revive, a Restart or a deploy.
func (s *processService) Kill(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	s.mu.Lock()
	p := s.proc
	s.mu.Unlock()
	if p == nil {
		return fmt.Errorf("kill %s: not running", s.spec.Name)
	}
	return p.kill(func() { stack.MarkEffect(ctx) })
}

// Revive implements Reviver: starts the current release again when nothing of the
// service runs (a supervisor's restart after a crash); a service running is left alone.
func (s *processService) Revive(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	s.mu.Lock()
	running, release := s.proc != nil && !s.proc.done(), s.release
	s.mu.Unlock()
	if running {
		return nil
	}
	return s.recreate(ctx, release, stack.NewDeployConfig(s.spec, nil))
}

// Pause implements Controller with SIGSTOP / SIGCONT to the process group.
func (s *processService) Pause(ctx context.Context, paused bool) error {
	s.mu.Lock()
	p := s.proc
	s.mu.Unlock()
	if p == nil {
		return fmt.Errorf("pause %s: not running", s.spec.Name)
	}
	var mark func()
	if paused {
		mark = func() { stack.MarkEffect(ctx) }
	}
	return p.pause(paused, mark)
}

// Stop ends the service gracefully and leaves it stopped (the stop fault).
func (s *processService) Stop(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	s.mu.Lock()
	p := s.proc
	s.mu.Unlock()
	if p == nil {
		return nil
	}
	stack.MarkEffect(ctx) // stop's first act is the stop signal
	return p.stop(stopGrace)
}

// Restart implements Controller: stop, then start the same release again.
func (s *processService) Restart(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	return s.recreate(ctx, s.Release(), stack.NewDeployConfig(s.spec, nil))
}

// launch starts an instance of release on free ports and waits until it passes the
// service's readiness check; on any failure (or ctx ending) the instance is killed again.
func (s *processService) launch(ctx context.Context, release string) (*child, string, error) {
	rel, err := stack.FindRelease(s.spec, release)
	if err != nil {
		return nil, "", err
	}
	argv, own, err := s.command(rel)
	if err != nil {
		return nil, "", err
	}
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	addr := hostPort(port)
	ready := s.spec.Readiness()
	vars := stack.MergeEnv(s.vars, map[string]string{"HOST": "127.0.0.1", "PORT": strconv.Itoa(port), "DATA_DIR": s.dataDir})
	healthAddr := addr
	if ready.HealthPort(s.spec.Port) != 0 {
		hp, err := freePort()
		if err != nil {
			return nil, "", err
		}
		vars["HEALTH_PORT"], healthAddr = strconv.Itoa(hp), hostPort(hp)
	}
	env := stack.ExpandEnv(stack.MergeEnv(s.extraEnv, map[string]string{"DATA_DIR": s.dataDir}, s.spec.Env, rel.Env), vars)
	env["HOST"], env["PORT"] = "127.0.0.1", vars["PORT"]
	if hp, ok := vars["HEALTH_PORT"]; ok {
		env["HEALTH_PORT"] = hp
	}
	if s.spec.Fixture != "" {
		env["LEDGER_RELEASE"], env["LEDGER_DATA"] = rel.Name, s.dataDir
	}
	if err := stack.WriteFiles(s.dataDir, s.spec, rel, vars); err != nil {
		return nil, "", fmt.Errorf("start %s %s: %w", s.spec.Name, release, err)
	}
	s.mu.Lock()
	s.gen++
	logPath, err := outpath.File(s.logDir, fmt.Sprintf("%s.%d.%s.log", s.spec.Name, s.gen, release))
	s.mu.Unlock()
	if err != nil {
		return nil, "", fmt.Errorf("start %s %s: %w", s.spec.Name, release, err)
	}
	p, err := s.start(stack.ExpandAll(argv, vars), own, env, logPath)
	if err != nil {
		return nil, "", fmt.Errorf("start %s %s: %w", s.spec.Name, release, err)
	}
	p.stopSig = stopSignals[s.spec.StopSignal]
	timeout := s.spec.StartTimeout.D()
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	target := &instanceTarget{healthAddr: healthAddr, env: env, vars: vars, logPath: logPath}
	if err := waitReady(ctx, s.ready, target, timeout, p.exited); err != nil {
		_ = p.kill(nil)
		return nil, "", fmt.Errorf("start %s %s: %w (ready when %s)%s", s.spec.Name, release, err, ready.Describe(), p.tail())
	}
	if !own {
		s.refillSpare() // for the next start of the command
	}
	return p, addr, nil
}

// halt stops every instance of the service, draining ones included (teardown).
func (s *processService) halt(ctx context.Context) error {
	s.op.Lock()
	defer s.op.Unlock()
	s.dropSpare()
	return s.stopAll()
}

// stopAll stops every instance of the service, the standing-by one and those draining
// included; the caller holds op.
func (s *processService) stopAll() error {
	s.mu.Lock()
	p, sb := s.proc, s.standby
	s.proc, s.standby, s.addr, s.release = nil, nil, "", ""
	s.mu.Unlock()
	var errs []error
	if p != nil {
		errs = append(errs, p.stop(stopGrace))
	}
	if sb != nil {
		errs = append(errs, sb.proc.stop(stopGrace))
	}
	s.draining.Wait()
	return errors.Join(errs...)
}

// command is the argv that runs a release: its own command, the service's, or the fixture
// as a subcommand of the drill binary (own: drill's own program).
func (s *processService) command(rel scenario.Release) (argv []string, own bool, err error) {
	switch {
	case len(rel.Command) > 0:
		return rel.Command, false, nil
	case len(s.spec.Command) > 0:
		return s.spec.Command, false, nil
	case s.spec.Fixture != "":
		prog, err := fixture.Locate(s.spec.Fixture)
		if err != nil {
			return nil, false, fmt.Errorf("start %s: %w", s.spec.Name, err)
		}
		return prog.Argv(), true, nil
	}
	return nil, false, fmt.Errorf("start %s: the process runtime needs a fixture or a command (image %q runs only on the docker runtime)", s.spec.Name, s.spec.Image)
}

// Registration registers the process runtime: always available.
func Registration() stack.Registration {
	return stack.Registration{
		Name:        (*Runtime)(nil).Name(),
		Description: "services as local processes, Toxiproxy embedded in drill",
		New: func(context.Context) (stack.Runtime, []string, error) {
			return New(), nil, nil
		},
		Available: func(context.Context) error { return nil },
		Clean:     Clean,
		Capabilities: stack.Capabilities{stack.CapProxy, stack.CapKill, stack.CapPause, stack.CapRestart, stack.CapStop, stack.CapRevive,
			stack.CapDataDir, stack.CapSnapshot, stack.CapFlip, stack.CapExec, stack.CapLog, stack.CapCommand, stack.CapFixture, stack.CapDeploy, stack.CapReuse},
	}
}
