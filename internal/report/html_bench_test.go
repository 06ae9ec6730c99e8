package report_test

import (
	"io"
	"testing"
	"time"

	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/trial"
)

// synthetic is a run of n trials with kept probes: mostly recoveries of varied speed,
// with a sprinkling of unrecovered, errored and write-losing trials.
func synthetic(n int) *report.Results {
	r := fixtureResults()
	r.Trials = make([]trial.Result, n)
	for i := range r.Trials {
		ttd := time.Duration(30+i%70) * time.Millisecond
		ttr := time.Duration(200+(i*7919)%900) * time.Millisecond
		lost := 0
		if i%97 == 0 {
			lost = 1 + i%13
		}
		if i%211 == 0 {
			ttr = 0
		}
		r.Trials[i] = fxTrial(i+1, ttd, ttr, lost, true)
		if i%503 == 0 {
			r.Trials[i] = trial.Result{Index: i + 1, Outcome: trial.Errored, Error: "start stack: port in use"}
		}
	}
	r.Summary = report.Summarize(r.Trials, r.Objectives)
	return r
}

func BenchmarkRender10kTrials(b *testing.B) {
	r := synthetic(10_000)
	b.ReportAllocs()
	for b.Loop() {
		if err := report.HTML(io.Discard, r); err != nil {
			b.Fatal(err)
		}
		if err := report.Markdown(io.Discard, r); err != nil {
			b.Fatal(err)
		}
		if err := report.JUnit(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
