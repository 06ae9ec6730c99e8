package rollback

import (
	"context"

	"github.com/drillhq/drill/internal/scenario"
)

// automatedDecider is the automated plan's decision: none. The rollback starts the
// moment the condition holds (t_trigger = t_detect).
type automatedDecider struct{}

func buildAutomatedDecider(p map[string]any) (Decider, error) {
	if err := decodeTriggerParams(scenario.TriggerAutomated, p, &struct{}{}); err != nil {
		return nil, err
	}
	return automatedDecider{}, nil
}

// Decide implements Decider.
func (automatedDecider) Decide(ctx context.Context, _ DecideInput) (Decision, error) {
	return Decision{Kind: scenario.TriggerAutomated, Proceed: true, Verdict: VerdictAutomatic, Compression: 1}, ctx.Err()
}
