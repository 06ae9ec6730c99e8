package stats_test

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/stats"
)

func seconds(v float64) string { return fmt.Sprintf("%gs", v) }

// rtcs returns n recovery times spread below 1.2 s, with the last `slow`
// replaced by values (or +Inf) above it.
func rtcs(n, slow int, slowValue float64) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = 0.5 + 0.6*float64(i)/float64(n)
	}
	for i := n - slow; i < n; i++ {
		xs[i] = slowValue
	}
	return xs
}

var _ = Describe("Verdict", func() {
	It("names and round-trips through text and JSON", func() {
		for _, v := range []stats.Verdict{stats.Pass, stats.Inconclusive, stats.Fail} {
			b, err := v.MarshalText()
			Expect(err).NotTo(HaveOccurred())
			Expect(string(b)).To(Equal(v.String()))
			var back stats.Verdict
			Expect(back.UnmarshalText(b)).To(Succeed())
			Expect(back).To(Equal(v))
		}
		Expect([]string{stats.Pass.String(), stats.Inconclusive.String(), stats.Fail.String()}).
			To(Equal([]string{"pass", "inconclusive", "fail"}))
		b, err := json.Marshal(map[string]stats.Verdict{"v": stats.Fail})
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(Equal(`{"v":"fail"}`))
	})
	It("refuses the zero value and unknown names", func() {
		var zero stats.Verdict
		_, err := zero.MarshalText()
		Expect(err).To(MatchError(ContainSubstring("marshal verdict")))
		Expect(zero.String()).To(Equal("Verdict(0)"))
		var v stats.Verdict
		Expect(v.UnmarshalText([]byte("Pass"))).To(MatchError(ContainSubstring("unknown verdict")))
	})
})

var _ = Describe("QuantileVerdict", func() {
	opts := []stats.VerdictOption{stats.WithLabel("RTC"), stats.WithFormat(seconds)}

	It("passes when 30 trials all meet the objective", func() {
		r := stats.QuantileVerdict(rtcs(30, 0, 0), 0.9, 0.95, 1.2, opts...)
		Expect(r.Verdict).To(Equal(stats.Pass))
		Expect(r.Reason).To(Equal("p90 RTC ≤ 1.2s with 95% confidence (n=30)"))
		Expect(r.UpperOK).To(BeTrue())
		Expect(r.Upper).To(BeNumerically("<=", 1.2))
		Expect(r.Estimate).To(BeNumerically("<=", r.Upper))
		Expect(r.N).To(Equal(30))
		Expect(r.NeededN).To(Equal(30))
	})

	It("is inconclusive with 10 good trials and says 29 are needed", func() {
		r := stats.QuantileVerdict(rtcs(10, 0, 0), 0.9, 0.95, 1.2, opts...)
		Expect(r.Verdict).To(Equal(stats.Inconclusive))
		Expect(r.UpperOK).To(BeFalse())
		Expect(r.Upper).To(Equal(0.0))
		Expect(r.NeededN).To(Equal(29))
		Expect(r.Reason).To(Equal("10 trials cannot bound p90 RTC at 95%: 29 needed"))
	})

	It("fails when many trials never recovered (+Inf)", func() {
		samples := rtcs(30, 10, math.Inf(1))
		r := stats.QuantileVerdict(samples, 0.9, 0.95, 1.2, opts...)
		Expect(r.Verdict).To(Equal(stats.Fail))
		Expect(r.LowerOK).To(BeTrue())
		Expect(r.Lower).To(BeNumerically(">", 1.2))
		Expect(r.Estimate).To(Equal(math.Inf(1)))
		Expect(r.Reason).To(Equal("p90 RTC > 1.2s with 95% confidence (n=30)"))
	})

	It("projects how many trials would decide a straddling interval, and that many do", func() {
		// 2 slow of 40 (5%, below the 10% allowed): more of the same should pass.
		samples := rtcs(40, 2, 3)
		r := stats.QuantileVerdict(samples, 0.9, 0.95, 1.2, opts...)
		Expect(r.Verdict).To(Equal(stats.Inconclusive))
		Expect(r.NeededN).To(BeNumerically(">", 40))
		Expect(r.Reason).To(ContainSubstring(fmt.Sprintf("%d needed if 5%% of trials stay above 1.2s", r.NeededN)))
		n := r.NeededN
		slow := 2 * n / 40
		if 2*n%40 != 0 {
			slow++ // rounded against passing, as documented
		}
		Expect(stats.QuantileVerdict(rtcs(n, slow, 3), 0.9, 0.95, 1.2).Verdict).To(Equal(stats.Pass))
		Expect(stats.QuantileVerdict(rtcs(n-1, slow, 3), 0.9, 0.95, 1.2).Verdict).To(Equal(stats.Inconclusive))

		// 6 slow of 40 (15%): more of the same should fail.
		r = stats.QuantileVerdict(rtcs(40, 6, 3), 0.9, 0.95, 1.2)
		Expect(r.Verdict).To(Equal(stats.Inconclusive))
		Expect(r.NeededN).To(BeNumerically(">", 40))
		n = r.NeededN
		Expect(stats.QuantileVerdict(rtcs(n, 6*n/40, 3), 0.9, 0.95, 1.2).Verdict).To(Equal(stats.Fail))

		// Exactly 10% slow never decides p90.
		r = stats.QuantileVerdict(rtcs(40, 4, 3), 0.9, 0.95, 1.2)
		Expect(r.Verdict).To(Equal(stats.Inconclusive))
		Expect(r.NeededN).To(Equal(0))
		Expect(r.Reason).To(ContainSubstring("no number of trials"))
	})

	It("handles no samples, equal samples, unsorted input and NaN", func() {
		r := stats.QuantileVerdict(nil, 0.9, 0.95, 1.2)
		Expect(r.Verdict).To(Equal(stats.Inconclusive))
		Expect(r.NeededN).To(Equal(29))
		Expect(r.Reason).To(Equal("no trials: at least 29 needed to bound p90 at 95%"))

		eq := slices.Repeat([]float64{1.2}, 29)
		Expect(stats.QuantileVerdict(eq, 0.9, 0.95, 1.2).Verdict).To(Equal(stats.Pass))

		shuffled := rtcs(30, 0, 0)
		slices.Reverse(shuffled)
		before := slices.Clone(shuffled)
		Expect(stats.QuantileVerdict(shuffled, 0.9, 0.95, 1.2).Verdict).To(Equal(stats.Pass))
		Expect(shuffled).To(Equal(before), "input must not be reordered")

		r = stats.QuantileVerdict([]float64{1, math.NaN()}, 0.9, 0.95, 1.2)
		Expect(r.Verdict).To(Equal(stats.Inconclusive))
		Expect(r.Reason).To(ContainSubstring("NaN"))
		r = stats.QuantileVerdict([]float64{1}, 1.9, 0.95, 1.2)
		Expect(r.Verdict).To(Equal(stats.Inconclusive))
		Expect(r.Reason).To(ContainSubstring("cannot judge"))
	})

	It("agrees with RateVerdict on 'trial within objective' with required = q", func() {
		for _, n := range []int{1, 5, 10, 28, 29, 30, 45, 60, 100} {
			for _, slow := range []int{0, 1, 2, 3, 5, 8, 13, 30} {
				if slow > n {
					continue
				}
				qv := stats.QuantileVerdict(rtcs(n, slow, 5), 0.9, 0.95, 1.2)
				rv := stats.RateVerdict(n-slow, n, 0.9, 0.95)
				Expect(qv.Verdict).To(Equal(rv.Verdict), "n=%d slow=%d", n, slow)
				Expect(qv.NeededN).To(Equal(rv.NeededN), "n=%d slow=%d", n, slow)
			}
		}
	})
})

var _ = Describe("RateVerdict", func() {
	It("needs 29 straight successes to show ≥ 90% at 95%", func() {
		r := stats.RateVerdict(10, 10, 0.9, 0.95)
		Expect(r.Verdict).To(Equal(stats.Inconclusive))
		Expect(r.NeededN).To(Equal(29))
		Expect(r.Reason).To(Equal("success rate undecided against 90% at 95% (10/10 succeeded): 29 needed if all keep succeeding"))
		Expect(stats.RateVerdict(28, 28, 0.9, 0.95).Verdict).To(Equal(stats.Inconclusive))

		r = stats.RateVerdict(29, 29, 0.9, 0.95, stats.WithLabel("rollback success rate"))
		Expect(r.Verdict).To(Equal(stats.Pass))
		Expect(r.Lower).To(BeNumerically(">=", 0.9))
		Expect(r.Reason).To(Equal("rollback success rate ≥ 90% with 95% confidence (29/29 succeeded)"))
	})

	It("fails when the upper bound is below the requirement", func() {
		r := stats.RateVerdict(20, 30, 0.9, 0.95)
		Expect(r.Verdict).To(Equal(stats.Fail))
		Expect(r.Upper).To(BeNumerically("<", 0.9))
		Expect(r.Estimate).To(BeNumerically("~", 2.0/3, 1e-12))
		Expect(r.Reason).To(HavePrefix("success rate < 90% with 95% confidence"))
	})

	It("handles n = 0 and invalid input", func() {
		r := stats.RateVerdict(0, 0, 0.9, 0.95)
		Expect(r.Verdict).To(Equal(stats.Inconclusive))
		Expect(r.NeededN).To(Equal(29))
		Expect(r.LowerOK || r.UpperOK).To(BeFalse())
		r = stats.RateVerdict(5, 3, 0.9, 0.95)
		Expect(r.Verdict).To(Equal(stats.Inconclusive))
		Expect(r.Reason).To(ContainSubstring("cannot judge"))
	})

	It("keeps lower ≤ estimate ≤ upper and only passes or fails on the bounds", func() {
		for n := 1; n <= 60; n += 3 {
			for k := 0; k <= n; k += 1 + n/12 {
				r := stats.RateVerdict(k, n, 0.8, 0.9)
				Expect(r.Lower).To(BeNumerically("<=", r.Estimate))
				Expect(r.Upper).To(BeNumerically(">=", r.Estimate))
				switch r.Verdict {
				case stats.Pass:
					Expect(r.Lower).To(BeNumerically(">=", 0.8))
				case stats.Fail:
					Expect(r.Upper).To(BeNumerically("<", 0.8))
				default:
					Expect(r.Lower).To(BeNumerically("<", 0.8))
					Expect(r.Upper).To(BeNumerically(">=", 0.8))
				}
			}
		}
	})

	It("marshals to JSON", func() {
		b, err := json.Marshal(stats.RateVerdict(29, 29, 0.9, 0.95))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(ContainSubstring(`"verdict":"pass"`))
	})
})

var _ = Describe("a verdict in JSON", func() {
	It("round-trips, infinities included", func() {
		v := stats.VerdictResult{Verdict: stats.Fail, Estimate: math.Inf(1), Upper: math.Inf(1), Lower: 1.5, UpperOK: true, LowerOK: true, N: 3, NeededN: 3, Reason: "r"}
		b, err := json.Marshal(v)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(ContainSubstring(`"estimate":"+Inf"`))
		var back stats.VerdictResult
		Expect(json.Unmarshal(b, &back)).To(Succeed())
		Expect(back).To(Equal(v))
	})
})

var _ = Describe("QuantileVerdictUncertain", func() {
	opts := []stats.VerdictOption{stats.WithLabel("RTC"), stats.WithFormat(seconds)}
	// spread gives every sample the same error e either way.
	spread := func(xs []float64, e float64) (low, high []float64) {
		for _, x := range xs {
			low, high = append(low, x-e), append(high, x+e)
		}
		return low, high
	}

	It("keeps a verdict the measurement error cannot change", func() {
		xs := rtcs(30, 0, 0) // all below 1.1 s
		low, high := spread(xs, 0.05)
		r, undecided := stats.QuantileVerdictUncertain(xs, low, high, 0.9, 0.95, 1.2, opts...)
		Expect(undecided).To(BeFalse())
		Expect(r).To(Equal(stats.QuantileVerdict(xs, 0.9, 0.95, 1.2, opts...)))
		Expect(r.Verdict).To(Equal(stats.Pass))
	})

	It("is inconclusive when the trials' own error straddles the objective: neither PASS nor FAIL", func() {
		xs := rtcs(30, 0, 0)
		xs[29] = 1.19 // the sample max bounds p90: 10 ms under the objective
		exact := stats.QuantileVerdict(xs, 0.9, 0.95, 1.2, opts...)
		Expect(exact.Verdict).To(Equal(stats.Pass))
		low, high := spread(xs, 0.05)
		r, undecided := stats.QuantileVerdictUncertain(xs, low, high, 0.9, 0.95, 1.2, opts...)
		Expect(undecided).To(BeTrue())
		Expect(r.Verdict).To(Equal(stats.Inconclusive))
		Expect(r.NeededN).To(BeZero())
		Expect(r.Estimate).To(Equal(exact.Estimate))

		// And a FAIL that rests on trials within their error of the objective.
		fail := rtcs(30, 10, 1.21)
		Expect(stats.QuantileVerdict(fail, 0.9, 0.95, 1.2, opts...).Verdict).To(Equal(stats.Fail))
		low, high = spread(fail, 0.05)
		r, undecided = stats.QuantileVerdictUncertain(fail, low, high, 0.9, 0.95, 1.2, opts...)
		Expect(undecided).To(BeTrue())
		Expect(r.Verdict).To(Equal(stats.Inconclusive))
	})

	It("keeps a FAIL that trials far above the objective decide, whatever the others' error", func() {
		xs := rtcs(30, 10, math.Inf(1))
		xs[0] = 1.19
		low, high := spread(xs, 0.05)
		r, undecided := stats.QuantileVerdictUncertain(xs, low, high, 0.9, 0.95, 1.2, opts...)
		Expect(undecided).To(BeFalse())
		Expect(r.Verdict).To(Equal(stats.Fail))
	})

	It("treats a sample known only from below (a load shortfall) as unable to pass", func() {
		xs := make([]float64, 30) // nothing lost in any trial
		high := make([]float64, 30)
		high[3] = math.Inf(1) // one trial's workload fell short: its RPC of 0 proves nothing
		r, undecided := stats.QuantileVerdictUncertain(xs, nil, high, 0.9, 0.95, 0, opts...)
		Expect(undecided).To(BeTrue())
		Expect(r.Verdict).To(Equal(stats.Inconclusive))
		Expect(r.NeededN).To(BeZero(), "as measured it passed: more trials like these would not decide it")

		few := make([]float64, 10)
		high = make([]float64, 10)
		for i := range 4 { // 4 of 10 trials short: judged at their high end, p90 fails
			high[i] = math.Inf(1)
		}
		r, undecided = stats.QuantileVerdictUncertain(few, nil, high, 0.9, 0.95, 0, opts...)
		Expect(undecided).To(BeTrue())
		Expect(r.NeededN).To(Equal(29), "too few as measured, too: the projection stays")
	})
})
