package stats_test

import (
	"math"
	"math/rand/v2"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/stats"
)

var _ = Describe("Clopper–Pearson", func() {
	It("gives the one-sided zero-failure bound 1-(1-conf)^(1/n)", func() {
		Expect(stats.ClopperPearsonUpper(0, 10, 0.95)).To(BeNumerically("~", 0.2589, 1e-4))
		Expect(stats.ClopperPearsonUpper(0, 10, 0.95)).To(BeNumerically("~", 1-math.Pow(0.05, 0.1), 1e-9))
		Expect(stats.ClopperPearsonLower(10, 10, 0.95)).To(BeNumerically("~", math.Pow(0.05, 0.1), 1e-9))
	})
	It("gives the two-sided 95% upper ends 0.308 (n=10) and 0.116 (n=30) for zero events", func() {
		lo, hi := stats.ClopperPearson(0, 10, 0.95)
		Expect(lo).To(Equal(0.0))
		Expect(hi).To(BeNumerically("~", 0.3085, 1e-3))
		_, hi = stats.ClopperPearson(0, 30, 0.95)
		Expect(hi).To(BeNumerically("~", 0.1157, 1e-3))
	})
	It("matches R binom.test(682, 925)", func() {
		lo, hi := stats.ClopperPearson(682, 925, 0.95)
		Expect(lo).To(BeNumerically("~", 0.7076683, 1e-6))
		Expect(hi).To(BeNumerically("~", 0.7654066, 1e-6))
	})
	It("handles n=0 and rejects impossible counts", func() {
		lo, hi := stats.ClopperPearson(0, 0, 0.95)
		Expect([]float64{lo, hi}).To(Equal([]float64{0, 1}))
		lo, hi = stats.ClopperPearson(3, 2, 0.95)
		Expect(math.IsNaN(lo) && math.IsNaN(hi)).To(BeTrue())
		Expect(math.IsNaN(stats.ClopperPearsonUpper(1, 2, 1))).To(BeTrue())
	})
})

var _ = Describe("Wilson", func() {
	It("matches published values", func() {
		lo, hi := stats.Wilson(7, 10, 0.95)
		Expect(lo).To(BeNumerically("~", 0.3968, 1e-3))
		Expect(hi).To(BeNumerically("~", 0.8922, 1e-3))
		lo, hi = stats.Wilson(0, 10, 0.95)
		Expect(lo).To(Equal(0.0))
		z2 := 1.959964 * 1.959964
		Expect(hi).To(BeNumerically("~", z2/(10+z2), 1e-5))
		lo, hi = stats.Wilson(0, 0, 0.95)
		Expect([]float64{lo, hi}).To(Equal([]float64{0, 1}))
	})
})

var _ = Describe("rate interval properties", func() {
	It("contain the estimate, widen with confidence and narrow with n", func() {
		rng := rand.New(rand.NewPCG(3, 4))
		for range 500 {
			n := 1 + rng.IntN(300)
			k := rng.IntN(n + 1)
			p := float64(k) / float64(n)
			for _, f := range []func(int, int, float64) (float64, float64){stats.ClopperPearson, stats.Wilson} {
				lo90, hi90 := f(k, n, 0.90)
				lo99, hi99 := f(k, n, 0.99)
				Expect(lo90).To(BeNumerically("<=", p+1e-12))
				Expect(hi90).To(BeNumerically(">=", p-1e-12))
				Expect(lo99).To(BeNumerically("<=", lo90+1e-12))
				Expect(hi99).To(BeNumerically(">=", hi90-1e-12))
				Expect(lo99).To(BeNumerically(">=", 0))
				Expect(hi99).To(BeNumerically("<=", 1))
			}
			// A two-sided interval is wider than the one-sided bound at the same level.
			lo, hi := stats.ClopperPearson(k, n, 0.95)
			Expect(stats.ClopperPearsonUpper(k, n, 0.95)).To(BeNumerically("<=", hi+1e-12))
			Expect(stats.ClopperPearsonLower(k, n, 0.95)).To(BeNumerically(">=", lo-1e-12))
			// Doubling the data at the same rate narrows the interval.
			lo2, hi2 := stats.ClopperPearson(2*k, 2*n, 0.95)
			Expect(hi2 - lo2).To(BeNumerically("<", hi-lo))
		}
		prev := 1.0
		for n := 1; n <= 100; n++ {
			u := stats.ClopperPearsonUpper(0, n, 0.95)
			Expect(u).To(BeNumerically("<", prev))
			prev = u
		}
	})
})

var _ = Describe("MeanCI", func() {
	It("matches R t.test(1:10)", func() {
		m, lo, hi := stats.MeanCI(seq(10), 0.95)
		Expect(m).To(BeNumerically("~", 5.5, 1e-12))
		Expect(lo).To(BeNumerically("~", 3.334149, 1e-6))
		Expect(hi).To(BeNumerically("~", 7.665851, 1e-6))
	})
	It("handles n=0, n=1 and equal values", func() {
		m, lo, hi := stats.MeanCI(nil, 0.95)
		Expect(math.IsNaN(m) && math.IsNaN(lo) && math.IsNaN(hi)).To(BeTrue())
		m, lo, hi = stats.MeanCI([]float64{4}, 0.95)
		Expect([]float64{m, lo, hi}).To(Equal([]float64{4, math.Inf(-1), math.Inf(1)}))
		m, lo, hi = stats.MeanCI([]float64{2, 2, 2}, 0.95)
		Expect([]float64{m, lo, hi}).To(Equal([]float64{2, 2, 2}))
	})
	It("contains the mean and widens with confidence", func() {
		rng := rand.New(rand.NewPCG(5, 6))
		for range 200 {
			xs := make([]float64, 2+rng.IntN(50))
			for i := range xs {
				xs[i] = rng.NormFloat64()*3 + 10
			}
			m, lo90, hi90 := stats.MeanCI(xs, 0.90)
			_, lo99, hi99 := stats.MeanCI(xs, 0.99)
			Expect(lo90).To(BeNumerically("<=", m))
			Expect(hi90).To(BeNumerically(">=", m))
			Expect(lo99).To(BeNumerically("<", lo90))
			Expect(hi99).To(BeNumerically(">", hi90))
		}
	})
})

var _ = Describe("MaxRateVerdict", func() {
	It("passes when the upper bound is within the allowed rate, mirroring RateVerdict", func() {
		v := stats.MaxRateVerdict(0, 59, 0.05, 0.95, stats.WithLabel("false-positive rate"))
		Expect(v.Verdict).To(Equal(stats.Pass))
		Expect(v.Upper).To(BeNumerically("~", 1-stats.ClopperPearsonLower(59, 59, 0.95), 1e-12))
		Expect(v.Upper).To(BeNumerically("<=", 0.05))
		Expect(v.Reason).To(ContainSubstring("false-positive rate ≤ 5%"))
	})
	It("is inconclusive with too few controls and fails when the lower bound exceeds the allowed rate", func() {
		Expect(stats.MaxRateVerdict(0, 20, 0.05, 0.95).Verdict).To(Equal(stats.Inconclusive))
		v := stats.MaxRateVerdict(15, 20, 0.05, 0.95)
		Expect(v.Verdict).To(Equal(stats.Fail))
		Expect(v.Estimate).To(BeNumerically("~", 0.75, 1e-12))
		Expect(v.Lower).To(BeNumerically(">", 0.05))
	})
})
