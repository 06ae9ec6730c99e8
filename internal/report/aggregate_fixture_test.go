package report_test

import (
	"fmt"
	"path/filepath"
	"time"

	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

// aggStoredRuns reads the real results files under testdata/aggregate-runs (three runs
// made with `drill run --runtime process --trials 5` in 2026Q4).
func aggStoredRuns() []*report.Results {
	paths, err := filepath.Glob(filepath.Join("testdata", "aggregate-runs", "*.json"))
	Expect(err).NotTo(HaveOccurred())
	Expect(len(paths)).To(BeNumerically(">=", 3))
	runs := make([]*report.Results, len(paths))
	for i, p := range paths {
		runs[i], err = report.Read(p)
		Expect(err).NotTo(HaveOccurred())
	}
	return runs
}

var aggObjectives = scenario.Objectives{RTO: scenario.Duration(time.Second), RPO: 0, SuccessRate: 0.9, Quantile: 0.9, Confidence: 0.95}

// aggRun is a run of scenario name started at t whose trials recover after the
// given RTCs in milliseconds; a negative RTC is a trial that never recovered, NaN one
// that errored.
func aggRun(name string, t time.Time, rtcMs ...float64) *report.Results {
	trials := make([]trial.Result, len(rtcMs))
	for i, ms := range rtcMs {
		tr := trial.Result{Index: i + 1, Seed: int64(i), Started: t.Add(time.Duration(i) * time.Minute),
			Loss: &measure.Loss{Attempted: 100, Acked: 100}}
		switch {
		case ms != ms:
			tr.Outcome, tr.Error, tr.Loss = trial.Errored, "start stack: port 8080 in use", nil
		case ms < 0:
			tr.Outcome = trial.NotRecovered
		default:
			rtc := measure.Offset(time.Duration(ms * float64(time.Millisecond)))
			tr.Outcome, tr.Timing.RTC = trial.Recovered, &rtc
		}
		trials[i] = tr
	}
	id := fmt.Sprintf("%s-%s", t.UTC().Format("20060102T150405Z"), name)
	return &report.Results{Schema: report.SchemaVersion, DrillVersion: "test", RunID: id,
		Scenario:   report.ScenarioRef{Name: name, File: "scenarios/" + name + ".yaml", SHA256: "5ce0"},
		Objectives: aggObjectives, Runtime: "process", Started: t, Finished: t.Add(time.Hour),
		ProbeIntervalMs: 25, RecoverAfter: 3, Trials: trials, Summary: report.Summarize(trials, aggObjectives),
		Audit: &report.AuditRef{File: name + "-" + id + ".audit.jsonl", Digest: fmt.Sprintf("%064x", t.Unix())}}
}

// aggAround returns n deterministic values spread evenly over center ± spread.
func aggAround(center, spread float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = center - spread + 2*spread*float64((i*7)%n)/float64(n-1)
	}
	return out
}

func aggDay(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	Expect(err).NotTo(HaveOccurred())
	return t.Add(10 * time.Hour)
}
