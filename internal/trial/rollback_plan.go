package trial

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// rollbackPlan is what the trial runs of the plan's rollback and change steps: the
// rollback's steps (the plan's PhaseRollback steps, scenario.RollbackSteps) built into
// mechanisms, and the change's actions (its PhaseChange steps that are not deploys).
// What the plan says is what the trial does, in that order.
type rollbackPlan struct {
	sc     *scenario.Scenario
	change []scenario.ChangeStep
	steps  []scenario.RollbackStep
	mechs  []rollback.Mechanism
	// actions are the change steps run through a mechanism, by their index in change.
	actions map[int]rollback.Mechanism
	// previous is the release each step's service ran before t_fault.
	previous []string
}

// newRollbackPlan builds every mechanism of the plan's change and rollback steps.
func newRollbackPlan(sc *scenario.Scenario, pl scenario.Plan, reg *rollback.Registry) (*rollbackPlan, error) {
	p := &rollbackPlan{sc: sc, change: sc.ChangeSteps(), actions: map[int]rollback.Mechanism{}}
	all := sc.RollbackSteps()
	rbSteps, _ := pl.Of(scenario.PhaseRollback)
	for _, ps := range rbSteps {
		rs := all[ps.Rollback]
		m, err := reg.Build(rs.Mechanism)
		if err != nil {
			return nil, fmt.Errorf("build rollback step %s: %w", rs.Name, err)
		}
		p.steps, p.mechs = append(p.steps, rs), append(p.mechs, m)
	}
	changeSteps, _ := pl.Of(scenario.PhaseChange)
	for _, ps := range changeSteps {
		cs := p.change[ps.Change]
		if cs.Kind == scenario.StepDeploy {
			continue
		}
		m, err := reg.Build(cs.Action())
		if err != nil {
			return nil, fmt.Errorf("build change step %s: %w", cs.Name, err)
		}
		p.actions[ps.Change] = m
	}
	return p, nil
}

// prepare lets every mechanism that acts before the change do so (a restore's snapshot).
func (p *rollbackPlan) prepare(ctx context.Context, t *run, st stack.Stack) error {
	for i, m := range p.mechs {
		pr, ok := m.(rollback.Preparer)
		if !ok {
			continue
		}
		target := rollback.Target{Stack: st, Service: p.steps[i].Mechanism.Service,
			Step: func(step, detail string) { t.event(EventPreparePrefix.With(step), detail) }}
		if err := pr.Prepare(ctx, target); err != nil {
			return fmt.Errorf("prepare rollback: %w", err)
		}
	}
	return nil
}

// remember records, just before t_fault, the release each step's service runs: what a
// redeploy goes back to (the same release when only faults were injected).
func (p *rollbackPlan) remember(st stack.Stack) error {
	p.previous = make([]string, len(p.steps))
	for i, rs := range p.steps {
		svc, err := st.Service(rs.Mechanism.Service)
		if err != nil {
			return err
		}
		p.previous[i] = svc.Release()
	}
	return nil
}

// target is what step i acts on; an undo goes back to the release its change step replaced.
func (p *rollbackPlan) target(i int, t *run, st stack.Stack, change *changeDeploy, output io.Writer, prefix EventName) rollback.Target {
	rs := p.steps[i]
	prev := p.previous[i]
	if rs.Undoes >= 0 {
		if b := change.step(rs.Undoes).before; b != "" {
			prev = b
		}
	}
	return rollback.Target{Stack: st, Service: rs.Mechanism.Service, Previous: prev, Env: t.env, Output: output,
		Step: func(step, detail string) { t.event(prefix.With(step), detail) }}
}

// describe says what the rollback is about to do, for rollback_start.
func (p *rollbackPlan) describe(t *run, st stack.Stack, change *changeDeploy) string {
	if !p.sc.MultiStep() || p.steps[0].Undoes < 0 {
		return rollback.Describe(p.steps[0].Mechanism.Kind, p.mechs[0], p.target(0, t, st, change, nil, ""))
	}
	names := make([]string, len(p.steps))
	for i, rs := range p.steps {
		names[i] = rs.Name
	}
	return fmt.Sprintf("undo the change in %d step(s), last first: %s", len(p.steps), strings.Join(names, ", "))
}

// skip says why step i has nothing to do, "" when it must run: the undo of a change step
// that never started, or a redeploy (or flip back) of a service whose new release never
// took traffic (aborted in flight, the service still on what ran before). Any other
// mechanism runs even then: the aborted release may have acted as it started (migrated
// the data up, say), and only the plan's own steps can undo that.
func (p *rollbackPlan) skip(i int, st stack.Stack, change *changeDeploy, aborted bool) string {
	rs := p.steps[i]
	svc, err := st.Service(rs.Mechanism.Service)
	if err != nil {
		return ""
	}
	redeploy := rs.Mechanism.Kind == scenario.MechanismRedeploy || rs.Mechanism.Kind == scenario.MechanismBlueGreen
	if rs.Undoes < 0 {
		if c := p.sc.Change; redeploy && aborted && !change.isLive() && c != nil && c.Service == rs.Mechanism.Service && svc.Release() == p.previous[i] {
			return "the aborted change never went live: " + rs.Mechanism.Service + " still runs " + p.previous[i]
		}
		return ""
	}
	did, step := change.step(rs.Undoes), p.change[rs.Undoes]
	switch {
	case !did.started:
		return "step " + step.Name + " never ran"
	case redeploy && step.Kind == scenario.StepDeploy && !did.live && svc.Release() == did.before:
		return "step " + step.Name + "'s release never went live: " + rs.Mechanism.Service + " still runs " + did.before
	}
	return ""
}

// run runs the rollback's steps in order, skipping those with nothing to do, and stops
// at the first that fails after its attempts. It returns the steps it ran.
func (p *rollbackPlan) run(ctx context.Context, t *run, st stack.Stack, change *changeDeploy, aborted bool, output io.Writer, prefix EventName) ([]int, error) {
	var ran []int
	for i := range p.steps {
		if why := p.skip(i, st, change, aborted); why != "" {
			if !p.sc.MultiStep() {
				t.event(EventRollbackSkip, why)
				continue
			}
			at := t.event(EventRollbackStepSkip, p.steps[i].Name+": "+why)
			t.mu.Lock()
			t.res.Steps = append(t.res.Steps, StepRecord{Phase: scenario.PhaseRollback, Name: p.steps[i].Name, Start: at, End: &at, Skipped: true})
			t.mu.Unlock()
			continue
		}
		ran = append(ran, i)
		if err := p.runStep(ctx, t, st, change, i, output, prefix); err != nil {
			return ran, err
		}
	}
	if len(ran) == 0 { // verify.idempotent then runs every step once
		for i := range p.steps {
			ran = append(ran, i)
		}
	}
	return ran, nil
}

// again runs the steps the rollback ran once more (verify.idempotent).
func (p *rollbackPlan) again(ctx context.Context, t *run, st stack.Stack, change *changeDeploy, ran []int) error {
	for _, i := range ran {
		if err := p.runStep(ctx, t, st, change, i, nil, EventIdempotentPrefix); err != nil {
			return err
		}
	}
	return nil
}

// runStep runs rollback step i with its attempts; a multi-step rollback's steps are
// events of their own (prefix+"step_start", ...) with a StepRecord each.
func (p *rollbackPlan) runStep(ctx context.Context, t *run, st stack.Stack, change *changeDeploy, i int, output io.Writer, prefix EventName) error {
	rs := p.steps[i]
	target := p.target(i, t, st, change, output, prefix)
	return t.runStep(ctx, stepRun{phase: strings.TrimSuffix(string(prefix), "_"), name: rs.Name,
		what:  rs.Name + ": " + rollback.Describe(rs.Mechanism.Kind, p.mechs[i], target),
		start: prefix.With("step_start"), retry: prefix.With("step_retry"), end: prefix.With("step_end"),
		quiet: !p.sc.MultiStep(), attempts: scenario.Attempts(rs.Mechanism.Idempotent, rs.Mechanism.Retries),
		do: func(ctx context.Context) error { return p.mechs[i].Rollback(ctx, target) }})
}
