package rollback

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/params"
	"github.com/drillhq/drill/internal/scenario"
)

// Checkpoint roles of a manual plan's procedure, as the articles list them.
const (
	RoleDecide     = "decide"
	RoleAssess     = "assess"
	RoleCoordinate = "coordinate"
	RoleVerify     = "verify"
	RoleDocument   = "document"
	RoleApprove    = "approve"
)

// checkpointRoles are the roles a checkpoint may take.
var checkpointRoles = []string{RoleAssess, RoleCoordinate, RoleVerify, RoleDocument}

// manualParams are the manual trigger's parameters. The top-level model is the decision
// itself; checkpoints (a list of {role, model, ...}) are the procedure's other timed
// parts. At least one of the two is required; their times add up to the decision.
type manualParams struct {
	ModelParams
	// Compression shortens every real wait by this factor (CI: 60 turns minutes into
	// seconds); the report shows the modelled times and says they were compressed.
	Compression float64 `param:"compression"`
}

// checkpointParams are one checkpoint's parameters.
type checkpointParams struct {
	Role string `param:"role,required"`
	ModelParams
}

// Manual is the manual plan: after the alert, a team assesses, coordinates, decides (and
// verifies, documents) before anyone rolls back. Each part's time is sampled from its
// declared model, seeded by the trial.
type Manual struct {
	parts       []modelPart
	compression float64
}

// modelPart is one timed part of a decision and its model.
type modelPart struct {
	role  string
	model Model
}

func buildManual(p map[string]any) (Decider, error) {
	rest := maps.Clone(p)
	rawCPs, hasCPs := rest["checkpoints"]
	delete(rest, "checkpoints")
	mp := manualParams{Compression: 1}
	if err := decodeTriggerParams(scenario.TriggerManual, rest, &mp); err != nil {
		return nil, err
	}
	m := &Manual{compression: mp.Compression}
	if mp.Compression < 1 {
		return nil, params.Errorf("compression", "trigger %q: compression must be at least 1 (1 = real time), got %g", scenario.TriggerManual, mp.Compression)
	}
	if mp.isSet() {
		model, err := newModel(mp.ModelParams, "")
		if err != nil {
			return nil, wrapModelErr(scenario.TriggerManual, err)
		}
		m.parts = append(m.parts, modelPart{role: RoleDecide, model: model})
	}
	if hasCPs {
		cps, err := buildCheckpoints(rawCPs)
		if err != nil {
			return nil, err
		}
		m.parts = append(m.parts, cps...)
	}
	if len(m.parts) == 0 {
		return nil, params.Errorf("model", "trigger %q: give the decision's model (model: fixed|lognormal|empirical) or checkpoints", scenario.TriggerManual)
	}
	return m, nil
}

// buildCheckpoints decodes the checkpoints list, each strictly.
func buildCheckpoints(raw any) ([]modelPart, error) {
	list, ok := raw.([]any)
	if !ok || len(list) == 0 {
		return nil, params.Errorf("checkpoints", "trigger %q: checkpoints must be a list of {role, model, ...}", scenario.TriggerManual)
	}
	var out []modelPart
	for i, e := range list {
		at := fmt.Sprintf("checkpoints[%d]", i)
		cp, ok := e.(map[string]any)
		if !ok {
			return nil, params.Errorf(at, "trigger %q: %s must be a mapping {role, model, ...}", scenario.TriggerManual, at)
		}
		var c checkpointParams
		if err := params.Decode("trigger", scenario.TriggerManual+" "+at, cp, &c); err != nil {
			var pe *params.Error
			if errors.As(err, &pe) {
				return nil, params.Errorf(at+"."+pe.Param, "%v", err)
			}
			return nil, err
		}
		if !slices.Contains(checkpointRoles, c.Role) {
			return nil, params.Errorf(at+".role", "trigger %q: %s.role %q: one of %s", scenario.TriggerManual, at, c.Role, strings.Join(checkpointRoles, ", "))
		}
		model, err := newModel(c.ModelParams, at+".")
		if err != nil {
			return nil, wrapModelErr(scenario.TriggerManual, err)
		}
		out = append(out, modelPart{role: c.Role, model: model})
	}
	return out, nil
}

// wrapModelErr prefixes a model error with the trigger kind, keeping its parameter.
func wrapModelErr(kind string, err error) error {
	var pe *params.Error
	if errors.As(err, &pe) {
		return params.Errorf(pe.Param, "trigger %q: %v", kind, err)
	}
	return fmt.Errorf("trigger %q: %w", kind, err)
}

// Describe says what the decision consists of, for the plan.
func (m *Manual) Describe() string {
	var parts []string
	for _, p := range m.parts {
		parts = append(parts, p.role+": "+p.model.String())
	}
	s := "manual decision (" + strings.Join(parts, "; ") + ")"
	if m.compression > 1 {
		s += fmt.Sprintf(", compressed ×%g", m.compression)
	}
	return s
}

// Decide implements Decider: each part in turn, its time sampled and waited for.
func (m *Manual) Decide(ctx context.Context, in DecideInput) (Decision, error) {
	d := Decision{Kind: scenario.TriggerManual, Proceed: true, Verdict: VerdictDecided, Compression: m.compression}
	src := in.source()
	for _, p := range m.parts {
		sampled := p.model.Sample(src)
		rw := realWait(sampled, m.compression)
		in.step(p.role, fmt.Sprintf("%s: modelled %s (%s), real wait %s", p.role, sampled, p.model, rw))
		if err := sleepFor(ctx, rw); err != nil {
			return d, err
		}
		d.Parts = append(d.Parts, DecisionPart{Role: p.role, Model: p.model.String(), Sampled: measure.Offset(sampled), RealWait: measure.Offset(rw)})
		d.Modelled += measure.Offset(sampled)
		d.RealWait += measure.Offset(rw)
	}
	return d, nil
}

// Sample draws the decision's parts for seed without waiting (what Decide would model):
// for plans and specs.
func (m *Manual) Sample(seed int64) []time.Duration {
	src := DecideInput{Seed: seed}.source()
	out := make([]time.Duration, len(m.parts))
	for i, p := range m.parts {
		out[i] = p.model.Sample(src)
	}
	return out
}
