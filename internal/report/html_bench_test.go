package report_test

import (
	"io"
	"runtime"
	"sync/atomic"
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

// BenchmarkRender10kTrials renders a 10,000-trial run into every format. Besides time
// and allocations it reports the peak heap in use while rendering (sampled every
// millisecond, after a GC so the synthetic input's garbage does not count), the figure
// that says whether a big quarter's report fits a small CI runner.
func BenchmarkRender10kTrials(b *testing.B) {
	r := synthetic(10_000)
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
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
	close(stop)
	<-sampled
	b.ReportMetric(float64(peak.Load()-min(peak.Load(), base.HeapInuse))/(1<<20), "peak-heap-MiB")
}
