package stats_test

import (
	"math"
	"math/rand/v2"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/stats"
)

// R's ?wilcox.test example.
var (
	rx = []float64{0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46}
	ry = []float64{1.15, 0.88, 0.90, 0.74, 1.21}
)

// bruteGreater enumerates every split of ranks 1..m+n and returns
// P(U_x ≥ w) under the null.
func bruteGreater(m, n int, w float64) float64 {
	total, hits := 0, 0
	var rec func(start, left int, sum float64)
	rec = func(start, left int, sum float64) {
		if left == 0 {
			total++
			if sum-float64(m*(m+1))/2 >= w {
				hits++
			}
			return
		}
		for r := start; r <= m+n; r++ {
			rec(r+1, left-1, sum+float64(r))
		}
	}
	rec(1, m, 0)
	return float64(hits) / float64(total)
}

func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

var _ = Describe("MannWhitney", func() {
	It("matches R's wilcox.test example exactly", func() {
		r := stats.MannWhitney(rx, ry)
		Expect(r.Exact).To(BeTrue())
		Expect(r.W).To(Equal(35.0))
		Expect(r.U).To(Equal(15.0))
		Expect(r.PGreater).To(BeNumerically("~", 0.1272, 1e-4))
		Expect(r.PTwoSided).To(BeNumerically("~", 0.2544, 1e-4))
		Expect(r.PLess).To(BeNumerically(">", 0.85))
	})

	It("agrees with brute-force enumeration of the null", func() {
		rng := rand.New(rand.NewPCG(9, 9))
		for range 30 {
			m, n := 1+rng.IntN(6), 1+rng.IntN(6)
			x, y := make([]float64, m), make([]float64, n)
			for i := range x {
				x[i] = rng.Float64()
			}
			for i := range y {
				y[i] = rng.Float64() + 0.2
			}
			r := stats.MannWhitney(x, y)
			Expect(r.Exact).To(BeTrue())
			Expect(r.PGreater).To(BeNumerically("~", bruteGreater(m, n, r.W), 1e-12))
			// By symmetry P(U_x ≤ w) = P(U_x ≥ m·n - w).
			Expect(r.PLess).To(BeNumerically("~", bruteGreater(m, n, float64(m*n)-r.W), 1e-12))
			Expect(r.PLess + r.PGreater).To(BeNumerically(">=", 1-1e-12))
		}
	})

	It("uses the tie- and continuity-corrected normal approximation with ties", func() {
		x := []float64{1, 2, 3, 4, 5}
		y := []float64{3, 4, 5, 6, 7, 8}
		r := stats.MannWhitney(x, y)
		Expect(r.Exact).To(BeFalse())
		Expect(r.W).To(Equal(4.5))
		// Worked by hand: μ = 15, σ² = 30/12·(12 - 18/110).
		sigma := math.Sqrt(30.0 / 12 * (12 - 18.0/110))
		Expect(r.PLess).To(BeNumerically("~", normCDF((4.5-15+0.5)/sigma), 1e-12))
		Expect(r.PGreater).To(BeNumerically("~", 1-normCDF((4.5-15-0.5)/sigma), 1e-12))
		Expect(r.PTwoSided).To(BeNumerically("~", 2*r.PLess, 1e-12))
	})

	It("switches to the approximation for large samples and stays close to exact", func() {
		rng := rand.New(rand.NewPCG(2, 8))
		x, y := make([]float64, 49), make([]float64, 49)
		for i := range x {
			x[i], y[i] = rng.NormFloat64()+0.4, rng.NormFloat64()
		}
		exact := stats.MannWhitney(x, y)
		Expect(exact.Exact).To(BeTrue())
		approx := stats.MannWhitney(append(x, 1e9), append(y, -1e9))
		Expect(approx.Exact).To(BeFalse())
		Expect(approx.PTwoSided).To(BeNumerically("~", exact.PTwoSided, 0.02))
	})

	It("handles empty samples, all-equal values and +Inf", func() {
		r := stats.MannWhitney(nil, ry)
		Expect([]float64{r.PLess, r.PGreater, r.PTwoSided}).To(Equal([]float64{1, 1, 1}))
		r = stats.MannWhitney([]float64{2, 2, 2}, []float64{2, 2})
		Expect(r.Exact).To(BeFalse())
		Expect(r.W).To(Equal(3.0))
		Expect(r.PTwoSided).To(Equal(1.0))
		inf := math.Inf(1)
		r = stats.MannWhitney([]float64{inf, inf, inf, inf, inf}, []float64{1, 2, 3, 4, 5})
		Expect(r.W).To(Equal(25.0))
		Expect(r.PGreater).To(BeNumerically("<", 0.01))
	})
})

var _ = Describe("HodgesLehmann", func() {
	It("estimates the median pairwise difference with R's exact interval", func() {
		shift, lo, hi := stats.HodgesLehmann(rx, ry, 0.95)
		var diffs []float64
		for _, a := range rx {
			for _, b := range ry {
				diffs = append(diffs, a-b)
			}
		}
		slices.Sort(diffs)
		Expect(shift).To(BeNumerically("~", (diffs[24]+diffs[25])/2, 1e-12))
		Expect(shift).To(BeNumerically("~", 0.305, 1e-9))
		// Two-sided 5% critical U for sizes 10 and 5 is 8 (reject when U ≤ 8), so the
		// interval runs from the 9th smallest to the 9th largest difference.
		Expect(bruteGreater(10, 5, 42)).To(BeNumerically("<=", 0.025)) // P(U ≤ 8)
		Expect(bruteGreater(10, 5, 41)).To(BeNumerically(">", 0.025))  // P(U ≤ 9)
		Expect(lo).To(Equal(diffs[8]))
		Expect(hi).To(Equal(diffs[len(diffs)-9]))
		Expect(lo).To(BeNumerically("~", -0.15, 1e-9))
		Expect(hi).To(BeNumerically("~", 0.76, 1e-9))
	})

	It("admits it cannot reach the confidence with tiny samples", func() {
		shift, lo, hi := stats.HodgesLehmann([]float64{3, 4}, []float64{1}, 0.95)
		Expect(shift).To(Equal(2.5))
		Expect(lo).To(Equal(math.Inf(-1)))
		Expect(hi).To(Equal(math.Inf(1)))
	})

	It("covers the true shift and widens with confidence (normal path, seeded)", func() {
		rng := rand.New(rand.NewPCG(4, 4))
		hits := 0
		const reps = 100
		for range reps {
			x, y := make([]float64, 60), make([]float64, 55)
			for i := range x {
				x[i] = math.Round((rng.NormFloat64()+1)*10) / 10 // rounding makes ties
			}
			for i := range y {
				y[i] = math.Round(rng.NormFloat64()*10) / 10
			}
			s, lo, hi := stats.HodgesLehmann(x, y, 0.95)
			_, lo99, hi99 := stats.HodgesLehmann(x, y, 0.99)
			Expect(lo).To(BeNumerically("<=", s))
			Expect(hi).To(BeNumerically(">=", s))
			Expect(lo99).To(BeNumerically("<=", lo))
			Expect(hi99).To(BeNumerically(">=", hi))
			if lo <= 1 && 1 <= hi {
				hits++
			}
		}
		Expect(float64(hits) / reps).To(BeNumerically(">=", 0.95-3*math.Sqrt(0.95*0.05/reps)))
	})

	It("treats two +Inf as equal and handles empty samples", func() {
		inf := math.Inf(1)
		shift, _, _ := stats.HodgesLehmann([]float64{inf, 1, 2}, []float64{inf, 1, 2}, 0.95)
		Expect(shift).To(Equal(0.0))
		shift, lo, hi := stats.HodgesLehmann(nil, []float64{1}, 0.95)
		Expect(math.IsNaN(shift)).To(BeTrue())
		Expect([]float64{lo, hi}).To(Equal([]float64{math.Inf(-1), math.Inf(1)}))
	})
})

var _ = Describe("CliffsDelta", func() {
	It("gives δ = -0.25 (small) for the published treatment/control example", func() {
		treatment := []float64{10, 10, 20, 20, 20, 30, 30, 30, 40, 50}
		control := []float64{10, 20, 30, 40, 40, 50}
		d, mag := stats.CliffsDelta(treatment, control)
		Expect(d).To(BeNumerically("~", -0.25, 1e-12))
		Expect(mag).To(Equal("small"))
	})
	It("applies Romano et al.'s bands and is antisymmetric", func() {
		d, mag := stats.CliffsDelta([]float64{5, 6, 7}, []float64{1, 2, 3})
		Expect(d).To(Equal(1.0))
		Expect(mag).To(Equal("large"))
		d, _ = stats.CliffsDelta([]float64{1, 2, 3}, []float64{5, 6, 7})
		Expect(d).To(Equal(-1.0))
		_, mag = stats.CliffsDelta([]float64{1, 2}, []float64{1, 2})
		Expect(mag).To(Equal("negligible"))
		// 10 pairs, δ = -4/10 → medium
		d, mag = stats.CliffsDelta([]float64{1, 2, 3, 4, 5}, []float64{3, 5})
		Expect(d).To(Equal(-0.4))
		Expect(mag).To(Equal("medium"))
		d, mag = stats.CliffsDelta(nil, []float64{1})
		Expect(math.IsNaN(d)).To(BeTrue())
		Expect(mag).To(Equal("undefined"))
	})
	It("agrees with the Mann–Whitney statistic: δ = 2W/(n₁n₂) - 1", func() {
		rng := rand.New(rand.NewPCG(1, 1))
		for range 100 {
			x, y := make([]float64, 1+rng.IntN(20)), make([]float64, 1+rng.IntN(20))
			for i := range x {
				x[i] = float64(rng.IntN(5))
			}
			for i := range y {
				y[i] = float64(rng.IntN(5))
			}
			d, _ := stats.CliffsDelta(x, y)
			w := stats.MannWhitney(x, y).W
			Expect(d).To(BeNumerically("~", 2*w/float64(len(x)*len(y))-1, 1e-12))
		}
	})
})
