package stack

import (
	"context"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"

	"github.com/drillhq/drill/internal/scenario"
)

// This file is the runtime contract: what every runtime, stack and service implements
// (Runtime, Stack, Service) and the optional capabilities a service or runtime may add,
// which faults, mechanisms and the trial find by type assertion. A runtime lives in its
// own package (internal/stack/process, internal/stack/docker) and is registered once, in
// internal/runtimes.

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
// itself; the kill and restart faults and the restart mechanism need it.
type Controller interface {
	// Kill ends the service abruptly (SIGKILL): no graceful shutdown, unflushed data lost.
	Kill(ctx context.Context) error
	// Restart stops (gracefully) and starts the current release again and waits until ready.
	Restart(ctx context.Context) error
}

// Pauser is implemented by services whose runtime can freeze every process of the
// running unit (SIGSTOP, a cgroup freezer, docker pause); the pause fault needs it. It is
// apart from Controller because some runtimes (kubernetes) can kill and restart a unit
// but have no way to freeze one.
type Pauser interface {
	// Pause freezes (true) or thaws (false) every process of the service.
	Pause(ctx context.Context, paused bool) error
}

// Disconnector is implemented by services whose runtime can cut the running unit off
// its network and put it back: the network-partition fault. Reconnect restores the
// service's name on the network, so proxies reach it again without any change.
type Disconnector interface {
	// Disconnect detaches the service from the stack's network.
	Disconnect(ctx context.Context) error
	// Reconnect attaches it again under its service name.
	Reconnect(ctx context.Context) error
}

// Stopper is implemented by services whose runtime can stop the service gracefully
// (SIGTERM, then wait) without starting it again; the stop fault needs it.
type Stopper interface {
	// Stop ends the service gracefully and leaves it stopped.
	Stop(ctx context.Context) error
}

// Restorer is implemented by services whose data directory drill can snapshot and put
// back: the restore rollback of a team that keeps backups (and loses what came after).
type Restorer interface {
	// Snapshot copies the service's data directory as it is now, while the service runs
	// (its own crash recovery makes the copy consistent, as after a power cut), and
	// returns where the copy is. The copy is removed with the stack.
	Snapshot(ctx context.Context) (string, error)
	// Restore stops every instance of the service, replaces its data with the snapshot
	// and starts release; the steps are reported as a deploy's.
	Restore(ctx context.Context, snapshot, release string, opts ...DeployOption) error
}

// Reaper is implemented by stacks whose deploys leave the releases they replaced running,
// idle, until the trial's measurement is over (docker: stopping a container costs the
// engine CPU that would delay the probes measuring recovery). A trial calls Reap once its
// hold ended, before its checks; Down reaps too.
type Reaper interface {
	// Reap stops and removes every release a deploy replaced: each has taken no new
	// connection since its switch and is stopped gracefully, finishing what it holds.
	Reap(ctx context.Context) error
}

// Outliver is implemented by stacks whose services outlive the trial: services drill did
// not start, which Down leaves running. What the trial's change did to them stays
// unless it is undone, so a trial whose rollback did not complete (not triggered,
// failed, interrupted, a control trial) runs the rollback's steps once more before Down.
type Outliver interface {
	// Outlives reports whether the services outlive the trial.
	Outlives() bool
}

// Preparer is implemented by runtimes that need things in place before a stack can start
// (docker: its images). A run calls Prepare once, before its first trial, so a missing
// prerequisite is one error rather than one per trial.
type Preparer interface {
	// Prepare makes or checks what stacks of spec need.
	Prepare(ctx context.Context, spec scenario.Stack) error
}

// Healthier is implemented by stacks whose runtime can fail on its own (a container
// engine, a cluster's API server). Healthy returns nil while the runtime still answers.
// A trial asks it once its plan has run: a runtime that stopped answering makes the
// trial an error, never a judged failure of the rollback under test (a change deploy,
// a rollback or a fault that failed because the engine went away is not the team's).
type Healthier interface {
	Healthy(ctx context.Context) error
}

// EngineNamer is implemented by runtimes that drive an engine of their own (docker):
// EngineHost is the engine's address (DOCKER_HOST when set), which the results record
// so a report names the engine its trials ran on.
type EngineNamer interface {
	EngineHost() string
}
