package drill

import (
	"strings"
	"time"

	"github.com/drillhq/drill/internal/kinds"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/stats"
	"github.com/drillhq/drill/internal/trial"
)

// Verdict is the judgement of a run, or of one objective, against the scenario's
// objectives at the stated confidence. Its zero value is no verdict at all, so a
// forgotten assignment never reads as Pass.
type Verdict int

const (
	// Pass: the confidence bound shows the objective is met.
	Pass Verdict = Verdict(stats.Pass)
	// Inconclusive: too few trials, or the interval straddles the objective.
	Inconclusive Verdict = Verdict(stats.Inconclusive)
	// Fail: the confidence bound shows the objective is missed.
	Fail Verdict = Verdict(stats.Fail)
)

// String is "pass", "inconclusive" or "fail" ("no verdict" for the zero value).
func (v Verdict) String() string {
	if v < Pass || v > Fail {
		return "no verdict"
	}
	return stats.Verdict(v).String()
}

// Outcome is how one trial ended.
type Outcome string

const (
	// Recovered: the trigger fired, the rollback ran and the service recovered.
	Recovered Outcome = Outcome(trial.Recovered)
	// NotRecovered: the rollback ran but the service never recovered in time.
	NotRecovered Outcome = Outcome(trial.NotRecovered)
	// NotDetected: the trigger never fired, so no rollback ran.
	NotDetected Outcome = Outcome(trial.NotDetected)
	// Errored: the trial could not run (a service would not start): never a failed
	// rollback, and never part of a measure.
	Errored Outcome = Outcome(trial.Errored)
	// Interrupted: the run was cancelled during the trial.
	Interrupted Outcome = Outcome(trial.Interrupted)
)

// Judgement is one objective judged over the trials: the verdict and the numbers it
// rests on, with bounds at the scenario's confidence.
type Judgement struct {
	Verdict Verdict
	// Estimate is the point estimate: a quantile in seconds, or a rate in 0..1.
	Estimate float64
	// Upper and Lower are the one-sided confidence bounds (same unit as Estimate);
	// each is meaningful only when its OK flag is set (enough trials for it).
	Upper, Lower     float64
	UpperOK, LowerOK bool
	// N is the number of trials judged; Needed is, when Inconclusive, how many trials
	// in all would decide it (0: no number of trials like these would).
	N, Needed int
	// Reason says in one line why the verdict is what it is.
	Reason string
}

// Objectives are what the scenario requires: RTO and RPO at a quantile, and a success
// rate, each judged at a confidence level.
type Objectives struct {
	RTO, RPO                          time.Duration
	SuccessRate, Quantile, Confidence float64
}

// Finding is one consistency check run after recovery.
type Finding struct {
	// Checker names the invariant (e.g. "conservation", "exactly-once").
	Checker string
	// Status is "pass", "fail" or "unknown" (the checker could not decide).
	Status  string
	Message string
}

// Trial is one trial of a run. Durations are zero when the trial did not reach them
// (see Outcome); Has says which were measured.
type Trial struct {
	Index   int
	Outcome Outcome
	// Control marks a control trial: the same procedure with a good change or none, in
	// which a trigger that fires is a false positive.
	Control       bool
	FalsePositive bool
	// Error says why an Errored trial could not run.
	Error string
	// Reason says why a NotRecovered trial did not recover (the rollback failed, the
	// decision did not roll back, a relapse, no stable recovery in time).
	Reason             string
	RTC, TTD, TTM, TTR time.Duration
	// RPC is the span between the oldest lost acknowledged write and the impact.
	RPC time.Duration
	// Has lists the measured durations by name: "rtc", "ttd", "ttm", "ttr", "rpc",
	// "decision", "modelled_rtc".
	Has map[string]bool
	// Acked, Lost and Unknown count the workload's writes: acknowledged, acknowledged
	// but absent from the final read, and of unknown outcome (timed out).
	Acked, Unknown int
	Lost           []string
	Consistency    []Finding
	// DecisionTime is a manual or hybrid plan's decision time between the alert and the
	// rollback, as modelled (a game day's: the operator's real one), and ModelledRTC the
	// RTC with it in place of the real, possibly compressed, wait; Has says "decision" and
	// "modelled_rtc" when they were measured. Operator is who decided in a game day.
	DecisionTime, ModelledRTC time.Duration
	Operator                  string
	// Setup is how long the trial's stack took to be ready (no measure includes it);
	// Stack says, when the scenario reuses stacks (stack.reuse), whether it was "new" or
	// "reused" (the previous trial's, reset and verified equal to a new one); ResetError
	// says why a kept stack could not be reset, so a new one was started.
	Setup      time.Duration
	Stack      string
	ResetError string
}

// Event is one thing that happened during a trial, at an offset from the trial's
// monotonic start: "t_fault" (the change made), "detect" (the trigger's condition
// held), "rollback_start", "rollback_end", "fault_applied" and others.
type Event struct {
	// Trial is the trial's index, from 1.
	Trial  int
	At     time.Duration
	Name   string
	Detail string
}

// Result is everything a run measured and the verdicts judged from it. Render writes
// it in any report format; drilltest's matchers judge it in a Ginkgo suite.
type Result struct {
	Scenario string
	RunID    string
	// Runtime is the name of the runtime the trials ran on (docker, process).
	Runtime string
	// Seed is the seed every random choice derived from: run again with it to repeat.
	Seed              int64
	Started, Finished time.Time
	Objectives        Objectives

	// Verdict is the run's overall judgement: Fail if any objective failed or any
	// consistency check failed, else Inconclusive if any is, else Pass.
	Verdict               Verdict
	RTO, RPO, SuccessRate Judgement

	// Trials counts every trial; Judged the fault trials that ran to a judgement (all
	// but errors, interruptions and control trials); Incidents those of them that were
	// incidents (all but false positives): Recovered + NotRecovered + NotDetected, the
	// trials the RTO and the success rate rest on.
	Trials, Judged, Incidents, Recovered, NotRecovered, NotDetected, Errors, Interrupted int
	// FalsePositives counts the fault trials whose trigger fired before the defect had
	// any impact (report.StandingFalsePositive): no incident, so neither recovered nor ∞
	// in the RTO statistics. Summary field false_positives.
	FalsePositives int
	// Controls counts the control trials (a good change, no faults) and ControlsFired
	// those whose trigger fired anyway: the false-positive rate's trials and numerator
	// (FalsePositiveRate). Summary fields control_trials and control_fired.
	Controls, ControlsFired int
	// FalsePositiveObjective judges the false-positive rate against the scenario's
	// objectives.false_positive_rate (nil when the scenario sets none).
	FalsePositiveObjective *Judgement
	// AckedWrites and LostWrites total the workload's acknowledged and lost writes.
	AckedWrites, LostWrites int
	// ConsistencyChecks counts the invariant checks run, by outcome.
	ConsistencyChecks, ConsistencyFailures, ConsistencyUnknown int
	// TrialResults are the trials in order.
	TrialResults []Trial
	// AuditDigest is the final SHA-256 of the run's audit log, when one was written.
	AuditDigest string

	raw *report.Results
	// kinds are the run's kinds: its formats are what Render and WriteFiles write.
	kinds *kinds.Kinds
}

// Headline is the word a report leads with: the verdict in capitals, or ERROR when no
// trial could run.
func (r *Result) Headline() string {
	if r.Judged == 0 && r.Errors > 0 && r.Interrupted == 0 {
		return "ERROR"
	}
	return strings.ToUpper(r.Verdict.String())
}

// FalsePositiveRate is the share of control trials whose trigger fired and its
// one-sided upper confidence bound (Clopper–Pearson at the scenario's confidence);
// ok is false when the run had no control trial.
func (r *Result) FalsePositiveRate() (rate, upper float64, ok bool) {
	if r.Controls == 0 {
		return 0, 0, false
	}
	return float64(r.ControlsFired) / float64(r.Controls),
		stats.ClopperPearsonUpper(r.ControlsFired, r.Controls, r.Objectives.Confidence), true
}

// ReadResult reads a results file that drill run wrote.
func ReadResult(path string) (*Result, error) {
	raw, err := report.Read(path)
	if err != nil {
		return nil, err
	}
	return newResult(raw), nil
}

func newResult(raw *report.Results) *Result {
	s := raw.Summary
	o := raw.Objectives
	r := &Result{
		Scenario: raw.Scenario.Name, RunID: raw.RunID, Runtime: raw.Runtime, Seed: raw.Seed,
		Started: raw.Started, Finished: raw.Finished,
		Objectives: Objectives{RTO: o.RTO.D(), RPO: o.RPO.D(), SuccessRate: o.SuccessRate, Quantile: o.Quantile, Confidence: o.Confidence},
		Verdict:    Verdict(s.Verdict),
		RTO:        judgement(s.RTO), RPO: judgement(s.RPO), SuccessRate: judgement(s.SuccessRate),
		Trials: s.Trials, Judged: s.Judged, Incidents: s.Incidents, Recovered: s.Recovered, NotRecovered: s.NotRecovered,
		NotDetected: s.NotDetected, Errors: s.Errors, Interrupted: s.Interrupted,
		FalsePositives: s.FalsePositives, Controls: s.ControlTrials, ControlsFired: s.ControlFired, AckedWrites: s.AckedWrites, LostWrites: s.LostWrites,
		ConsistencyChecks: s.ConsistencyChecks, ConsistencyFailures: s.ConsistencyFailures, ConsistencyUnknown: s.ConsistencyUnknown,
		raw: raw,
	}
	if raw.Audit != nil {
		r.AuditDigest = raw.Audit.Digest
	}
	if fp := s.FalsePositiveRate; fp != nil && o.FalsePositiveRate != nil {
		j := judgement(*fp)
		r.FalsePositiveObjective = &j
	}
	for _, t := range raw.Trials {
		r.TrialResults = append(r.TrialResults, newTrial(t))
	}
	return r
}

func judgement(v stats.VerdictResult) Judgement {
	return Judgement{Verdict: Verdict(v.Verdict), Estimate: v.Estimate, Upper: v.Upper, Lower: v.Lower,
		UpperOK: v.UpperOK, LowerOK: v.LowerOK, N: v.N, Needed: v.NeededN, Reason: v.Reason}
}

func newTrial(t trial.Result) Trial {
	out := Trial{Index: t.Index, Outcome: Outcome(t.Outcome), Control: t.Control, FalsePositive: t.FalsePositive,
		Error: t.Error, Reason: t.Reason, Has: map[string]bool{}, Setup: t.Setup.D(), Stack: t.Stack, ResetError: t.ResetError}
	for name, m := range map[string]struct {
		off *measure.Offset
		dst *time.Duration
	}{"rtc": {t.Timing.RTC, &out.RTC}, "ttd": {t.Timing.TTD, &out.TTD}, "ttm": {t.Timing.TTM, &out.TTM}, "ttr": {t.Timing.TTR, &out.TTR}} {
		if m.off != nil {
			*m.dst, out.Has[name] = m.off.D(), true
		}
	}
	if t.Loss != nil {
		out.RPC, out.Has["rpc"] = t.Loss.RPC.D(), true
		out.Acked, out.Unknown, out.Lost = t.Loss.Acked, t.Loss.Unknown, t.Loss.Lost
	}
	for _, f := range t.Consistency {
		out.Consistency = append(out.Consistency, Finding{Checker: f.Checker, Status: f.Status.String(), Message: f.Message})
	}
	if d := t.Decision; d != nil {
		out.DecisionTime, out.Has["decision"], out.Operator = d.Modelled.D(), true, d.Operator
		if d.ModelledRTC != nil {
			out.ModelledRTC, out.Has["modelled_rtc"] = d.ModelledRTC.D(), true
		}
	}
	return out
}
