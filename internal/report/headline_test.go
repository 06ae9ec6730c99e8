package report_test

import (
	"bytes"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/trial"
)

var _ = Describe("Summary.Headline", func() {
	errored := trial.Result{Outcome: trial.Errored, Error: "start stack: no engine"}

	It("says ERROR, in the Markdown heading too, when every trial errored", func() {
		s := report.Summarize([]trial.Result{errored, errored}, objectives)
		Expect(s.Headline()).To(Equal("ERROR"))
		var b bytes.Buffer
		Expect(report.Markdown(&b, &report.Results{Summary: s})).To(Succeed())
		Expect(b.String()).To(HavePrefix("## drill:  — ERROR\n"))
	})

	It("keeps the verdict when at least one trial was judged", func() {
		s := report.Summarize([]trial.Result{errored, recovered(100 * time.Millisecond)}, objectives)
		Expect(s.Headline()).To(Equal("INCONCLUSIVE"))
	})
})
