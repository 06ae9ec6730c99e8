package report_test

import (
	"math"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stats"
	"github.com/drillhq/drill/internal/trial"
)

func off(d time.Duration) *measure.Offset { o := measure.Offset(d); return &o }

func recovered(rtc time.Duration, lost ...string) trial.Result {
	return trial.Result{Outcome: trial.Recovered, Timing: measure.Timing{RTC: off(rtc), TTD: off(rtc / 2), TTM: off(0), TTR: off(rtc / 2)},
		Loss: &measure.Loss{Acked: 100, Lost: lost}}
}

var objectives = scenario.Objectives{RTO: scenario.Duration(time.Second), RPO: 0, SuccessRate: 0.9, Quantile: 0.9, Confidence: 0.95}

var _ = Describe("Summarize", func() {
	It("passes when 29 recovered trials bound p90 within the RTO and nothing was lost", func() {
		var ts []trial.Result
		for i := 0; i < 29; i++ {
			ts = append(ts, recovered(time.Duration(100+i)*time.Millisecond))
		}
		s := report.Summarize(ts, objectives)
		Expect(s.RTO.Verdict).To(Equal(stats.Pass))
		Expect(s.RPO.Verdict).To(Equal(stats.Pass))
		Expect(s.SuccessRate.Verdict).To(Equal(stats.Pass))
		Expect(s.Verdict).To(Equal(stats.Pass))
		Expect(s.RTC.Median).To(Equal(measure.Offset(114 * time.Millisecond)))
		Expect(s.RTC.Max).To(Equal(measure.Offset(128 * time.Millisecond)))
	})

	It("is inconclusive with too few trials, and says how many would decide", func() {
		s := report.Summarize([]trial.Result{recovered(100 * time.Millisecond), recovered(200 * time.Millisecond)}, objectives)
		Expect(s.Verdict).To(Equal(stats.Inconclusive))
		Expect(s.RTO.NeededN).To(Equal(29))
	})

	It("keeps errored trials out of every measure, and counts a trial that never recovered against the RTO", func() {
		ts := []trial.Result{recovered(100 * time.Millisecond), {Outcome: trial.Errored, Error: "start stack: boom"},
			{Outcome: trial.NotRecovered, Timing: measure.Timing{TTD: off(time.Millisecond)}}}
		s := report.Summarize(ts, objectives)
		Expect(s.Trials).To(Equal(3))
		Expect(s.Errors).To(Equal(1))
		Expect(s.Judged).To(Equal(2))
		Expect(s.NotRecovered).To(Equal(1))
		Expect(s.RTC.N).To(Equal(1))
		Expect(s.RTO.Estimate).To(Equal(math.Inf(1)))
	})

	It("fails the RPO when acknowledged writes were lost, even with an RPC of 0", func() {
		var ts []trial.Result
		for i := 0; i < 5; i++ {
			ts = append(ts, recovered(100*time.Millisecond, "t-1"))
		}
		s := report.Summarize(ts, objectives)
		Expect(s.LostWrites).To(Equal(5))
		Expect(s.RPO.Verdict).To(Equal(stats.Fail))
		Expect(s.Verdict).To(Equal(stats.Fail))
	})
})
