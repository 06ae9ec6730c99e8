package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// ClopperPearsonUpper returns the exact ONE-SIDED conf upper confidence bound
// on a success probability after k successes in n trials: the p with
// P(Binom(n, p) ≤ k) = 1 - conf. With k = 0 it is 1 - (1-conf)^(1/n), e.g.
// 0.2589 for n = 10 at conf 0.95 (zero failures in 10 trials bound the
// failure rate below 25.9% with 95% confidence). It returns 1 for n = 0 or
// k ≥ n, and NaN for conf outside (0, 1) or negative k or n.
func ClopperPearsonUpper(k, n int, conf float64) float64 {
	if k < 0 || n < 0 || !validFraction(conf) {
		return math.NaN()
	}
	if k >= n {
		return 1
	}
	return distuv.Beta{Alpha: float64(k + 1), Beta: float64(n - k)}.Quantile(conf)
}

// ClopperPearsonLower returns the exact ONE-SIDED conf lower confidence bound
// on a success probability after k successes in n trials: the p with
// P(Binom(n, p) ≥ k) = 1 - conf. With k = n it is (1-conf)^(1/n). It returns
// 0 for k ≤ 0 (including n = 0), and NaN for conf outside (0, 1) or
// negative n or k > n.
func ClopperPearsonLower(k, n int, conf float64) float64 {
	if k < 0 || n < 0 || k > n || !validFraction(conf) {
		return math.NaN()
	}
	if k == 0 {
		return 0
	}
	return distuv.Beta{Alpha: float64(k), Beta: float64(n - k + 1)}.Quantile(1 - conf)
}

// ClopperPearson returns the exact TWO-SIDED conf interval on a success
// probability after successes out of n trials: each end is the one-sided
// bound at level (1+conf)/2, so a 95% interval uses 97.5% one-sided bounds.
// With 0 successes the 95% upper end is 1 - 0.025^(1/n): 0.308 for n = 10,
// 0.116 for n = 30. Use ClopperPearsonUpper / ClopperPearsonLower for a
// one-sided claim such as "the failure rate is below x".
func ClopperPearson(successes, n int, conf float64) (lo, hi float64) {
	if !validFraction(conf) || successes < 0 || successes > n {
		return math.NaN(), math.NaN()
	}
	side := (1 + conf) / 2
	return ClopperPearsonLower(successes, n, side), ClopperPearsonUpper(successes, n, side)
}

// Wilson returns the TWO-SIDED conf Wilson score interval on a success
// probability after successes out of n trials. It is narrower than
// Clopper–Pearson and its coverage is close to conf on average rather than
// guaranteed; verdicts use Clopper–Pearson. It returns (0, 1) for n = 0.
func Wilson(successes, n int, conf float64) (lo, hi float64) {
	if !validFraction(conf) || successes < 0 || successes > n {
		return math.NaN(), math.NaN()
	}
	if n == 0 {
		return 0, 1
	}
	z := distuv.UnitNormal.Quantile((1 + conf) / 2)
	nf := float64(n)
	p := float64(successes) / nf
	z2 := z * z
	denom := 1 + z2/nf
	center := (p + z2/(2*nf)) / denom
	half := z / denom * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	lo, hi = math.Max(0, center-half), math.Min(1, center+half)
	// Exact ends where the data pin them (guards against rounding).
	if successes == 0 {
		lo = 0
	}
	if successes == n {
		hi = 1
	}
	return lo, hi
}
