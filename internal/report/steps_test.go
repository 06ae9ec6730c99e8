package report_test

import (
	"bytes"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

// stepRec is a finished step of d, starting at ms, after attempts.
func stepRec(phase, name string, ms, d time.Duration, attempts int, err string) trial.StepRecord {
	end := measure.Offset(ms + d)
	return trial.StepRecord{Phase: phase, Name: name, Start: measure.Offset(ms), End: &end, Attempts: attempts, Error: err}
}

var _ = Describe("the steps of a multi-step change and rollback", func() {
	ms := time.Millisecond
	trials := []trial.Result{
		{Index: 1, Outcome: trial.Recovered, Steps: []trial.StepRecord{
			stepRec("change", "migrate", 500*ms, 2*ms, 1, ""),
			stepRec("change", "deploy", 503*ms, 20*ms, 1, ""),
			stepRec("rollback", "undo deploy", 600*ms, 30*ms, 1, ""),
			stepRec("rollback", "undo migrate", 631*ms, 400*ms, 3, ""),
		}},
		{Index: 2, Outcome: trial.NotRecovered, Steps: []trial.StepRecord{
			stepRec("change", "migrate", 500*ms, 4*ms, 1, ""),
			stepRec("change", "deploy", 505*ms, 40*ms, 1, ""),
			{Phase: "rollback", Name: "undo flag", Start: measure.Offset(599 * ms), Skipped: true},
			stepRec("rollback", "undo deploy", 600*ms, 10*ms, 1, ""),
			stepRec("rollback", "undo migrate", 611*ms, 150*ms, 1, "call ledger: timeout"),
		}},
	}

	It("gives each step its median and max duration, retries, failures and skips, in the order they ran", func() {
		s := report.Summarize(trials, scenario.Objectives{RTO: scenario.Duration(time.Second), Quantile: 0.9, Confidence: 0.95, SuccessRate: 0.9})
		Expect(s.Steps).To(HaveLen(5))
		var order []string
		for _, st := range s.Steps {
			order = append(order, st.Phase+" "+st.Name)
		}
		Expect(order).To(Equal([]string{"change migrate", "change deploy", "rollback undo deploy", "rollback undo migrate", "rollback undo flag"}))
		deploy := s.Steps[1]
		Expect(deploy.Runs).To(Equal(2))
		Expect(deploy.Duration.Median).To(Equal(measure.Offset(30 * ms)))
		Expect(deploy.Duration.Max).To(Equal(measure.Offset(40 * ms)))
		undo := s.Steps[3]
		Expect(undo.Retried).To(Equal(1))
		Expect(undo.Failed).To(Equal(1))
		Expect(s.Steps[4].Skipped).To(Equal(1))
		Expect(s.Steps[4].Runs).To(BeZero())
	})

	It("is a table of the Markdown report, absent without steps", func() {
		r := fixtureResults()
		var plain bytes.Buffer
		Expect(report.Markdown(&plain, r)).To(Succeed())
		Expect(plain.String()).NotTo(ContainSubstring("### Steps"))

		r.Summary.Steps = report.Summarize(trials, r.Objectives).Steps
		var b bytes.Buffer
		Expect(report.Markdown(&b, r)).To(Succeed())
		Expect(b.String()).To(ContainSubstring("### Steps"))
		Expect(b.String()).To(ContainSubstring("| rollback | undo migrate | 2 | 275ms | 400ms | 1 | 1 | 0 |"))

		var h bytes.Buffer
		Expect(report.HTML(&h, r)).To(Succeed())
		Expect(h.String()).To(ContainSubstring("<h2>Steps</h2>"))
		Expect(h.String()).To(ContainSubstring("<td>undo migrate</td>"))
	})
})
