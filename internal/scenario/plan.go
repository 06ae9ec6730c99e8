package scenario

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Phases of a trial, in the order they happen: the kind of a plan's Step.
const (
	PhaseSetup    = "setup"
	PhaseWarmup   = "warm-up"
	PhaseChange   = "change"
	PhaseFault    = "fault"
	PhaseRevert   = "revert"
	PhaseWatch    = "watch"
	PhaseTrigger  = "trigger"
	PhaseRollback = "rollback"
	PhaseRecover  = "recover"
	PhaseVerify   = "verify"
	PhaseReset    = "reset"
)

// Anchor is what a step's time counts from.
type Anchor string

// Anchors of a plan's steps.
const (
	// AnchorStart: when the trial starts (the stack is set up).
	AnchorStart Anchor = "trial start"
	// AnchorFault: t_fault, the change and the faults' schedule start; At is the offset.
	AnchorFault Anchor = "t_fault"
	// AnchorCondition: when the trigger's condition holds (t_detect).
	AnchorCondition Anchor = "condition"
	// AnchorTrigger: t_trigger, the rollback starts; At is the offset.
	AnchorTrigger Anchor = "t_trigger"
	// AnchorPrevious: when the step before it in its sequence (change or rollback) ended.
	AnchorPrevious Anchor = "previous step"
	// AnchorRollbackEnd: when the rollback's last step ended.
	AnchorRollbackEnd Anchor = "rollback end"
	// AnchorRecovered: t_recovered.
	AnchorRecovered Anchor = "t_recovered"
	// AnchorEnd: the end of the trial (its run, for a revert: before the checks).
	AnchorEnd Anchor = "trial end"
	// AnchorControl: a step of the control trials only.
	AnchorControl Anchor = "control trials"
)

// Lasts says until when an applied fault stays applied.
type Lasts int

// How long a fault lasts. The plan decides it for every fault, the trial obeys it.
const (
	// LastsNot: the step is not a fault.
	LastsNot Lasts = iota
	// LastsFor: reverted after the fault's for (a revert step of the plan).
	LastsFor
	// LastsUntilRollback: reverted when the rollback starts (t_trigger), in reverse order
	// of application; one that comes due after the rollback started is not applied at all
	// (its whole span is over).
	LastsUntilRollback
	// LastsUntilEnd: reverted when the trial ends. A lasting kind (a kill: the rollback or
	// the supervisor its params declare starts the service again, drill never does), or a
	// fault counted from the rollback without a for.
	LastsUntilEnd
)

// NoRef marks a Step field that refers to nothing (no fault, change step, ...).
const NoRef = -1

// Step is one step of a trial's timeline: what happens, counted from what, and what of
// the scenario it carries out.
type Step struct {
	// Phase is the step's kind (PhaseSetup, PhaseChange, PhaseFault, ...).
	Phase string
	// Anchor is what the step's time counts from.
	Anchor Anchor
	// At is the offset from Anchor (AnchorFault or AnchorTrigger); for a step anchored
	// at t_fault it is the offset from t_fault, known before the trial runs (Static).
	At time.Duration
	// Static says At is an offset from t_fault known before the trial runs.
	Static bool
	// When says when a non-static step happens, in words ("after migrate").
	When string
	// Fault is the index in Scenario.Faults of the fault the step applies or reverts.
	Fault int
	// Lasts says, for a fault step, until when the fault stays applied.
	Lasts Lasts
	// Change is the index in Scenario.ChangeSteps of the change step the step runs.
	Change int
	// Rollback is the index in Scenario.RollbackSteps of the rollback step the step runs.
	Rollback int
	// Undoes is the index in Plan.Steps of the step this one undoes: the fault step a
	// revert reverts, the change step a rollback step undoes.
	Undoes int
	// Control says the step runs in a control trial too (which makes the change's good
	// twin, injects no fault and rolls nothing back).
	Control bool
	// Description says what happens, in one line of Plan.String.
	Description string
}

// WhenText renders when the step happens: "t_fault+2s", or the When text.
func (s Step) WhenText() string {
	if !s.Static {
		return s.When
	}
	switch {
	case s.At == 0:
		return "t_fault"
	case s.At < 0:
		return "t_fault-" + (-s.At).String()
	default:
		return "t_fault+" + s.At.String()
	}
}

// Plan is the ordered timeline of one trial, known before it runs: what `drill plan`
// prints and what the trial executes.
type Plan struct {
	// Scenario is the scenario's name.
	Scenario string
	// Trials is how many trials a run makes by default.
	Trials int
	// ErrorBound is how late the probes may observe t_impact and t_recovered each.
	ErrorBound time.Duration
	// Steps in the order they happen (steps with the same anchor that run side by side,
	// such as a fault counted from the rollback and the rollback's steps, by when each
	// begins to count).
	Steps []Step
}

// Of returns the steps of the given phase, in order, with their index in Steps.
func (p Plan) Of(phase string) (steps []Step, index []int) {
	for i, st := range p.Steps {
		if st.Phase == phase {
			steps, index = append(steps, st), append(index, i)
		}
	}
	return steps, index
}

// ForControl returns the plan of a control trial: the steps that run in one, the
// control's watch (listed last in the whole plan, as a note) where it happens: once the
// change is made, before the checks after it.
func (p Plan) ForControl() Plan {
	out := p
	out.Steps = nil
	var watch []Step
	for _, st := range p.Steps {
		switch {
		case st.Anchor == AnchorControl:
			watch = append(watch, st)
		case st.Control:
			out.Steps = append(out.Steps, st)
		}
	}
	at := slices.IndexFunc(out.Steps, func(st Step) bool { return st.Phase == PhaseVerify })
	if at < 0 {
		at = len(out.Steps)
	}
	out.Steps = slices.Insert(out.Steps, at, watch...)
	return out
}

// ErrorBound is the probe-implied timing error: probes start every Interval, so each of
// t_impact and t_recovered is observed up to one interval after it happened (RTC, their
// difference, is off by less than one interval either way). It is never finer than
// PacerTolerance, the most the pacer may start a probe after its slot.
func (p Probes) ErrorBound() time.Duration { return max(p.Interval.D(), PacerTolerance) }

// PlanOption tells Plan what it cannot know from the scenario alone.
type PlanOption func(*planner)

// WithLasting says which faults last past the rollback's start (a kill: the rollback or
// a supervisor starts the service again, drill never does). The fault kinds know it
// (inject.Lasting): pass their registry's answer. Without it no fault lasts.
func WithLasting(lasting func(Fault) bool) PlanOption {
	return func(p *planner) { p.lasting = lasting }
}

// Plan returns the timeline of one trial. It is pure: no I/O, same scenario, same plan.
func (s *Scenario) Plan(opts ...PlanOption) Plan {
	p := &planner{s: s, lasting: func(Fault) bool { return false }, changeAt: map[int]int{}}
	for _, o := range opts {
		o(p)
	}
	p.pl = Plan{Scenario: s.Name, Trials: s.Trials, ErrorBound: s.Probes.ErrorBound()}
	p.setup()
	p.warmup()
	p.change()
	p.watch()
	faults := p.faults()
	p.add(faults.timed...)
	p.trigger()
	p.untilRollback(faults)
	p.add(faults.fromRollback...)
	p.rollback()
	p.recover()
	p.untilEnd(faults)
	p.verify()
	reset := "stop and remove every service, proxy and network of the trial"
	if s.Stack.HasExternal() {
		reset = "when the rollback did not complete (not triggered, failed, interrupted), run its steps once more to undo the change; remove the trial's proxies; the external services are left running as they were found"
	}
	p.add(p.step(PhaseReset, AnchorEnd, "end of trial", "%s", reset))
	p.pl.Steps[len(p.pl.Steps)-1].Control = true
	p.control()
	p.link()
	return p.pl
}

// String renders the plan as an aligned table for `drill plan`.
func (p Plan) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "plan of one trial of %q (%d trials by default)\n", p.Scenario, p.Trials)
	fmt.Fprintf(&b, "times are offsets from t_fault; t_impact and t_recovered are each observed up to %s late\n\n", p.ErrorBound)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tPHASE\tWHEN\tWHAT")
	for i, st := range p.Steps {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", i+1, st.Phase, st.WhenText(), st.Description)
	}
	_ = tw.Flush() // a strings.Builder never fails
	return b.String()
}
