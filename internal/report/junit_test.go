package report_test

import (
	"bytes"
	"encoding/xml"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/stats"
)

// jSuites mirrors the JUnit schema as CI tools read it.
type jSuites struct {
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []jSuite `xml:"testsuite"`
}

type jSuite struct {
	Name       string `xml:"name,attr"`
	Tests      int    `xml:"tests,attr"`
	Failures   int    `xml:"failures,attr"`
	Skipped    int    `xml:"skipped,attr"`
	Properties []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	} `xml:"properties>property"`
	Cases []struct {
		Name    string `xml:"name,attr"`
		Failure *struct {
			Message string `xml:"message,attr"`
		} `xml:"failure"`
		Skipped *struct {
			Message string `xml:"message,attr"`
		} `xml:"skipped"`
		Error *struct{} `xml:"error"`
	} `xml:"testcase"`
}

func renderJUnit(r *report.Results) ([]byte, jSuites) {
	var b bytes.Buffer
	Expect(report.JUnit(&b, r)).To(Succeed())
	var doc jSuites
	Expect(xml.Unmarshal(b.Bytes(), &doc)).To(Succeed())
	return b.Bytes(), doc
}

var _ = Describe("JUnit", func() {
	It("matches the golden file for the fixture run", func() {
		out, _ := renderJUnit(fixtureResults())
		expectGolden("report.golden.xml", out)
	})

	It("has one testsuite for the scenario and one testcase per objective", func() {
		_, doc := renderJUnit(fixtureResults())
		Expect(doc.Suites).To(HaveLen(1))
		s := doc.Suites[0]
		Expect(s.Name).To(Equal("bad-release"))
		Expect(s.Cases).To(HaveLen(4))
		Expect(s.Tests).To(Equal(4))
		Expect(doc.Tests).To(Equal(4))
	})

	It("fails the missed objective and skips the inconclusive ones with their reasons", func() {
		_, doc := renderJUnit(fixtureResults())
		s := doc.Suites[0]
		Expect(s.Failures).To(Equal(1))
		Expect(s.Skipped).To(Equal(3))
		Expect(doc.Failures).To(Equal(1))
		Expect(s.Cases[0].Name).To(Equal("RTO: p90 of RTC ≤ 2s"))
		Expect(s.Cases[0].Skipped).NotTo(BeNil())
		Expect(s.Cases[0].Skipped.Message).To(Equal("p90 RTC undecided against 2s at 95% (n=3, 1 above): 12 needed if 33.3% of trials stay above 2s"))
		Expect(s.Cases[1].Skipped).NotTo(BeNil())
		Expect(s.Cases[1].Skipped.Message).To(Equal("p90 RPC undecided against 0s at 95% (n=4, 2 above): 6 needed if 50% of trials stay above 0s"))
		Expect(s.Cases[2].Skipped).NotTo(BeNil())
		Expect(s.Cases[2].Failure).To(BeNil())
		// The failed invariant fails the run, so its case fails too.
		Expect(s.Cases[3].Failure).NotTo(BeNil())
		Expect(s.Cases[3].Failure.Message).To(Equal("1 of 1 invariant checks failed"))
	})

	It("passes met objectives and errors on a missing verdict", func() {
		r := fixtureResults()
		r.Summary.RTO.Verdict = stats.Pass
		r.Summary.RPO.Verdict = stats.Pass
		r.Summary.SuccessRate.Verdict = 0
		_, doc := renderJUnit(r)
		cs := doc.Suites[0].Cases
		Expect(cs[0].Failure).To(BeNil())
		Expect(cs[0].Skipped).To(BeNil())
		Expect(cs[1].Failure).To(BeNil())
		Expect(cs[1].Skipped).To(BeNil())
		Expect(cs[2].Error).NotTo(BeNil())
	})

	It("records the run id and seed as properties", func() {
		_, doc := renderJUnit(fixtureResults())
		props := map[string]string{}
		for _, p := range doc.Suites[0].Properties {
			props[p.Name] = p.Value
		}
		Expect(props).To(HaveKeyWithValue("run_id", "20261120T090000Z-5eed0001"))
		Expect(props).To(HaveKeyWithValue("seed", "42"))
	})
})
