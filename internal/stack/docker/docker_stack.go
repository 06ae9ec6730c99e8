package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tcnetwork "github.com/testcontainers/testcontainers-go/network"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/drillhq/drill/internal/front"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// dockerStack is one stack of containers on a network of its own.
type dockerStack struct {
	d       *Runtime
	id      string
	labels  map[string]string
	netID   string
	netName string
	images  Images
	owned   string         // temporary data root made by Up (or a reset), removed by Down
	root    string         // the data root in use: owned, or the caller's
	spec    scenario.Stack // what Up started, which Reset starts again

	toxi       *testcontainers.DockerContainer
	toxiClient *toxiclient.Client
	front      *front.Client // the switches, served by the proxy container
	services   map[string]*dockerService
	order      []*dockerService
	proxies    map[string]int // proxy name → listen port inside the Toxiproxy container
	// switchPorts: service name → its switch's port in the proxy container, where the
	// front proxy and the other services reach it.
	switchPorts map[string]int
	proxyEnv    map[string]string // DRILL_PROXY_<NAME> → toxiproxy:port, for every service
	// endpointEnv is DRILL_ENDPOINT_<SERVICE> → the service's switch on the stack network
	// (toxiproxy:port), for every service; vars are the ${NAME} wiring variables
	// (ENDPOINT_<SERVICE>, PROXY_<NAME>).
	endpointEnv map[string]string
	vars        map[string]string
	endpoints   map[string]string // proxy name → host:port on the host

	// names maps the id of each container the stack created to its name, so a teardown
	// that cannot reach the engine can still name what it leaves (leftBehind).
	names sync.Map

	downMu sync.Mutex
}

var (
	_ stack.Stack  = (*dockerStack)(nil)
	_ stack.Reaper = (*dockerStack)(nil)
)

func (st *dockerStack) up(ctx context.Context, spec scenario.Stack, cfg stack.UpConfig) error {
	st.spec = spec
	checks, err := readyChecks(spec, cfg.Readiness)
	if err != nil {
		return err
	}
	if st.images, err = imageEnsure(ctx, st.d.cli, spec, imageConfig{log: io.Discard}); err != nil {
		return err
	}
	root := cfg.DataDir
	if root == "" {
		if root, err = stack.MakeTempDir("data"); err != nil {
			return fmt.Errorf("make data dir: %w", err)
		}
		st.owned = root
	}
	st.root = root
	if err := st.planProxies(spec); err != nil {
		return err
	}
	services, err := scenario.StartOrder(spec.Services)
	if err != nil {
		return fmt.Errorf("start stack: %w", err)
	}
	for _, svc := range services {
		dir, err := stack.ServiceDataDir(root, svc.Name)
		if err != nil {
			return err
		}
		s := &dockerService{st: st, spec: svc, dataDir: dir, ready: checks[svc.Name], logs: dockerLogs{dir: cfg.OutputDir}}
		st.services[svc.Name] = s
		st.order = append(st.order, s)
	}
	st.netName = "drill-" + st.id
	if err := st.dockerCreateNetwork(ctx); err != nil {
		return err
	}
	if err := st.startAll(ctx); err != nil {
		return err
	}
	return st.createProxies(ctx, spec)
}

// planProxies gives every front proxy (one per service, named after it) and every
// scenario proxy a listen port inside the Toxiproxy container.
func (st *dockerStack) planProxies(spec scenario.Stack) error {
	port := dockerProxyPortBase
	for _, svc := range spec.Services {
		if _, dup := st.proxies[svc.Name]; dup {
			return fmt.Errorf("plan proxies: service %q declared twice", svc.Name)
		}
		st.proxies[svc.Name] = port
		port++
	}
	st.proxyEnv, st.endpointEnv, st.vars = map[string]string{}, map[string]string{}, map[string]string{}
	// Services reach each other through the target's switch, as through a Kubernetes
	// Service: it follows the target's deploys and refuses at once while nothing serves.
	// The target's own alias would resolve to a container's address, which a kill leaves
	// unanswered: a client's SYN to it is retried after 1, 3, 7, 15, 31 s, so the client
	// recovered up to half a minute after the service did (measured on PostgreSQL).
	st.switchPorts = map[string]int{}
	for i, svc := range spec.Services {
		st.switchPorts[svc.Name] = dockerSwitchPortBase + i
		direct := net.JoinHostPort(dockerToxiproxyAlias, strconv.Itoa(st.switchPorts[svc.Name]))
		st.endpointEnv[stack.EnvName(stack.EndpointEnvPrefix, svc.Name)] = direct
		st.vars[stack.EnvName(stack.VarEndpointPrefix, svc.Name)] = direct
	}
	for _, p := range spec.Proxies {
		if _, dup := st.proxies[p.Name]; dup {
			return fmt.Errorf("plan proxies: proxy %q clashes with a service or another proxy", p.Name)
		}
		st.proxies[p.Name] = port
		// Services reach a scenario proxy inside the network, at Toxiproxy's alias.
		st.proxyEnv[stack.EnvName(stack.ProxyEnvPrefix, p.Name)] = net.JoinHostPort(dockerToxiproxyAlias, strconv.Itoa(port))
		st.vars[stack.EnvName(stack.VarProxyPrefix, p.Name)] = st.proxyEnv[stack.EnvName(stack.ProxyEnvPrefix, p.Name)]
		port++
	}
	return nil
}

// startAll starts the proxy container, makes every service's switch in it, then starts
// the services: one after the other in depends_on order when any service depends on
// another, else all at once; each switches to itself.
func (st *dockerStack) startAll(ctx context.Context) error {
	if err := st.startToxiproxy(ctx); err != nil {
		return err
	}
	for _, s := range st.order {
		s.switchPort = st.switchPorts[s.spec.Name]
		if _, err := st.front.Create(ctx, s.spec.Name, "0.0.0.0:"+strconv.Itoa(s.switchPort), ""); err != nil {
			return err
		}
	}
	specs := make([]scenario.Service, len(st.order))
	for i, s := range st.order {
		specs[i] = s.spec
	}
	return stack.DeployAll(ctx, st.order, specs)
}

func (st *dockerStack) startToxiproxy(ctx context.Context) error {
	ports := []string{strconv.Itoa(dockerToxiproxyAPIPort) + "/tcp"}
	for _, p := range st.proxies {
		ports = append(ports, strconv.Itoa(p)+"/tcp")
	}
	labels := dockerWith(st.labels, LabelService, dockerToxiproxyAlias)
	ctr, err := testcontainers.Run(ctx, st.images.Toxiproxy,
		testcontainers.WithName("drill-"+st.id+"-"+dockerToxiproxyAlias),
		testcontainers.WithLabels(labels),
		testcontainers.WithLogger(st.d.logger),
		tcnetwork.WithNetworkName([]string{dockerToxiproxyAlias}, st.netName),
		testcontainers.WithExposedPorts(ports...),
		testcontainers.WithHostConfigModifier(dockerLoopbackPorts(ports)),
		testcontainers.WithWaitStrategy(wait.ForHTTP("/version").
			WithPort(strconv.Itoa(dockerToxiproxyAPIPort)+"/tcp").
			WithStartupTimeout(dockerStartTimeout).WithPollInterval(dockerPollInterval)),
	)
	if err != nil {
		return dockerRunFailed(ctx, ctr, fmt.Errorf("start toxiproxy: %w", err))
	}
	st.toxi = ctr
	st.names.Store(ctr.GetContainerID(), "drill-"+st.id+"-"+dockerToxiproxyAlias)
	api, err := dockerHostPort(ctx, ctr, dockerToxiproxyAPIPort)
	if err != nil {
		return fmt.Errorf("start toxiproxy: %w", err)
	}
	st.toxiClient = toxiclient.NewClient("http://" + api)
	st.front = front.NewClient("http://" + api)
	return nil
}

// createProxies makes the front proxies and the scenario's proxies; every upstream is a
// service's switch on the proxy container's loopback, which follows its deploys (no
// name lookup, and Toxiproxy's accept loop never dials a vanished container).
func (st *dockerStack) createProxies(ctx context.Context, spec scenario.Stack) error {
	st.endpoints = map[string]string{}
	create := func(name string, svc *dockerService) error {
		port := st.proxies[name]
		upstream := "127.0.0.1:" + strconv.Itoa(svc.switchPort)
		if _, err := st.toxiClient.CreateProxy(name, "0.0.0.0:"+strconv.Itoa(port), upstream); err != nil {
			return fmt.Errorf("create proxy %s: %w", name, err)
		}
		ep, err := dockerHostPort(ctx, st.toxi, port)
		if err != nil {
			return fmt.Errorf("create proxy %s: %w", name, err)
		}
		st.endpoints[name] = ep
		return nil
	}
	for _, s := range st.order {
		if err := create(s.spec.Name, s); err != nil {
			return err
		}
		s.endpoint = st.endpoints[s.spec.Name]
	}
	for _, p := range spec.Proxies {
		up, ok := st.services[p.Upstream]
		if !ok {
			return fmt.Errorf("create proxy %s: unknown upstream service %q", p.Name, p.Upstream)
		}
		if err := create(p.Name, up); err != nil {
			return err
		}
	}
	return nil
}

// Service implements Stack.
func (st *dockerStack) Service(name string) (stack.Service, error) {
	s, ok := st.services[name]
	if !ok {
		return nil, fmt.Errorf("find service %q: not in the stack", name)
	}
	return s, nil
}

// Toxiproxy implements Stack.
func (st *dockerStack) Toxiproxy() *toxiclient.Client { return st.toxiClient }

// ProxyEndpoint is the host:port where drill reaches the named proxy (a service's front
// proxy or a scenario proxy) from the host.
func (st *dockerStack) ProxyEndpoint(name string) (string, error) {
	ep, ok := st.endpoints[name]
	if !ok {
		return "", fmt.Errorf("find proxy %q: not in the stack", name)
	}
	return ep, nil
}

// ProxyAddress is the host:port where other services of the stack reach the named
// proxy on the stack's network.
func (st *dockerStack) ProxyAddress(name string) (string, error) {
	port, ok := st.proxies[name]
	if !ok {
		return "", fmt.Errorf("find proxy %q: not in the stack", name)
	}
	return net.JoinHostPort(dockerToxiproxyAlias, strconv.Itoa(port)), nil
}

// Reap implements stack.Reaper: the retired containers of every service are stopped
// gracefully and removed, all at once, their output kept.
func (st *dockerStack) Reap(ctx context.Context) error {
	errs := make([]error, len(st.order))
	var wg sync.WaitGroup
	for i, s := range st.order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.reap(ctx)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("reap docker stack %s: %w", st.id, err)
	}
	return nil
}

// Down implements Stack. It removes every container and the network labelled with this
// stack's id, found afresh each call, so it also cleans what a failed Up left without
// a handle, works after ctx is cancelled, and is safe to call again.
func (st *dockerStack) Down(ctx context.Context) error {
	st.downMu.Lock()
	defer st.downMu.Unlock()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dockerDownTimeout)
	defer cancel()
	var errs []error
	if err := st.Reap(ctx); err != nil {
		errs = append(errs, err) // the sweep below still removes what it left
	}
	st.stopInOrder(ctx)
	st.keepLogs(ctx)
	f := make(client.Filters).Add("label", LabelStack+"="+st.id)
	defer st.d.sweepLate(st.id, f, st.owned)() // a create cut by a signal can still make its object: watch for it
	removed, swept := cleanRemove(ctx, st.d.cli, f, nil)
	errs = append(errs, swept...)
	if st.owned != "" {
		if err := os.RemoveAll(st.owned); err != nil {
			errs = append(errs, fmt.Errorf("remove data dir: %w", err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("stop docker stack %s: %w%s", st.id, err, st.leftBehind(removed))
	}
	return nil
}

// leftBehind names what a teardown that failed left on the engine: the containers the
// stack holds (its proxy, each service's current, standby and retired containers) and its network,
// less what it removed, and says how to remove them. A container whose create the
// engine's loss cut is not held: the label covers it.
func (st *dockerStack) leftBehind(removed stack.Removed) string {
	var ctrs []string
	add := func(ctr *testcontainers.DockerContainer) {
		if ctr == nil {
			return
		}
		if name, ok := st.names.Load(ctr.GetContainerID()); ok && !slices.Contains(removed.Containers, name.(string)) {
			ctrs = append(ctrs, name.(string))
		}
	}
	add(st.toxi)
	for _, s := range st.order {
		s.mu.Lock()
		held := append([]*testcontainers.DockerContainer{s.ctr, s.standby}, s.retired...)
		s.mu.Unlock()
		for _, ctr := range held {
			add(ctr)
		}
	}
	var what []string
	if len(ctrs) > 0 {
		what = append(what, "containers "+strings.Join(ctrs, ", "))
	}
	if st.netID != "" && !slices.Contains(removed.Networks, st.netName) {
		what = append(what, "network "+st.netName)
	}
	what = append(what, "anything else labelled "+LabelStack+"="+st.id)
	return fmt.Sprintf("; left on the engine at %s: %s; once that engine answers, `drill clean` with DOCKER_HOST=%[1]s removes them",
		st.d.cli.DaemonHost(), strings.Join(what, ", "))
}

// stopInOrder stops the services of a stack with depends_on one after the other in the
// reverse of their start order, each with its stop signal and grace: an application stops
// before the database it depends on, as on the process runtime. Without depends_on the
// teardown removes every container at once. A container that does not run (killed,
// paused, gone) is left to that removal, which also takes any a stop failed on.
func (st *dockerStack) stopInOrder(ctx context.Context) {
	ordered := false
	for _, s := range st.order {
		ordered = ordered || len(s.spec.DependsOn) > 0
	}
	if !ordered {
		return
	}
	for i := len(st.order) - 1; i >= 0; i-- {
		s := st.order[i]
		s.mu.Lock()
		ctrs := []*testcontainers.DockerContainer{s.ctr, s.standby}
		s.mu.Unlock()
		for _, ctr := range ctrs {
			if ctr == nil {
				continue
			}
			if state, err := ctr.State(ctx); err != nil || !state.Running || state.Paused {
				continue
			}
			timeout := st.d.stopTimeout
			_ = ctr.Stop(ctx, &timeout)
		}
	}
}

// keepLogs writes the output of every service's containers to their files before the
// teardown removes them.
func (st *dockerStack) keepLogs(ctx context.Context) {
	for _, s := range st.order {
		s.mu.Lock()
		ctrs := []*testcontainers.DockerContainer{s.ctr, s.standby}
		s.mu.Unlock()
		for _, ctr := range ctrs {
			s.keepLog(ctx, ctr)
		}
	}
}

// dockerLoopbackPorts publishes ports on 127.0.0.1 only, on random host ports.
func dockerLoopbackPorts(ports []string) func(*container.HostConfig) {
	return func(hc *container.HostConfig) {
		if hc.PortBindings == nil {
			hc.PortBindings = network.PortMap{}
		}
		for _, p := range ports {
			hc.PortBindings[network.MustParsePort(p)] = []network.PortBinding{{HostIP: netip.MustParseAddr("127.0.0.1")}}
		}
	}
}

// dockerHostPort is the 127.0.0.1:port where the host reaches a container's TCP port now
// (mapped ports change across stop and start, so it is asked for each time).
func dockerHostPort(ctx context.Context, ctr *testcontainers.DockerContainer, port int) (string, error) {
	p, err := ctr.MappedPort(ctx, strconv.Itoa(port)+"/tcp")
	if err != nil {
		return "", fmt.Errorf("read mapped port %d: %w", port, err)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(int(p.Num()))), nil
}

// dockerRunFailed removes a container that Run returned together with an error, and
// adds the end of its log to the error.
func dockerRunFailed(ctx context.Context, ctr *testcontainers.DockerContainer, err error) error {
	if ctr == nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dockerStopTimeout)
	defer cancel()
	tail := dockerLogTail(ctx, ctr)
	if terr := ctr.Terminate(ctx, testcontainers.StopTimeout(0)); terr != nil {
		err = errors.Join(err, fmt.Errorf("remove failed container: %w", terr))
	}
	if tail != "" {
		return fmt.Errorf("%w\ncontainer output (last lines):\n%s", err, tail)
	}
	return err
}

func dockerWith(m map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for mk, mv := range m {
		out[mk] = mv
	}
	out[k] = v
	return out
}

// Healthy implements stack.Healthier: the engine answers a ping within five seconds.
func (s *dockerStack) Healthy(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := s.d.cli.Ping(ctx, client.PingOptions{}); err != nil {
		return fmt.Errorf("ping docker engine: %w", err)
	}
	return nil
}
