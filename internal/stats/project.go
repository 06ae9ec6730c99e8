package stats

import (
	"math"
	"strconv"

	"gonum.org/v1/gonum/stat/distuv"
)

// decideFunc decides a verdict for s "good" trials out of n.
type decideFunc func(n, s int) Verdict

// projectNeeded returns the smallest total n in (have, MaxProjectedTrials]
// at which decide reaches Pass or Fail if the further trials are good at the
// rate seen so far, good/have. The projected good count is rounded against
// the verdict being tested (down for Pass, up for Fail), so the projection
// never flatters. It returns 0 if no such n exists within the cap.
//
// required and conf prune the search: for conf > 0.5 a projected good rate
// at or below required can never pass (the good count then sits at or below
// the binomial median, where the CDF is < 0.5), and one at or above required
// can never fail; so a rate exactly equal to required returns 0 at once.
func projectNeeded(have, good int, required, conf float64, decide decideFunc) int {
	if have <= 0 {
		return 0
	}
	rate := float64(good) / float64(have)
	tryPass, tryFail := true, true
	if conf > 0.5 {
		tryPass, tryFail = rate > required, rate < required
	}
	if !tryPass && !tryFail {
		return 0
	}
	for n := have + 1; n <= MaxProjectedTrials; n++ {
		num := good * n
		if tryPass && decide(n, num/have) == Pass {
			return n
		}
		if tryFail && decide(n, (num+have-1)/have) == Fail {
			return n
		}
	}
	return 0
}

// binomialDecide returns the order-statistic / Clopper–Pearson decision for
// s good trials out of n against a required good fraction p at level conf:
// Pass when P(Binom(n,p) ≤ s-1) ≥ conf (equivalently the one-sided
// Clopper–Pearson lower bound on the good rate is ≥ p, or the s-th order
// statistic bounds the p-quantile from above), Fail when
// P(Binom(n,p) ≥ s+1) ≥ conf (the upper bound on the good rate is < p).
func binomialDecide(p, conf float64) decideFunc {
	return func(n, s int) Verdict {
		b := distuv.Binomial{N: float64(n), P: p}
		switch {
		case s >= 1 && b.CDF(float64(s-1)) >= conf:
			return Pass
		case 1-b.CDF(float64(s)) >= conf:
			return Fail
		default:
			return Inconclusive
		}
	}
}

// percent formats a fraction as a percentage without float noise: 0.9 →
// "90%", 0.999 → "99.9%".
func percent(f float64) string {
	return trimFloat(f*100) + "%"
}

// share renders a measured share as a percentage to one decimal at most ("33.3%",
// "50%"): a report says 1 of 3 as 33.3%, never 33.333333%. (Objectives and confidence
// levels are the user's own numbers and keep theirs: percent.)
func share(f float64) string {
	return strconv.FormatFloat(math.Round(f*1000)/10, 'f', -1, 64) + "%"
}

// quantileName formats a quantile level as "p90", "p99.9".
func quantileName(q float64) string { return "p" + trimFloat(q*100) }

func trimFloat(v float64) string {
	return strconv.FormatFloat(math.Round(v*1e6)/1e6, 'f', -1, 64)
}
