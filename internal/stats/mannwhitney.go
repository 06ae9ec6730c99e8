package stats

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// exactLimit is the sample size below which (for both samples, and with no
// ties) MannWhitney uses the exact null distribution, as R's wilcox.test does.
const exactLimit = 50

// MWResult is the outcome of a Mann–Whitney U (Wilcoxon rank-sum) test of
// sample x against sample y.
type MWResult struct {
	// W is the statistic R's wilcox.test reports as "W": the number of
	// (x, y) pairs with x > y, ties counting one half (often written U_x).
	W float64
	// U is the classical tabled Mann–Whitney statistic min(U_x, U_y).
	U float64
	// PLess is the one-sided p-value for the alternative "x tends to be
	// smaller than y" (R: alternative = "less").
	PLess float64
	// PGreater is the one-sided p-value for the alternative "x tends to be
	// larger than y" (R: alternative = "greater").
	PGreater float64
	// PTwoSided is the two-sided p-value (R: alternative = "two.sided").
	PTwoSided float64
	// Exact is true when the p-values come from the exact null
	// distribution, false when from the normal approximation with tie and
	// continuity correction.
	Exact bool
}

// MannWhitney tests whether x and y come from the same distribution against
// a location-shift alternative, without assuming normality. It uses the exact
// null distribution when both samples have fewer than 50 values and there are
// no ties; otherwise a normal approximation with tie correction and
// continuity correction (matching R's wilcox.test with correct = TRUE).
// +Inf values are allowed and rank highest (several +Inf are ties). With an
// empty sample there is no evidence either way and every p-value is 1.
func MannWhitney(x, y []float64) MWResult {
	n1, n2 := len(x), len(y)
	if n1 == 0 || n2 == 0 {
		return MWResult{PLess: 1, PGreater: 1, PTwoSided: 1}
	}
	rankSumX, tieTerm := rankSum(x, y)
	w := rankSumX - float64(n1*(n1+1))/2
	prod := float64(n1 * n2)
	res := MWResult{W: w, U: math.Min(w, prod-w)}
	if n1 < exactLimit && n2 < exactLimit && tieTerm == 0 {
		res.Exact = true
		cdf := mwCDF(n1, n2)
		k := int(math.Round(w))
		res.PLess = cdf[k]
		res.PGreater = 1
		if k > 0 {
			res.PGreater = 1 - cdf[k-1]
		}
	} else {
		res.PLess, res.PGreater = mwNormal(w, n1, n2, tieTerm)
	}
	res.PLess, res.PGreater = clamp01(res.PLess), clamp01(res.PGreater)
	res.PTwoSided = math.Min(1, 2*math.Min(res.PLess, res.PGreater))
	return res
}

// mwNormal returns the continuity-corrected normal-approximation p-values
// (less, greater) for statistic w.
func mwNormal(w float64, n1, n2 int, tieTerm float64) (pLess, pGreater float64) {
	sigma := mwSigma(n1, n2, tieTerm)
	if sigma == 0 {
		return 1, 1 // every value tied: no evidence of a shift
	}
	z := w - float64(n1*n2)/2
	pLess = distuv.UnitNormal.CDF((z + 0.5) / sigma)
	pGreater = 1 - distuv.UnitNormal.CDF((z-0.5)/sigma)
	return pLess, pGreater
}

// mwSigma is the standard deviation of U under the null, corrected for ties;
// tieTerm is Σ(t³ - t) over groups of t tied values.
func mwSigma(n1, n2 int, tieTerm float64) float64 {
	n := float64(n1 + n2)
	v := float64(n1*n2) / 12 * ((n + 1) - tieTerm/(n*(n-1)))
	return math.Sqrt(math.Max(v, 0))
}

// rankSum returns the sum of the mid-ranks of x within x ∪ y and the tie
// term Σ(t³ - t).
func rankSum(x, y []float64) (sumX, tieTerm float64) {
	type item struct {
		v   float64
		inX bool
	}
	all := make([]item, 0, len(x)+len(y))
	for _, v := range x {
		all = append(all, item{v, true})
	}
	for _, v := range y {
		all = append(all, item{v, false})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v < all[j].v })
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].v == all[i].v {
			j++
		}
		mid := float64(i+1+j) / 2 // mean of ranks i+1 .. j
		for k := i; k < j; k++ {
			if all[k].inX {
				sumX += mid
			}
		}
		t := float64(j - i)
		tieTerm += t*t*t - t
		i = j
	}
	return sumX, tieTerm
}

// mwCDF returns the exact null CDF of U_x for sample sizes m and n without
// ties: cdf[u] = P(U ≤ u), u = 0..m·n. It recurses on which sample holds the
// largest value: p(m,n,u) = m/(m+n)·p(m-1,n,u-n) + n/(m+n)·p(m,n-1,u), working
// in probabilities so nothing overflows.
func mwCDF(m, n int) []float64 {
	prev := make([][]float64, n+1) // row i-1: prev[j] is the pmf for (i-1, j)
	for j := range prev {
		prev[j] = []float64{1}
	}
	for i := 1; i <= m; i++ {
		cur := make([][]float64, n+1)
		cur[0] = []float64{1}
		for j := 1; j <= n; j++ {
			pmf := make([]float64, i*j+1)
			a := float64(i) / float64(i+j)
			for u, p := range prev[j] { // largest value from x: adds j
				pmf[u+j] += a * p
			}
			b := float64(j) / float64(i+j)
			for u, p := range cur[j-1] {
				pmf[u] += b * p
			}
			cur[j] = pmf
		}
		prev = cur
	}
	pmf := prev[n]
	cdf := make([]float64, len(pmf))
	acc := 0.0
	for u, p := range pmf {
		acc += p
		cdf[u] = acc
	}
	return cdf
}

// clamp01 limits p to [0, 1] against rounding.
func clamp01(p float64) float64 { return math.Max(0, math.Min(1, p)) }
