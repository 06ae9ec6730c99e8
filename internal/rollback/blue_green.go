package rollback

import (
	"context"
	"fmt"

	"github.com/drillhq/drill/internal/stack"
)

// BlueGreen rolls back by flipping the service's front switch back to the previous
// release, which a blue-green deploy (service strategy blue-green) left running idle:
// nothing starts, nothing waits for readiness. Connections opened from the flip on reach
// the previous release; those already open finish on the bad one, which then drains.
// What failed or hung across the flip is in the workload's history.
type BlueGreen struct{}

func buildBlueGreen(p map[string]any) (Mechanism, error) {
	if err := decodeParams("blue-green", p, &struct{}{}); err != nil {
		return nil, err
	}
	return BlueGreen{}, nil
}

// Describe implements Describer.
func (BlueGreen) Describe(t Target) string {
	return fmt.Sprintf("blue-green: flip %s back to %s", t.Service, t.Previous)
}

// Rollback implements Mechanism.
func (BlueGreen) Rollback(ctx context.Context, t Target) error {
	svc, err := t.service("blue-green")
	if err != nil {
		return err
	}
	f, ok := svc.(stack.Flipper)
	if !ok {
		return fmt.Errorf("blue-green %s: its runtime cannot flip a service (%T)", t.Service, svc)
	}
	steps := stack.WithSteps(func(s stack.DeployStep, detail string) { t.step(string(s), detail) })
	if err := f.FlipBack(ctx, steps); err != nil {
		return fmt.Errorf("blue-green %s: %w", t.Service, err)
	}
	return nil
}

// Needs implements stack.Needer: a runtime that keeps the previous release standing by,
// and a service that deploys blue-green so that it does.
func (BlueGreen) Needs() []stack.Need {
	return []stack.Need{
		{Capability: stack.CapFlip, Instead: "use mechanism redeploy"},
		{Stack: stack.NeedStandby, Instead: "set the service's strategy: blue-green, or use mechanism redeploy"},
	}
}
