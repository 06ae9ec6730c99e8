package report_test

import (
	"bytes"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/report"
)

var _ = Describe("the Markdown summary", func() {
	It("matches its golden file (go test ./internal/report -update refreshes it)", func() {
		var b bytes.Buffer
		Expect(report.Markdown(&b, fixtureResults())).To(Succeed())
		expectGolden("report.golden.md", b.Bytes())
	})

	It("shows every trial's measures and the reasons a verdict is not a pass", func() {
		var b bytes.Buffer
		r := fixtureResults()
		Expect(report.Markdown(&b, r)).To(Succeed())
		out := b.String()
		for _, t := range r.Trials {
			Expect(out).To(ContainSubstring("| %d | %s |", t.Index, report.StandingOf(t).Label()))
		}
		Expect(out).To(ContainSubstring(r.Summary.RTO.Verdict.String()))
	})
})
