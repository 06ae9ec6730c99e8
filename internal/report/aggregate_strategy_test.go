package report_test

import (
	"bytes"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/report"
)

var _ = Describe("strategy comparison in the period report", func() {
	withService := func(r *report.Results, service string) *report.Results {
		r.Labels = map[string]string{"service": service}
		return r
	}
	q, err := report.ParseQuarter("2026Q4")
	Expect(err).NotTo(HaveOccurred())

	It("says which of two rollback strategies for one service recovers faster, with the statistics", func() {
		fast := withService(aggRun("flag-flip", aggDay("2026-10-05"), aggAround(100, 20, 15)...), "ledger")
		slow := withService(aggRun("redeploy", aggDay("2026-10-06"), aggAround(400, 50, 15)...), "ledger")
		other := withService(aggRun("cache-flush", aggDay("2026-10-07"), aggAround(400, 50, 15)...), "cache")
		a := report.Aggregate([]*report.Results{fast, slow, other}, q, nil)
		Expect(a.Strategies).To(HaveLen(1), "only scenarios of the same service are compared")
		c := a.Strategies[0]
		Expect(c.Different).To(BeTrue())
		Expect(c.Summary).To(HavePrefix("On ledger, flag-flip recovers faster than redeploy"))
		Expect(float64(c.ShiftMs)).To(BeNumerically(">", 200))
		Expect(c.Magnitude).To(Equal("large"))

		var md, html bytes.Buffer
		Expect(report.AggregateMarkdown(&md, a)).To(Succeed())
		Expect(md.String()).To(ContainSubstring("## Strategies compared"))
		Expect(report.AggregateHTML(&html, a)).To(Succeed())
		Expect(html.String()).To(ContainSubstring("Strategies compared"))
		Expect(html.String()).To(ContainSubstring("flag-flip recovers faster than redeploy"))
	})

	It("finds no difference between strategies that recover alike", func() {
		a1 := withService(aggRun("a", aggDay("2026-10-05"), aggAround(200, 30, 12)...), "ledger")
		a2 := withService(aggRun("b", aggDay("2026-10-06"), aggAround(200, 30, 12)...), "ledger")
		a := report.Aggregate([]*report.Results{a1, a2}, q, nil)
		Expect(a.Strategies).To(HaveLen(1))
		Expect(a.Strategies[0].Different).To(BeFalse())
		Expect(a.Strategies[0].Summary).To(HavePrefix("No significant difference"))
	})
})

var _ = Describe("runtimes in the period report", func() {
	It("never pools runs of one scenario on different runtimes, nor compares them as strategies", func() {
		q, err := report.ParseQuarter("2026Q4")
		Expect(err).NotTo(HaveOccurred())
		proc := aggRun("bad-release", aggDay("2026-10-05"), aggAround(80, 5, 10)...)
		dock := aggRun("bad-release", aggDay("2026-10-06"), aggAround(1300, 100, 10)...)
		dock.Runtime = "docker"
		for _, r := range []*report.Results{proc, dock} {
			r.Labels = map[string]string{"service": "ledger"}
		}
		a := report.Aggregate([]*report.Results{proc, dock}, q, nil)
		Expect(a.Groups).To(HaveLen(2))
		Expect([]string{a.Groups[0].Runtime, a.Groups[1].Runtime}).To(ConsistOf("docker", "process"))
		Expect(a.Strategies).To(BeEmpty())
	})
})
