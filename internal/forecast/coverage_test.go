package forecast_test

import (
	"math"
	"math/rand/v2"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/forecast"
)

// synthetic is a known truth: log-normal detection and execution, a log-normal
// decision, and a fixed rollback success probability.
type synthetic struct {
	detectMedian, executeMedian time.Duration
	detectSigma, executeSigma   float64
	decision                    forecast.LogNormal
	success                     float64
	rto                         time.Duration
}

func logNormal(r *rand.Rand, median time.Duration, sigma float64) time.Duration {
	return time.Duration(float64(median) * math.Exp(sigma*r.NormFloat64()))
}

func (s synthetic) trial(r *rand.Rand, own bool) forecast.Trial {
	t := forecast.Trial{Recovered: r.Float64() < s.success,
		Detect: logNormal(r, s.detectMedian, s.detectSigma), Execute: logNormal(r, s.executeMedian, s.executeSigma)}
	if own {
		t.Decide = time.Duration(s.decision.Sample(r) * float64(time.Millisecond))
	}
	return t
}

// truth is P(RTC ≤ RTO), the decision integrated exactly over 200,000 draws of the rest.
func (s synthetic) truth() float64 {
	r := rand.New(rand.NewPCG(99, 99))
	const draws = 200000
	sum := 0.0
	for range draws {
		rest := logNormal(r, s.detectMedian, s.detectSigma) + logNormal(r, s.executeMedian, s.executeSigma)
		sum += s.decision.CDF(float64(s.rto-rest) / float64(time.Millisecond))
	}
	return s.success * sum / draws
}

var _ = Describe("the interval on P(RTC ≤ RTO)", func() {
	manual, err := forecast.NewLogNormal(5*time.Minute, 20*time.Minute)
	if err != nil {
		panic(err)
	}
	truth := synthetic{detectMedian: 30 * time.Second, detectSigma: 0.5, executeMedian: 90 * time.Second, executeSigma: 0.4,
		decision: manual, success: 0.95, rto: 15 * time.Minute}

	DescribeTable("covers the known truth in at least 93% of 1,000 seeded repetitions",
		func(n int, decisions string, maxWidth float64) {
			p := truth.truth()
			Expect(p).To(BeNumerically("~", 0.82, 0.05), "the synthetic truth is away from 0 and 1")
			covered, width := 0, 0.0
			for rep := range 1000 {
				r := rand.New(rand.NewPCG(uint64(rep), 7))
				in := forecast.Input{RTO: truth.rto}
				own := decisions == "own"
				for range n {
					in.Trials = append(in.Trials, truth.trial(r, own))
				}
				switch decisions {
				case "known":
					in.Decision = truth.decision
				case "empirical":
					ds := make([]time.Duration, n)
					for i := range ds {
						ds[i] = time.Duration(truth.decision.Sample(r) * float64(time.Millisecond))
					}
					in.Decision, err = forecast.NewEmpirical(ds)
					Expect(err).NotTo(HaveOccurred())
				}
				iv, err := forecast.Probability(in, 0.95)
				Expect(err).NotTo(HaveOccurred())
				if iv.Low <= p && p <= iv.High {
					covered++
				}
				width += iv.High - iv.Low
			}
			GinkgoWriter.Printf("n=%d %s: coverage %d/1000, mean width %.3f\n", n, decisions, covered, width/1000)
			Expect(covered).To(BeNumerically(">=", 930))
			// Not bought by a useless interval: at most about the plain binomial interval's
			// width at n_eff (Clopper–Pearson's at p≈0.82 is ≈ 0.3 at 30, ≈ 0.55 at 10).
			Expect(width / 1000).To(BeNumerically("<", maxWidth))
		},
		Entry("30 trials, the decision model known", 30, "known", 0.32),
		Entry("30 trials, 30 decisions drawn from the model", 30, "empirical", 0.45),
		Entry("20 trials, each with its own decision", 20, "own", 0.38),
		Entry("10 trials, the decision model known", 10, "known", 0.56),
	)
})
