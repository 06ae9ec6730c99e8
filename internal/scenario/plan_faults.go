package scenario

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// faultSteps are the faults' steps, by what they count from.
type faultSteps struct {
	// timed count from t_fault, in time order.
	timed []Step
	// fromRollback count from t_trigger, in time order.
	fromRollback []Step
	// untilRollback are the faults reverted when the rollback starts, in order of
	// application (indexes in Scenario.Faults).
	untilRollback []int
}

// lasts says until when fault f stays applied: the one place that decides it.
func (p *planner) lasts(f Fault) Lasts {
	switch {
	case p.lasting(f):
		return LastsUntilEnd
	case f.For > 0:
		return LastsFor
	case f.From == FromRollback:
		return LastsUntilEnd
	}
	return LastsUntilRollback
}

// SkippedOnceRolledBack reports whether the fault step is not applied at all when it
// comes due after the rollback started: one counted from t_fault without a for (it would
// last until the rollback or past it, so the span it was meant for is over).
func (s Step) SkippedOnceRolledBack() bool {
	return s.Phase == PhaseFault && s.Anchor == AnchorFault && s.Lasts != LastsFor
}

// faults schedules every fault: its application at its offset from t_fault (or from
// t_trigger when it counts from the rollback), and its revert as lasts says.
func (p *planner) faults() faultSteps {
	var out faultSteps
	order := make([]int, len(p.s.Faults))
	for i := range order {
		order[i] = i
	}
	// application order
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(p.s.Faults[a].At, p.s.Faults[b].At) })
	for _, i := range order {
		f := p.s.Faults[i]
		steps := &out.timed
		if f.From == FromRollback {
			steps = &out.fromRollback
		}
		apply := p.faultStep(PhaseFault, i, f.At.D(), "apply %s to %s%s", f.Kind, f.Target, paramsText(f.Params))
		apply.Lasts = p.lasts(f)
		switch apply.Lasts {
		case LastsUntilEnd:
			if p.lasting(f) {
				apply.Description += "; it stays down until the rollback (or the supervisor its params declare) starts it; drill never restarts it"
			} else {
				apply.Description += " (until the trial ends)"
			}
			*steps = append(*steps, apply)
		case LastsFor:
			*steps = append(*steps, apply, p.faultStep(PhaseRevert, i, f.At.D()+f.For.D(), "revert %s on %s after %s", f.Kind, f.Target, f.For))
		default:
			*steps = append(*steps, apply)
			out.untilRollback = append(out.untilRollback, i)
		}
	}
	byAt := func(a, b Step) int { return cmp.Compare(a.At, b.At) }
	slices.SortStableFunc(out.timed, byAt)
	slices.SortStableFunc(out.fromRollback, byAt)
	return out
}

// faultStep is a step of fault i at offset at from what the fault counts from.
func (p *planner) faultStep(phase string, i int, at time.Duration, format string, args ...any) Step {
	f := p.s.Faults[i]
	st := p.step(phase, AnchorFault, "", format, args...)
	st.Fault, st.At, st.Static = i, at, true
	if f.From == FromRollback {
		st.Anchor, st.Static, st.When = AnchorTrigger, false, "t_trigger+"+at.String()
	}
	return st
}

// untilRollback reverts, when the rollback starts, the faults that last until then, in
// reverse order of application.
func (p *planner) untilRollback(fs faultSteps) {
	for k := len(fs.untilRollback) - 1; k >= 0; k-- {
		i := fs.untilRollback[k]
		f := p.s.Faults[i]
		st := p.step(PhaseRevert, AnchorTrigger, "t_trigger", "revert %s on %s (it lasts until the rollback)", f.Kind, f.Target)
		st.Fault = i
		p.add(st)
	}
}

// untilEnd reverts, when the trial's run ends (after the recovery, before the checks),
// the faults that last until then, in the order the plan lists them.
func (p *planner) untilEnd(fs faultSteps) {
	for _, st := range append(slices.Clone(fs.timed), fs.fromRollback...) {
		if st.Phase != PhaseFault || st.Lasts != LastsUntilEnd {
			continue
		}
		f := p.s.Faults[st.Fault]
		rv := p.step(PhaseRevert, AnchorEnd, "after t_recovered", "revert %s on %s when the trial's run ends, before the checks (it lasts until then)", f.Kind, f.Target)
		if p.lasting(f) {
			rv.Description = fmt.Sprintf("revert %s on %s when the trial's run ends, before the checks: disarm what it left armed (it starts nothing)", f.Kind, f.Target)
		}
		rv.Fault = st.Fault
		p.add(rv)
	}
}

// link points every revert at the fault step it reverts.
func (p *planner) link() {
	applied := map[int]int{}
	for i, st := range p.pl.Steps {
		switch st.Phase {
		case PhaseFault:
			applied[st.Fault] = i
		case PhaseRevert:
			p.pl.Steps[i].Undoes = applied[st.Fault]
		}
	}
}
