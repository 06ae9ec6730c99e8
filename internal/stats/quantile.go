package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Quantile returns the point estimate of the q-quantile of an ascending
// sorted sample, interpolating linearly between order statistics (R's default
// "type 7"). It returns NaN for an empty sample or q outside [0, 1]. +Inf
// values are allowed: an estimate that lands on them is +Inf.
func Quantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 || !(q >= 0 && q <= 1) {
		return math.NaN()
	}
	h := float64(n-1) * q
	lo := int(math.Floor(h))
	frac := h - float64(lo)
	if frac == 0 || lo+1 >= n || sorted[lo] == sorted[lo+1] {
		return sorted[lo]
	}
	return sorted[lo] + frac*(sorted[lo+1]-sorted[lo])
}

// QuantileUpperBound returns a one-sided conf upper confidence bound on the
// population q-quantile ξ_q: the smallest order statistic X_(r) of the
// ascending sorted sample such that P(X_(r) ≥ ξ_q) ≥ conf, which holds for
// any distribution when P(Binom(n, q) ≤ r-1) ≥ conf. The bound makes no
// assumption about the shape of the distribution.
//
// ok is false (and bound is +Inf) when the sample is too small for even its
// maximum to be such a bound, i.e. when 1 - q^n < conf; see
// MinTrialsForUpperBound. +Inf samples are allowed.
func QuantileUpperBound(sorted []float64, q, conf float64) (bound float64, ok bool) {
	r, ok := upperOrderIndex(len(sorted), q, conf)
	if !ok {
		return math.Inf(1), false
	}
	return sorted[r-1], true
}

// QuantileLowerBound returns a one-sided conf lower confidence bound on the
// population q-quantile ξ_q: the largest order statistic X_(r) of the
// ascending sorted sample such that P(X_(r) ≤ ξ_q) ≥ conf, which holds for
// any distribution when P(Binom(n, q) ≥ r) ≥ conf.
//
// ok is false (and bound is -Inf) when the sample is too small for even its
// minimum to be such a bound, i.e. when 1 - (1-q)^n < conf; see
// MinTrialsForLowerBound. +Inf samples are allowed.
func QuantileLowerBound(sorted []float64, q, conf float64) (bound float64, ok bool) {
	r, ok := lowerOrderIndex(len(sorted), q, conf)
	if !ok {
		return math.Inf(-1), false
	}
	return sorted[r-1], true
}

// MinTrialsForUpperBound returns the smallest n for which the sample maximum
// is a conf upper confidence bound on the q-quantile, i.e. the smallest n
// with 1 - q^n ≥ conf. For q = 0.9 and conf = 0.95 that is 29. It returns 0
// for q or conf outside (0, 1).
func MinTrialsForUpperBound(q, conf float64) int {
	return minTrialsAllBelow(q, conf)
}

// MinTrialsForLowerBound returns the smallest n for which the sample minimum
// is a conf lower confidence bound on the q-quantile, i.e. the smallest n
// with 1 - (1-q)^n ≥ conf. It returns 0 for q or conf outside (0, 1).
func MinTrialsForLowerBound(q, conf float64) int {
	return minTrialsAllBelow(1-q, conf)
}

// minTrialsAllBelow is the smallest n with 1 - p^n ≥ conf.
func minTrialsAllBelow(p, conf float64) int {
	if !validFraction(p) || !validFraction(conf) {
		return 0
	}
	n := int(math.Ceil(math.Log(1-conf) / math.Log(p)))
	n = max(n, 1)
	// Guard the closed form against rounding at exact boundaries.
	for n > 1 && 1-math.Pow(p, float64(n-1)) >= conf {
		n--
	}
	for 1-math.Pow(p, float64(n)) < conf {
		n++
	}
	return n
}

// upperOrderIndex is the 1-based index r of the smallest order statistic of
// n that is a conf upper bound on the q-quantile.
func upperOrderIndex(n int, q, conf float64) (int, bool) {
	if n == 0 || !validFraction(q) || !validFraction(conf) {
		return 0, false
	}
	b := distuv.Binomial{N: float64(n), P: q}
	for r := 1; r <= n; r++ {
		if b.CDF(float64(r-1)) >= conf {
			return r, true
		}
	}
	return 0, false
}

// lowerOrderIndex is the 1-based index r of the largest order statistic of n
// that is a conf lower bound on the q-quantile.
func lowerOrderIndex(n int, q, conf float64) (int, bool) {
	if n == 0 || !validFraction(q) || !validFraction(conf) {
		return 0, false
	}
	b := distuv.Binomial{N: float64(n), P: q}
	for r := n; r >= 1; r-- {
		if 1-b.CDF(float64(r-1)) >= conf {
			return r, true
		}
	}
	return 0, false
}

// validFraction reports whether p lies strictly inside (0, 1).
func validFraction(p float64) bool { return p > 0 && p < 1 }
