package drill_test

import (
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

var _ = Describe("a result's false positives and fired controls", func() {
	It("are two counts with one meaning each, read from the results file, whichever trials ran", func() {
		obj := scenario.Objectives{Quantile: 0.9, Confidence: 0.95, SuccessRate: 0.9}
		trials := []trial.Result{
			{Index: 1, Outcome: trial.Recovered, FalsePositive: true}, // fired before any impact
			{Index: 2, Outcome: trial.ControlFired, Control: true},
			{Index: 3, Outcome: trial.ControlFired, Control: true},
			{Index: 4, Outcome: trial.ControlQuiet, Control: true},
		}
		res := &report.Results{Schema: report.SchemaVersion, Objectives: obj, Trials: trials, Summary: report.Summarize(trials, obj)}
		path := filepath.Join(GinkgoT().TempDir(), "run.json")
		Expect(res.Write(path)).To(Succeed())

		r, err := drill.ReadResult(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.FalsePositives).To(Equal(1), "the fault trial whose trigger fired before any impact")
		Expect(r.Controls).To(Equal(3))
		Expect(r.ControlsFired).To(Equal(2))
		rate, upper, ok := r.FalsePositiveRate()
		Expect(ok).To(BeTrue())
		Expect(rate).To(BeNumerically("~", 2.0/3, 1e-9), "fired controls of controls, never the fault trial's false positive")
		Expect(upper).To(BeNumerically(">", rate))

		// Without control trials, a fault trial's false positive is not a fired control.
		res.Trials, res.Summary = trials[:1], report.Summarize(trials[:1], obj)
		Expect(res.Write(path)).To(Succeed())
		r, err = drill.ReadResult(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.FalsePositives).To(Equal(1))
		Expect(r.ControlsFired).To(BeZero())
		_, _, ok = r.FalsePositiveRate()
		Expect(ok).To(BeFalse())
	})
})
