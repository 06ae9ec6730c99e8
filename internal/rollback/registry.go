package rollback

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/drillhq/drill/internal/params"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/suggest"
)

// Builder makes a Mechanism from a scenario's params, decoding them strictly: it fails
// on an unknown, mistyped or out-of-range parameter.
type Builder func(params map[string]any) (Mechanism, error)

// Registry maps mechanism kinds to their builders. It is constructed, not global, so
// each engine (and each test) owns its set of kinds. Adding a mechanism is one file
// with its builder and one Register line in NewRegistry.
type Registry struct {
	builders map[string]Builder
}

// NewRegistry returns a registry holding every built-in mechanism.
func NewRegistry() *Registry {
	r := &Registry{builders: map[string]Builder{}}
	r.Register("redeploy", buildRedeploy)
	r.Register("restart", buildRestart)
	r.Register("hook", buildHook)
	r.Register("feature-flag", buildFeatureFlag)
	r.Register("blue-green", buildBlueGreen)
	r.Register("migration", buildMigration)
	r.Register("restore", buildRestore)
	return r
}

// Register adds kind, replacing any earlier builder of that kind. It panics on an empty
// kind or a nil builder, which are programming errors.
func (r *Registry) Register(kind string, build Builder) {
	if kind == "" || build == nil {
		panic("rollback: Register needs a kind and a builder")
	}
	r.builders[kind] = build
}

// Build makes the Mechanism a scenario describes. drill calls it when it validates a
// scenario, so an unknown kind or a misspelled parameter fails before anything starts.
func (r *Registry) Build(m scenario.Mechanism) (Mechanism, error) {
	build, ok := r.builders[m.Kind]
	if !ok {
		kinds := r.Kinds()
		hint := ""
		if s := suggest.Nearest(m.Kind, kinds); s != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", s)
		}
		return nil, fmt.Errorf("build mechanism: unknown kind %q%s; valid kinds: %s", m.Kind, hint, strings.Join(kinds, ", "))
	}
	return build(m.Params)
}

// Kinds lists the registered kinds, sorted.
func (r *Registry) Kinds() []string {
	return slices.Sorted(maps.Keys(r.builders))
}

// decodeParams fills dst, a pointer to a mechanism's parameter struct, strictly from a
// scenario's params map (see params.Decode); its errors start with `mechanism "<kind>":`.
func decodeParams(kind string, p map[string]any, dst any) error {
	return params.Decode("mechanism", kind, p, dst)
}
