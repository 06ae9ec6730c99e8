package trial

import (
	"math/rand/v2"
	"slices"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/params"
	"github.com/drillhq/drill/internal/scenario"
)

// WorkloadKind is a workload kind, what a scenario's workload.kind names: it makes the
// workload of one trial against the running stack.
type WorkloadKind interface {
	// Workload returns the workload of one trial, or nil for none (only probes measure
	// the trial). w is the scenario's workload section (its service, rate, timeout...).
	Workload(w scenario.Workload, env WorkloadEnv) (measure.Workload, error)
}

// WorkloadEnv is what a workload kind gets of a trial: where the services are and the
// trial's own random source (seeded from the run's seed and the trial's index, so a
// rerun sends the same operations).
type WorkloadEnv struct {
	// Endpoint is the host:port at which clients reach the named service (its front proxy).
	Endpoint func(service string) (string, error)
	// Rand is the trial's random source.
	Rand *rand.Rand
}

// WorkloadBuilder makes a WorkloadKind from a scenario's workload.params, decoding them
// strictly (params.Decode), so a scenario naming the kind is checked when it is loaded.
type WorkloadBuilder func(params map[string]any) (WorkloadKind, error)

// WorkloadRegistry maps the workload kinds a scenario names with workload.kind to their
// builders. It is constructed, not global: adding a built-in kind is one file
// (workload_<kind>.go) and one line in NewWorkloadRegistry; a program adds its own
// with Register (drill.WithWorkload).
type WorkloadRegistry struct {
	kinds *params.Kinds[WorkloadKind]
}

// NewWorkloadRegistry returns a registry holding the built-in workload kinds
// (scenario.WorkloadKinds: the scenario format checks their own keys).
func NewWorkloadRegistry() *WorkloadRegistry {
	r := &WorkloadRegistry{kinds: params.NewKinds[WorkloadKind]("workload")}
	r.builtin(scenario.WorkloadLedger, ledgerWorkload{})
	r.builtin(scenario.WorkloadHTTP, httpWorkload{})
	r.builtin(scenario.WorkloadNone, noWorkload{})
	return r
}

// builtin adds a built-in kind, configured by the scenario's own workload keys.
func (r *WorkloadRegistry) builtin(kind string, k WorkloadKind) {
	r.kinds.Register(kind, func(map[string]any) (WorkloadKind, error) { return k, nil })
}

// Register adds a program's kind, named by workload.kind and configured by
// workload.params, replacing any earlier builder of that kind. It panics on an empty
// kind, a built-in kind's name or a nil builder, which are programming errors.
func (r *WorkloadRegistry) Register(kind string, build WorkloadBuilder) {
	if slices.Contains(scenario.WorkloadKinds, kind) {
		panic("workload: Register " + kind + ": a built-in workload's name")
	}
	r.kinds.Register(kind, build)
}

// Build makes the WorkloadKind that workload.kind and workload.params describe.
func (r *WorkloadRegistry) Build(kind string, p map[string]any) (WorkloadKind, error) {
	return r.kinds.Build(kind, p)
}

// Kinds lists the registered kinds, sorted.
func (r *WorkloadRegistry) Kinds() []string { return r.kinds.Names() }

// Workload builds the workload of one trial for the scenario's workload.kind.
func (r *WorkloadRegistry) Workload(w scenario.Workload, env WorkloadEnv) (measure.Workload, error) {
	k, err := r.Build(w.Kind, w.Params)
	if err != nil {
		return nil, err
	}
	return k.Workload(w, env)
}
