package report

import (
	"fmt"
	"math"
	"time"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stats"
	"github.com/drillhq/drill/internal/trial"
)

// SummaryOption tells Summarize what the trials alone do not record.
type SummaryOption func(*summaryConfig)

type summaryConfig struct {
	resolution time.Duration
}

// WithResolution is the run's stated timing resolution (scenario.Probes.ErrorBound: one
// probe interval, never finer than the pacer's tolerance). A trial's RTC is off by up
// to the resolution plus its probes' lateness either way; without this option only the
// lateness counts.
func WithResolution(d time.Duration) SummaryOption {
	return func(c *summaryConfig) { c.resolution = max(d, 0) }
}

// ownErrorReason is the cause an objective undecided by drill's own error names.
const ownErrorReason = "drill's timing error on this machine"

// ownError collects, beside each RTO and RPO sample, the range drill's own error leaves
// for the true value, so that a verdict that rests on it is Inconclusive rather than a
// PASS or a FAIL that a busy machine made (stats.QuantileVerdictUncertain).
type ownError struct {
	resolution time.Duration
	// rtoLow and rtoHigh bound each RTO sample's truth; rtoErr is each one's error.
	rtoLow, rtoHigh []float64
	rtoErr          []time.Duration
	// rpoHigh is +Inf for a trial whose workload fell short of its schedule (its RPC is
	// only a lower bound: writes issued late or never, during the outage, could have been
	// lost unseen).
	rpoHigh  []float64
	rpoShort []measure.Load
}

// timingError is a trial's own error on RTC: the resolution plus how late its latest
// probe started (trial.Result.ProbeLate), either way.
func (e *ownError) timingError(t trial.Result) time.Duration {
	return e.resolution + t.ProbeLate.D()
}

// addRTO notes the range of t's RTO sample.
func (e *ownError) addRTO(t trial.Result, sample float64) {
	d := e.timingError(t)
	e.rtoLow = append(e.rtoLow, sample-d.Seconds())
	e.rtoHigh = append(e.rtoHigh, sample+d.Seconds())
	e.rtoErr = append(e.rtoErr, d)
}

// addRPO notes the range of t's RPO sample.
func (e *ownError) addRPO(t trial.Result, sample float64) {
	high := sample
	if t.Load != nil && t.Load.Shortfall() {
		high = math.Inf(1)
		e.rpoShort = append(e.rpoShort, *t.Load)
	}
	e.rpoHigh = append(e.rpoHigh, high)
}

// judgeRTO judges the RTO on samples, Inconclusive when the verdict rests on trials
// whose RTC lies within their own timing error of the RTO.
func (e *ownError) judgeRTO(samples []float64, obj scenario.Objectives) stats.VerdictResult {
	rto := obj.RTO.D().Seconds()
	res, undecided := stats.QuantileVerdictUncertain(samples, e.rtoLow, e.rtoHigh, obj.Quantile, obj.Confidence, rto,
		stats.WithLabel("RTC"), stats.WithFormat(durationText))
	if !undecided {
		return res
	}
	near, worst := 0, time.Duration(0)
	for i := range samples {
		if e.rtoLow[i] <= rto && rto <= e.rtoHigh[i] {
			near++
			worst = max(worst, e.rtoErr[i])
		}
	}
	res.Reason = alsoReason(res, fmt.Sprintf("%s RTC undecided against %s: %s: %d of %d incidents' RTC lies within its own timing error "+
		"of the RTO (up to ±%s: the %s resolution plus the probes' lateness); a quieter machine, fewer trials at once "+
		"(--parallel) or a finer probes.interval would decide it",
		quantileName(obj.Quantile), obj.RTO.D(), ownErrorReason, near, len(samples), worst.Round(100*time.Microsecond), e.resolution))
	return res
}

// judgeRPO judges the RPO on samples, Inconclusive when the verdict rests on trials
// whose workload issued fewer writes on schedule than its tolerance allows.
func (e *ownError) judgeRPO(samples []float64, obj scenario.Objectives) stats.VerdictResult {
	rpo := obj.RPO.D().Seconds()
	res, undecided := stats.QuantileVerdictUncertain(samples, nil, e.rpoHigh, obj.Quantile, obj.Confidence, rpo,
		stats.WithLabel("RPC"), stats.WithFormat(durationText))
	if !undecided {
		return res
	}
	worst := e.rpoShort[0]
	for _, l := range e.rpoShort[1:] {
		if l.OnScheduleShare() < worst.OnScheduleShare() {
			worst = l
		}
	}
	res.Reason = alsoReason(res, fmt.Sprintf("%s RPC undecided against %s: %s: in %d of %d trials the workload started fewer than %g%% "+
		"of its writes on schedule (worst %.1f%% of %d due), so its RPC is only a lower bound: writes issued late or never, during the outage, could have been lost unseen; "+
		"a quieter machine or a lower workload.rate would decide it",
		quantileName(obj.Quantile), obj.RPO.D(), ownErrorReason, len(e.rpoShort), len(samples), measure.MinOnSchedule*100,
		worst.OnScheduleShare()*100, worst.Due))
	return res
}

// alsoReason is reason, followed by res's own Reason when the trials as measured were
// too few as well (NeededN kept): both must be remedied to decide the objective.
func alsoReason(res stats.VerdictResult, reason string) string {
	if res.NeededN > 0 {
		return reason + "; and " + res.Reason
	}
	return reason
}

// quantileName names a quantile as the verdicts do ("p90").
func quantileName(q float64) string { return fmt.Sprintf("p%g", math.Round(q*1e4)/100) }

// Resolution is the run's stated timing resolution, as Summarize takes it: one probe
// interval, never finer than the pacer's tolerance (scenario.Probes.ErrorBound).
func (r *Results) Resolution() time.Duration {
	return scenario.Probes{Interval: scenario.Duration(time.Duration(r.ProbeIntervalMs * float64(time.Millisecond)))}.ErrorBound()
}
