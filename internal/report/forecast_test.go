package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/forecast"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

func fcOff(d time.Duration) *measure.Offset { o := measure.Offset(d); return &o }

// fcPlan is a plan's results: n recovered trials detected in 1 s and executed in 4 s,
// after a modelled decision of decide(i) (none: an automated plan's 0.2 s).
func fcPlan(name string, n int, decide func(i int) time.Duration) report.PlanResults {
	r := &report.Results{Seed: 11, Objectives: scenario.Objectives{RTO: scenario.Duration(15 * time.Minute), Confidence: 0.95}}
	for i := range n {
		t := trial.Result{Index: i, Outcome: trial.Recovered}
		ttm := 200 * time.Millisecond
		t.Timing = measure.Timing{TTD: fcOff(time.Second), TTM: fcOff(ttm), RTC: fcOff(time.Second + ttm + 4*time.Second)}
		if decide != nil {
			d := decide(i)
			t.Decision = &rollback.Decision{Kind: "manual", Proceed: true, Modelled: measure.Offset(d),
				ModelledRTC: fcOff(5*time.Second + d)}
		}
		r.Trials = append(r.Trials, t)
	}
	return report.PlanResults{Name: name, Kind: name, Results: r}
}

var _ = Describe("the forecast in drill compare", func() {
	rate := forecast.Rate{DeploysPerMonth: 40, ChangeFailureRate: 0.05, FailedOutage: 4 * time.Hour, Source: report.SourceFlags}
	c := &report.Comparison{Objectives: scenario.Objectives{RTO: scenario.Duration(15 * time.Minute), Confidence: 0.95},
		Plans: []report.PlanResults{
			fcPlan("automated", 10, nil),
			fcPlan("manual", 10, func(i int) time.Duration { return time.Duration(2+3*i) * time.Minute }), // 2..29 min
		}}
	hybrid := fcPlan("hybrid", 10, func(i int) time.Duration { return time.Duration(1+i) * time.Minute })
	for _, t := range hybrid.Results.Trials {
		t.Decision.Kind = "hybrid"
	}
	withHybrid := &report.Comparison{Objectives: c.Objectives, Plans: append(append([]report.PlanResults{}, c.Plans...), hybrid)}

	It("prints each plan's P(RTC ≤ RTO), its interval, and the downtime a year of deploys costs", func() {
		var b bytes.Buffer
		Expect(report.CompareForecastMarkdown(&b, c, report.ForecastConfig{Rate: &rate})).To(Succeed())
		out := b.String()
		Expect(out).To(ContainSubstring("At 40 deploys a month and a 5% change-failure rate (24.0 bad releases a year"))
		// automated: every trial recovers in 5.2 s; 10 of 10 within the RTO.
		Expect(out).To(ContainSubstring("| P(RTC ≤ 15m0s) [95% CI] | 1.00 [0.69, 1.00] |"))
		// manual: decisions of 2..29 min, 5 of 10 (2, 5, 8, 11, 14 min) within 15 min less 5 s.
		Expect(out).To(MatchRegexp(`\| 1\.00 \[0\.69, 1\.00\] \| 0\.50 \[0\.\d\d, 0\.\d\d\] \|`))
		Expect(out).To(ContainSubstring("| tail dominated by | execution"))
		Expect(out).To(ContainSubstring("decision ("))
		// automated: 24 incidents × 5.2 s = 2.1 min, no spread.
		Expect(out).To(ContainSubstring("| expected downtime a year [CI] | 2.1 min [2.1 min, 2.1 min] |"))
		Expect(out).To(ContainSubstring("rates from the command's flags."))
		// The method once, each plan's data on its own line.
		Expect(strings.Count(out, "A real incident is taken to be like a trial")).To(Equal(1))
		Expect(out).To(ContainSubstring("\nMethod (as stated for automated; the other plans differ only in their data and where their decision comes from, below): A real incident is taken to be like a trial"))
		Expect(out).To(ContainSubstring("\nmanual: 10 incidents (10 recovered); decision from "))
	})

	It("states no annual downtime when no deploy rate is given, and the scenario's when it is", func() {
		var b bytes.Buffer
		Expect(report.CompareForecastMarkdown(&b, c, report.ForecastConfig{})).To(Succeed())
		Expect(b.String()).To(ContainSubstring("No deploy rate given, so no annual downtime"))
		Expect(b.String()).NotTo(ContainSubstring("downtime a year"))

		fromScenario := *c
		fromScenario.Plans = nil
		for _, p := range c.Plans {
			r := *p.Results
			r.Forecast = &scenario.Forecast{DeploysPerMonth: 20, ChangeFailureRate: 0.1}
			p.Results = &r
			fromScenario.Plans = append(fromScenario.Plans, p)
		}
		b.Reset()
		Expect(report.CompareForecastMarkdown(&b, &fromScenario, report.ForecastConfig{})).To(Succeed())
		// 20 × 12 × 0.1 = 24 bad releases; a failed rollback costs the default 4 h.
		Expect(b.String()).To(ContainSubstring("At 20 deploys a month and a 10% change-failure rate (24.0 bad releases a year; a rollback that does not recover counts as 4h0m0s of outage), rates from the scenario's forecast section."))
		Expect(b.String()).To(ContainSubstring("| expected downtime a year [CI] | 2.1 min [2.1 min, 2.1 min] |"))
	})

	It("records each plan's figures in the comparison's JSON", func() {
		withRate := *c
		withRate.Forecast = &report.ForecastConfig{Rate: &rate}
		withRate.ForecastPlans()
		withRate.Plans = nil // the fixture's plans have no judged summary to write
		b, err := json.Marshal(&withRate)
		Expect(err).NotTo(HaveOccurred())
		var back struct {
			Forecasts []struct {
				Plan string `json:"plan"`
				P    struct {
					Value float64 `json:"value"`
				} `json:"p_within_rto"`
				Downtime struct {
					Expected time.Duration `json:"expected_ns"`
				} `json:"downtime"`
			} `json:"forecasts"`
		}
		Expect(json.Unmarshal(b, &back)).To(Succeed())
		Expect(back.Forecasts).To(HaveLen(2))
		Expect(back.Forecasts[0].Plan).To(Equal("automated"))
		Expect(back.Forecasts[0].P.Value).To(BeNumerically("==", 1))
		// 24 incidents × 5.2 s.
		Expect(back.Forecasts[0].Downtime.Expected).To(BeNumerically("~", 24*5200*time.Millisecond, time.Millisecond))
		Expect(back.Forecasts[1].Plan).To(Equal("manual"))
		Expect(back.Forecasts[1].P.Value).To(BeNumerically("~", 0.5, 0.001))
	})

	It("calibrates the manual plan, never the automated or the hybrid one, from an incident export", func() {
		// 30 incidents, each decided in 40 min: no manual incident makes a 15-minute RTO.
		var incs []forecast.Incident
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range 30 {
			incs = append(incs, forecast.Incident{ID: fmt.Sprint(i), Investigating: at, Identified: at.Add(40 * time.Minute)})
		}
		var b bytes.Buffer
		Expect(report.CompareForecastMarkdown(&b, withHybrid,
			report.ForecastConfig{Rate: &rate, Incidents: incs, IncidentsFile: "incidents.csv"})).To(Succeed())
		Expect(b.String()).To(ContainSubstring("\nhybrid: 10 incidents (10 recovered); decision from "))
		Expect(b.String()).To(MatchRegexp(`\| P\(RTC ≤ 15m0s\) \[95% CI\] \| 1\.00 \[0\.69, 1\.00\] \| 0\.00 \[0\.00, 0\.\d\d\] \| 1\.00 \[0\.\d\d, 1\.00\] \|`))
		Expect(b.String()).To(ContainSubstring("\nmanual: 10 incidents (10 recovered); decision from the incident export incidents.csv (30 incidents"))
		Expect(b.String()).NotTo(MatchRegexp(`\nhybrid: [^\n]*incident export`))
		Expect(b.String()).To(ContainSubstring("\nautomated: 10 incidents (10 recovered); decision from each trial's measured decision."))
	})

	It("goes into the comparison's Markdown and HTML when the comparison states a rate", func() {
		withRate := *c
		withRate.Forecast = &report.ForecastConfig{Rate: &rate}
		var md, page bytes.Buffer
		Expect(report.CompareMarkdown(&md, &withRate)).To(Succeed())
		Expect(md.String()).To(ContainSubstring("| P(RTC ≤ 15m0s) [95% CI] | 1.00 [0.69, 1.00] |"))
		Expect(report.CompareHTML(&page, &withRate)).To(Succeed())
		Expect(page.String()).To(ContainSubstring("<h2>Forecast: a real incident under each plan</h2>"))
		Expect(page.String()).To(ContainSubstring("<td>P(RTC ≤ 15m0s) [95% CI]</td><td>1.00 [0.69, 1.00]</td>"))
		Expect(page.String()).To(ContainSubstring(`<p class="note">Method (as stated for automated; the other plans differ only in their data and where their decision comes from, below): A real incident is taken to be like a trial`))
		Expect(page.String()).To(ContainSubstring(`<p class="note">manual: 10 incidents (10 recovered)`))
		Expect(page.String()).To(ContainSubstring(`<p class="note">At 40 deploys a month`))

		md.Reset()
		Expect(report.CompareMarkdown(&md, c)).To(Succeed())
		Expect(md.String()).NotTo(ContainSubstring("Forecast"), "no forecast config, no forecast")
	})

	It("forecasts the same figures from the same results", func() {
		var a, b bytes.Buffer
		Expect(report.CompareForecastMarkdown(&a, c, report.ForecastConfig{Rate: &rate})).To(Succeed())
		Expect(report.CompareForecastMarkdown(&b, c, report.ForecastConfig{Rate: &rate})).To(Succeed())
		Expect(a.String()).To(Equal(b.String()))
	})

	It("says a plan without a judged trial has no forecast", func() {
		empty := &report.Comparison{Objectives: c.Objectives, Plans: []report.PlanResults{fcPlan("none", 0, nil)}}
		var b bytes.Buffer
		Expect(report.CompareForecastMarkdown(&b, empty, report.ForecastConfig{Rate: &rate})).To(Succeed())
		Expect(b.String()).To(ContainSubstring("no forecast: forecast: no incident among the trials"))
	})
})
