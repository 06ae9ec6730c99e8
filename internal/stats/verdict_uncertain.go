package stats

import "slices"

// QuantileVerdictUncertain judges like QuantileVerdict, but each sample is known only to
// lie somewhere in [low[i], high[i]] (a measurement with its own error: an RTC measured
// by late probes, an RPC by a workload that issued fewer writes than asked). The verdict
// is decided only when it is the same wherever in their ranges the true values lie: the
// quantile verdict is monotone in the samples, so judging every sample at its low end
// and at its high end bounds every other placement. When the two differ, the judgement
// depends on the measurement error rather than on the trials: the result is
// Inconclusive, undecided is true, and the caller words the Reason, knowing where the
// error came from. NeededN is 0 (more trials like these would not decide it) unless
// the samples as measured were already too few, whose projection it keeps.
// Without a straddling range the result is QuantileVerdict's exactly. low and high
// must be as long as samples; a shorter slice leaves the remaining samples exact.
func QuantileVerdictUncertain(samples, low, high []float64, q, conf, objective float64,
	opts ...VerdictOption) (res VerdictResult, undecided bool) {
	res = QuantileVerdict(samples, q, conf, objective, opts...)
	lo, hi := slices.Clone(samples), slices.Clone(samples)
	for i := range samples {
		if i < len(low) {
			lo[i] = min(lo[i], low[i])
		}
		if i < len(high) {
			hi[i] = max(hi[i], high[i])
		}
	}
	atLow := QuantileVerdict(lo, q, conf, objective, opts...).Verdict
	atHigh := QuantileVerdict(hi, q, conf, objective, opts...).Verdict
	if atLow == atHigh {
		return res, false
	}
	if res.Verdict != Inconclusive {
		res.NeededN = 0
	}
	res.Verdict = Inconclusive
	return res, true
}
