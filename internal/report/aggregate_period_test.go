package report_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/report"
)

func aggUTC(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	Expect(err).NotTo(HaveOccurred())
	return t
}

var _ = Describe("Period", func() {
	DescribeTable("parses a UTC calendar quarter and steps back to the previous one",
		func(in, label, start, end, prevLabel, prevStart string) {
			p, err := report.ParseQuarter(in)
			Expect(err).NotTo(HaveOccurred())
			Expect(p.Label).To(Equal(label))
			Expect(p.Start).To(Equal(aggUTC(start)))
			Expect(p.End).To(Equal(aggUTC(end)))
			prev := p.Previous()
			Expect(prev.Label).To(Equal(prevLabel))
			Expect(prev.Start).To(Equal(aggUTC(prevStart)))
			Expect(prev.End).To(Equal(p.Start), "the previous period ends where this one starts")
		},
		Entry("Q4", "2026Q4", "2026Q4", "2026-10-01T00:00:00Z", "2027-01-01T00:00:00Z", "2026Q3", "2026-07-01T00:00:00Z"),
		Entry("Q1 steps back a year", "2027Q1", "2027Q1", "2027-01-01T00:00:00Z", "2027-04-01T00:00:00Z", "2026Q4", "2026-10-01T00:00:00Z"),
		Entry("lower-case q and spaces", " 2028q1 ", "2028Q1", "2028-01-01T00:00:00Z", "2028-04-01T00:00:00Z", "2027Q4", "2027-10-01T00:00:00Z"),
	)

	DescribeTable("rejects malformed quarters",
		func(in string) {
			_, err := report.ParseQuarter(in)
			Expect(err).To(MatchError(ContainSubstring("want YYYYQn")))
		},
		Entry("Q0", "2026Q0"), Entry("Q5", "2026Q5"), Entry("no number", "2026Q"), Entry("two-digit year", "26Q4"),
		Entry("dash", "2026-Q4"), Entry("empty", ""),
	)

	It("treats the quarter as half-open: the last nanosecond of December is in, New Year is out", func() {
		p, err := report.ParseQuarter("2026Q4")
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Contains(aggUTC("2026-10-01T00:00:00Z"))).To(BeTrue())
		Expect(p.Contains(aggUTC("2026-12-31T23:59:59.999999999Z"))).To(BeTrue())
		Expect(p.Contains(aggUTC("2027-01-01T00:00:00Z"))).To(BeFalse())
		Expect(p.Contains(aggUTC("2026-09-30T23:59:59.999999999Z"))).To(BeFalse())
		// A time written in another zone is compared as the instant it is.
		Expect(p.Contains(aggUTC("2027-01-01T00:30:00+01:00"))).To(BeTrue())
	})

	It("reads --since/--until as inclusive UTC days and steps back by the same length", func() {
		p, err := report.ParseRange("2026-10-01", "2026-12-31")
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Label).To(Equal("2026-10-01 – 2026-12-31"))
		Expect(p.Start).To(Equal(aggUTC("2026-10-01T00:00:00Z")))
		Expect(p.End).To(Equal(aggUTC("2027-01-01T00:00:00Z")))
		Expect(p.FileLabel()).To(Equal("2026-10-01_2026-12-31"))
		prev := p.Previous()
		Expect(prev.End).To(Equal(p.Start))
		Expect(prev.End.Sub(prev.Start)).To(Equal(p.End.Sub(p.Start)))
		Expect(prev.Label).To(Equal("2026-07-01 – 2026-09-30"))

		one, err := report.ParseRange("2026-03-01", "2026-03-01")
		Expect(err).NotTo(HaveOccurred())
		Expect(one.End.Sub(one.Start)).To(Equal(24 * time.Hour))
		Expect(one.Previous().Label).To(Equal("2026-02-28 – 2026-02-28"))
	})

	It("steps a range back by days where a quarter would step by a calendar quarter", func() {
		r, err := report.ParseRange("2026-04-01", "2026-06-30") // 91 days
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Previous().Start).To(Equal(aggUTC("2025-12-31T00:00:00Z")))
		q, err := report.ParseQuarter("2026Q2")
		Expect(err).NotTo(HaveOccurred())
		Expect(q.Previous().Start).To(Equal(aggUTC("2026-01-01T00:00:00Z")))
	})

	DescribeTable("rejects bad ranges",
		func(since, until, msg string) {
			_, err := report.ParseRange(since, until)
			Expect(err).To(MatchError(ContainSubstring(msg)))
		},
		Entry("until before since", "2026-12-31", "2026-10-01", "is before --since"),
		Entry("not a date", "yesterday", "2026-10-01", `parse --since "yesterday"`),
		Entry("no such day", "2026-02-30", "2026-03-01", "want a date YYYY-MM-DD"),
		Entry("a timestamp", "2026-10-01", "2026-12-31T00:00:00Z", `parse --until`),
	)

	It("selects runs by their start and finds the quarter of a time", func() {
		in := aggRun("api", aggUTC("2026-12-31T23:00:00Z"), 100)
		out := aggRun("api", aggUTC("2027-01-01T00:00:00Z"), 100)
		p := report.QuarterOf(in.Started)
		Expect(p.Label).To(Equal("2026Q4"))
		Expect(report.SelectRuns([]*report.Results{in, nil, out}, p)).To(Equal([]*report.Results{in}))
	})
})
