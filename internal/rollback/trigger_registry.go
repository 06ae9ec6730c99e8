package rollback

import (
	"github.com/drillhq/drill/internal/params"
	"github.com/drillhq/drill/internal/scenario"
)

// TriggerBuilder makes a trigger kind's Decider from a scenario's trigger params,
// decoding them strictly: it fails on an unknown, mistyped or out-of-range parameter.
type TriggerBuilder func(params map[string]any) (Decider, error)

// TriggerRegistry maps trigger kinds (the rollback plans: automated, manual, hybrid) to
// their builders. Every kind detects with the trigger's condition (the alert); the kind
// decides what happens between the alert and the rollback. It is constructed, not
// global: adding a kind is one file with its builder and one Register line.
type TriggerRegistry struct {
	kinds *params.Kinds[Decider]
}

// NewTriggerRegistry returns a registry holding every built-in trigger kind.
func NewTriggerRegistry() *TriggerRegistry {
	r := &TriggerRegistry{kinds: params.NewKinds[Decider]("trigger")}
	r.Register(scenario.TriggerAutomated, buildAutomatedDecider)
	r.Register(scenario.TriggerManual, buildManual)
	r.Register(scenario.TriggerHybrid, buildHybrid)
	return r
}

// Register adds kind, replacing any earlier builder of that kind. It panics on an empty
// kind or a nil builder, which are programming errors.
func (r *TriggerRegistry) Register(kind string, build TriggerBuilder) {
	r.kinds.Register(kind, build)
}

// Build makes the Decider a scenario's trigger describes. drill calls it when it
// validates a scenario, so an unknown kind or a misspelled parameter fails before
// anything starts.
func (r *TriggerRegistry) Build(t scenario.Trigger) (Decider, error) {
	return r.kinds.Build(t.Kind, t.Params)
}

// Kinds lists the registered kinds, sorted.
func (r *TriggerRegistry) Kinds() []string {
	return r.kinds.Names()
}

// decodeTriggerParams fills dst strictly from a trigger's params (see params.Decode);
// its errors start with `trigger "<kind>":`.
func decodeTriggerParams(kind string, p map[string]any, dst any) error {
	return params.Decode("trigger", kind, p, dst)
}
