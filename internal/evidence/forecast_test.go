package evidence_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/evidence"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

var _ = Describe("the forecast in the evidence pack", func() {
	It("carries each scenario's forecast with its method, tagged with the clauses it serves", func() {
		dir := GinkgoT().TempDir()
		runs := quarter(dir)
		p := build(dir, runs, q4(), evidence.Config{}, evidence.FindingsFile{})
		Expect(validate(p)).To(Succeed())
		Expect(p.Clauses["forecasts"]).To(Equal([]string{evidence.DORAOutcome, evidence.ISO22301, evidence.NIST80084}))
		Expect(p.Forecasts).To(HaveLen(2), "bad-release and kill-unflushed, each pooled over its runs")

		// The truth from the trials themselves: each scenario's incidents, and for one
		// whose decisions are each trial's own, P(RTC ≤ RTO) is the share within the RTO.
		type tally struct{ incidents, within int }
		truth := map[string]*tally{}
		rto := map[string]time.Duration{}
		for _, r := range runs {
			t := truth[r.res.Scenario.Name]
			if t == nil {
				t = &tally{}
				truth[r.res.Scenario.Name] = t
			}
			rto[r.res.Scenario.Name] = r.res.Objectives.RTO.D()
			for _, tr := range r.res.Trials {
				switch tr.Outcome {
				case trial.Recovered:
					t.incidents++
					if tr.Timing.RTC != nil && tr.Timing.RTC.D() <= r.res.Objectives.RTO.D() {
						t.within++
					}
				case trial.NotRecovered, trial.NotDetected:
					t.incidents++
				}
			}
		}
		measured := 0
		for _, f := range p.Forecasts {
			Expect(f.Error).To(BeEmpty())
			t := truth[f.Scenario]
			Expect(f.Incidents).To(Equal(t.incidents), f.Scenario)
			Expect(f.RTOMs).To(BeNumerically("==", float64(rto[f.Scenario]/time.Millisecond)))
			Expect(f.PWithinRTO.Low).To(BeNumerically("<=", f.PWithinRTO.Value))
			Expect(f.PWithinRTO.High).To(BeNumerically(">=", f.PWithinRTO.Value))
			Expect(f.Quantiles).To(HaveLen(3))
			Expect(f.DominantPart).To(BeElementOf("detection", "decision", "execution"))
			Expect(f.Sensitivity).To(HaveLen(3))
			Expect(f.Method).To(ContainSubstring("Assumed: trials are independent"))
			Expect(f.AnnualDowntime).To(BeNil(), "no rate given: no downtime invented")
			if f.DecisionSource == "each trial's measured decision" {
				measured++
				Expect(f.PWithinRTO.Value).To(BeNumerically("~", float64(t.within)/float64(t.incidents), 1e-9), f.Scenario)
			}
		}
		Expect(measured).To(BeNumerically(">=", 1))
	})

	It("costs a year of deploys at the scenario's rates, and at the config's when it gives them", func() {
		dir := GinkgoT().TempDir()
		runs := quarter(dir)
		for _, r := range runs {
			r.res.Forecast = &scenario.Forecast{DeploysPerMonth: 40, ChangeFailureRate: 0.05, FailedOutage: scenario.Duration(2 * time.Hour)}
			Expect(r.res.Write(r.path)).To(Succeed())
		}
		p := build(dir, runs, q4(), evidence.Config{}, evidence.FindingsFile{})
		Expect(validate(p)).To(Succeed())
		for _, f := range p.Forecasts {
			d := f.AnnualDowntime
			Expect(d).NotTo(BeNil())
			Expect(d.RatesFrom).To(Equal("the scenario's forecast section"))
			Expect(d.IncidentsPerYear).To(BeNumerically("~", 24, 1e-9))
			Expect(d.FailedOutageH).To(Equal(2.0))
			Expect(d.LowH).To(BeNumerically("<=", d.ExpectedH))
			Expect(d.HighH).To(BeNumerically(">=", d.ExpectedH))
		}
		cfg := evidence.Config{Forecast: &scenario.Forecast{DeploysPerMonth: 10, ChangeFailureRate: 0.2}}
		p = build(dir, runs, q4(), cfg, evidence.FindingsFile{})
		Expect(validate(p)).To(Succeed())
		for _, f := range p.Forecasts {
			Expect(f.AnnualDowntime.RatesFrom).To(Equal("the evidence config's forecast section"))
			Expect(f.AnnualDowntime.FailedOutageH).To(Equal(4.0), "the default outage of a failed rollback")
		}
	})
})
