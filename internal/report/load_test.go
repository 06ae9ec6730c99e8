package report_test

import (
	"bytes"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/trial"
)

// withLoad is a recovered trial whose workload issued onTime of 1,000 due writes on schedule.
func withLoad(index, onTime int) trial.Result {
	t := recovered(100 * time.Millisecond)
	t.Index = index
	t.Load = &measure.Load{AskedRate: 1000, AchievedRate: float64(onTime), Window: measure.Offset(time.Second), Due: 1000,
		Issued: onTime, OnSchedule: onTime, Tolerance: measure.Offset(measure.OnScheduleTolerance), MaxLate: measure.Offset(40 * time.Millisecond)}
	return t
}

var _ = Describe("a workload's load shortfall", func() {
	It("is counted per judged trial, keeps the worst, and is a finding in the Markdown and HTML reports", func() {
		ts := []trial.Result{withLoad(1, 1000), withLoad(2, 950), withLoad(3, 800), {Index: 4, Outcome: trial.Errored, Load: withLoad(4, 10).Load}}
		s := report.Summarize(ts, objectives)
		Expect(s.LoadTrials).To(Equal(3))
		Expect(s.LoadShortfalls).To(Equal(2))
		Expect(s.WorstLoad.OnSchedule).To(Equal(800))

		r := fixtureResults()
		r.Trials, r.Summary = ts, s
		var md bytes.Buffer
		Expect(report.Markdown(&md, r)).To(Succeed())
		Expect(md.String()).To(ContainSubstring("Load shortfall: in 2 of 3 trials the workload issued fewer than 99% of its writes within 1ms of their schedule " +
			"(worst: 80.0% on schedule; asked 1000/s, issued 800/s, 200 of 1000 due never issued, latest start 40ms)"))
		Expect(md.String()).To(ContainSubstring("load short: 95.0% on schedule |"))
		Expect(renderHTML(r)).To(ContainSubstring(`<p class="note bad">Load shortfall: in 2 of 3 trials`))
	})

	It("says nothing when every trial kept its schedule", func() {
		r := fixtureResults()
		r.Trials = []trial.Result{withLoad(1, 1000), withLoad(2, 995)}
		r.Summary = report.Summarize(r.Trials, objectives)
		Expect(r.Summary.LoadShortfalls).To(BeZero())
		var md bytes.Buffer
		Expect(report.Markdown(&md, r)).To(Succeed())
		Expect(md.String()).NotTo(ContainSubstring("Load shortfall"))
		Expect(md.String()).NotTo(ContainSubstring("load short"))
	})
})

var _ = Describe("drill's own timing error", func() {
	It("is a finding when a judged trial's probes started later than one probe interval behind their schedule", func() {
		r := fixtureResults()
		r.ProbeIntervalMs = 25
		late := withLoad(2, 1000)
		late.ProbeLate = measure.Offset(40 * time.Millisecond)
		onTime := withLoad(1, 1000)
		onTime.ProbeLate = measure.Offset(20 * time.Millisecond)
		errored := trial.Result{Index: 3, Outcome: trial.Errored, ProbeLate: measure.Offset(time.Second)}
		r.Trials = []trial.Result{onTime, late, errored}
		r.Summary = report.Summarize(r.Trials, objectives)
		var md bytes.Buffer
		Expect(report.Markdown(&md, r)).To(Succeed())
		Expect(md.String()).To(ContainSubstring("Timing error: in 1 of 2 trials a probe started more than one probe interval (25ms) " +
			"after its place on the schedule (worst: 40ms late, trial 2)"))
		Expect(renderHTML(r)).To(ContainSubstring(`<p class="note bad">Timing error: in 1 of 2 trials`))

		r.Trials = []trial.Result{onTime}
		md.Reset()
		Expect(report.Markdown(&md, r)).To(Succeed())
		Expect(md.String()).NotTo(ContainSubstring("Timing error"))
	})
})

var _ = Describe("drill's own probes piling up before the fault", func() {
	It("is a finding, with the worst trial, when a trial had three probes in flight at once, an errored one too", func() {
		r := fixtureResults()
		r.ProbeIntervalMs = 50
		apart := withLoad(1, 1000)
		apart.ProbeOverlap, apart.ProbeSlowest = 1, measure.Offset(3*time.Millisecond)
		piled := withLoad(2, 1000)
		piled.ProbeOverlap, piled.ProbeSlowest = 11, measure.Offset(550*time.Millisecond)
		some := withLoad(3, 1000)
		some.ProbeOverlap, some.ProbeSlowest = 3, measure.Offset(110*time.Millisecond)
		once := withLoad(5, 1000) // one slow answer: two at once is not a pile-up
		once.ProbeOverlap, once.ProbeSlowest = 2, measure.Offset(60*time.Millisecond)
		// A warm-up that failed because the probes piled up on the service.
		errored := trial.Result{Index: 4, Outcome: trial.Errored, ProbeOverlap: 30, ProbeSlowest: measure.Offset(900 * time.Millisecond)}
		unprobed := trial.Result{Index: 6, Outcome: trial.Errored} // failed before any probe ended
		r.Trials = []trial.Result{apart, piled, some, errored, once, unprobed}
		r.Summary = report.Summarize(r.Trials, objectives)
		var md bytes.Buffer
		Expect(report.Markdown(&md, r)).To(Succeed())
		Expect(md.String()).To(ContainSubstring("Probe overlap: in 3 of 5 trials a probe took longer than two probe intervals (50ms each) before the fault, " +
			"so drill's own probes piled up on the service they measure (worst: 30 in flight at once, the slowest taking 900ms, trial 4)"))
		Expect(md.String()).To(ContainSubstring("probes overlapped: 11 in flight |"))
		Expect(md.String()).NotTo(ContainSubstring("probes overlapped: 2"))
		Expect(renderHTML(r)).To(ContainSubstring(`<p class="note bad">Probe overlap: in 3 of 5 trials`))

		r.Trials = []trial.Result{apart, once}
		md.Reset()
		Expect(report.Markdown(&md, r)).To(Succeed())
		Expect(md.String()).NotTo(ContainSubstring("Probe overlap"))
		Expect(md.String()).NotTo(ContainSubstring("probes overlapped"))
	})
})
