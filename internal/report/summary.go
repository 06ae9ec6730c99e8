package report

import (
	"math"
	"sort"
	"time"

	"github.com/drillhq/drill/internal/check"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stats"
	"github.com/drillhq/drill/internal/trial"
)

// Summary aggregates a run's trials. Errored and interrupted trials are counted but
// never enter a measure: a trial that could not run is not a failed rollback.
type Summary struct {
	Trials int `json:"trials"`
	// Recovered, NotRecovered and NotDetected count the incidents by outcome (see
	// Standing); Incidents is their sum: the RTO, the success rate and the TTD, TTM,
	// TTR and RTC medians rest on them.
	Recovered    int `json:"recovered"`
	NotRecovered int `json:"not_recovered"`
	NotDetected  int `json:"not_detected"`
	Incidents    int `json:"incidents,omitempty"`
	Errors       int `json:"errors"`
	Interrupted  int `json:"interrupted"`
	// Judged is how many fault trials ran to a judgement: the incidents and the false
	// positives (whose lost writes count against the RPO).
	Judged int `json:"judged"`
	// FalsePositives counts the fault trials whose trigger fired before the defect had
	// any impact: no incident, so neither recovered nor ∞ in the RTO statistics.
	FalsePositives int `json:"false_positives"`
	// ControlTrials and ControlFired count the control trials that ran (a good change,
	// no faults) and those whose trigger fired anyway: false positives of the trigger.
	ControlTrials int `json:"control_trials,omitempty"`
	ControlFired  int `json:"control_fired,omitempty"`
	// FalsePositiveRate is ControlFired of ControlTrials with its Clopper–Pearson
	// interval, judged against objectives.false_positive_rate when one is set.
	FalsePositiveRate *stats.VerdictResult `json:"false_positive_rate,omitempty"`
	// ChangeGap is the change's own downtime (a recreate deploy's gap), apart from the
	// defect's; Wait is the rollback's wait for the change's in-flight deploy.
	ChangeGap *Spread `json:"change_gap,omitempty"`
	Wait      *Spread `json:"wait,omitempty"`
	// Steps is what each step of a multi-step change and its rollback cost.
	Steps []StepSummary `json:"steps,omitempty"`

	// Decision is what a manual or hybrid plan's decisions cost (nil for an automated
	// plan); with it, the RTO is judged on the modelled RTC.
	Decision *DecisionSummary `json:"decision,omitempty"`

	RTC Spread `json:"rtc"`
	TTD Spread `json:"ttd"`
	TTM Spread `json:"ttm"`
	TTR Spread `json:"ttr"`
	RPC Spread `json:"rpc"`

	LostWrites  int `json:"lost_writes"`
	AckedWrites int `json:"acked_writes"`

	// Consistency counts the invariant checks run after recovery, by outcome. A failed
	// invariant (money created, a transfer applied twice) fails the drill whatever the
	// timing objectives say.
	ConsistencyChecks   int `json:"consistency_checks"`
	ConsistencyFailures int `json:"consistency_failures"`
	ConsistencyUnknown  int `json:"consistency_unknown"`

	// LoadTrials counts the judged trials that recorded their workload's Load,
	// LoadShortfalls those that issued fewer than measure.MinOnSchedule of their writes
	// on schedule; WorstLoad is the shortest of them (nil without a shortfall).
	LoadTrials     int           `json:"load_trials,omitempty"`
	LoadShortfalls int           `json:"load_shortfalls,omitempty"`
	WorstLoad      *measure.Load `json:"worst_load,omitempty"`

	RTO         stats.VerdictResult `json:"rto"`
	RPO         stats.VerdictResult `json:"rpo"`
	SuccessRate stats.VerdictResult `json:"success_rate"`
	Verdict     stats.Verdict       `json:"verdict"`
}

// Spread is the median and maximum of one measure over the trials that have it.
type Spread struct {
	N      int            `json:"n"`
	Median measure.Offset `json:"median_ms"`
	Max    measure.Offset `json:"max_ms"`
}

// Summarize aggregates trials and judges them against the objectives. Every trial
// counts by its Standing: errors and interruptions apart, control trials in the
// false-positive rate, false positives apart from the incidents, and the RTO, the
// success rate and the timing medians over the incidents only.
//
// Verdicts carry drill's own error: an RTO or RPO verdict that rests on trials whose
// RTC lies within their timing error of the RTO (the resolution, WithResolution, plus
// the probes' lateness), or whose workload fell short of its schedule, is Inconclusive
// with the reason (ownError).
func Summarize(trials []trial.Result, obj scenario.Objectives, opts ...SummaryOption) Summary {
	var cfg summaryConfig
	for _, o := range opts {
		o(&cfg)
	}
	own := ownError{resolution: cfg.resolution}
	s := Summary{Trials: len(trials)}
	var rtc, ttd, ttm, ttr, rpc, gap, wait []measure.Offset
	var rtoSamples, rpoSamples []float64
	for _, t := range trials {
		gap, wait = appendSet(gap, t.Timing.ChangeGap), appendSet(wait, t.Timing.Wait)
		st := StandingOf(t)
		switch st {
		case StandingError:
			s.Errors++
		case StandingInterrupted:
			s.Interrupted++
		case StandingControl:
			s.ControlTrials++
			if t.Outcome == trial.ControlFired {
				s.ControlFired++
			}
		case StandingFalsePositive:
			s.FalsePositives++
		case StandingRecovered:
			s.Recovered++
		case StandingNotRecovered:
			s.NotRecovered++
		case StandingNotDetected:
			s.NotDetected++
		}
		if st == StandingInterrupted || st == StandingError {
			continue
		}
		s.countConsistency(t)
		// A good deploy and a false alarm must lose nothing either: every trial that ran
		// counts its losses against the RPO.
		if t.Loss != nil {
			rpc = append(rpc, t.Loss.RPC)
			s.LostWrites += len(t.Loss.Lost)
			s.AckedWrites += t.Loss.Acked
			rpoSamples = append(rpoSamples, rpoSample(*t.Loss))
			own.addRPO(t, rpoSample(*t.Loss))
		}
		if st.Judged() {
			s.Judged++
			s.noteLoad(t.Load)
		}
		if sample, ok := rtoSample(t); ok {
			s.Incidents++
			tm := t.Timing
			rtc, ttd, ttm, ttr = appendSet(rtc, tm.RTC), appendSet(ttd, tm.TTD), appendSet(ttm, tm.TTM), appendSet(ttr, tm.TTR)
			// An incident that never recovered has an unbounded RTC: it counts against the RTO.
			rtoSamples = append(rtoSamples, sample)
			own.addRTO(t, sample)
		}
	}
	s.RTC, s.TTD, s.TTM, s.TTR, s.RPC = spread(rtc), spread(ttd), spread(ttm), spread(ttr), spread(rpc)
	s.ChangeGap, s.Wait = optionalSpread(gap), optionalSpread(wait)
	s.Steps = summarizeSteps(trials)
	s.Decision = summarizeDecisions(trials)
	s.RTO = own.judgeRTO(rtoSamples, obj)
	s.RPO = own.judgeRPO(rpoSamples, obj)
	s.SuccessRate = stats.RateVerdict(s.Recovered, s.Incidents, obj.SuccessRate, obj.Confidence)
	verdicts := []stats.Verdict{s.RTO.Verdict, s.RPO.Verdict, s.SuccessRate.Verdict}
	if s.ControlTrials > 0 || obj.FalsePositiveRate != nil {
		allowed := 0.05 // only for the interval when no objective is set
		if obj.FalsePositiveRate != nil {
			allowed = *obj.FalsePositiveRate
		}
		fp := stats.MaxRateVerdict(s.ControlFired, s.ControlTrials, allowed, obj.Confidence, stats.WithLabel("false-positive rate"))
		s.FalsePositiveRate = &fp
		if obj.FalsePositiveRate != nil {
			verdicts = append(verdicts, fp.Verdict)
		}
	}
	s.Verdict = overall(verdicts...)
	if s.ConsistencyFailures > 0 {
		s.Verdict = stats.Fail
	}
	return s
}

// countConsistency counts a trial's invariant checks by outcome.
func (s *Summary) countConsistency(t trial.Result) {
	for _, f := range t.Consistency {
		s.ConsistencyChecks++
		switch f.Status {
		case check.Fail:
			s.ConsistencyFailures++
		case check.Unknown:
			s.ConsistencyUnknown++
		}
	}
}

// rpoSample is a trial's RPC in seconds for the RPO verdict. Lost acknowledged writes
// with an RPC of 0 (all acknowledged after t_impact) still lost data: they count as a
// nanosecond, so an RPO of 0 is missed while any positive RPO is met.
func rpoSample(l measure.Loss) float64 {
	if len(l.Lost) > 0 && l.RPC == 0 {
		return time.Nanosecond.Seconds()
	}
	return l.RPC.D().Seconds()
}

// overall is Fail if any objective failed, else Inconclusive if any is, else Pass.
func overall(vs ...stats.Verdict) stats.Verdict {
	out := stats.Pass
	for _, v := range vs {
		switch {
		case v == stats.Fail:
			return stats.Fail
		case v == stats.Inconclusive:
			out = stats.Inconclusive
		}
	}
	return out
}

func seconds(o *measure.Offset) float64 {
	if o == nil {
		return math.Inf(1)
	}
	return o.D().Seconds()
}

func appendSet(s []measure.Offset, o *measure.Offset) []measure.Offset {
	if o == nil {
		return s
	}
	return append(s, *o)
}

// optionalSpread is spread, or nil when no trial had the measure.
func optionalSpread(xs []measure.Offset) *Spread {
	if len(xs) == 0 {
		return nil
	}
	sp := spread(xs)
	return &sp
}

func spread(xs []measure.Offset) Spread {
	if len(xs) == 0 {
		return Spread{}
	}
	s := append([]measure.Offset(nil), xs...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Spread{N: len(s), Median: med, Max: s[len(s)-1]}
}

// durationText renders seconds as a duration for verdict sentences.
func durationText(sec float64) string {
	if math.IsInf(sec, 1) {
		return "∞ (never recovered)"
	}
	return time.Duration(sec * float64(time.Second)).Round(100 * time.Microsecond).String()
}
