// Package docker is the docker runtime: each service a container, built locally FROM
// scratch or Debian, on a network of its own stack, with a Toxiproxy container in front
// of every service; it also builds the images (drill images) and removes what dead runs
// left on the engine (drill clean).
package docker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

const (
	dockerToxiproxyAPIPort = 8474
	dockerProxyPortBase    = 20000 // first proxy listen port inside the Toxiproxy container
	dockerSwitchPortBase   = 30000 // first switch port, in the proxy container
	dockerDataMount        = "/data"
	dockerStartTimeout     = 60 * time.Second
	dockerStopTimeout      = 10 * time.Second
	dockerDownTimeout      = 60 * time.Second
	dockerToxiproxyAlias   = "toxiproxy"
	// dockerPollInterval is how often readiness is polled: it bounds how late drill sees
	// a (re)started service become ready, which adds to every measured recovery time.
	dockerPollInterval = 20 * time.Millisecond
)

// Runtime is the runtime that starts each service as a container on a network of its
// own stack, with a Toxiproxy container in front of every service. It needs a Docker
// engine but no registry: the images drill needs are built locally (see EnsureImages).
type Runtime struct {
	cli         *testcontainers.DockerClient
	logger      tclog.Logger
	runID       string
	pid         int
	host        string
	stopTimeout time.Duration
	seq         atomic.Int64

	// late tracks the watches for objects that appear after a stack's teardown
	// (sweepLate); Close waits for them.
	late     sync.WaitGroup
	lateMu   sync.Mutex
	lateErrs []error
	// upWatch holds, per stack id, the stop func of the watch on the context its Up was
	// given: a stack whose context was cancelled (a signal) may have had a create cut.
	upWatch map[string]func() bool
}

// Option configures New.
type Option func(*Runtime) error

// WithRunID sets the run id every resource is labelled with (dev.drill.run); by default
// New makes a random one.
func WithRunID(id string) Option {
	return func(d *Runtime) error {
		if id == "" {
			return errors.New("set run id: empty")
		}
		d.runID = id
		return nil
	}
}

// WithLogger sends testcontainers' progress messages to l (discarded by default,
// so drill's own output stays readable).
func WithLogger(l tclog.Logger) Option {
	return func(d *Runtime) error {
		d.logger = l
		return nil
	}
}

// WithStopTimeout bounds the graceful stop (SIGTERM, then SIGKILL) of a container
// replaced by Deploy or stopped by Restart. Default 10 s.
func WithStopTimeout(t time.Duration) Option {
	return func(d *Runtime) error {
		if t < 0 {
			return fmt.Errorf("set stop timeout: negative %s", t)
		}
		d.stopTimeout = t
		return nil
	}
}

// New connects to the Docker engine. It turns the testcontainers reaper off
// (drill removes what it makes, see Stack.Down and Clean) and pins mapped ports to
// localhost, so no traffic leaves loopback and the project's own networks.
func New(opts ...Option) (*Runtime, error) {
	d := &Runtime{logger: tclog.NewNoopLogger(), pid: os.Getpid(), stopTimeout: dockerStopTimeout}
	for _, o := range opts {
		if err := o(d); err != nil {
			return nil, err
		}
	}
	if d.runID == "" {
		d.runID = dockerRandomID()
	}
	host, err := os.Hostname()
	if err != nil {
		return nil, fmt.Errorf("read hostname: %w", err)
	}
	d.host = host
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if d.cli, err = dockerConnect(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// Name implements stack.Runtime.
func (*Runtime) Name() string { return "docker" }

// Prepare implements Preparer: it builds drill's own images when missing (fixtures and
// proxy, from the drill binary: seconds) and checks the others. The Debian image of
// command services is never built here (debootstrap takes minutes and root): a missing
// one is an ErrImageNotBuilt that says to run make images.
func (d *Runtime) Prepare(ctx context.Context, spec scenario.Stack) error {
	if _, err := imageEnsure(ctx, d.cli, spec, imageConfig{log: io.Discard}); err != nil {
		return fmt.Errorf("prepare docker images: %w", err)
	}
	return nil
}

// RunID is the run id this runtime labels every resource with.
func (d *Runtime) RunID() string { return d.runID }

// Close waits until every interrupted stack's watch for late objects has ended (about two
// seconds after its Down returned; see sweepLate), then releases the engine
// connection. Running stacks are not touched. The error names what a watch could not
// remove.
func (d *Runtime) Close() error {
	d.late.Wait()
	d.lateMu.Lock()
	errs := append(d.lateErrs, d.cli.Close())
	d.lateErrs = nil
	d.lateMu.Unlock()
	return errors.Join(errs...)
}

// Up implements stack.Runtime: it builds or checks the images, makes the stack's network,
// starts the Toxiproxy container and every service concurrently, then creates a
// front proxy per service and the scenario's proxies.
func (d *Runtime) Up(ctx context.Context, spec scenario.Stack, opts ...stack.UpOption) (stack.Stack, error) {
	cfg := stack.NewUpConfig(opts...)
	id := d.runID + "-" + strconv.FormatInt(d.seq.Add(1), 10)
	st := &dockerStack{
		d:        d,
		id:       id,
		labels:   d.labels(cfg.Labels, id),
		services: map[string]*dockerService{},
		proxies:  map[string]int{},
	}
	d.watchCut(ctx, id)
	if err := st.up(ctx, spec, cfg); err != nil {
		return st, fmt.Errorf("start docker stack: %w", err)
	}
	return st, nil
}

// watchCut notes whether ctx, the context a stack's Up was given (a trial's), is
// cancelled before the stack's teardown: then a create request of the stack may have
// been cut, and the teardown watches for late objects (sweepLate).
func (d *Runtime) watchCut(ctx context.Context, id string) {
	stop := context.AfterFunc(ctx, func() {})
	d.lateMu.Lock()
	defer d.lateMu.Unlock()
	if d.upWatch == nil {
		d.upWatch = map[string]func() bool{}
	}
	d.upWatch[id] = stop
}

// takeCut reports whether the context of stack id's Up was cancelled, and stops watching it.
func (d *Runtime) takeCut(id string) bool {
	d.lateMu.Lock()
	stop, ok := d.upWatch[id]
	delete(d.upWatch, id)
	d.lateMu.Unlock()
	return ok && !stop() // stop returns false once the context was cancelled
}

// labels are what every resource of a stack carries: drill's ownership labels win over
// the caller's.
func (d *Runtime) labels(extra map[string]string, stackID string) map[string]string {
	l := map[string]string{}
	for k, v := range extra {
		l[k] = v
	}
	l[LabelDrill] = "true"
	l[LabelRun] = d.runID
	l[LabelPID] = strconv.Itoa(d.pid)
	l[LabelHost] = d.host
	l[LabelStack] = stackID
	return l
}

// dockerSetEnv sets what testcontainers must see before its first call (its
// configuration is read once per process).
func dockerSetEnv() {
	_ = os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	_ = os.Setenv("TESTCONTAINERS_HOST_OVERRIDE", "localhost")
}

// connectWait bounds a connection to the engine whose context has no deadline.
const connectWait = 10 * time.Second

// dockerConnect returns a client of the engine testcontainers would use. DOCKER_HOST,
// when set, is honoured exactly: testcontainers falls back to the local socket when the
// engine it names does not answer, and a run would then silently use another engine
// than the one asked for, so that is refused.
//
// testcontainers resolves the engine's host and socket once per process, caches the
// outcome, and panics where that resolution fails. A SIGINT or SIGTERM in a run's first
// seconds cancelled ctx mid-resolution: the panic surfaced as drill's "internal error"
// (exit 4) instead of an interrupted run (130). So the connection is made on a context a
// signal does not cancel (ctx's deadline, or connectWait, still bounds it), a panic
// becomes an error, and a ctx cancelled meanwhile is returned as such once it is done.
func dockerConnect(ctx context.Context) (cli *testcontainers.DockerClient, err error) {
	dockerSetEnv()
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(connectWait)
	}
	cctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			cli, err = nil, fmt.Errorf("connect docker engine: %v", r)
		}
	}()
	cli, err = testcontainers.NewDockerClientWithOpts(cctx)
	if err != nil {
		return nil, fmt.Errorf("connect docker engine: %w", err)
	}
	if err := ctx.Err(); err != nil {
		_ = cli.Close()
		return nil, fmt.Errorf("connect docker engine: %w", err)
	}
	if want := os.Getenv("DOCKER_HOST"); want != "" && cli.DaemonHost() != want {
		got := cli.DaemonHost()
		_ = cli.Close()
		return nil, fmt.Errorf("connect docker engine: DOCKER_HOST=%s does not answer (the fallback would be %s): start that engine, or unset DOCKER_HOST to use the local one", want, got)
	}
	return cli, nil
}

// EngineHost is the address of the engine a run uses (DOCKER_HOST when set), for the
// reports to name.
func (d *Runtime) EngineHost() string { return d.cli.DaemonHost() }

// EngineAvailable returns nil when a Docker engine answers a ping within about two
// seconds; --runtime auto uses it to choose between docker and process.
func EngineAvailable(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	cli, err := dockerConnect(ctx)
	if err != nil {
		return err
	}
	defer cli.Close()
	if _, err := cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		return fmt.Errorf("ping docker engine: %w", err)
	}
	return nil
}

func dockerRandomID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Registration registers the docker runtime: available where a Docker engine answers; at
// start it removes the containers and networks of dead drill runs, and drill clean
// removes them through Clean.
func Registration() stack.Registration {
	return stack.Registration{
		Name:        (*Runtime)(nil).Name(),
		Description: "services in containers built locally, Toxiproxy in a container on the stack's network",
		New:         newDockerRuntime,
		Available: func(ctx context.Context) error {
			if err := EngineAvailable(ctx); err != nil {
				return fmt.Errorf("no Docker engine answered: %w", err)
			}
			return nil
		},
		Clean: Clean,
		Capabilities: stack.Capabilities{stack.CapProxy, stack.CapKill, stack.CapPause, stack.CapRestart, stack.CapStop, stack.CapRevive,
			stack.CapDataDir, stack.CapSnapshot, stack.CapFlip, stack.CapExec, stack.CapLog, stack.CapCommand, stack.CapFixture, stack.CapDeploy, stack.CapDisconnect, stack.CapImage, stack.CapReuse},
	}
}

// newDockerRuntime connects to the engine and removes the leftovers of dead drill runs,
// saying so in notes.
func newDockerRuntime(ctx context.Context) (stack.Runtime, []string, error) {
	d, err := New()
	if err != nil {
		return nil, nil, err
	}
	var notes []string
	removed, err := d.cleanDead(ctx)
	switch {
	case err != nil:
		notes = append(notes, fmt.Sprintf("warning: clean leftovers of dead runs: %v", err))
	case !removed.Empty():
		notes = append(notes, fmt.Sprintf("removed leftovers of dead drill runs: %d containers, %d networks", len(removed.Containers), len(removed.Networks)))
	}
	return d, notes, nil
}
