package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/drillhq/drill/internal/stats"
)

// JUnit renders the run's verdicts as JUnit XML so CI systems show a drill like a test
// run: one testsuite for the scenario, one testcase per objective. A failed objective
// is a <failure>; an inconclusive one is <skipped> (not enough evidence either way);
// a met one passes.
func JUnit(w io.Writer, r *Results) error {
	return writeJUnit(w, []junitSuite{junitSuiteOf(r, r.Scenario.Name, "drill."+r.Scenario.Name)})
}

// CompareJUnit renders a comparison as JUnit XML: one testsuite per plan, named
// scenario/plan, each with the cases a run of that plan would have; a plan that fails an
// objective fails its case, as in drill run.
func CompareJUnit(w io.Writer, c *Comparison) error {
	suites := make([]junitSuite, 0, len(c.Plans))
	for _, p := range c.Plans {
		suites = append(suites, junitSuiteOf(p.Results, c.Scenario.Name+"/"+p.Name, "drill."+c.Scenario.Name+"."+p.Name))
	}
	return writeJUnit(w, suites)
}

// junitSuiteOf is one run's testsuite: one case per objective, and one for the
// consistency checks when any ran.
func junitSuiteOf(r *Results, name, class string) junitSuite {
	s := r.Summary
	o := r.Objectives
	q := fmt.Sprintf("p%g", o.Quantile*100)
	conf := fmt.Sprintf("%g%%", o.Confidence*100)
	cases := []junitCase{
		junitObjective(class, fmt.Sprintf("RTO: %s of RTC ≤ %s", q, o.RTO.D()), s.RTO,
			fmt.Sprintf("%s RTC %s over %s; bound %s; median %s, max %s over %d recovered", q, fmtEstimate(s.RTO.Estimate, s.RTO.N),
				plural(s.Incidents, "incident"), bound("≤", s.RTO.Upper, s.RTO.UpperOK, conf), spreadMedian(s.RTC), spreadMax(s.RTC), s.RTC.N)),
		junitObjective(class, fmt.Sprintf("RPO: %s of RPC ≤ %s", q, o.RPO.D()), s.RPO,
			fmt.Sprintf("max RPC %s; bound %s; %d of %d acknowledged writes lost", spreadMax(s.RPC),
				bound("≤", s.RPO.Upper, s.RPO.UpperOK, conf), s.LostWrites, s.AckedWrites)),
		junitObjective(class, fmt.Sprintf("success rate ≥ %g%%", o.SuccessRate*100), s.SuccessRate,
			fmt.Sprintf("%d of %s recovered; bound %s", s.Recovered, plural(s.Incidents, "incident"), rateBound(s.SuccessRate, conf))),
	}
	if fp := s.FalsePositiveRate; fp != nil && o.FalsePositiveRate != nil {
		cases = append(cases, junitObjective(class, fmt.Sprintf("false-positive rate ≤ %g%%", *o.FalsePositiveRate*100), *fp,
			fmt.Sprintf("%d of %d control trials fired the trigger; %s", s.ControlFired, s.ControlTrials, fpBound(*fp, conf))))
	}
	if s.ConsistencyChecks > 0 {
		// A failed invariant fails the run whatever the objectives say: so does its case.
		c := junitCase{Name: "consistency: every invariant holds after recovery", Classname: class, Time: "0",
			SystemOut: fmt.Sprintf("%d invariant checks, %d failed, %d undecided", s.ConsistencyChecks, s.ConsistencyFailures, s.ConsistencyUnknown)}
		if s.ConsistencyFailures > 0 {
			c.SystemOut = ""
			c.Failure = &junitMessage{Message: fmt.Sprintf("%d of %d invariant checks failed", s.ConsistencyFailures, s.ConsistencyChecks),
				Type: "invariant_broken", Body: strings.TrimPrefix(consistencyFailures(r), "\n")}
		}
		cases = append(cases, c)
	}
	suite := junitSuite{
		Name:      name,
		Tests:     len(cases),
		Time:      fmt.Sprintf("%.3f", r.Finished.Sub(r.Started).Seconds()),
		Timestamp: r.Started.UTC().Format("2006-01-02T15:04:05"),
		Properties: []junitProperty{
			{"run_id", r.RunID}, {"seed", fmt.Sprint(r.Seed)}, {"runtime", r.Runtime + engineText(r.Engine)},
			{"drill_version", r.DrillVersion}, {"scenario_file", r.Scenario.File}, {"scenario_sha256", r.Scenario.SHA256},
			{"trials", fmt.Sprint(s.Trials)}, {"errors", fmt.Sprint(s.Errors)}, {"verdict", verdictName(s.Verdict)},
		},
		Cases:     cases,
		SystemOut: fmt.Sprintf("%s: %s.", plural(s.Trials, "trial"), countsText(s)) + junitLogs(r),
	}
	for _, c := range cases {
		switch {
		case c.Failure != nil:
			suite.Failures++
		case c.Skipped != nil:
			suite.Skipped++
		case c.Error != nil:
			suite.Errors++
		}
	}
	return suite
}

// writeJUnit writes the suites as one JUnit document with their totals.
func writeJUnit(w io.Writer, suites []junitSuite) error {
	doc := junitSuites{Name: "drill", Suites: suites}
	var total float64
	for _, s := range suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
		t, _ := strconv.ParseFloat(s.Time, 64)
		total += t
	}
	doc.Time = fmt.Sprintf("%.3f", total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	return nil
}

// junitLogs says where the services' output is, and lists the files of each failed
// trial by their paths relative to the JUnit file (a CI page shows text, not links).
func junitLogs(r *Results) string {
	if r.Logs == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nService output: %s/trial-N/ beside this file, one file per service instance.", r.Logs.Dir)
	for _, t := range r.failedWithLogs() {
		_, files := r.trialLogs(t)
		paths := make([]string, len(files))
		for i, f := range files {
			paths[i] = path.Join(r.Logs.Dir, TrialDir(t.Index), f.Name)
		}
		fmt.Fprintf(&b, "\ntrial %d (%s): %s", t.Index, failure(t), strings.Join(paths, ", "))
	}
	return b.String()
}

func junitObjective(class, name string, v stats.VerdictResult, detail string) junitCase {
	c := junitCase{Name: name, Classname: class, Time: "0"}
	msg := strings.TrimSpace(v.Reason)
	switch v.Verdict {
	case stats.Pass:
		c.SystemOut = detail
	case stats.Fail:
		c.Failure = &junitMessage{Message: msg, Type: "objective_missed", Body: detail}
	case stats.Inconclusive:
		if v.NeededN > v.N {
			detail += fmt.Sprintf("; %d trials needed to decide", v.NeededN)
		}
		c.Skipped = &junitMessage{Message: msg, Body: detail}
	default:
		c.Error = &junitMessage{Message: "no verdict: " + msg, Type: "no_verdict", Body: detail}
	}
	return c
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
	SystemOut  string          `xml:"system-out,omitempty"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure"`
	Error     *junitMessage `xml:"error"`
	Skipped   *junitMessage `xml:"skipped"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}
