package scenario

import "fmt"

// StepDeploy is the change step kind that deploys a release of a service; every other
// kind of step is a rollback mechanism's kind used as an action (call, hook, ...).
const StepDeploy = "deploy"

// MaxRetries bounds a step's retries: more is a loop, not a plan.
const MaxRetries = 10

// MultiStep reports whether the change is written as steps.
func (s *Scenario) MultiStep() bool { return s.Change != nil && len(s.Change.Steps) > 0 }

// ChangeSteps returns the change's steps in the order a trial runs them: a multi-step
// change's steps, or the one deploy that change: {service, release} writes; nil without
// a change. `drill plan` and the trial both read this list, so the plan's order is the
// trial's.
func (s *Scenario) ChangeSteps() []ChangeStep {
	switch {
	case s.Change == nil:
		return nil
	case len(s.Change.Steps) > 0:
		return s.Change.Steps
	}
	return []ChangeStep{{Name: StepDeploy, Kind: StepDeploy, Service: s.Change.Service, Release: s.Change.Release}}
}

// RollbackStep is one step of the rollback.
type RollbackStep struct {
	// Name identifies the step on the timeline: the mechanism's kind, or "undo <step>".
	Name string
	// Mechanism carries the step out; its Idempotent and Retries say whether a failed
	// attempt is tried again.
	Mechanism Mechanism
	// Undoes is the index in ChangeSteps of the step this one undoes; -1 for the
	// rollback's own mechanism, which runs whatever the change did.
	Undoes int
}

// RollbackSteps returns the rollback's steps in the order a trial runs them: the
// rollback's mechanism when it has one, else the undo of every change step that has one
// (a deploy step's default: redeploy what it replaced), last step first. A trial skips
// the undo of a step that never ran.
func (s *Scenario) RollbackSteps() []RollbackStep {
	if m := s.Rollback.Mechanism; m.Kind != "" || !s.MultiStep() {
		return []RollbackStep{{Name: m.Kind, Mechanism: m, Undoes: -1}}
	}
	steps := s.ChangeSteps()
	var out []RollbackStep
	for i := len(steps) - 1; i >= 0; i-- {
		if u, ok := steps[i].undo(); ok {
			out = append(out, RollbackStep{Name: "undo " + steps[i].Name, Mechanism: u, Undoes: i})
		}
	}
	return out
}

// undo returns the mechanism that undoes the step, with its service defaulted to the
// step's; false when the step is not undone.
func (c ChangeStep) undo() (Mechanism, bool) {
	var m Mechanism
	switch {
	case c.Undo != nil:
		m = *c.Undo
	case c.Kind == StepDeploy:
		m = Mechanism{Kind: MechanismRedeploy}
	default:
		return Mechanism{}, false
	}
	if m.Service == "" {
		m.Service = c.Service
	}
	return m, true
}

// Action returns the mechanism a step other than a deploy runs as its action.
func (c ChangeStep) Action() Mechanism {
	return Mechanism{Kind: c.Kind, Service: c.Service, Params: c.Params, Idempotent: c.Idempotent, Retries: c.Retries}
}

// Attempts is how many times a step may be tried: once, or 1+retries when idempotent.
func Attempts(idempotent bool, retries int) int {
	if !idempotent {
		return 1
	}
	return 1 + retries
}

// describeStep says what a change step does, for the plan.
func (s *Scenario) describeStep(c ChangeStep) string {
	if c.Kind == StepDeploy {
		from := ""
		if svc := s.service(c.Service); svc != nil && svc.Release != "" {
			from = " (replacing " + svc.Release + ")"
		}
		return fmt.Sprintf("deploy release %s of %s%s, %s", c.Release, c.Service, from, strategyText(s.service(c.Service)))
	}
	return fmt.Sprintf("%s %s%s", c.Kind, c.Service, paramsText(c.Params))
}

// retryText says how a failed attempt is handled.
func retryText(idempotent bool, retries int) string {
	switch {
	case idempotent && retries > 0:
		return fmt.Sprintf("; idempotent: a failed attempt is retried up to %d time(s)", retries)
	case idempotent:
		return "; idempotent (no retries declared)"
	}
	return "; not idempotent: a failed attempt is not retried"
}
