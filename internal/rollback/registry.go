package rollback

import (
	"github.com/drillhq/drill/internal/params"
	"github.com/drillhq/drill/internal/scenario"
)

// Builder makes a Mechanism from a scenario's params, decoding them strictly: it fails
// on an unknown, mistyped or out-of-range parameter.
type Builder func(params map[string]any) (Mechanism, error)

// Registry maps mechanism kinds to their builders. It is constructed, not global, so
// each engine (and each test) owns its set of kinds. Adding a mechanism is one file
// with its builder and one Register line in NewRegistry.
type Registry struct {
	kinds *params.Kinds[Mechanism]
}

// NewRegistry returns a registry holding every built-in mechanism.
func NewRegistry() *Registry {
	r := &Registry{kinds: params.NewKinds[Mechanism]("mechanism")}
	r.Register("redeploy", buildRedeploy)
	r.Register("restart", buildRestart)
	r.Register("hook", buildHook)
	r.Register("feature-flag", buildFeatureFlag)
	r.Register("blue-green", buildBlueGreen)
	r.Register("migration", buildMigration)
	r.Register("restore", buildRestore)
	r.Register("call", buildCall)
	return r
}

// Register adds kind, replacing any earlier builder of that kind. It panics on an empty
// kind or a nil builder, which are programming errors.
func (r *Registry) Register(kind string, build Builder) {
	r.kinds.Register(kind, build)
}

// Build makes the Mechanism a scenario describes. drill calls it when it validates a
// scenario, so an unknown kind or a misspelled parameter fails before anything starts.
func (r *Registry) Build(m scenario.Mechanism) (Mechanism, error) {
	return r.kinds.Build(m.Kind, m.Params)
}

// Kinds lists the registered kinds, sorted.
func (r *Registry) Kinds() []string {
	return r.kinds.Names()
}

// decodeParams fills dst, a pointer to a mechanism's parameter struct, strictly from a
// scenario's params map (see params.Decode); its errors start with `mechanism "<kind>":`.
func decodeParams(kind string, p map[string]any, dst any) error {
	return params.Decode("mechanism", kind, p, dst)
}
