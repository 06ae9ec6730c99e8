package drill

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/drillhq/drill/internal/inject"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/params"
	"github.com/drillhq/drill/internal/readiness"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/trial"
)

// The kinds a program adds to drill implement these (see WithFault, WithMechanism,
// WithTrigger, WithProbe, WithWorkload, WithReadiness and WithFormat). Their parameters come from the scenario's
// params, decoded strictly with DecodeParams.
type (
	// FaultKind injects a fault kind into a trial's stack and returns what undoes it.
	FaultKind = inject.Fault
	// FaultTarget is what a FaultKind acts on: the stack and the fault's target.
	FaultTarget = inject.Target
	// MechanismKind is a rollback mechanism kind: it restores the previous state.
	MechanismKind = rollback.Mechanism
	// MechanismTarget is what a MechanismKind acts on.
	MechanismTarget = rollback.Target
	// Decider is a trigger kind: what happens between the alert and the rollback.
	Decider = rollback.Decider
	// Probe is a probe kind built from a scenario's probes.params.
	Probe = trial.Probe
	// ProbeEnv is what a probe kind gets of each trial: the services' endpoints and the
	// probe schedule.
	ProbeEnv = trial.ProbeEnv
	// WorkloadKind is a workload kind built from a scenario's workload.params.
	WorkloadKind = trial.WorkloadKind
	// WorkloadEnv is what a workload kind gets of each trial: the services' endpoints
	// and the trial's random source.
	WorkloadEnv = trial.WorkloadEnv
	// WorkloadOps is what a WorkloadKind returns: it runs a trial's operations and
	// records them in the history.
	WorkloadOps = measure.Workload
	// WorkloadHistory records a workload's operations in a trial.
	WorkloadHistory = measure.History
	// WorkloadOp is one operation of a workload, as WorkloadHistory records it.
	WorkloadOp = measure.Op
	// Prober runs a trial's probes, emitting each result as it completes.
	Prober = measure.Prober
	// ProbeClock dates probes on the trial's clock.
	ProbeClock = measure.Clock
	// ProbeResult is one probe's outcome; its Start, End and OK drive the measures.
	ProbeResult = measure.ProbeResult
	// Offset is an instant on a trial's clock.
	Offset = measure.Offset
	// ReadyKind is a readiness kind built from a service's ready.params: the runtime
	// polls its Check on every start of the service until it passes.
	ReadyKind = stack.ReadyCheck
	// ReadyTarget is what a ReadyKind checks: one starting instance of the service, on
	// whichever runtime runs it.
	ReadyTarget = stack.ReadyTarget
)

// OpenLoop calls op every interval (op numbered from 0) until ctx ends, without waiting
// for the one before to finish, as drill's own probes are scheduled, and returns once
// every op returned.
func OpenLoop(ctx context.Context, interval time.Duration, op func(seq int)) {
	measure.OpenLoop(ctx, interval, op)
}

// DecodeParams fills dst, a pointer to a struct whose fields are tagged
// `param:"name[,required]"`, strictly from a kind's params: an unknown, mistyped or
// missing parameter is an error naming noun ("probe"), kind and the parameter, reported
// at its line when the scenario is loaded.
func DecodeParams(noun, kind string, p map[string]any, dst any) error {
	return params.Decode(noun, kind, p, dst)
}

// WithFault adds the fault kind kind, built by build from a fault's params, to the run
// (and, through KindsFrom, to Load).
func WithFault(kind string, build func(params map[string]any) (FaultKind, error)) Option {
	return kindOption("with fault", kind, build == nil, func(o *options) { o.kinds.Faults.Register(kind, build) })
}

// WithMechanism adds the rollback mechanism kind kind, built by build from its params.
func WithMechanism(kind string, build func(params map[string]any) (MechanismKind, error)) Option {
	return kindOption("with mechanism", kind, build == nil, func(o *options) { o.kinds.Mechanisms.Register(kind, build) })
}

// WithTrigger adds the trigger kind kind, built by build from the trigger's params.
func WithTrigger(kind string, build func(params map[string]any) (Decider, error)) Option {
	return kindOption("with trigger", kind, build == nil, func(o *options) { o.kinds.Triggers.Register(kind, build) })
}

// WithProbe adds the probe kind kind, which a scenario names with probes.kind and
// configures with probes.params; build makes it from those params.
func WithProbe(kind string, build func(params map[string]any) (Probe, error)) Option {
	if slices.Contains(scenario.ProbeKinds, kind) {
		return func(*options) error { return fmt.Errorf("with probe %q: a built-in probe's name", kind) }
	}
	return kindOption("with probe", kind, build == nil, func(o *options) { o.kinds.Probes.Register(kind, build) })
}

// WithWorkload adds the workload kind kind, which a scenario names with workload.kind
// and configures with workload.params; build makes it from those params.
func WithWorkload(kind string, build func(params map[string]any) (WorkloadKind, error)) Option {
	if trial.NewWorkloadRegistry().Builtin(kind) {
		return func(*options) error { return fmt.Errorf("with workload %q: a built-in workload's name", kind) }
	}
	return kindOption("with workload", kind, build == nil, func(o *options) { o.kinds.Workloads.Register(kind, build) })
}

// WithReadiness adds the readiness kind kind, which a service names with ready.kind and
// configures with ready.params; build makes it from those params. Every runtime polls it
// through its ReadyTarget.
func WithReadiness(kind string, build func(params map[string]any) (ReadyKind, error)) Option {
	if slices.Contains(readiness.NewRegistry().Builtin(), kind) {
		return func(*options) error { return fmt.Errorf("with readiness %q: a built-in readiness kind's name", kind) }
	}
	return kindOption("with readiness", kind, build == nil, func(o *options) { o.kinds.Readiness.Register(kind, build) })
}

// WithFormat adds a report format: Render takes its name, and WriteFiles writes it
// beside the built-in formats (base + its Ext).
func WithFormat(r Renderer) Option {
	return func(o *options) error {
		if r == nil || r.Name() == "" || r.Ext() == "" {
			return errors.New("with format: needs a Renderer with a name and an extension")
		}
		o.kinds.Formats.Register(r)
		return nil
	}
}

// kindOption registers a kind unless its name or builder is missing.
func kindOption(what, kind string, noBuilder bool, register func(*options)) Option {
	return func(o *options) error {
		if kind == "" || noBuilder {
			return fmt.Errorf("%s %q: needs a kind and a builder", what, kind)
		}
		register(o)
		return nil
	}
}
