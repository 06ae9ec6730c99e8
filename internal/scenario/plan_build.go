package scenario

import (
	"fmt"
	"strings"
	"time"
)

// planner builds a Plan, one part of the trial after the other.
type planner struct {
	s       *Scenario
	pl      Plan
	lasting func(Fault) bool
	// changeAt is the index in pl.Steps of each change step, by its index in ChangeSteps.
	changeAt map[int]int
}

// step returns a step of phase that refers to nothing of the scenario yet, anchored
// at anchor and described as format says; when is its WHEN column.
func (p *planner) step(phase string, anchor Anchor, when, format string, args ...any) Step {
	return Step{Phase: phase, Anchor: anchor, When: when, Fault: NoRef, Change: NoRef, Rollback: NoRef, Undoes: NoRef,
		Description: fmt.Sprintf(format, args...)}
}

// static makes st a step at its offset At from t_fault, known before the trial runs.
func static(st Step) Step {
	st.Anchor, st.Static, st.When = AnchorFault, true, ""
	return st
}

// at returns a step of phase at offset d from t_fault.
func (p *planner) at(phase string, d time.Duration, format string, args ...any) Step {
	st := static(p.step(phase, AnchorFault, "", format, args...))
	st.At = d
	return st
}

func (p *planner) add(steps ...Step) { p.pl.Steps = append(p.pl.Steps, steps...) }

// setup starts every service (after those it depends on) and proxy.
func (p *planner) setup() {
	s := p.s
	services, err := StartOrder(s.Stack.Services)
	if err != nil { // validation rejects a cycle; a plan of an unvalidated scenario keeps the declared order
		services = s.Stack.Services
	}
	for _, svc := range services {
		after := ""
		if len(svc.DependsOn) > 0 {
			after = " after " + strings.Join(svc.DependsOn, ", ")
		}
		st := p.step(PhaseSetup, AnchorStart, "trial start", "start %s (%s) behind its front proxy%s; ready when %s, within %s",
			describeService(svc), portText(svc.Port), after, svc.Readiness().Describe(), svc.StartTimeout)
		if s.Stack.Compose != "" {
			st.Description += " (service of compose file " + s.Stack.Compose + ")"
		}
		if svc.IsExternal() {
			st = p.step(PhaseSetup, AnchorStart, "trial start", "put a front proxy before %s at %s (external: drill does not start it)%s; ready when %s, within %s",
				svc.Name, svc.External, after, strings.Replace(svc.Readiness().Describe(), "on the service port", "at the endpoint", 1), svc.StartTimeout)
		}
		st.Control = true
		p.add(st)
	}
	for _, px := range s.Stack.Proxies {
		st := p.step(PhaseSetup, AnchorStart, "trial start", "start proxy %s in front of %s", px.Name, px.Upstream)
		st.Control = true
		p.add(st)
	}
}

// warmup starts the workload and the probes before t_fault.
func (p *planner) warmup() {
	s, pr := p.s, p.s.Probes
	settle := ""
	if s.Settle > 0 {
		settle = fmt.Sprintf(" (probes of its first %s not judged: settle)", s.Settle)
	}
	st := p.at(PhaseWarmup, -s.Warmup.D(), "start %s, and probes every %s (timeout %s): %s; steady state must hold for %s%s",
		s.workloadText(), pr.Interval, pr.Timeout, probeText(pr), s.Warmup, settle)
	st.Control = true
	p.add(st)
}

// change runs the change's steps from t_fault, one after another.
func (p *planner) change() {
	s := p.s
	changeSteps := s.ChangeSteps()
	if !s.MultiStep() {
		if len(changeSteps) == 1 {
			st := p.at(PhaseChange, 0, "%s; t_live = when traffic moves to it (the impact is looked for from there)", s.describeStep(changeSteps[0]))
			// A control trial deploys the good release instead, or nothing (release: none).
			st.Change, st.Control = 0, s.Control == nil || s.Control.Release != ControlNone
			p.changeAt[0] = len(p.pl.Steps)
			p.add(st)
		}
		return
	}
	for i, c := range changeSteps {
		st := p.step(PhaseChange, AnchorPrevious, "after "+stepName(changeSteps, i-1), "step %d/%d %s: %s%s",
			i+1, len(changeSteps), c.Name, s.describeStep(c), retryText(c.Idempotent, c.Retries))
		if i == 0 {
			st = static(st)
			st.Description += "; the steps run one after another, a failed step ends the change (the steps after it never run)"
		}
		if c.Kind == StepDeploy {
			st.Description += "; t_live = when traffic first moves to a deployed release"
		}
		st.Change = i
		p.changeAt[i] = len(p.pl.Steps)
		p.add(st)
	}
}

// watch arms the trigger at t_fault.
func (p *planner) watch() {
	t := p.s.Rollback.Trigger
	st := p.at(PhaseWatch, 0, "%s trigger watches the probes: fires when %q holds over the last %s (at least %d probes) for %d evaluation(s) in a row",
		t.Kind, t.Condition, t.Window, t.MinSamples, t.FailureLimit)
	st.Control = true
	p.add(st)
}

// trigger is t_detect, the decision and t_trigger.
func (p *planner) trigger() {
	s := p.s
	t := s.Rollback.Trigger
	inflight := "a change still deploying is aborted first (its release never takes traffic)"
	if s.Rollback.WaitForChange {
		inflight = "a change still deploying is waited for first (rollback.wait_for_change: a phase of its own, not TTM)"
	}
	const when = "when the condition holds"
	if t.Kind == TriggerAutomated {
		p.add(p.step(PhaseTrigger, AnchorCondition, when, "t_detect: the condition held; %s trigger starts the rollback at once (t_trigger = t_detect); %s", t.Kind, inflight))
		return
	}
	p.add(p.step(PhaseTrigger, AnchorCondition, when, "t_detect: the alert fired; the %s plan decides%s, its time sampled from the trial's seed (TTM; with compression the real wait is shorter and the report gives the modelled TTM and RTC); t_trigger when it proceeds (an aborting gate rolls nothing back); %s",
		t.Kind, triggerParamsText(t.Params), inflight))
}

// rollback runs the rollback's steps from t_trigger, one after another.
func (p *planner) rollback() {
	s := p.s
	rbSteps := s.RollbackSteps()
	before := releasesBefore(s, s.ChangeSteps())
	for i, rs := range rbSteps {
		prev := ""
		if rs.Undoes >= 0 {
			prev = before[rs.Undoes]
		}
		text := mechanismText(s, rs.Mechanism, prev)
		if rs.Mechanism.Idempotent || s.MultiStep() {
			text += retryText(rs.Mechanism.Idempotent, rs.Mechanism.Retries)
		}
		st := p.step(PhaseRollback, AnchorTrigger, "t_trigger", "%s", text)
		st.Rollback = i
		if at, ok := p.changeAt[rs.Undoes]; ok {
			st.Undoes = at
		}
		if s.MultiStep() {
			if i > 0 {
				st.Anchor, st.When = AnchorPrevious, "after "+rbSteps[i-1].Name
			}
			st.Description = fmt.Sprintf("step %d/%d %s: %s", i+1, len(rbSteps), rs.Name, text)
			if i == 0 {
				st.Description += "; only the steps whose change step started are undone, in this order; a step that fails after its attempts fails the rollback, naming it"
			}
		}
		p.add(st)
	}
}

// recover waits for the probes to pass again after the rollback.
func (p *planner) recover() {
	s := p.s
	p.add(p.step(PhaseRecover, AnchorRollbackEnd, "rollback end … +"+s.Rollback.Timeout.String(),
		"wait for %d consecutive passing probes started after the rollback's last step; t_recovered = the answer to the first of them (observed up to %s late); none by the timeout: the rollback failed",
		s.Probes.RecoverAfter, p.pl.ErrorBound))
}

// verify checks what the trial kept after recovery.
func (p *planner) verify() {
	s := p.s
	const when = "after t_recovered"
	verify := func(format string, args ...any) {
		st := p.step(PhaseVerify, AnchorRecovered, when, format, args...)
		st.Control = true
		p.add(st)
	}
	switch {
	case s.Verify.FinalRead:
		read := s.workloadInfo.FinalRead
		if read == "" {
			read = "final read of the ids the workload holds"
		}
		verify("stop the workload; %s", read)
	default:
		verify("stop the workload and probes; no final read (RPC not measured)")
	}
	if l := s.Verify.Linearizable; l != nil {
		verify("check the key-value history of %d clients over %d keys on %s for linearizability (porcupine, budget %s; past it: unknown)", l.Clients, l.Keys, l.Service, l.Timeout)
	}
	for _, c := range s.Verify.Checks {
		target := strings.Join(c.Command, " ")
		if c.Path != "" {
			target = "GET " + c.Path + " on " + c.Service
		}
		verify("user check %s: %s", c.Name, target)
	}
}

// control describes the control trials interleaved with the others.
func (p *planner) control() {
	s := p.s
	c := s.Control
	if c == nil {
		return
	}
	what := "no change"
	if s.Change != nil && c.Release != ControlNone {
		rel := c.Release
		if rel == "" {
			if svc := s.service(s.Change.Service); svc != nil {
				rel = svc.Release
			}
		}
		what = fmt.Sprintf("deploys release %s of %s instead of the change", rel, s.Change.Service)
	}
	st := p.step(PhaseWatch, AnchorControl, "control trials", "%d control trials interleaved: each %s, injects no fault and rolls nothing back; the trigger must stay silent for %s after the change is live (a firing is a false positive)",
		c.Trials, what, c.Observe)
	st.Control = true
	p.add(st)
}
