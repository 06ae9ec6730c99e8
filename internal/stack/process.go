package stack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"

	"github.com/drillhq/drill/internal/fixture"
	"github.com/drillhq/drill/internal/scenario"
)

// Process is the runtime that starts services as local processes on 127.0.0.1 with
// an embedded Toxiproxy in front of them. It needs no container engine.
type Process struct{}

// NewProcess returns the process runtime.
func NewProcess() *Process { return &Process{} }

// Name implements Runtime.
func (*Process) Name() string { return "process" }

// Up implements Runtime.
func (*Process) Up(ctx context.Context, spec scenario.Stack, opts ...UpOption) (Stack, error) {
	cfg := NewUpConfig(opts...)
	st := &processStack{services: map[string]*processService{}}
	if cfg.DataDir == "" {
		dir, err := os.MkdirTemp("", "drill-run-")
		if err != nil {
			return nil, fmt.Errorf("make data dir: %w", err)
		}
		cfg.DataDir, st.ownedDir = dir, dir
	}
	tp, err := startToxiproxy(ctx)
	if err != nil {
		return st, err
	}
	st.toxi = tp
	for _, svc := range spec.Services {
		s, err := newProcessService(svc, filepath.Join(cfg.DataDir, svc.Name))
		if err != nil {
			return st, err
		}
		st.services[svc.Name] = s
		st.order = append(st.order, s)
	}
	// Scenario proxies first, on ports chosen now, so every service starts knowing
	// where to reach them (DRILL_PROXY_<NAME>).
	proxyEnv := map[string]string{}
	for _, p := range spec.Proxies {
		up, ok := st.services[p.Upstream]
		if !ok {
			return st, fmt.Errorf("create proxy %s: unknown upstream service %q", p.Name, p.Upstream)
		}
		addr, err := tp.createProxyAt(p.Name, "127.0.0.1:0", up.addr)
		if err != nil {
			return st, err
		}
		proxyEnv[EnvName(ProxyEnvPrefix, p.Name)] = addr
	}
	for _, s := range st.order {
		s.extraEnv = proxyEnv
		if err := s.start(ctx, s.spec.Release, true); err != nil {
			return st, err
		}
		if s.endpoint, err = tp.createProxy(s.spec.Name, s.addr); err != nil {
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
	downOnce sync.Once
	downErr  error
}

func (s *processStack) Service(name string) (Service, error) {
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
	return s.toxi.client
}

// Down stops services in reverse start order, then the proxies, then removes owned data.
func (s *processStack) Down(ctx context.Context) error {
	s.downOnce.Do(func() {
		ctx = context.WithoutCancel(ctx)
		var errs []error
		for i := len(s.order) - 1; i >= 0; i-- {
			errs = append(errs, s.order[i].stop(ctx))
		}
		if s.toxi != nil {
			errs = append(errs, s.toxi.close())
		}
		if s.ownedDir != "" {
			errs = append(errs, os.RemoveAll(s.ownedDir))
		}
		s.downErr = errors.Join(errs...)
	})
	return s.downErr
}

// processService is one service run as a child process on a fixed loopback port.
type processService struct {
	spec     scenario.Service
	dataDir  string
	addr     string // 127.0.0.1:port the process listens on
	endpoint string // front proxy address

	// extraEnv is added to every release's environment (the scenario proxies' addresses).
	extraEnv map[string]string

	mu      sync.Mutex
	proc    *child
	release string
}

func newProcessService(spec scenario.Service, dataDir string) (*processService, error) {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("make data dir for %s: %w", spec.Name, err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	return &processService{spec: spec, dataDir: dataDir, addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}, nil
}

func (s *processService) Endpoint() string { return s.endpoint }

func (s *processService) Release() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.release
}

// Deploy stops the running release gracefully and starts the named one on the same port.
func (s *processService) Deploy(ctx context.Context, release string) error {
	if err := s.stop(ctx); err != nil {
		return fmt.Errorf("deploy %s %s: %w", s.spec.Name, release, err)
	}
	return s.start(ctx, release, false)
}

// Kill implements Controller: SIGKILL to the service's process group.
func (s *processService) Kill(ctx context.Context) error {
	s.mu.Lock()
	p := s.proc
	s.mu.Unlock()
	if p == nil {
		return fmt.Errorf("kill %s: not running", s.spec.Name)
	}
	return p.kill()
}

// Pause implements Controller with SIGSTOP / SIGCONT to the process group.
func (s *processService) Pause(ctx context.Context, paused bool) error {
	s.mu.Lock()
	p := s.proc
	s.mu.Unlock()
	if p == nil {
		return fmt.Errorf("pause %s: not running", s.spec.Name)
	}
	return p.pause(paused)
}

// Stop ends the service gracefully and leaves it stopped (the stop fault).
func (s *processService) Stop(ctx context.Context) error { return s.stop(ctx) }

// Restart implements Controller: stop, then start the same release again.
func (s *processService) Restart(ctx context.Context) error {
	return s.Deploy(ctx, s.Release())
}

// start runs the release and waits until it answers its health path: with a 2xx when
// healthy is set (stack start), with any status otherwise (a deploy).
func (s *processService) start(ctx context.Context, release string, healthy bool) error {
	rel, err := findRelease(s.spec, release)
	if err != nil {
		return err
	}
	argv, err := s.command(rel)
	if err != nil {
		return err
	}
	_, port, _ := net.SplitHostPort(s.addr)
	env := mergeEnv(s.extraEnv, s.spec.Env, rel.Env)
	env["HOST"], env["PORT"] = "127.0.0.1", port
	if s.spec.Fixture != "" {
		env["LEDGER_RELEASE"], env["LEDGER_DATA"] = rel.Name, s.dataDir
	}
	p, err := startChild(argv, env, s.dataDir)
	if err != nil {
		return fmt.Errorf("start %s %s: %w", s.spec.Name, release, err)
	}
	s.mu.Lock()
	s.proc, s.release = p, release
	s.mu.Unlock()
	timeout := s.spec.StartTimeout.D()
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	url := "http://" + s.addr + s.spec.Health
	if err := waitServing(ctx, url, timeout, healthy, p.exited); err != nil {
		return fmt.Errorf("start %s %s: %w%s", s.spec.Name, release, err, p.tail())
	}
	return nil
}

func (s *processService) stop(ctx context.Context) error {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p == nil {
		return nil
	}
	return p.stop(5 * time.Second)
}

// command is the argv that runs a release: its own command, the service's, or the fixture binary.
func (s *processService) command(rel scenario.Release) ([]string, error) {
	switch {
	case len(rel.Command) > 0:
		return rel.Command, nil
	case len(s.spec.Command) > 0:
		return s.spec.Command, nil
	case s.spec.Fixture != "":
		bin, err := fixture.Locate(s.spec.Fixture)
		if err != nil {
			return nil, fmt.Errorf("start %s: %w", s.spec.Name, err)
		}
		return []string{bin}, nil
	}
	return nil, fmt.Errorf("start %s: the process runtime needs a fixture or a command (image %q runs only on the docker runtime)", s.spec.Name, s.spec.Image)
}

func findRelease(spec scenario.Service, name string) (scenario.Release, error) {
	for _, r := range spec.Releases {
		if r.Name == name {
			return r, nil
		}
	}
	return scenario.Release{}, fmt.Errorf("find release %q of %s: not declared", name, spec.Name)
}

func mergeEnv(layers ...map[string]string) map[string]string {
	env := map[string]string{}
	for _, l := range layers {
		for k, v := range l {
			env[k] = v
		}
	}
	return env
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
