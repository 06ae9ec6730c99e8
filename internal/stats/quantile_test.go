package stats_test

import (
	"math"
	"math/rand/v2"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/stats"
)

// seq returns 1..n as float64.
func seq(n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	return xs
}

// binomCDF is an independent P(Binom(n,p) ≤ k) by summing the pmf.
func binomCDF(k, n int, p float64) float64 {
	sum := 0.0
	for i := 0; i <= k && i <= n; i++ {
		lg1, _ := math.Lgamma(float64(n + 1))
		lg2, _ := math.Lgamma(float64(i + 1))
		lg3, _ := math.Lgamma(float64(n - i + 1))
		sum += math.Exp(lg1 - lg2 - lg3 + float64(i)*math.Log(p) + float64(n-i)*math.Log1p(-p))
	}
	return sum
}

var _ = Describe("Quantile", func() {
	It("interpolates like R's type 7", func() {
		xs := seq(10)
		Expect(stats.Quantile(xs, 0.9)).To(BeNumerically("~", 9.1, 1e-12))
		Expect(stats.Quantile(xs, 0.5)).To(BeNumerically("~", 5.5, 1e-12))
		Expect(stats.Quantile(xs, 0)).To(Equal(1.0))
		Expect(stats.Quantile(xs, 1)).To(Equal(10.0))
	})
	It("is NaN for an empty sample and handles +Inf and equal values", func() {
		Expect(math.IsNaN(stats.Quantile(nil, 0.9))).To(BeTrue())
		Expect(stats.Quantile([]float64{1, math.Inf(1), math.Inf(1)}, 0.9)).To(Equal(math.Inf(1)))
		Expect(stats.Quantile([]float64{1, 2, math.Inf(1)}, 0.5)).To(Equal(2.0))
		Expect(stats.Quantile([]float64{3, 3, 3}, 0.9)).To(Equal(3.0))
	})
})

var _ = Describe("order-statistic quantile bounds", func() {
	It("needs 29 trials for the max to bound p90 at 95%", func() {
		Expect(stats.MinTrialsForUpperBound(0.9, 0.95)).To(Equal(29))
		Expect(stats.MinTrialsForUpperBound(0.5, 0.95)).To(Equal(5))    // 1-0.5^5 = 0.969
		Expect(stats.MinTrialsForUpperBound(0.99, 0.95)).To(Equal(299)) // log 0.05 / log 0.99 = 298.07
		Expect(stats.MinTrialsForLowerBound(0.9, 0.95)).To(Equal(2))    // 1-0.1^2 = 0.99
		Expect(stats.MinTrialsForUpperBound(1.5, 0.95)).To(Equal(0))

		b, ok := stats.QuantileUpperBound(seq(28), 0.9, 0.95)
		Expect(ok).To(BeFalse())
		Expect(b).To(Equal(math.Inf(1)))
		b, ok = stats.QuantileUpperBound(seq(29), 0.9, 0.95)
		Expect(ok).To(BeTrue())
		Expect(b).To(Equal(29.0))
	})

	It("picks the smallest order statistic that covers, checked against an independent binomial", func() {
		for _, n := range []int{29, 40, 100, 250} {
			for _, q := range []float64{0.5, 0.9, 0.95} {
				b, ok := stats.QuantileUpperBound(seq(n), q, 0.95)
				if !ok {
					continue
				}
				r := int(b) // value r is the r-th order statistic
				Expect(binomCDF(r-1, n, q)).To(BeNumerically(">=", 0.95-1e-12), "n=%d q=%g", n, q)
				Expect(binomCDF(r-2, n, q)).To(BeNumerically("<", 0.95), "n=%d q=%g", n, q)

				l, ok := stats.QuantileLowerBound(seq(n), q, 0.95)
				Expect(ok).To(BeTrue())
				s := int(l)
				Expect(1 - binomCDF(s-1, n, q)).To(BeNumerically(">=", 0.95-1e-12))
				Expect(1 - binomCDF(s, n, q)).To(BeNumerically("<", 0.95))
			}
		}
	})

	It("covers the true quantile at least conf of the time (seeded simulation)", func() {
		rng := rand.New(rand.NewPCG(7, 11))
		const reps, n, q, conf = 2000, 40, 0.9, 0.95
		upHits, loHits := 0, 0
		for range reps {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = rng.Float64() // uniform: true p90 is 0.9
			}
			slices.Sort(xs)
			u, _ := stats.QuantileUpperBound(xs, q, conf)
			l, _ := stats.QuantileLowerBound(xs, q, conf)
			if u >= q {
				upHits++
			}
			if l <= q {
				loHits++
			}
		}
		// Exact coverage is ≥ 0.95; allow 3 binomial standard errors.
		Expect(float64(upHits) / reps).To(BeNumerically(">=", conf-3*math.Sqrt(conf*(1-conf)/reps)))
		Expect(float64(loHits) / reps).To(BeNumerically(">=", conf-3*math.Sqrt(conf*(1-conf)/reps)))
	})

	It("brackets the estimate, widens with confidence and tightens with n", func() {
		rng := rand.New(rand.NewPCG(1, 2))
		for range 200 {
			n := 30 + rng.IntN(200)
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = rng.ExpFloat64()
			}
			slices.Sort(xs)
			q := []float64{0.5, 0.9, 0.95}[rng.IntN(3)]
			est := stats.Quantile(xs, q)
			u90, ok90 := stats.QuantileUpperBound(xs, q, 0.90)
			u99, ok99 := stats.QuantileUpperBound(xs, q, 0.99)
			l90, okl := stats.QuantileLowerBound(xs, q, 0.90)
			if ok90 && okl {
				Expect(l90).To(BeNumerically("<=", est))
				Expect(u90).To(BeNumerically(">=", est))
			}
			if ok99 {
				Expect(ok90).To(BeTrue())
				Expect(u99).To(BeNumerically(">=", u90))
			}
		}
		// Monotone in n on a fixed grid of values: the bound's rank fraction falls.
		prev := 2.0
		for n := 29; n <= 400; n += 7 {
			b, ok := stats.QuantileUpperBound(seq(n), 0.9, 0.95)
			Expect(ok).To(BeTrue())
			frac := b / float64(n)
			Expect(frac).To(BeNumerically("<=", prev+1.0/float64(n)))
			prev = frac
		}
		Expect(prev).To(BeNumerically("<", 0.95))
	})

	It("handles n=0, equal values and +Inf samples", func() {
		_, ok := stats.QuantileUpperBound(nil, 0.9, 0.95)
		Expect(ok).To(BeFalse())
		_, ok = stats.QuantileLowerBound(nil, 0.9, 0.95)
		Expect(ok).To(BeFalse())
		eq := slices.Repeat([]float64{2}, 50)
		b, ok := stats.QuantileUpperBound(eq, 0.9, 0.95)
		Expect(ok).To(BeTrue())
		Expect(b).To(Equal(2.0))
		inf := append(seq(27), math.Inf(1), math.Inf(1))
		b, ok = stats.QuantileUpperBound(inf, 0.9, 0.95)
		Expect(ok).To(BeTrue())
		Expect(b).To(Equal(math.Inf(1)))
	})
})
