package stats

import (
	"fmt"
	"math"
)

// RateVerdict judges "the success probability is at least required" at
// confidence conf from successes out of n trials, with exact one-sided
// Clopper–Pearson bounds:
//
//   - Pass when the one-sided conf lower bound is ≥ required;
//   - Fail when the one-sided conf upper bound is < required;
//   - Inconclusive otherwise.
//
// For Inconclusive, NeededN is a projection, not a promise: the smallest
// total number of trials at which the verdict would be decided if further
// trials succeeded at exactly the rate seen so far (rounded against the
// verdict). When every trial so far succeeded this is the smallest n at
// which n successes out of n pass, i.e. the smallest n with
// 1 - required^n ≥ conf (29 for required 0.9 at 95%). With no trials
// NeededN is that same number, the fewest trials that could ever pass.
//
// Invalid arguments (required or conf outside (0, 1), successes outside
// [0, n]) give Inconclusive with the problem in Reason.
func RateVerdict(successes, n int, required, conf float64, opts ...VerdictOption) VerdictResult {
	cfg := newVerdictConfig("success rate", opts)
	res := VerdictResult{Verdict: Inconclusive, N: n, Estimate: math.NaN()}
	if !validFraction(required) || !validFraction(conf) || successes < 0 || successes > n {
		res.Reason = fmt.Sprintf("cannot judge %s: need 0 ≤ successes (%d) ≤ n (%d) and required %g, confidence %g in (0, 1)",
			cfg.label, successes, n, required, conf)
		return res
	}
	req, c := percent(required), percent(conf)
	if n == 0 {
		res.NeededN = minTrialsAllBelow(required, conf)
		res.Reason = fmt.Sprintf("no trials: at least %d needed to show %s ≥ %s at %s", res.NeededN, cfg.label, req, c)
		return res
	}
	res.Estimate = float64(successes) / float64(n)
	res.Lower, res.Upper = ClopperPearsonLower(successes, n, conf), ClopperPearsonUpper(successes, n, conf)
	res.LowerOK, res.UpperOK = true, true
	switch {
	case res.Lower >= required:
		res.Verdict, res.NeededN = Pass, n
		res.Reason = fmt.Sprintf("%s ≥ %s with %s confidence (%d/%d succeeded)", cfg.label, req, c, successes, n)
	case res.Upper < required:
		res.Verdict, res.NeededN = Fail, n
		res.Reason = fmt.Sprintf("%s < %s with %s confidence (%d/%d succeeded)", cfg.label, req, c, successes, n)
	default:
		res.NeededN = projectNeeded(n, successes, required, conf, binomialDecide(required, conf))
		res.Reason = fmt.Sprintf("%s undecided against %s at %s (%d/%d succeeded)", cfg.label, req, c, successes, n)
		switch {
		case res.NeededN == 0:
			res.Reason += fmt.Sprintf("; no number of trials up to %d like these would decide it", MaxProjectedTrials)
		case successes == n:
			res.Reason += fmt.Sprintf(": %d needed if all keep succeeding", res.NeededN)
		default:
			res.Reason += fmt.Sprintf(": %d needed if %s keep succeeding", res.NeededN, share(res.Estimate))
		}
	}
	return res
}

// MaxRateVerdict judges "the event probability is at most allowed" at confidence conf
// from events out of n trials (a trigger's false positives in control trials): Pass when
// the one-sided Clopper–Pearson upper bound is ≤ allowed, Fail when the lower bound is
// above it, Inconclusive otherwise. It is RateVerdict on the trials without the event.
func MaxRateVerdict(events, n int, allowed, conf float64, opts ...VerdictOption) VerdictResult {
	cfg := newVerdictConfig("rate", opts)
	res := RateVerdict(n-events, n, 1-allowed, conf)
	if events < 0 || events > n {
		res.Reason = fmt.Sprintf("cannot judge %s: need 0 ≤ events (%d) ≤ n (%d)", cfg.label, events, n)
		return res
	}
	if n > 0 {
		res.Estimate = 1 - res.Estimate
		res.Lower, res.Upper = 1-res.Upper, 1-res.Lower
	}
	al, c := percent(allowed), percent(conf)
	switch res.Verdict {
	case Pass:
		res.Reason = fmt.Sprintf("%s ≤ %s with %s confidence (%d of %d)", cfg.label, al, c, events, n)
	case Fail:
		res.Reason = fmt.Sprintf("%s > %s with %s confidence (%d of %d)", cfg.label, al, c, events, n)
	default:
		res.Reason = fmt.Sprintf("%s undecided against %s at %s (%d of %d)", cfg.label, al, c, events, n)
		if res.NeededN > 0 {
			res.Reason += fmt.Sprintf(": %d trials needed if the rate holds", res.NeededN)
		}
	}
	return res
}
