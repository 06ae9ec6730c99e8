package stats

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// QuantileVerdict judges "the q-quantile of the measured quantity is at most
// objective" at confidence conf from the samples (unsorted is fine; +Inf
// stands for a trial that never recovered and counts as above any finite
// objective). It makes no distributional assumption:
//
//   - Pass when the conf upper bound (QuantileUpperBound) is ≤ objective;
//   - Fail when the conf lower bound (QuantileLowerBound) is > objective;
//   - Inconclusive otherwise: too few trials for a bound, or the bounds
//     straddle the objective.
//
// This is the same test as RateVerdict on "trial within objective" with
// required = q. For Inconclusive, NeededN is a projection, not a promise: the
// smallest total number of trials at which the verdict would be decided if
// further trials fell above the objective at exactly the fraction seen so
// far (rounded against the verdict). When every trial so far met the
// objective this is simply MinTrialsForUpperBound(q, conf) — the n at which
// the sample maximum bounds the quantile — assuming every further trial
// also meets it; one slow trial later can raise it. With no samples NeededN
// is MinTrialsForUpperBound(q, conf), the fewest trials that could ever pass.
//
// NaN samples or q, conf outside (0, 1) give Inconclusive with the problem
// in Reason.
func QuantileVerdict(samples []float64, q, conf, objective float64, opts ...VerdictOption) VerdictResult {
	cfg := newVerdictConfig("", opts)
	name := quantileName(q)
	if cfg.label != "" {
		name += " " + cfg.label
	}
	res := VerdictResult{Verdict: Inconclusive, N: len(samples), Estimate: math.NaN()}
	if !validFraction(q) || !validFraction(conf) || math.IsNaN(objective) {
		res.Reason = fmt.Sprintf("cannot judge %s: quantile %g and confidence %g must lie in (0, 1) and the objective must be a number", name, q, conf)
		return res
	}
	if slices.ContainsFunc(samples, math.IsNaN) {
		res.Reason = fmt.Sprintf("cannot judge %s: samples contain NaN", name)
		return res
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	res.Estimate = Quantile(sorted, q)
	res.Upper, res.UpperOK = QuantileUpperBound(sorted, q, conf)
	res.Lower, res.LowerOK = QuantileLowerBound(sorted, q, conf)
	if !res.UpperOK {
		res.Upper = 0
	}
	if !res.LowerOK {
		res.Lower = 0
	}
	n := len(sorted)
	within := countAtMost(sorted, objective)
	obj, c := cfg.format(objective), percent(conf)
	switch {
	case res.UpperOK && res.Upper <= objective:
		res.Verdict, res.NeededN = Pass, n
		res.Reason = fmt.Sprintf("%s ≤ %s with %s confidence (n=%d)", name, obj, c, n)
	case res.LowerOK && res.Lower > objective:
		res.Verdict, res.NeededN = Fail, n
		res.Reason = fmt.Sprintf("%s > %s with %s confidence (n=%d)", name, obj, c, n)
	case n == 0:
		res.Estimate = math.NaN()
		res.NeededN = MinTrialsForUpperBound(q, conf)
		res.Reason = fmt.Sprintf("no trials: at least %d needed to bound %s at %s", res.NeededN, quantileName(q), c)
	default:
		res.NeededN = projectNeeded(n, within, q, conf, binomialDecide(q, conf))
		res.Reason = quantileUndecided(res, name, obj, c, n-within)
	}
	return res
}

// quantileUndecided words the Reason of an Inconclusive quantile verdict.
func quantileUndecided(res VerdictResult, name, obj, conf string, above int) string {
	var b strings.Builder
	if !res.UpperOK && above == 0 {
		// The measure is named (p90 RTC, p90 RPC): a report lists several such reasons.
		noun := "trials"
		if res.N == 1 {
			noun = "trial"
		}
		fmt.Fprintf(&b, "%d %s cannot bound %s at %s", res.N, noun, name, conf)
	} else {
		fmt.Fprintf(&b, "%s undecided against %s at %s (n=%d, %d above)", name, obj, conf, res.N, above)
	}
	switch {
	case res.NeededN == 0:
		fmt.Fprintf(&b, "; no number of trials up to %d like these would decide it", MaxProjectedTrials)
	case above == 0:
		fmt.Fprintf(&b, ": %d needed", res.NeededN)
	default:
		fmt.Fprintf(&b, ": %d needed if %s of trials stay above %s", res.NeededN, share(float64(above)/float64(res.N)), obj)
	}
	return b.String()
}

// countAtMost counts the sorted values ≤ limit.
func countAtMost(sorted []float64, limit float64) int {
	i, found := slices.BinarySearch(sorted, limit)
	for found && i < len(sorted) && sorted[i] == limit {
		i++
	}
	return i
}
