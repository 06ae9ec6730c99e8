package trial

import (
	"math/rand/v2"

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
	// Services are the stack's services, by name (for Expand).
	Services []string
}

// Expand replaces the ${ENDPOINT_<SERVICE>} and ${env:NAME} references of text (a
// workload's connection): the service's front proxy, the environment variable's value.
func (e WorkloadEnv) Expand(text string) (string, error) {
	return expandRefs(text, e.Services, e.Endpoint)
}

// WorkloadBuilder makes a WorkloadKind from a scenario's workload.params, decoding them
// strictly (params.Decode), so a scenario naming the kind is checked when it is loaded.
type WorkloadBuilder func(params map[string]any) (WorkloadKind, error)

// WorkloadRegistry maps the workload kinds a scenario names with workload.kind to their
// builders, and gives the scenario format their rules (it is a scenario.WorkloadKinds:
// scenario.WithWorkloads). It is constructed, not global: adding a built-in kind is one
// file (workload_<kind>.go: the kind, and its scenario.WorkloadRules when it has keys of
// its own) and one line in NewWorkloadRegistry; a program adds its own with Register
// (drill.WithWorkload).
type WorkloadRegistry struct {
	kinds   *params.Kinds[WorkloadKind]
	builtin map[string]bool
}

// NewWorkloadRegistry returns a registry holding the built-in workload kinds.
func NewWorkloadRegistry() *WorkloadRegistry {
	r := &WorkloadRegistry{kinds: params.NewKinds[WorkloadKind]("workload"), builtin: map[string]bool{}}
	r.fixed(WorkloadLedger, ledgerWorkload{})
	r.fixed(WorkloadHTTP, httpWorkload{})
	r.fixed(scenario.WorkloadNone, noWorkload{})
	r.add(WorkloadSQL, newSQLWorkload)
	r.add(WorkloadRedis, newRedisWorkload)
	return r
}

// fixed adds a built-in kind configured by the scenario's own workload keys.
func (r *WorkloadRegistry) fixed(kind string, k WorkloadKind) {
	r.add(kind, func(map[string]any) (WorkloadKind, error) { return k, nil })
}

// add adds a built-in kind.
func (r *WorkloadRegistry) add(kind string, build WorkloadBuilder) {
	r.builtin[kind] = true
	r.kinds.Register(kind, build)
}

// Register adds a program's kind, named by workload.kind and configured by
// workload.params, replacing any earlier builder of that kind. It panics on an empty
// kind, a built-in kind's name or a nil builder, which are programming errors.
func (r *WorkloadRegistry) Register(kind string, build WorkloadBuilder) {
	if r.Builtin(kind) {
		panic("workload: Register " + kind + ": a built-in workload's name")
	}
	r.kinds.Register(kind, build)
}

// Builtin reports whether kind is one of drill's own workload kinds.
func (r *WorkloadRegistry) Builtin(kind string) bool { return r.builtin[kind] }

// Build makes the WorkloadKind that workload.kind and workload.params describe.
func (r *WorkloadRegistry) Build(kind string, p map[string]any) (WorkloadKind, error) {
	return r.kinds.Build(kind, p)
}

// Names lists the registered kinds, sorted (scenario.WorkloadKinds).
func (r *WorkloadRegistry) Names() []string { return r.kinds.Names() }

// Rules returns the scenario rules of the kind workload.params configure: its own when it
// has them, else those of a kind configured by params alone (scenario.WorkloadKinds).
func (r *WorkloadRegistry) Rules(kind string, p map[string]any) (scenario.WorkloadRules, error) {
	k, err := r.Build(kind, p)
	if err != nil {
		return nil, err
	}
	if rules, ok := k.(scenario.WorkloadRules); ok {
		return rules, nil
	}
	return paramsRules{}, nil
}

// paramsRules are the rules of a program's kind without rules of its own: workload.params
// is all it reads (its builder checked them), the read back is its FinalRead.
type paramsRules struct{}

func (paramsRules) Default(*scenario.Workload, func(string, bool) bool) {}

func (paramsRules) Check(w scenario.Workload, c scenario.WorkloadChecker) {
	c.Unused(w, "workload.kind "+WorkloadHTTP, "setup", "write", "read")
	c.Unused(w, "workload.kind "+WorkloadLedger, "accounts")
}

func (paramsRules) Info(w scenario.Workload) scenario.WorkloadInfo {
	return scenario.WorkloadInfo{Start: w.Kind + " workload", FinalRead: "final read of the ids the workload holds: lost acknowledged writes give RPC"}
}

// Workload builds the workload of one trial for the scenario's workload.kind.
func (r *WorkloadRegistry) Workload(w scenario.Workload, env WorkloadEnv) (measure.Workload, error) {
	k, err := r.Build(w.Kind, w.Params)
	if err != nil {
		return nil, err
	}
	return k.Workload(w, env)
}

var _ scenario.WorkloadKinds = (*WorkloadRegistry)(nil)
