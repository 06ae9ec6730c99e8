package report_test

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/check"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/stats"
)

var _ = Describe("Aggregate", func() {
	q4, err := report.ParseQuarter("2026Q4")
	if err != nil {
		panic(err)
	}

	// previousRuns are a synthesized 2026Q3 of the stored scenarios: bad-release
	// recovering in ~20ms (the stored runs take ~50–75ms, a regression), and a
	// scenario no longer drilled in 2026Q4.
	previousRuns := func() []*report.Results {
		return []*report.Results{
			aggRun("bad-release", aggDay("2026-08-03"), aggAround(20, 4, 10)...),
			aggRun("bad-release", aggDay("2026-09-14"), aggAround(22, 4, 10)...),
			aggRun("retired", aggDay("2026-07-20"), aggAround(300, 50, 10)...),
		}
	}

	Describe("over the stored runs", func() {
		var a report.AggregateReport
		BeforeEach(func() {
			runs := aggStoredRuns()
			Expect(report.SelectRuns(runs, q4)).To(HaveLen(len(runs)))
			a = report.Aggregate(runs, q4, previousRuns())
		})

		It("pools every run per scenario with the evidence of each", func() {
			Expect(a.Schema).To(Equal(report.AggregateSchemaVersion))
			Expect(a.Runs).To(Equal(3))
			Expect(a.Trials).To(Equal(15))
			Expect(a.PreviousRuns).To(Equal(3))
			names := []string{}
			for _, g := range a.Groups {
				names = append(names, g.Scenario)
			}
			Expect(names).To(Equal([]string{"bad-release", "kill-unflushed", "retired"}))

			bad := a.Groups[0]
			Expect(bad.Runs).To(Equal(2))
			Expect(bad.Counts.Trials).To(Equal(10))
			Expect(bad.Counts.Recovered).To(Equal(10))
			Expect(bad.RTC.N).To(Equal(10))
			Expect(bad.RTC.SamplesMs).To(HaveLen(10))
			Expect(float64(bad.RTC.MaxMs)).To(BeNumerically(">=", float64(bad.RTC.QuantileMs)))
			Expect(float64(bad.RTC.QuantileMs)).To(BeNumerically(">=", float64(bad.RTC.MedianMs)))
			// 10 of 10 cannot bound p90 at 95% (29 needed), pooled or not.
			Expect(bad.RTC.RTO.Verdict).To(Equal(stats.Inconclusive))
			Expect(bad.RTC.RTO.NeededN).To(Equal(29))
			lo, hi := stats.ClopperPearson(10, 10, 0.95)
			Expect(float64(bad.SuccessRate.Lower)).To(Equal(lo))
			Expect(float64(bad.SuccessRate.Upper)).To(Equal(hi))
			Expect(bad.Evidence).To(HaveLen(2))
			for _, e := range bad.Evidence {
				Expect(e.AuditDigest).To(MatchRegexp(`^[0-9a-f]{64}$`))
				Expect(e.AuditFile).To(HaveSuffix(".audit.jsonl"))
			}
			Expect(bad.Evidence[0].Started.Before(bad.Evidence[1].Started)).To(BeTrue())
			Expect(bad.Findings).To(BeEmpty())
			Expect(bad.ErrorMessages).To(BeEmpty())

			kill := a.Groups[1]
			Expect(kill.RPC.LostWrites).To(BeNumerically(">", 0), "kill-unflushed loses unflushed writes")
			Expect(kill.RPC.RPO.Verdict).To(Equal(stats.Fail))
			Expect(kill.Trend.Status).To(Equal(report.TrendNoPrevious))
		})

		It("flags bad-release's slower recovery and the scenario no longer drilled", func() {
			Expect(a.Regressions).To(Equal(1))
			Expect(a.Groups[0].Trend.Status).To(Equal(report.TrendRegression))
			retired := a.Groups[2]
			Expect(retired.Runs).To(Equal(0))
			Expect(retired.Trend.Status).To(Equal(report.TrendNotDrilled))
			Expect(retired.Trend.Summary).To(Equal("NOT DRILLED in this period, after 10 judged trials in 2026Q3."))
		})

		It("renders Markdown matching the golden file", func() {
			var b bytes.Buffer
			Expect(report.AggregateMarkdown(&b, a)).To(Succeed())
			expectGolden("aggregate.golden.md", b.Bytes())
		})

		It("renders a self-contained HTML page with an ECDF overlay per drilled scenario", func() {
			var b bytes.Buffer
			Expect(report.AggregateHTML(&b, a)).To(Succeed())
			page := b.String()
			Expect(page).To(HavePrefix("<!DOCTYPE html>"))
			Expect(page).To(ContainSubstring("<style>"))
			Expect(page).NotTo(ContainSubstring("<script"))
			Expect(page).NotTo(MatchRegexp(`(src|href)=["']?https?:`))
			Expect(strings.Count(page, `<svg class="chart"`)).To(Equal(3), "current over previous for each of the 3 groups with data")
			Expect(page).To(ContainSubstring("ECDF of recovery time (RTC): 2026Q4 over 2026Q3"))
			Expect(page).To(ContainSubstring(">REGRESSION<"))
			Expect(page).To(ContainSubstring(a.Groups[0].Evidence[0].AuditDigest))
		})

		It("renders versioned JSON that reads back", func() {
			var b bytes.Buffer
			Expect(report.AggregateJSON(&b, a)).To(Succeed())
			var raw map[string]any
			Expect(json.Unmarshal(b.Bytes(), &raw)).To(Succeed())
			Expect(raw["schema"]).To(Equal("drill.aggregate/v1"))
			Expect(raw["scenarios"]).To(HaveLen(3))
			var back report.AggregateReport
			Expect(json.Unmarshal(b.Bytes(), &back)).To(Succeed())
			Expect(back.Groups[0].Trend.Regression).To(BeTrue())
			Expect(back.Groups[0].RTC.SamplesMs).To(Equal(a.Groups[0].RTC.SamplesMs))
			Expect(back.Period.Start).To(BeTemporally("==", q4.Start))
			// "retired" has no current samples: its NaN estimates survive as strings.
			Expect(math.IsNaN(float64(back.Groups[2].RTC.MedianMs))).To(BeTrue())
		})
	})

	Describe("trend against the previous period", func() {
		It("flags an RTC regression from ~100ms to ~300ms, in words", func() {
			prev := []*report.Results{
				aggRun("api", aggDay("2026-07-10"), aggAround(100, 10, 10)...),
				aggRun("api", aggDay("2026-08-10"), aggAround(101, 10, 10)...),
				aggRun("api", aggDay("2026-09-10"), aggAround(99, 10, 10)...),
			}
			cur := []*report.Results{
				aggRun("api", aggDay("2026-10-10"), aggAround(300, 10, 10)...),
				aggRun("api", aggDay("2026-11-10"), aggAround(301, 10, 10)...),
				aggRun("api", aggDay("2026-12-10"), aggAround(299, 10, 10)...),
			}
			a := report.Aggregate(cur, q4, prev)
			Expect(a.Regressions).To(Equal(1))
			t := a.Groups[0].Trend
			Expect(t.Status).To(Equal(report.TrendRegression))
			Expect(t.Regression).To(BeTrue())
			Expect(float64(t.PSlower)).To(BeNumerically("<", 1e-6))
			Expect(float64(t.CliffsDelta)).To(Equal(1.0))
			Expect(t.Magnitude).To(Equal("large"))
			Expect(float64(t.ShiftMs)).To(BeNumerically("~", 200, 3))
			Expect(float64(t.ShiftLowerMs)).To(BeNumerically("<=", float64(t.ShiftMs)))
			Expect(float64(t.ShiftUpperMs)).To(BeNumerically(">=", float64(t.ShiftMs)))
			Expect(t.Summary).To(HavePrefix("REGRESSION: recovery got significantly slower than in 2026Q3: median RTC 100ms → 300ms, shift +"))

			var md bytes.Buffer
			Expect(report.AggregateMarkdown(&md, a)).To(Succeed())
			Expect(md.String()).To(ContainSubstring("**REGRESSION**: recovery time got significantly worse than in 2026Q3 for api (process)."))
		})

		It("does not flag a period like the previous one", func() {
			prev := []*report.Results{aggRun("api", aggDay("2026-08-10"), aggAround(100, 10, 30)...)}
			cur := []*report.Results{aggRun("api", aggDay("2026-11-10"), aggAround(100.5, 10, 30)...)}
			a := report.Aggregate(cur, q4, prev)
			Expect(a.Regressions).To(Equal(0))
			Expect(a.Groups[0].Trend.Status).To(Equal(report.TrendNoChange))
			Expect(a.Groups[0].Trend.Summary).To(HavePrefix("No significant change in recovery time since 2026Q3"))
			var md bytes.Buffer
			Expect(report.AggregateMarkdown(&md, a)).To(Succeed())
			Expect(md.String()).To(ContainSubstring("No recovery-time regression against 2026Q3."))
		})

		It("calls faster recovery an improvement, not a regression", func() {
			prev := []*report.Results{aggRun("api", aggDay("2026-08-10"), aggAround(300, 10, 30)...)}
			cur := []*report.Results{aggRun("api", aggDay("2026-11-10"), aggAround(100, 10, 30)...)}
			t := report.Aggregate(cur, q4, prev).Groups[0].Trend
			Expect(t.Status).To(Equal(report.TrendImprovement))
			Expect(t.Regression).To(BeFalse())
		})

		It("does not flag a large shift that too few trials cannot show (exact p = 1/20)", func() {
			prev := []*report.Results{aggRun("api", aggDay("2026-08-10"), 100, 101, 102)}
			cur := []*report.Results{aggRun("api", aggDay("2026-11-10"), 300, 301, 302)}
			t := report.Aggregate(cur, q4, prev).Groups[0].Trend
			Expect(t.Exact).To(BeTrue())
			Expect(float64(t.PSlower)).To(BeNumerically("~", 0.05, 1e-12))
			Expect(t.Magnitude).To(Equal("large"))
			Expect(t.Status).To(Equal(report.TrendNoChange))
		})

		It("counts never-recovered trials as slowest, and keeps errors out of every measure", func() {
			prev := []*report.Results{aggRun("api", aggDay("2026-08-10"), aggAround(100, 10, 30)...)}
			cur := []*report.Results{aggRun("api", aggDay("2026-11-10"), append(aggAround(100, 10, 20), -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, math.NaN(), math.NaN())...)}
			g := report.Aggregate(cur, q4, prev).Groups[0]
			Expect(g.Counts.Errors).To(Equal(2))
			Expect(g.Counts.Judged).To(Equal(30))
			Expect(g.RTC.N).To(Equal(30))
			Expect(math.IsInf(float64(g.RTC.MaxMs), 1)).To(BeTrue())
			Expect(g.ErrorMessages).To(Equal([]report.ErrorCount{{Message: "start stack: port 8080 in use", Count: 2}}))
			Expect(g.SuccessRate.Successes).To(Equal(20))
			Expect(g.SuccessRate.N).To(Equal(30))
			Expect(g.Trend.Status).To(Equal(report.TrendRegression))
		})

		It("reports no trend without previous data, and nothing at all without runs", func() {
			a := report.Aggregate([]*report.Results{aggRun("api", aggDay("2026-11-10"), 100)}, q4, nil)
			Expect(a.Groups[0].Trend.Status).To(Equal(report.TrendNoPrevious))
			Expect(a.Groups[0].Trend.Summary).To(Equal("No judged trials in 2026Q3: no trend."))

			empty := report.Aggregate(nil, q4, nil)
			Expect(empty.Groups).To(BeEmpty())
			var md, page, js bytes.Buffer
			Expect(report.AggregateMarkdown(&md, empty)).To(Succeed())
			Expect(md.String()).To(ContainSubstring("No drills ran in 2026Q4 or 2026Q3."))
			Expect(report.AggregateHTML(&page, empty)).To(Succeed())
			Expect(page.String()).To(ContainSubstring("NO DRILLS"))
			Expect(report.AggregateJSON(&js, empty)).To(Succeed())
			Expect(js.String()).To(ContainSubstring(`"scenarios": []`))
		})

		It("lists the consistency checks that failed or could not decide, and counts the rest", func() {
			r := aggRun("api", aggDay("2026-11-10"), 100, 110, math.NaN())
			r.Trials[0].Consistency = []check.Finding{{Checker: "conservation", Status: check.Pass, Message: "ok"},
				{Checker: "exactly-once", Status: check.Fail, Message: "t-7 applied twice", IDs: []string{"t-7"}}}
			r.Trials[1].Consistency = []check.Finding{{Checker: "schema", Status: check.Unknown, Message: "no version"}}
			r.Trials[2].Consistency = []check.Finding{{Checker: "schema", Status: check.Fail, Message: "errored trial: not judged"}}
			g := report.Aggregate([]*report.Results{r}, q4, nil).Groups[0]
			Expect(g.Counts.ConsistencyChecks).To(Equal(3))
			Expect(g.Counts.ConsistencyFailures).To(Equal(1))
			Expect(g.Counts.ConsistencyUnknown).To(Equal(1))
			Expect(g.Findings).To(Equal([]report.Finding{
				{RunID: r.RunID, Trial: 1, Checker: "exactly-once", Status: "fail", Message: "t-7 applied twice", IDs: []string{"t-7"}},
				{RunID: r.RunID, Trial: 2, Checker: "schema", Status: "unknown", Message: "no version"},
			}))
			var md bytes.Buffer
			Expect(report.AggregateMarkdown(&md, report.Aggregate([]*report.Results{r}, q4, nil))).To(Succeed())
			Expect(md.String()).To(ContainSubstring("3 checks run after recovery: 1 failed, 1 could not decide."))
			Expect(md.String()).To(ContainSubstring("| 1 | exactly-once | **fail** | t-7 applied twice |"))
		})

		It("judges the pooled trials against the latest objectives and says they changed", func() {
			old := aggRun("api", aggDay("2026-10-10"), aggAround(100, 10, 10)...)
			old.Objectives.RTO = 0
			latest := aggRun("api", aggDay("2026-11-10"), aggAround(100, 10, 10)...)
			g := report.Aggregate([]*report.Results{latest, old}, q4, nil).Groups[0]
			Expect(g.ObjectivesChanged).To(BeTrue())
			Expect(g.Objectives).To(Equal(latest.Objectives))
		})
	})
})
