package report_test

import (
	"bytes"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/trial"
)

// decided gives a fixture trial a manual decision of modelled m, waited compressed ×60.
func decided(t trial.Result, m time.Duration) trial.Result {
	d := &rollback.Decision{Kind: "manual", Proceed: true, Verdict: rollback.VerdictDecided, Compression: 60,
		Modelled: measure.Offset(m), RealWait: measure.Offset(m / 60),
		Parts: []rollback.DecisionPart{{Role: "decide", Model: "lognormal median 5m0s p95 20m0s", Sampled: measure.Offset(m), RealWait: measure.Offset(m / 60)}}}
	d.Correct(t.Timing)
	t.Decision = d
	t.Events = append(t.Events, trial.Event{At: *t.Timing.Detect, Name: trial.EventDecisionPrefix + "gate_open"})
	return t
}

var _ = Describe("a report of a manual plan", func() {
	results := func() *report.Results {
		r := fixtureResults()
		r.Trials = []trial.Result{
			decided(fxTrial(1, 50*time.Millisecond, 300*time.Millisecond, 0, false), 4*time.Minute),
			decided(fxTrial(2, 50*time.Millisecond, 400*time.Millisecond, 0, false), 6*time.Minute),
			decided(fxTrial(3, 50*time.Millisecond, 500*time.Millisecond, 0, false), 5*time.Minute),
		}
		r.Objectives.RTO = 10 * 60 * 1e9
		r.Summary = report.Summarize(r.Trials, r.Objectives)
		return r
	}

	It("summarizes the modelled decision, the real wait and the modelled RTC", func() {
		d := results().Summary.Decision
		Expect(d).NotTo(BeNil())
		Expect(d.Kind).To(Equal("manual"))
		Expect(d.Compression).To(Equal(60.0))
		Expect(d.Decision.Median.D()).To(Equal(5 * time.Minute))
		Expect(d.RealWait.Median.D()).To(Equal(5 * time.Second))
		Expect(d.ModelledRTC.N).To(Equal(3))
		Expect(d.ModelledRTC.Median.D()).To(Equal(5*time.Minute-5*time.Second+551*time.Millisecond), "RTC + modelled − real wait of trial 3, the median")
	})

	It("judges the RTO on the modelled RTC, not on the compressed run's", func() {
		r := results()
		Expect(r.Summary.RTO.Estimate).To(BeNumerically(">", 4*60), "seconds: the modelled minutes, not the compressed ones")
		r.Objectives.RTO = 60 * 1e9 // one minute: met by the compressed run, missed by the plan
		Expect(report.Summarize(r.Trials, r.Objectives).RTO.Estimate).To(BeNumerically(">", 60))
	})

	It("says plainly in Markdown and HTML that the run was compressed, and by how much, with the modelled RTC", func() {
		r := results()
		var md, html bytes.Buffer
		Expect(report.Markdown(&md, r)).To(Succeed())
		Expect(report.HTML(&html, r)).To(Succeed())
		for _, out := range []string{md.String(), html.String()} {
			Expect(out).To(ContainSubstring("Compressed ×60: modelled RTC median 4m55"))
			Expect(out).To(ContainSubstring("The RTO is judged on the modelled RTC."))
			Expect(out).To(ContainSubstring("decision 4m0s modelled (4s waited, ×60)"))
		}
		Expect(md.String()).To(ContainSubstring("| RTO (p90 of modelled RTC) |"))
		Expect(html.String()).To(MatchRegexp(`<text[^>]*>gate open</text>`), "the timeline marks the decision's parts")
	})
})
