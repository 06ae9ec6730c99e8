package evidence

import (
	"cmp"
	"fmt"
	"math"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stats"
	"github.com/drillhq/drill/internal/trial"
)

// Input is one run's results file as the pack reads it.
type Input struct {
	// Path is the results file, as the pack names it: slash-separated, relative to the
	// pack's directory.
	Path    string
	SHA256  string
	Results *report.Results
	// AuditFound says the run's audit log is beside its results file; a pack signs
	// only a log it has, and names the others missing.
	AuditFound bool
	// Scenario is the scenario file the run names, when it is still there unchanged
	// (nil otherwise: the pack then lists its conditions as missing).
	Scenario *scenario.Scenario
}

// Options are what Build takes besides the runs.
type Options struct {
	Period   report.Period
	Config   Config
	Findings FindingsFile
	// Version and BinarySHA256 identify the drill that builds the pack; At is when.
	Version, BinarySHA256 string
	At                    time.Time
}

// Build makes the pack of the runs in opts.Period (the others are ignored), in the
// order they started.
func Build(inputs []Input, opts Options) *Pack {
	runs := slices.Clone(inputs)
	runs = slices.DeleteFunc(runs, func(in Input) bool { return !opts.Period.Contains(in.Results.Started) })
	slices.SortStableFunc(runs, func(a, b Input) int { return a.Results.Started.Compare(b.Results.Started) })
	p := &Pack{
		Schema:       SchemaVersion,
		Generated:    Generated{Tool: "drill", Version: opts.Version, BinarySHA256: opts.BinarySHA256, At: opts.At.UTC()},
		Period:       Period{Label: opts.Period.Label, Start: opts.Period.Start, End: opts.Period.End, Span: opts.Period.Span()},
		Organisation: opts.Config.Organisation,
		System:       cmp.Or(opts.Config.System, labels(runs, "system")),
		BIARef:       cmp.Or(opts.Config.BIARef, labels(runs, "bia_ref")),
		Approver:     opts.Config.Approver,
		Runs:         []Run{}, Scope: []ScopeItem{}, Conditions: []Conditions{}, Outcomes: []Outcome{}, Timeline: []TimedEvent{},
	}
	findings := newTrack(opts.Findings.Findings)
	people := newParticipants(opts.Config.Participants)
	worst := stats.Verdict(0)
	for _, in := range runs {
		r := in.Results
		run := runOf(in)
		p.Runs = append(p.Runs, run)
		if v := r.Summary.Verdict; v > worst {
			worst = v
		}
		p.addScenario(in)
		p.Outcomes = append(p.Outcomes, outcomes(r)...)
		p.Timeline = append(p.Timeline, timeline(r)...)
		people.add(r)
		findings.observe(r.Scenario.Name, r.RunID, checks(r))
	}
	for _, s := range opts.Config.Scope {
		p.Scope = append(p.Scope, ScopeItem{Kind: "system", Name: s.Name, Digest: s.Digest})
	}
	p.Verdict = "none"
	if worst != 0 {
		p.Verdict = worst.String()
	}
	p.TestType = cmp.Or(opts.Config.TestType, testType(p.Runs))
	p.Participants = people.list()
	p.Findings = findings.findings(opts.Config.Owner)
	p.Forecasts = forecasts(runs, report.RateOf(opts.Config.Forecast, report.SourceConfig))
	tag(p)
	return p
}

// labels joins the distinct values of a scenario label across the runs, in order:
// a scenario's own metadata (labels: {bia_ref: ..., system: ...}) when the config does
// not say.
func labels(runs []Input, key string) string {
	var vals []string
	for _, in := range runs {
		if v := in.Results.Labels[key]; v != "" && !slices.Contains(vals, v) {
			vals = append(vals, v)
		}
	}
	return strings.Join(vals, ", ")
}

// runOf is the pack's record of one run.
func runOf(in Input) Run {
	r := in.Results
	run := Run{
		RunID: r.RunID, Scenario: r.Scenario.Name, ResultsFile: in.Path, ResultsSHA256: in.SHA256,
		Started: r.Started.UTC(), Finished: r.Finished.UTC(), DurationS: r.Finished.Sub(r.Started).Seconds(),
		Runtime: r.Runtime, DrillVersion: r.DrillVersion, TestType: TestSimulation, Verdict: r.Summary.Verdict.String(),
		Trials: r.Summary.Trials, Judged: r.Summary.Judged, Errors: r.Summary.Errors,
		ControlTrials: r.Summary.ControlTrials, ControlFired: r.Summary.ControlFired,
	}
	if r.Audit != nil && in.AuditFound {
		// The audit log lies beside its results file.
		run.AuditFile, run.AuditDigest = path.Join(path.Dir(in.Path), r.Audit.File), r.Audit.Digest
	}
	for _, t := range r.Trials {
		if t.Decision != nil && t.Decision.Operator != "" {
			run.TestType = TestGameDay
		}
	}
	return run
}

// testType is the period's: a game day when any run was one.
func testType(runs []Run) string {
	if len(runs) == 0 {
		return ""
	}
	if slices.ContainsFunc(runs, func(r Run) bool { return r.TestType == TestGameDay }) {
		return TestGameDay
	}
	return TestSimulation
}

// addScenario pins the run's scenario in scope and, once per scenario, states its
// conditions when its file is still there.
func (p *Pack) addScenario(in Input) {
	ref := in.Results.Scenario
	if !slices.ContainsFunc(p.Scope, func(s ScopeItem) bool {
		return s.Kind == "scenario" && s.Name == ref.Name && s.Digest == "sha256:"+ref.SHA256
	}) {
		p.Scope = append(p.Scope, ScopeItem{Kind: "scenario", Name: ref.Name, Digest: "sha256:" + ref.SHA256})
	}
	sc := in.Scenario
	if sc == nil || slices.ContainsFunc(p.Conditions, func(c Conditions) bool { return c.Scenario == ref.Name }) {
		return
	}
	t, o := sc.Rollback.Trigger, sc.Objectives
	integrity := "none checked"
	if sc.Verify.FinalRead || len(sc.Verify.Checks) > 0 || sc.Verify.Linearizable != nil {
		integrity = "every invariant check after recovery passes"
	}
	p.Conditions = append(p.Conditions, Conditions{
		Scenario:   ref.Name,
		Activation: Activation{Trigger: t.Kind, Condition: t.Condition, WindowMs: msOf(t.Window.D())},
		Success: Success{RTOMs: msOf(o.RTO.D()), RPOMs: msOf(o.RPO.D()), SuccessRate: o.SuccessRate,
			Quantile: o.Quantile, Confidence: o.Confidence, Integrity: integrity},
	})
}

func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// outcomes are the run's objectives, expected against measured.
func outcomes(r *report.Results) []Outcome {
	s, o := r.Summary, r.Objectives
	q := fmt.Sprintf("p%g", o.Quantile*100)
	out := []Outcome{
		quantileOutcome(r.RunID, "rto", fmt.Sprintf("%s RTC ≤ %s at %g%% confidence", q, o.RTO.D(), o.Confidence*100), s.RTO),
		quantileOutcome(r.RunID, "rpo", fmt.Sprintf("%s RPC ≤ %s at %g%% confidence", q, o.RPO.D(), o.Confidence*100), s.RPO),
		{RunID: r.RunID, Objective: "success_rate", Expected: fmt.Sprintf("≥ %g%% of rollbacks recover", o.SuccessRate*100),
			Measured: fmt.Sprintf("%d of %d incidents recovered", s.Recovered, s.Incidents), Bound: bound(s.SuccessRate, "lower"),
			N: s.SuccessRate.N, Verdict: s.SuccessRate.Verdict.String(), Reason: s.SuccessRate.Reason, Estimate: s.SuccessRate.Estimate},
	}
	if s.ConsistencyChecks > 0 {
		v := stats.Pass
		switch {
		case s.ConsistencyFailures > 0:
			v = stats.Fail
		case s.ConsistencyUnknown > 0:
			v = stats.Inconclusive
		}
		out = append(out, Outcome{RunID: r.RunID, Objective: "integrity", Expected: "every invariant holds after recovery",
			Measured: fmt.Sprintf("%d checks: %d failed, %d unknown; %d of %d acknowledged writes lost", s.ConsistencyChecks, s.ConsistencyFailures, s.ConsistencyUnknown, s.LostWrites, s.AckedWrites),
			N:        s.ConsistencyChecks, Verdict: v.String(), Estimate: float64(s.ConsistencyFailures)})
	}
	return out
}

// quantileOutcome is an objective on a quantile of a measure, in seconds.
func quantileOutcome(runID, objective, expected string, v stats.VerdictResult) Outcome {
	return Outcome{RunID: runID, Objective: objective, Expected: expected,
		Measured: fmt.Sprintf("estimate %s over %d trials", seconds(v.Estimate), v.N), Bound: bound(v, "upper"),
		N: v.N, Verdict: v.Verdict.String(), Reason: v.Reason, Estimate: v.Estimate}
}

// bound renders the one-sided confidence bound the verdict rests on.
func bound(v stats.VerdictResult, side string) string {
	switch {
	case side == "upper" && v.UpperOK && !math.IsInf(v.Upper, 0):
		return "upper bound " + seconds(v.Upper)
	case side == "upper" && v.UpperOK:
		return "upper bound unbounded (a trial never recovered)"
	case side == "lower" && v.LowerOK:
		return fmt.Sprintf("lower bound %.3g", v.Lower)
	}
	return "no bound: too few trials"
}

func seconds(s float64) string {
	return time.Duration(s * float64(time.Second)).Round(time.Millisecond).String()
}

// timeline dates each trial's recorded steps on the wall clock.
func timeline(r *report.Results) []TimedEvent {
	var out []TimedEvent
	for _, t := range r.Trials {
		tm := t.Timing
		steps := []struct {
			name string
			at   *measure.Offset
		}{{"fault", &tm.Fault}, {"impact", tm.Impact}, {"detect", tm.Detect}, {"trigger", tm.Trigger}, {"rollback_end", tm.RollbackEnd}, {"recovered", tm.Recovered}}
		for _, s := range steps {
			if s.at == nil || t.Started.IsZero() || (s.name == "fault" && t.Outcome == trial.Errored) {
				continue
			}
			out = append(out, TimedEvent{RunID: r.RunID, Trial: t.Index, Event: s.name, At: t.Started.Add(s.at.D()).UTC()})
		}
	}
	return out
}

// checks are the run's judgements that open or close findings.
func checks(r *report.Results) []check {
	s := r.Summary
	judged := func(v stats.VerdictResult) bool { return v.Verdict == stats.Pass || v.Verdict == stats.Fail }
	return []check{
		{"rto", "RTO not shown met", s.RTO.Verdict != stats.Pass && s.RTO.Verdict != 0, judged(s.RTO)},
		{"rpo", "RPO not shown met", s.RPO.Verdict != stats.Pass && s.RPO.Verdict != 0, judged(s.RPO)},
		{"success_rate", "rollback success rate not shown met", s.SuccessRate.Verdict != stats.Pass && s.SuccessRate.Verdict != 0, judged(s.SuccessRate)},
		{"false_positive", "the trigger fired on a good change", s.ControlFired > 0, s.ControlTrials > 0},
		{"lost_writes", "acknowledged writes lost", s.LostWrites > 0, s.AckedWrites > 0},
		{"integrity", "an invariant broke after recovery", s.ConsistencyFailures > 0, s.ConsistencyChecks > 0},
	}
}
