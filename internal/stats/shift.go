package stats

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// HodgesLehmann estimates the location shift of x relative to y (how much
// larger x tends to be) as the median of all pairwise differences x_i - y_j,
// with the two-sided conf interval obtained by inverting the Mann–Whitney
// test (exact critical values without ties and with both samples under 50,
// the continuity-corrected normal approximation otherwise), as R's
// wilcox.test(conf.int = TRUE) does.
//
// Unlike R, when the samples are too small to reach conf at all the interval
// is (-Inf, +Inf) rather than the range of the differences. Equal values
// (including two +Inf) differ by 0; other infinite differences stay
// infinite. Empty samples give NaN and (-Inf, +Inf).
func HodgesLehmann(x, y []float64, conf float64) (shift, lo, hi float64) {
	n1, n2 := len(x), len(y)
	if n1 == 0 || n2 == 0 || !validFraction(conf) {
		return math.NaN(), math.Inf(-1), math.Inf(1)
	}
	diffs := make([]float64, 0, n1*n2)
	for _, a := range x {
		for _, b := range y {
			d := 0.0
			if a != b {
				d = a - b
			}
			diffs = append(diffs, d)
		}
	}
	slices.Sort(diffs)
	shift = Quantile(diffs, 0.5)
	k := hlCriticalIndex(x, y, (1-conf)/2)
	if k < 1 {
		return shift, math.Inf(-1), math.Inf(1)
	}
	return shift, diffs[k-1], diffs[len(diffs)-k]
}

// hlCriticalIndex returns the largest k with P(U ≤ k-1) ≤ tail under the
// null, so that the k-th smallest and k-th largest pairwise differences bound
// the shift with coverage at least 1 - 2·tail. It returns 0 when no k works.
func hlCriticalIndex(x, y []float64, tail float64) int {
	n1, n2 := len(x), len(y)
	_, tieTerm := rankSum(x, y)
	if n1 < exactLimit && n2 < exactLimit && tieTerm == 0 {
		cdf := mwCDF(n1, n2)
		k := 0
		for k < len(cdf) && cdf[k] <= tail {
			k++
		}
		return k // cdf[k-1] ≤ tail < cdf[k]
	}
	sigma := mwSigma(n1, n2, tieTerm)
	if sigma == 0 {
		return 0
	}
	// P(U ≤ k-1) ≈ Φ((k-1+0.5-μ)/σ) ≤ tail  ⇔  k ≤ μ + zσ + 0.5 with z = Φ⁻¹(tail).
	z := distuv.UnitNormal.Quantile(tail)
	k := int(math.Floor(float64(n1*n2)/2 + z*sigma + 0.5))
	return max(0, min(k, n1*n2/2))
}

// CliffsDelta returns Cliff's δ = (#(x > y) - #(x < y)) / (n_x·n_y), the
// probability that a value from x exceeds one from y minus the reverse, in
// [-1, 1], and its magnitude by Romano et al. (2006): |δ| < 0.147
// "negligible", < 0.33 "small", < 0.474 "medium", else "large". Empty
// samples give NaN and "undefined". +Inf values are allowed.
func CliffsDelta(x, y []float64) (delta float64, magnitude string) {
	if len(x) == 0 || len(y) == 0 {
		return math.NaN(), "undefined"
	}
	var more, less int
	for _, a := range x {
		for _, b := range y {
			switch {
			case a > b:
				more++
			case a < b:
				less++
			}
		}
	}
	delta = float64(more-less) / float64(len(x)*len(y))
	switch d := math.Abs(delta); {
	case d < 0.147:
		magnitude = "negligible"
	case d < 0.33:
		magnitude = "small"
	case d < 0.474:
		magnitude = "medium"
	default:
		magnitude = "large"
	}
	return delta, magnitude
}
