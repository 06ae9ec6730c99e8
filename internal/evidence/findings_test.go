package evidence_test

import (
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/evidence"
	"github.com/drillhq/drill/internal/report"
)

var _ = Describe("findings across periods", func() {
	It("keep their id; marked remediated in the findings file, a passing run in the next period closes them with its id", func() {
		dir := GinkgoT().TempDir()
		runs := quarter(dir)
		q4pack := build(dir, runs, q4(), evidence.Config{}, evidence.FindingsFile{})
		id := evidence.FindingID("kill-unflushed", "rto")
		Expect(q4pack.Findings).To(ContainElement(And(HaveField("ID", id), HaveField("Status", evidence.StatusOpen),
			HaveField("FirstRun", "20261121T233412Z-502ac34e"))))

		By("the team edits the findings file drill wrote: an owner, a ticket, and remediated")
		file := filepath.Join(dir, "drill-findings.yaml")
		Expect(evidence.WriteFindings(file, q4pack.Findings)).To(Succeed())
		read, err := evidence.ReadFindings(file)
		Expect(err).NotTo(HaveOccurred())
		Expect(read.Findings).To(Equal(q4pack.Findings), "the file reads back as written")
		for i := range read.Findings {
			if read.Findings[i].ID == id {
				read.Findings[i].Status, read.Findings[i].Owner, read.Findings[i].Ticket, read.Findings[i].Due = evidence.StatusRemediated, "carol", "OPS-42", "2027-01-31"
			}
		}
		Expect(evidence.WriteFindings(file, read.Findings)).To(Succeed())
		read, err = evidence.ReadFindings(file)
		Expect(err).NotTo(HaveOccurred())

		By("the next quarter: kill-unflushed passes; bad-release still misses its RTO")
		q1, err := report.ParseQuarter("2027Q1")
		Expect(err).NotTo(HaveOccurred())
		next := GinkgoT().TempDir()
		retest := passing(copyRun(runs[2].res, "20270115T100000Z-retest01", 55*24*time.Hour))
		again := copyRun(runs[0].res, "20270116T100000Z-again001", 56*24*time.Hour)
		q1runs := []run{{res: retest}, {res: again}}
		for i := range q1runs {
			q1runs[i].path = writeRun(next, q1runs[i].res)
		}
		q1pack := build(next, q1runs, q1, evidence.Config{}, read)
		Expect(validate(q1pack)).To(Succeed())
		Expect(q1pack.Findings).To(ContainElement(And(HaveField("ID", id), HaveField("Status", evidence.StatusClosed),
			HaveField("RetestRun", "20270115T100000Z-retest01"), HaveField("Owner", "carol"), HaveField("Ticket", "OPS-42"),
			HaveField("FirstRun", "20261121T233412Z-502ac34e"))))
		badRTO := evidence.FindingID("bad-release", "rto")
		Expect(q1pack.Findings).To(ContainElement(And(HaveField("ID", badRTO), HaveField("Status", evidence.StatusOpen),
			HaveField("FirstRun", "20261121T233400Z-9984f998"), HaveField("LastRun", "20270116T100000Z-again001"))))
	})

	It("reopen a remediated finding that shows again, and refuse a findings file with an unknown status", func() {
		dir := GinkgoT().TempDir()
		runs := quarter(dir)
		id := evidence.FindingID("kill-unflushed", "rto")
		known := evidence.FindingsFile{Findings: []evidence.Finding{{ID: id, Scenario: "kill-unflushed", Kind: "rto", Title: "RTO not shown met",
			Status: evidence.StatusRemediated, FirstRun: "earlier", LastRun: "earlier", Owner: "carol"}}}
		p := build(dir, runs, q4(), evidence.Config{}, known)
		Expect(p.Findings).To(ContainElement(And(HaveField("ID", id), HaveField("Status", evidence.StatusOpen), HaveField("FirstRun", "earlier"),
			HaveField("LastRun", "20261121T233412Z-502ac34e"))))

		file := filepath.Join(dir, "f.yaml")
		known.Findings[0].Status = "fixed"
		Expect(evidence.WriteFindings(file, known.Findings)).To(Succeed())
		_, err := evidence.ReadFindings(file)
		Expect(err).To(MatchError(ContainSubstring(`status "fixed": use open, remediated, closed or accepted`)))
	})
})
