package report_test

import (
	"bytes"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/stats"
	"github.com/drillhq/drill/internal/trial"
)

var _ = Describe("Summarize with drill's own error", func() {
	const resolution = 25 * time.Millisecond
	// run is 29 recovered trials (enough for the sample max to bound p90) at 100–127 ms
	// and the given last ones.
	run := func(last ...trial.Result) []trial.Result {
		var ts []trial.Result
		for i := 0; i < 29-len(last); i++ {
			ts = append(ts, recovered(time.Duration(100+i)*time.Millisecond))
		}
		return append(ts, last...)
	}
	late := func(t trial.Result, d time.Duration) trial.Result { t.ProbeLate = measure.Offset(d); return t }
	// slow is 10 trials that recovered after rtc, their probes 20 ms late.
	slow := func(rtc time.Duration) []trial.Result {
		var ts []trial.Result
		for range 10 {
			ts = append(ts, late(recovered(rtc), 20*time.Millisecond))
		}
		return ts
	}
	// exact is ts measured without error: on time, at no stated resolution.
	exact := func(ts []trial.Result) []trial.Result {
		out := make([]trial.Result, len(ts))
		for i, t := range ts {
			out[i] = late(t, 0)
		}
		return out
	}

	It("still passes when every trial is further than its error from the RTO", func() {
		s := report.Summarize(run(late(recovered(900*time.Millisecond), 50*time.Millisecond)), objectives,
			report.WithResolution(resolution))
		Expect(s.RTO.Verdict).To(Equal(stats.Pass))
		Expect(s.Verdict).To(Equal(stats.Pass))
	})

	It("is INCONCLUSIVE, not PASS, when the trial that bounds the RTO is within its error of it", func() {
		ts := run(late(recovered(990*time.Millisecond), 30*time.Millisecond))
		Expect(report.Summarize(exact(ts), objectives).Verdict).To(Equal(stats.Pass), "judged without its error")
		s := report.Summarize(ts, objectives, report.WithResolution(resolution))
		Expect(s.RTO.Verdict).To(Equal(stats.Inconclusive))
		Expect(s.RTO.Reason).To(ContainSubstring("drill's timing error on this machine"))
		Expect(s.RTO.Reason).To(ContainSubstring("1 of 29 incidents' RTC lies within its own timing error of the RTO (up to ±55ms"))
		Expect(s.RTO.Reason).To(ContainSubstring("a quieter machine, fewer trials at once (--parallel) or a finer probes.interval would decide it"))
		Expect(s.Verdict).To(Equal(stats.Inconclusive))
	})

	It("is INCONCLUSIVE, not FAIL, when the trials that miss the RTO miss it by less than their error", func() {
		ts := run(slow(1010 * time.Millisecond)...)
		Expect(report.Summarize(exact(ts), objectives).RTO.Verdict).To(Equal(stats.Fail), "judged without its error")
		s := report.Summarize(ts, objectives, report.WithResolution(resolution))
		Expect(s.RTO.Verdict).To(Equal(stats.Inconclusive))
		Expect(s.RTO.Reason).To(ContainSubstring("10 of 29 incidents"))
		Expect(s.Verdict).To(Equal(stats.Inconclusive))
	})

	It("still fails when the trials miss the RTO by more than their error", func() {
		s := report.Summarize(run(slow(1500*time.Millisecond)...), objectives, report.WithResolution(resolution))
		Expect(s.RTO.Verdict).To(Equal(stats.Fail))
		Expect(s.Verdict).To(Equal(stats.Fail))
	})

	It("cannot pass the RPO on a trial whose workload fell short of its schedule", func() {
		short := recovered(100 * time.Millisecond)
		short.Load = &measure.Load{AskedRate: 100, Due: 100, Issued: 60, OnSchedule: 50}
		s := report.Summarize(run(short), objectives, report.WithResolution(resolution))
		Expect(s.RTO.Verdict).To(Equal(stats.Pass))
		Expect(s.RPO.Verdict).To(Equal(stats.Inconclusive))
		Expect(s.RPO.Reason).To(ContainSubstring("drill's timing error on this machine: in 1 of 29 trials the workload started fewer than 99% of its writes on schedule (worst 50.0% of 100 due)"))
		Expect(s.Verdict).To(Equal(stats.Inconclusive))

		// Lost writes are lost however few were issued: a shortfall does not hide a FAIL.
		lossy := recovered(100*time.Millisecond, "w-1")
		lossy.Loss.RPC = measure.Offset(time.Second)
		lossy.Load = short.Load
		var ts []trial.Result
		for range 10 {
			ts = append(ts, lossy)
		}
		Expect(report.Summarize(run(ts...), objectives, report.WithResolution(resolution)).RPO.Verdict).To(Equal(stats.Fail))
	})
})

var _ = Describe("the environment block", func() {
	It("states the machine's load, CPUs and steal at the start and the end of the run", func() {
		r := fixtureResults()
		r.Machine = &report.MachineCondition{
			Start: measure.Machine{CPUs: 2, Load1: 11.87, Load5: 13.02, Load15: 14.42, StealTicks: 100, TotalTicks: 1000, Known: true},
			End:   measure.Machine{CPUs: 2, Load1: 5.91, Load5: 9.39, Load15: 12.56, StealTicks: 130, TotalTicks: 2000, Known: true},
		}
		Expect(renderHTML(r)).To(ContainSubstring("<dt>Machine</dt><dd>start: load 11.87 13.02 14.42 on 2 CPUs; " +
			"end: load 5.91 9.39 12.56 on 2 CPUs; 3.0% of CPU time stolen by the hypervisor during the run</dd>"))
	})

	It("is in the Markdown report too, row for row as in the HTML", func() {
		r := fixtureResults()
		r.Machine = &report.MachineCondition{
			Start: measure.Machine{CPUs: 2, Load1: 11.87, Load5: 13.02, Load15: 14.42, Known: true},
			End:   measure.Machine{CPUs: 2, Load1: 5.91, Load5: 9.39, Load15: 12.56, Known: true},
		}
		var md bytes.Buffer
		Expect(report.Markdown(&md, r)).To(Succeed())
		Expect(md.String()).To(ContainSubstring("\n### Environment\n\n| | |\n|---|---|\n| Run ID | `" + r.RunID + "` |\n"))
		Expect(md.String()).To(ContainSubstring("| Machine | start: load 11.87 13.02 14.42 on 2 CPUs; end: load 5.91 9.39 12.56 on 2 CPUs"))
		Expect(md.String()).To(ContainSubstring(fmt.Sprintf("| Probing | every %gms; recovered after %d consecutive passes |", r.ProbeIntervalMs, r.RecoverAfter)))
		html := renderHTML(r)
		for _, key := range []string{"Run ID", "Scenario", "Runtime", "Seed", "Started", "Machine", "Objectives", "Results schema"} {
			Expect(html).To(ContainSubstring("<dt>" + key + "</dt>"))
			Expect(md.String()).To(ContainSubstring("| " + key + " | "))
		}
	})
})

var _ = Describe("the period report with drill's own error", func() {
	q4, err := report.ParseQuarter("2026Q4")
	if err != nil {
		panic(err)
	}
	// period is two runs of 15 trials each, pooled to 30 (enough to bound p90): the
	// first at 100–128 ms, the second's last trial at lastMs with its probes lateMs late.
	period := func(lastMs float64, late time.Duration) []*report.Results {
		a := aggRun("bad-release", aggDay("2026-10-05"), aggAround(114, 14, 15)...)
		b := aggRun("bad-release", aggDay("2026-11-05"), append(aggAround(200, 10, 14), lastMs)...)
		b.Trials[14].ProbeLate = measure.Offset(late)
		return []*report.Results{a, b}
	}
	bad := func(runs []*report.Results) report.GroupAggregate {
		a := report.Aggregate(runs, q4, nil)
		Expect(a.Groups).To(HaveLen(1))
		return a.Groups[0]
	}

	It("is INCONCLUSIVE, not PASS, when the pooled trial that bounds the RTO is within its error of it", func() {
		exact := bad(period(990, 0))
		// Without lateness the run's resolution (25 ms) alone already straddles 1 s.
		Expect(exact.RTC.RTO.Verdict).To(Equal(stats.Inconclusive))
		g := bad(period(990, 30*time.Millisecond))
		Expect(g.RTC.N).To(Equal(30))
		Expect(g.RTC.RTO.Verdict).To(Equal(stats.Inconclusive))
		Expect(g.RTC.RTO.Reason).To(ContainSubstring("drill's timing error on this machine: 1 of 30 incidents' RTC lies within its own timing error of the RTO (up to ±55ms: the 25ms resolution"))
		Expect(g.Verdict).To(Equal(stats.Inconclusive))
	})

	It("passes when every pooled trial is further than its error from the RTO, and fails past it", func() {
		Expect(bad(period(900, 50*time.Millisecond)).RTC.RTO.Verdict).To(Equal(stats.Pass))
		g := bad(period(960, 0))
		Expect(g.RTC.RTO.Verdict).To(Equal(stats.Pass), "960 ms + 25 ms resolution < 1 s")
		Expect(g.Verdict).To(Equal(stats.Pass))
		// Eleven trials over the RTO by more than their error: p90 of 30 cannot be within it.
		runs := period(1500, 0)
		for i := 4; i < 14; i++ {
			rtc := measure.Offset(1500 * time.Millisecond)
			runs[1].Trials[i].Timing.RTC = &rtc
		}
		Expect(bad(runs).RTC.RTO.Verdict).To(Equal(stats.Fail))
	})

	It("cannot pass the RPO on a pooled trial whose workload fell short of its schedule", func() {
		runs := period(200, 0)
		Expect(bad(runs).RPC.RPO.Verdict).To(Equal(stats.Pass))
		runs[0].Trials[3].Load = &measure.Load{AskedRate: 100, Due: 100, Issued: 60, OnSchedule: 50}
		g := bad(runs)
		Expect(g.RPC.RPO.Verdict).To(Equal(stats.Inconclusive))
		Expect(g.RPC.RPO.Reason).To(ContainSubstring("drill's timing error on this machine: in 1 of 30 trials the workload started fewer than 99% of its writes on schedule"))
		Expect(g.Verdict).To(Equal(stats.Inconclusive))
	})
})
