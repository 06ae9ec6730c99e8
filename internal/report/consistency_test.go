package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

// csMs is v milliseconds on a trial clock.
func csMs(v int) *measure.Offset { o := measure.Offset(time.Duration(v) * time.Millisecond); return &o }

// csTrial is a trial as the run records it before Measure: a fault at 100 ms, one probe
// every 10 ms ('+' passes, '-' fails), and the trigger's detect and the rollback's end
// (0: the trigger never fired).
func csTrial(idx int, outcome trial.Outcome, probes string, detect, rollbackEnd int) trial.Result {
	t := trial.Result{Index: idx, Seed: int64(idx), Outcome: outcome, Started: csStart.Add(time.Duration(idx) * time.Minute),
		Timing: measure.Timing{Fault: *csMs(100)}}
	for i, c := range probes {
		at := *csMs(i * 10)
		t.Probes = append(t.Probes, measure.ProbeResult{Seq: i, Start: at, End: at + *csMs(5), OK: c == '+'})
	}
	if detect > 0 {
		t.Timing.Detect, t.Timing.Trigger, t.Timing.RollbackEnd = csMs(detect), csMs(detect), csMs(rollbackEnd)
	}
	return t
}

var csStart = time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)

// csRun is a run holding every kind of trial whose counting the reports used to
// contradict: two recoveries, a false positive (the trigger fired before any impact), a
// relapse after recovering, a failed rollback, a quiet and a firing control trial, and
// an error whose message spans lines and names a machine path. Each trial's measures
// are Measure's, from its probes, as drill run derives them.
func csRun() *report.Results {
	ok10 := strings.Repeat("+", 10)
	trials := []trial.Result{
		csTrial(1, trial.Recovered, ok10+"-----+++++", 120, 130),
		csTrial(2, trial.Recovered, ok10+"--------+++++", 120, 130),
		csTrial(3, trial.Recovered, ok10+"++++++++++", 105, 110),
		csTrial(4, trial.Recovered, ok10+"-----+++++----", 120, 130),
		csTrial(5, trial.NotRecovered, ok10+"----------", 120, 0),
		csTrial(6, trial.ControlQuiet, ok10+"++++++++++", 0, 0),
		csTrial(7, trial.ControlFired, ok10+"++++++++++", 150, 0),
		{Index: 8, Seed: 8, Outcome: trial.Errored, Started: csStart.Add(8 * time.Minute),
			Error: "start stack: ledger exited 1 | see\n/tmp/drill-4711/run/ledger/out.log\nlast line"},
	}
	trials[4].Timing.RollbackEnd = nil
	trials[4].Events = []trial.Event{{At: *csMs(125), Name: trial.EventRollbackFailed, Detail: "hook exited 1"}}
	trials[5].Control, trials[6].Control = true, true
	params := trial.Params{RecoverAfter: 3}
	for i := range trials[:7] {
		trial.Measure(&trials[i], params)
	}
	obj := scenario.Objectives{RTO: scenario.Duration(time.Second), RPO: 0, SuccessRate: 0.99, Quantile: 0.9, Confidence: 0.95}
	return &report.Results{Schema: report.SchemaVersion, DrillVersion: "test", RunID: "20261103T100000Z-c0de0001",
		Scenario:   report.ScenarioRef{Name: "consistency", File: "scenarios/consistency.yaml", SHA256: "c0de"},
		Objectives: obj, Runtime: "process", Seed: 7, Started: csStart, Finished: csStart.Add(10 * time.Minute),
		ProbeIntervalMs: 10, RecoverAfter: 3, Trials: trials, Summary: report.Summarize(trials, obj)}
}

// csSource is the figures every output must agree on, read from the results file
// itself: the one source.
type csSource struct {
	Trials, Recovered, NotRecovered, NotDetected, Incidents, FalsePositives, Control, Fired, Errors int
	RTCMedian, RTCMax                                                                               string
	RTCN                                                                                            int
	RTO, Success, Verdict                                                                           string
}

func csReadSource(path string) csSource {
	b, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	var doc struct {
		Summary struct {
			Trials         int `json:"trials"`
			Recovered      int `json:"recovered"`
			NotRecovered   int `json:"not_recovered"`
			NotDetected    int `json:"not_detected"`
			Incidents      int `json:"incidents"`
			FalsePositives int `json:"false_positives"`
			ControlTrials  int `json:"control_trials"`
			ControlFired   int `json:"control_fired"`
			Errors         int `json:"errors"`
			RTC            struct {
				N      int     `json:"n"`
				Median float64 `json:"median_ms"`
				Max    float64 `json:"max_ms"`
			} `json:"rtc"`
			RTO         struct{ Verdict string } `json:"rto"`
			SuccessRate struct{ Verdict string } `json:"success_rate"`
			Verdict     string                   `json:"verdict"`
		} `json:"summary"`
	}
	Expect(json.Unmarshal(b, &doc)).To(Succeed())
	s := doc.Summary
	dur := func(ms float64) string { return measure.Offset(time.Duration(ms * float64(time.Millisecond))).String() }
	return csSource{s.Trials, s.Recovered, s.NotRecovered, s.NotDetected, s.Incidents, s.FalsePositives, s.ControlTrials,
		s.ControlFired, s.Errors, dur(s.RTC.Median), dur(s.RTC.Max), s.RTC.N, s.RTO.Verdict, s.SuccessRate.Verdict, s.Verdict}
}

// htmlCounts reads the count tiles of a page: label → number.
func htmlCounts(page string) map[string]int {
	out := map[string]int{}
	for _, m := range regexp.MustCompile(`<span class="n">(\d+)</span><span class="l">([^<]+)</span>`).FindAllStringSubmatch(page, -1) {
		n, _ := strconv.Atoi(m[1])
		if _, seen := out[m[2]]; !seen {
			out[m[2]] = n
		}
	}
	return out
}

var _ = Describe("one definition per figure across every output", Ordered, func() {
	var (
		r        *report.Results
		src      csSource
		md, page string
		junit    string
		period   report.AggregateReport
	)
	BeforeAll(func() {
		r = csRun()
		dir := GinkgoT().TempDir()
		base := filepath.Join(dir, "consistency-"+r.RunID)
		f := report.NewFormats()
		for _, x := range []report.Renderer{report.JSONFormat{}, report.MarkdownFormat{}, report.HTMLFormat{}, report.JUnitFormat{}} {
			f.Register(x)
		}
		Expect(f.WriteAll(base, report.Document{Run: r})).To(Succeed())
		src = csReadSource(base + ".json")
		read := func(ext string) string {
			b, err := os.ReadFile(base + ext)
			Expect(err).NotTo(HaveOccurred())
			return string(b)
		}
		md, page, junit = read(".md"), read(".html"), read(".junit.xml")
		back, err := report.Read(base + ".json")
		Expect(err).NotTo(HaveOccurred())
		q4, err := report.ParseQuarter("2026Q4")
		Expect(err).NotTo(HaveOccurred())
		period = report.Aggregate([]*report.Results{back}, q4, nil)
	})

	It("derives the trial set the spec is about", func() {
		Expect(src).To(Equal(csSource{Trials: 8, Recovered: 2, NotRecovered: 2, NotDetected: 0, Incidents: 4, FalsePositives: 1,
			Control: 2, Fired: 1, Errors: 1, RTCMedian: "70ms", RTCMax: "85ms", RTCN: 2,
			RTO: "inconclusive", Success: "fail", Verdict: "fail"}))
		// Every not_recovered trial names its reason; the relapse is dated.
		Expect(r.Trials[3].Reason).To(HavePrefix("relapsed at 200ms"))
		Expect(r.Trials[3].Timing.Relapse).NotTo(BeNil())
		Expect(r.Trials[4].Reason).To(Equal("rollback failed: hook exited 1"))
		// The false positive is neither recovered nor ∞ in the RTO's samples.
		Expect(r.Summary.RTO.N).To(Equal(src.Incidents))
	})

	It("says the same in Markdown", func() {
		Expect(md).To(ContainSubstring("%d trials on the process runtime (seed 7): %d recovered, %d not recovered, %d not detected, %d false positive (no incident), %d control trials (%d fired), %d error.",
			src.Trials, src.Recovered, src.NotRecovered, src.NotDetected, src.FalsePositives, src.Control, src.Fired, src.Errors))
		Expect(md).To(ContainSubstring("median %s, max %s (%d recovered of %d incidents)", src.RTCMedian, src.RTCMax, src.RTCN, src.Incidents))
		Expect(md).To(ContainSubstring("| %d of %d incidents recovered |", src.Recovered, src.Incidents))
		Expect(md).To(ContainSubstring("RTC %s (%d recovered of %d incidents)", src.RTCMedian, src.RTCN, src.Incidents))
		Expect(md).To(ContainSubstring("| 3 | false positive (no incident) | – |"))
		Expect(md).To(ContainSubstring("| 4 | not recovered |"))
		Expect(md).To(ContainSubstring("relapsed at 200ms"))
		Expect(md).To(ContainSubstring("rollback failed: hook exited 1"))
		// Each table row is one line; no machine path; pipes escaped.
		Expect(md).To(ContainSubstring(`| 8 | error | – | – | – | – | – | – | – | – | start stack: ledger exited 1 \| see …/out.log last line |`))
		Expect(md).NotTo(ContainSubstring("/tmp/drill-4711"))
		Expect(strings.Count(md, "cannot bound")).To(BeNumerically("<=", 1))
	})

	It("says the same in HTML: tiles, objectives, medians, rows and timelines", func() {
		Expect(htmlCounts(page)).To(Equal(map[string]int{"trials": src.Trials, "recovered": src.Recovered, "not recovered": src.NotRecovered,
			"not detected": src.NotDetected, "errors": src.Errors, "false positive (no incident)": src.FalsePositives,
			"control trials": src.Control, "controls fired": src.Fired}))
		Expect(page).To(ContainSubstring("median %s, max %s over %d recovered", src.RTCMedian, src.RTCMax, src.RTCN))
		Expect(page).To(ContainSubstring("%d of %d incidents recovered", src.Recovered, src.Incidents))
		Expect(page).To(ContainSubstring("RTC %s (%d recovered of %d incidents)", src.RTCMedian, src.RTCN, src.Incidents))
		Expect(page).To(ContainSubstring("Share of the %d incidents", src.Incidents))
		Expect(page).To(ContainSubstring("Worst trial #4 (not recovered)"))
		Expect(page).NotTo(MatchRegexp(`Worst trial #3|Trial #3 \(`))
		Expect(page).To(ContainSubstring(">relapse</text>"))
		Expect(page).NotTo(ContainSubstring("/tmp/drill-4711"))
	})

	It("says the same in JUnit", func() {
		var doc struct {
			Suites []struct {
				SystemOut string `xml:"system-out"`
				Cases     []struct {
					Name      string `xml:"name,attr"`
					SystemOut string `xml:"system-out"`
					Failure   *struct {
						Body string `xml:",chardata"`
					} `xml:"failure"`
					Skipped *struct {
						Body string `xml:",chardata"`
					} `xml:"skipped"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		Expect(xml.Unmarshal([]byte(junit), &doc)).To(Succeed())
		s := doc.Suites[0]
		Expect(s.SystemOut).To(HavePrefix("%d trials: %d recovered, %d not recovered, %d not detected, %d false positive (no incident), %d control trials (%d fired), %d error.",
			src.Trials, src.Recovered, src.NotRecovered, src.NotDetected, src.FalsePositives, src.Control, src.Fired, src.Errors))
		rto, success := s.Cases[0], s.Cases[2]
		Expect(rto.Skipped).NotTo(BeNil(), "the RTO is %s", src.RTO)
		Expect(rto.Skipped.Body).To(ContainSubstring("over %d incidents", src.Incidents))
		Expect(rto.Skipped.Body).To(ContainSubstring("median %s, max %s over %d recovered", src.RTCMedian, src.RTCMax, src.RTCN))
		Expect(success.Failure).NotTo(BeNil(), "the success rate is %s", src.Success)
		Expect(success.Failure.Body).To(HavePrefix("%d of %d incidents recovered", src.Recovered, src.Incidents))
	})

	It("says the same in the period report, whose headline is FAIL", func() {
		var buf bytes.Buffer
		Expect(report.AggregateJSON(&buf, period)).To(Succeed())
		var doc struct {
			Verdict   string `json:"verdict"`
			Scenarios []struct {
				Verdict string `json:"verdict"`
				Counts  struct {
					Trials, Recovered, Incidents, Errors int
					NotRecovered                         int `json:"not_recovered"`
					NotDetected                          int `json:"not_detected"`
					FalsePositives                       int `json:"false_positives"`
					ControlTrials                        int `json:"control_trials"`
					ControlFired                         int `json:"control_fired"`
				} `json:"counts"`
				SuccessRate struct{ Successes, N int } `json:"success_rate"`
				RTC         struct {
					N, Recovered int
					MedianMs     float64 `json:"median_ms"`
					MaxMs        any     `json:"max_ms"`
				} `json:"rtc"`
			} `json:"scenarios"`
		}
		Expect(json.Unmarshal(buf.Bytes(), &doc)).To(Succeed())
		Expect(doc.Verdict).To(Equal(src.Verdict))
		g := doc.Scenarios[0]
		Expect(g.Verdict).To(Equal(src.Verdict))
		c := g.Counts
		Expect([]int{c.Trials, c.Recovered, c.NotRecovered, c.NotDetected, c.Incidents, c.FalsePositives, c.ControlTrials, c.ControlFired, c.Errors}).To(
			Equal([]int{src.Trials, src.Recovered, src.NotRecovered, src.NotDetected, src.Incidents, src.FalsePositives, src.Control, src.Fired, src.Errors}))
		Expect([]int{g.SuccessRate.Successes, g.SuccessRate.N}).To(Equal([]int{src.Recovered, src.Incidents}))
		Expect([]int{g.RTC.N, g.RTC.Recovered}).To(Equal([]int{src.Incidents, src.RTCN}))
		Expect(measure.Offset(time.Duration(g.RTC.MedianMs * float64(time.Millisecond))).String()).To(Equal(src.RTCMedian))

		buf.Reset()
		Expect(report.AggregateMarkdown(&buf, period)).To(Succeed())
		pmd := buf.String()
		Expect(pmd).To(ContainSubstring("**FAIL**: the worst verdict of the period; failed: consistency (process)."))
		Expect(pmd).To(ContainSubstring("Nothing to compare with: no run in 2026Q3"))
		Expect(pmd).To(ContainSubstring("%d incidents: %d recovered, %d not recovered, %d not detected.", src.Incidents, src.Recovered, src.NotRecovered, src.NotDetected))
		Expect(pmd).To(ContainSubstring("%d false positive (the trigger fired", src.FalsePositives))
		Expect(pmd).To(ContainSubstring("%d control trials ran, %d fired.", src.Control, src.Fired))
		Expect(pmd).To(ContainSubstring("median %s over %d recovered", src.RTCMedian, src.RTCN))
		Expect(pmd).To(ContainSubstring("(%d/%d)", src.Recovered, src.Incidents))

		buf.Reset()
		Expect(report.AggregateHTML(&buf, period)).To(Succeed())
		ph := buf.String()
		Expect(ph).To(ContainSubstring(`<section class="banner fail"`))
		Expect(ph).To(ContainSubstring(`<span class="verdict-word">FAIL</span>`))
		counts := htmlCounts(ph[strings.Index(ph, `class="card group"`):])
		Expect(counts).To(HaveKeyWithValue("recovered", src.Recovered))
		Expect(counts).To(HaveKeyWithValue("not recovered", src.NotRecovered))
		Expect(counts).To(HaveKeyWithValue("false positive (no incident)", src.FalsePositives))
		Expect(counts).To(HaveKeyWithValue("control trials", src.Control))
		Expect(counts).To(HaveKeyWithValue("errors", src.Errors))
		Expect(ph).To(ContainSubstring(fmt.Sprintf("median %s over %d recovered", src.RTCMedian, src.RTCN)))
	})
})
