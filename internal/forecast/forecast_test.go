package forecast_test

import (
	"math"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/forecast"
)

// manualRun is a manual plan's run: quick detection and execution, a slow decision.
func manualRun(n int) forecast.Input {
	in := forecast.Input{RTO: 15 * time.Minute}
	ds := make([]time.Duration, n)
	for i := range n {
		in.Trials = append(in.Trials, forecast.Trial{Recovered: i != 0,
			Detect: time.Duration(20+i) * time.Second, Execute: time.Duration(60+2*i) * time.Second})
		ds[i] = time.Duration(3+i%7*3) * time.Minute // 3 to 21 minutes
	}
	e, err := forecast.NewEmpirical(ds)
	Expect(err).NotTo(HaveOccurred())
	in.Decision, in.DecisionSource = e, "test decisions"
	return in
}

var _ = Describe("a forecast", func() {
	It("is reproducible from its seed", func() {
		a, err := forecast.Make(manualRun(20), forecast.WithSeed(7), forecast.WithResamples(300))
		Expect(err).NotTo(HaveOccurred())
		b, err := forecast.Make(manualRun(20), forecast.WithSeed(7), forecast.WithResamples(300))
		Expect(err).NotTo(HaveOccurred())
		Expect(a).To(Equal(b))
		c, err := forecast.Make(manualRun(20), forecast.WithSeed(8), forecast.WithResamples(300))
		Expect(err).NotTo(HaveOccurred())
		Expect(c.P).To(Equal(a.P), "P and its interval involve no resampling")
		Expect(c.Tail.Shares).NotTo(Equal(a.Tail.Shares), "the tail's simulation follows the seed")
	})

	It("names the decision as the tail's and the cheapest improvement of a manual plan", func() {
		f, err := forecast.Make(manualRun(20), forecast.WithResamples(300))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Tail.Dominant).To(Equal(forecast.PartDecide))
		Expect(f.Tail.Shares[forecast.PartDecide]).To(BeNumerically(">", 0.8))
		Expect(f.Sensitivity[0].Part).To(Equal(forecast.PartDecide))
		Expect(f.Sensitivity[0].Delta).To(BeNumerically(">", 0.1))
		Expect(f.P.Low).To(BeNumerically("<=", f.P.Value))
		Expect(f.P.High).To(BeNumerically(">=", f.P.Value))
		for _, q := range f.Quantiles {
			Expect(q.Low).To(BeNumerically("<=", q.Value), "p%g", q.Q*100)
			Expect(q.High).To(BeNumerically(">=", q.Value), "p%g", q.Q*100)
		}
		Expect(f.Quantiles[0].Value).To(BeNumerically("<", f.Quantiles[1].Value))
		Expect(f.Method).To(ContainSubstring("test decisions"))
	})

	It("names detection when detection is what is slow", func() {
		in := forecast.Input{RTO: 15 * time.Minute}
		for i := range 10 {
			in.Trials = append(in.Trials, forecast.Trial{Recovered: true, Detect: time.Duration(10+i) * time.Minute,
				Decide: time.Second, Execute: 30 * time.Second})
		}
		f, err := forecast.Make(in, forecast.WithResamples(200))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Tail.Dominant).To(Equal(forecast.PartDetect))
		Expect(f.P.Value).To(Equal(0.5), "10..19 min of detection + 31 s: 5 of 10 within 15 min")
		Expect(f.Sensitivity[0].Part).To(Equal(forecast.PartDetect))
		Expect(f.Sensitivity[0].P).To(Equal(1.0))
	})

	It("says a quantile is beyond rollback when too few incidents recover", func() {
		f, err := forecast.Make(manualRun(20), forecast.WithResamples(200)) // 19 of 20 recover
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Recovered).To(Equal(19))
		Expect(f.Quantiles[2].Q).To(Equal(0.99))
		Expect(f.Quantiles[2].Beyond).To(BeTrue())
		Expect(f.Quantiles[2].Value).To(Equal(time.Duration(math.MaxInt64)))
		Expect(f.Quantiles[1].Beyond).To(BeFalse())
	})

	It("costs a year of deploys exactly when every incident is the same", func() {
		in := forecast.Input{RTO: 15 * time.Minute}
		for range 10 {
			in.Trials = append(in.Trials, forecast.Trial{Recovered: true, Detect: time.Minute, Execute: 2 * time.Minute})
		}
		f, err := forecast.Make(in, forecast.WithResamples(200),
			forecast.WithRate(forecast.Rate{DeploysPerMonth: 40, ChangeFailureRate: 0.05, FailedOutage: time.Hour}))
		Expect(err).NotTo(HaveOccurred())
		d := f.Downtime
		Expect(d.IncidentsPerYear).To(BeNumerically("~", 24, 1e-9))
		Expect(d.Expected).To(Equal(72 * time.Minute))
		Expect(d.Low).To(Equal(72 * time.Minute))
		Expect(d.High).To(Equal(72 * time.Minute))

		in.Trials[0].Recovered = false // one in ten costs the failed rollback's hour
		f, err = forecast.Make(in, forecast.WithResamples(500),
			forecast.WithRate(forecast.Rate{DeploysPerMonth: 40, ChangeFailureRate: 0.05, FailedOutage: time.Hour}))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Downtime.Expected).To(Equal(durationOf(24 * (0.9*3 + 0.1*60))))
		Expect(f.Downtime.Low).To(BeNumerically("<", f.Downtime.Expected))
		Expect(f.Downtime.High).To(BeNumerically(">", f.Downtime.Expected))
		Expect(f.Method).To(ContainSubstring("40 deploys a month"))
	})

	DescribeTable("refuses what it cannot forecast",
		func(in forecast.Input, opt forecast.Option, msg string) {
			_, err := forecast.Make(in, opt)
			Expect(err).To(MatchError(ContainSubstring(msg)))
		},
		Entry("no RTO", forecast.Input{Trials: []forecast.Trial{{}}}, forecast.WithSeed(1), "RTO must be positive"),
		Entry("no trials", forecast.Input{RTO: time.Minute}, forecast.WithSeed(1), "no incident among the trials"),
		Entry("a confidence of 1", manualRun(3), forecast.WithConfidence(1), "not in (0, 1)"),
		Entry("too few resamples", manualRun(3), forecast.WithResamples(10), "below 200"),
		Entry("a change-failure rate above 1", manualRun(3),
			forecast.WithRate(forecast.Rate{DeploysPerMonth: 1, ChangeFailureRate: 2, FailedOutage: time.Hour}), "change-failure rate"),
	)

	It("refuses a log-normal model whose p95 is not above its median", func() {
		_, err := forecast.NewLogNormal(5*time.Minute, time.Minute)
		Expect(err).To(MatchError(ContainSubstring("median < p95")))
	})
})

func durationOf(minutes float64) time.Duration {
	return time.Duration(math.Round(minutes * float64(time.Minute)))
}
