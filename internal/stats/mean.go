package stats

import (
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// MeanCI returns the sample mean and its two-sided conf Student-t interval,
// which assumes the trials are independent and their mean is roughly normal
// (fine for moderate n unless the data are very skewed; prefer quantile
// bounds for recovery times). With one value the interval is (-Inf, +Inf);
// with none, all three results are NaN. Values must be finite.
func MeanCI(xs []float64, conf float64) (mean, lo, hi float64) {
	n := len(xs)
	if n == 0 || !validFraction(conf) {
		return math.NaN(), math.NaN(), math.NaN()
	}
	if n == 1 {
		return xs[0], math.Inf(-1), math.Inf(1)
	}
	mean, sd := stat.MeanStdDev(xs, nil)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile((1 + conf) / 2)
	half := t * sd / math.Sqrt(float64(n))
	return mean, mean - half, mean + half
}
