package scenario

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Phases of a trial, in the order they happen.
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

// Step is one step of a trial's timeline.
type Step struct {
	// Phase names the part of the trial (PhaseSetup, PhaseChange, ...).
	Phase string
	// At is the offset from t_fault; meaningful only when Static.
	At time.Duration
	// Static says At is known before the trial runs.
	Static bool
	// When says when a non-static step happens ("when the condition holds").
	When string
	// Description says what happens, in one line.
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
// prints and what the runner follows.
type Plan struct {
	// Scenario is the scenario's name.
	Scenario string
	// Trials is how many trials a run makes by default.
	Trials int
	// ErrorBound is how late the probes may observe t_impact and t_recovered each.
	ErrorBound time.Duration
	// Steps in the order they happen.
	Steps []Step
}

// ErrorBound is the probe-implied timing error: probes start every Interval, so each of
// t_impact and t_recovered is observed up to one interval after it happened (RTC, their
// difference, is off by less than one interval either way).
func (p Probes) ErrorBound() time.Duration { return p.Interval.D() }

// Plan returns the timeline of one trial. It is pure: no I/O, same scenario, same plan.
func (s *Scenario) Plan() Plan {
	pl := Plan{Scenario: s.Name, Trials: s.Trials, ErrorBound: s.Probes.ErrorBound()}
	add := func(st Step) { pl.Steps = append(pl.Steps, st) }
	at := func(phase string, d time.Duration, format string, args ...any) {
		add(Step{Phase: phase, At: d, Static: true, Description: fmt.Sprintf(format, args...)})
	}
	when := func(phase, w, format string, args ...any) {
		add(Step{Phase: phase, When: w, Description: fmt.Sprintf(format, args...)})
	}

	services, err := StartOrder(s.Stack.Services)
	if err != nil { // validation rejects a cycle; a plan of an unvalidated scenario keeps the declared order
		services = s.Stack.Services
	}
	for _, svc := range services {
		after := ""
		if len(svc.DependsOn) > 0 {
			after = " after " + strings.Join(svc.DependsOn, ", ")
		}
		when(PhaseSetup, "trial start", "start %s (%s) behind its front proxy%s; ready when %s, within %s",
			describeService(svc), portText(svc.Port), after, svc.Readiness().Describe(), svc.StartTimeout)
	}
	for _, px := range s.Stack.Proxies {
		when(PhaseSetup, "trial start", "start proxy %s in front of %s", px.Name, px.Upstream)
	}
	pr := s.Probes
	settle := ""
	if s.Settle > 0 {
		settle = fmt.Sprintf(" (probes of its first %s not judged: settle)", s.Settle)
	}
	at(PhaseWarmup, -s.Warmup.D(), "start %s, and probes every %s (timeout %s): %s; steady state must hold for %s%s",
		workloadText(s.Workload), pr.Interval, pr.Timeout, probeText(pr), s.Warmup, settle)

	changeSteps := s.ChangeSteps()
	switch {
	case s.MultiStep():
		for i, c := range changeSteps {
			st := Step{Phase: PhaseChange, Static: i == 0, When: "after " + stepName(changeSteps, i-1),
				Description: fmt.Sprintf("step %d/%d %s: %s%s", i+1, len(changeSteps), c.Name, s.describeStep(c), retryText(c.Idempotent, c.Retries))}
			if i == 0 {
				st.Description += "; the steps run one after another, a failed step ends the change (the steps after it never run)"
			}
			if c.Kind == StepDeploy {
				st.Description += "; t_live = when traffic first moves to a deployed release"
			}
			add(st)
		}
	case len(changeSteps) == 1:
		at(PhaseChange, 0, "%s; t_live = when traffic moves to it (the impact is looked for from there)", s.describeStep(changeSteps[0]))
	}
	t := s.Rollback.Trigger
	at(PhaseWatch, 0, "%s trigger watches the probes: fires when %q holds over the last %s (at least %d probes) for %d evaluation(s) in a row",
		t.Kind, t.Condition, t.Window, t.MinSamples, t.FailureLimit)

	var timed, fromRollback []Step
	var untilRollback []Fault
	byAt := slices.Clone(s.Faults)
	slices.SortStableFunc(byAt, func(a, b Fault) int { return cmp.Compare(a.At, b.At) }) // application order
	for _, f := range byAt {
		steps := &timed
		if f.From == FromRollback {
			steps = &fromRollback
		}
		*steps = append(*steps, Step{Phase: PhaseFault, At: f.At.D(), Static: f.From != FromRollback,
			When: "t_trigger+" + f.At.String(), Description: fmt.Sprintf("apply %s to %s%s", f.Kind, f.Target, paramsText(f.Params))})
		switch {
		case f.Kind == "kill": // a lasting fault: see inject.Lasting
			(*steps)[len(*steps)-1].Description += "; it stays down until the rollback (or the supervisor its params declare) starts it; drill never restarts it"
		case f.For > 0:
			*steps = append(*steps, Step{Phase: PhaseRevert, At: f.At.D() + f.For.D(), Static: f.From != FromRollback,
				When: "t_trigger+" + (f.At + f.For).String(), Description: fmt.Sprintf("revert %s on %s after %s", f.Kind, f.Target, f.For)})
		case f.From == FromRollback:
			(*steps)[len(*steps)-1].Description += " (until the trial ends)"
		default:
			untilRollback = append(untilRollback, f)
		}
	}
	slices.SortStableFunc(timed, func(a, b Step) int { return cmp.Compare(a.At, b.At) })
	pl.Steps = append(pl.Steps, timed...)

	inflight := "a change still deploying is aborted first (its release never takes traffic)"
	if s.Rollback.WaitForChange {
		inflight = "a change still deploying is waited for first (rollback.wait_for_change: a phase of its own, not TTM)"
	}
	if t.Kind == TriggerAutomated {
		when(PhaseTrigger, "when the condition holds", "t_detect: the condition held; %s trigger starts the rollback at once (t_trigger = t_detect); %s", t.Kind, inflight)
	} else {
		when(PhaseTrigger, "when the condition holds", "t_detect: the alert fired; the %s plan decides%s, its time sampled from the trial's seed (TTM; with compression the real wait is shorter and the report gives the modelled TTM and RTC); t_trigger when it proceeds (an aborting gate rolls nothing back); %s",
			t.Kind, triggerParamsText(t.Params), inflight)
	}
	for i := len(untilRollback) - 1; i >= 0; i-- { // reverse order of application
		f := untilRollback[i]
		when(PhaseRevert, "t_trigger", "revert %s on %s (it lasts until the rollback)", f.Kind, f.Target)
	}
	rbSteps := s.RollbackSteps()
	before := releasesBefore(s, changeSteps)
	for i, rs := range rbSteps {
		prev := ""
		if rs.Undoes >= 0 {
			prev = before[rs.Undoes]
		}
		text := mechanismText(s, rs.Mechanism, prev)
		if rs.Mechanism.Idempotent || s.MultiStep() {
			text += retryText(rs.Mechanism.Idempotent, rs.Mechanism.Retries)
		}
		if !s.MultiStep() {
			when(PhaseRollback, "t_trigger", "%s", text)
			continue
		}
		w := "t_trigger"
		if i > 0 {
			w = "after " + rbSteps[i-1].Name
		}
		text = fmt.Sprintf("step %d/%d %s: %s", i+1, len(rbSteps), rs.Name, text)
		if i == 0 {
			text += "; only the steps whose change step started are undone, in this order; a step that fails after its attempts fails the rollback, naming it"
		}
		when(PhaseRollback, w, "%s", text)
	}
	slices.SortStableFunc(fromRollback, func(a, b Step) int { return cmp.Compare(a.At, b.At) })
	pl.Steps = append(pl.Steps, fromRollback...)
	when(PhaseRecover, "rollback end … +"+s.Rollback.Timeout.String(),
		"wait for %d consecutive passing probes started after the rollback's last step; t_recovered = the answer to the first of them (observed up to %s late); none by the timeout: the rollback failed",
		pr.RecoverAfter, pl.ErrorBound)
	switch {
	case s.Verify.FinalRead && s.Workload.Kind == WorkloadHTTP && s.Workload.Read != nil:
		rd := s.Workload.Read
		when(PhaseVerify, "after t_recovered", "stop the workload; final read %s %s (ids at %s): lost acknowledged writes give RPC", rd.Method, rd.Path, rd.IDs)
	case s.Verify.FinalRead:
		when(PhaseVerify, "after t_recovered", "stop the workload; final read of every transfer the ledger holds: lost acknowledged writes give RPC; then money conservation, exactly-once and schema version checked on the %d accounts", s.Workload.Accounts)
	default:
		when(PhaseVerify, "after t_recovered", "stop the workload and probes; no final read (RPC not measured)")
	}
	if l := s.Verify.Linearizable; l != nil {
		when(PhaseVerify, "after t_recovered", "check the key-value history of %d clients over %d keys on %s for linearizability (porcupine, budget %s; past it: unknown)", l.Clients, l.Keys, l.Service, l.Timeout)
	}
	for _, c := range s.Verify.Checks {
		target := strings.Join(c.Command, " ")
		if c.Path != "" {
			target = "GET " + c.Path + " on " + c.Service
		}
		when(PhaseVerify, "after t_recovered", "user check %s: %s", c.Name, target)
	}
	when(PhaseReset, "end of trial", "stop and remove every service, proxy and network of the trial")
	if c := s.Control; c != nil {
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
		when(PhaseWatch, "control trials", "%d control trials interleaved: each %s, injects no fault and rolls nothing back; the trigger must stay silent for %s after the change is live (a firing is a false positive)",
			c.Trials, what, c.Observe)
	}
	return pl
}

// stepName names the i-th step, or t_fault before the first.
func stepName(steps []ChangeStep, i int) string {
	if i < 0 {
		return "t_fault"
	}
	return steps[i].Name
}

// releasesBefore returns, for each change step, the release its service runs when the
// step starts: the declared release, then what earlier deploy steps deployed.
func releasesBefore(s *Scenario, steps []ChangeStep) []string {
	running := map[string]string{}
	for _, svc := range s.Stack.Services {
		running[svc.Name] = svc.Release
	}
	out := make([]string, len(steps))
	for i, c := range steps {
		out[i] = running[c.Service]
		if c.Kind == StepDeploy {
			running[c.Service] = c.Release
		}
	}
	return out
}

// strategyText says how a service deploys.
func strategyText(svc *Service) string {
	if svc != nil && svc.Strategy == StrategyRecreate {
		return "recreate (stop, then start: its gap is the change's own downtime, reported apart)"
	}
	return "start-first (the new release starts beside the old one and takes traffic once ready; no gap)"
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

func describeService(svc Service) string {
	var what string
	switch {
	case svc.Fixture != "":
		what = "fixture " + svc.Fixture
	case svc.Image != "":
		what = "image " + svc.Image
	default:
		what = "command " + strings.Join(svc.Command, " ")
	}
	if svc.Release != "" {
		what += ", release " + svc.Release
	}
	return fmt.Sprintf("%s [%s]", svc.Name, what)
}

func portText(port int) string { return fmt.Sprintf("port %d", port) }

// mechanismText says what a rollback mechanism does; before, when not empty, is the
// release its service ran before the change step it undoes.
func mechanismText(s *Scenario, m Mechanism, before string) string {
	if m.Kind != MechanismRedeploy {
		return fmt.Sprintf("%s %s%s", m.Kind, m.Service, paramsText(m.Params))
	}
	prev := "its release before the change"
	if svc := s.service(m.Service); svc != nil && svc.Release != "" {
		prev = "release " + svc.Release
	}
	if before != "" {
		prev = "release " + before
	}
	if r, ok := m.Params["release"].(string); ok && r != "" {
		prev = "release " + r
	}
	strategy := StrategyStartFirst
	if svc := s.service(m.Service); svc != nil && svc.Strategy != "" {
		strategy = svc.Strategy
	}
	if st, ok := m.Params["strategy"].(string); ok && st != "" {
		strategy = st
	}
	return fmt.Sprintf("redeploy %s with %s (%s)", m.Service, prev, strategy)
}

func paramsText(params map[string]any) string {
	if len(params) == 0 {
		return ""
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(params)) {
		parts = append(parts, fmt.Sprintf("%s=%v", k, params[k]))
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// workloadText describes the workload for the warm-up step.
func workloadText(w Workload) string {
	switch w.Kind {
	case WorkloadLedger:
		return fmt.Sprintf("ledger workload on %s at %g op/s over %d accounts (timeout %s)", w.Service, w.Rate, w.Accounts, w.Timeout)
	case WorkloadHTTP:
		write := "no write"
		if w.Write != nil {
			write = w.Write.Method + " " + w.Write.Path
		}
		setup := ""
		if n := len(w.Setup); n > 0 {
			setup = fmt.Sprintf(", after %d setup request(s)", n)
		}
		return fmt.Sprintf("http workload on %s at %g op/s: %s (timeout %s%s)", w.Service, w.Rate, write, w.Timeout, setup)
	}
	return "no workload"
}

// probeText describes the steady-state probe.
func probeText(pr Probes) string {
	switch {
	case pr.HTTP != nil:
		s := fmt.Sprintf("%s %s on %s, expect %d", pr.HTTP.Method, pr.HTTP.Path, pr.HTTP.Service, pr.HTTP.Status)
		if pr.HTTP.Connection == ConnectionFresh {
			s += ", a new connection each"
		}
		return s
	case pr.TCP != nil:
		return "TCP connect to " + pr.TCP.Service
	case pr.Exec != nil:
		return fmt.Sprintf("exec %q, expect exit 0", strings.Join(pr.Exec.Command, " "))
	case pr.Prometheus != nil:
		return fmt.Sprintf("Prometheus query %q at %s, pass when %s", pr.Prometheus.Query, pr.Prometheus.URL, pr.Prometheus.Condition)
	}
	return "no probe"
}

// triggerParamsText describes a trigger's params like paramsText, its checkpoints one
// by one: "checkpoints: assess (model=fixed, decision=1m); ...".
func triggerParamsText(params map[string]any) string {
	cps, ok := params["checkpoints"].([]any)
	if !ok {
		return paramsText(params)
	}
	rest := maps.Clone(params)
	delete(rest, "checkpoints")
	var parts []string
	for _, c := range cps {
		m, ok := c.(map[string]any)
		if !ok {
			return paramsText(params)
		}
		role := fmt.Sprint(m["role"])
		m = maps.Clone(m)
		delete(m, "role")
		parts = append(parts, role+paramsText(m))
	}
	text := strings.TrimSuffix(paramsText(rest), ")")
	if text == "" {
		text = " ("
	} else {
		text += "; "
	}
	return text + "checkpoints: " + strings.Join(parts, ", ") + ")"
}
