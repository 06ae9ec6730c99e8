// Package stack starts a scenario's service stack on a runtime (local processes or
// Docker containers), puts a Toxiproxy proxy in front of every service, redeploys
// services with other releases, and tears everything down whatever way a trial ends.
package stack

import (
	"context"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"

	"github.com/drillhq/drill/internal/scenario"
)

// Runtime starts stacks of one kind (process, docker).
type Runtime interface {
	// Name is the runtime's name as given to --runtime.
	Name() string
	// Up starts every service and proxy and waits until each is ready. On error it
	// still returns the half-built stack (when any) so the caller can Down it.
	Up(ctx context.Context, spec scenario.Stack, opts ...UpOption) (Stack, error)
}

// Stack is a running stack.
type Stack interface {
	// Service returns the named running service.
	Service(name string) (Service, error)
	// Toxiproxy is a client of the stack's Toxiproxy server, for faults on proxies.
	Toxiproxy() *toxiclient.Client
	// Down stops every service and proxy and removes everything the stack made.
	// It is safe to call more than once and after a failed Up.
	Down(ctx context.Context) error
}

// Service is one running service of a stack.
type Service interface {
	// Endpoint is the host:port where drill reaches the service, through its front proxy.
	Endpoint() string
	// Release is the name of the release running now.
	Release() string
	// Deploy replaces what runs with the named release by the service's strategy
	// (start-first unless the scenario declares recreate, or an option says otherwise)
	// and returns once the new release passed its readiness check and receives the
	// traffic. Cancelling ctx before that aborts the deploy.
	Deploy(ctx context.Context, release string, opts ...DeployOption) error
}

// DataKeeper is implemented by services with a data directory of their own, which
// verify checks receive (DRILL_DATA_<SERVICE>) and snapshots copy.
type DataKeeper interface {
	// DataDir is the host path of the service's data, kept across kills, restarts and
	// deploys within the stack.
	DataDir() string
}

// Flipper is implemented by services whose previous release still runs idle behind
// their switch (the blue-green strategy).
type Flipper interface {
	// FlipBack sends new connections to the previous release again and drains the
	// current one; it fails when no previous release is standing by.
	FlipBack(ctx context.Context, opts ...DeployOption) error
}

// Reviver is implemented by services that can be started again after they died, as a
// supervisor (Docker's restart policy, a Kubernetes pod restart) does.
type Reviver interface {
	// Revive starts the current release when nothing of the service runs; a running
	// service is left alone, so a revive never starts a service twice.
	Revive(ctx context.Context) error
}

// Controller is implemented by services whose runtime can act on the running unit
// itself; container faults (kill, stop, pause, restart) need it.
type Controller interface {
	// Kill ends the service abruptly (SIGKILL): no graceful shutdown, unflushed data lost.
	Kill(ctx context.Context) error
	// Pause freezes (true) or thaws (false) every process of the service.
	Pause(ctx context.Context, paused bool) error
	// Restart stops (gracefully) and starts the current release again and waits until ready.
	Restart(ctx context.Context) error
}

// UpConfig is what UpOptions set; runtimes read it with NewUpConfig.
type UpConfig struct {
	// Labels are attached to every resource the stack makes (run id, scenario, trial).
	Labels map[string]string
	// DataDir, when set, holds each service's durable data in DataDir/<service>, kept
	// across redeploys and left in place by Down (the caller owns it). When empty the
	// runtime makes a temporary directory and removes it at Down.
	DataDir string
	// OutputDir, when set, receives every service instance's output, one file each
	// (<service>.<n>.<release>.log), left in place by Down. When empty the output goes
	// to the data directory.
	OutputDir string
}

// UpOption configures one Up call.
type UpOption func(*UpConfig)

// WithLabels adds labels to every resource of the stack.
func WithLabels(labels map[string]string) UpOption {
	return func(c *UpConfig) {
		if c.Labels == nil {
			c.Labels = map[string]string{}
		}
		for k, v := range labels {
			c.Labels[k] = v
		}
	}
}

// WithDataDir keeps services' durable data (and fixtures' ground-truth files) under dir.
func WithDataDir(dir string) UpOption {
	return func(c *UpConfig) { c.DataDir = dir }
}

// WithOutputDir keeps the output of every service instance in files under dir.
func WithOutputDir(dir string) UpOption {
	return func(c *UpConfig) { c.OutputDir = dir }
}

// NewUpConfig applies opts to an empty UpConfig.
func NewUpConfig(opts ...UpOption) UpConfig {
	var c UpConfig
	for _, o := range opts {
		o(&c)
	}
	return c
}
