package rollback

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/drillhq/drill/internal/params"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// Redeploy rolls back by deploying the release a service ran before the change, with
// the service's deploy strategy: what `kubectl rollout undo` or redeploying the
// previous image does.
type Redeploy struct {
	// Release is the release to go back to; empty: the one running before the change.
	Release string `param:"release"`
	// Strategy overrides the service's deploy strategy (start-first, recreate).
	Strategy string `param:"strategy"`
}

func buildRedeploy(p map[string]any) (Mechanism, error) {
	var r Redeploy
	if err := decodeParams("redeploy", p, &r); err != nil {
		return nil, err
	}
	if r.Strategy != "" && !slices.Contains(scenario.Strategies, r.Strategy) {
		return nil, params.Errorf("strategy", "mechanism %q: parameter \"strategy\" must be one of %s, got %q",
			"redeploy", strings.Join(scenario.Strategies, ", "), r.Strategy)
	}
	return r, nil
}

// Describe implements Describer: "redeploy web v1", with the strategy when overridden.
func (r Redeploy) Describe(t Target) string {
	s := fmt.Sprintf("redeploy %s %s", t.Service, r.release(t))
	if r.Strategy != "" {
		s += " (" + r.Strategy + ")"
	}
	return s
}

// release is the release the redeploy goes back to.
func (r Redeploy) release(t Target) string {
	if r.Release != "" {
		return r.Release
	}
	return t.Previous
}

// Rollback implements Mechanism: each step of the deploy is reported to t.Step.
func (r Redeploy) Rollback(ctx context.Context, t Target) error {
	svc, err := t.service("redeploy")
	if err != nil {
		return err
	}
	release := r.release(t)
	opts := []stack.DeployOption{stack.WithSteps(func(s stack.DeployStep, detail string) { t.step(string(s), detail) })}
	if r.Strategy != "" {
		opts = append(opts, stack.WithStrategy(r.Strategy))
	}
	if err := svc.Deploy(ctx, release, opts...); err != nil {
		return fmt.Errorf("redeploy %s %s: %w", t.Service, release, err)
	}
	return nil
}

// Needs implements stack.Needer: the release it names, when it names one (the release
// that ran before the change always exists).
func (r Redeploy) Needs() []stack.Need {
	needs := []stack.Need{{Capability: stack.CapDeploy, Instead: "roll back with a hook (the team's own deploy command or URL)"}}
	if r.Release == "" {
		return needs
	}
	return append(needs, stack.Need{Stack: stack.NeedRelease, Release: r.Release, Param: "release"})
}
