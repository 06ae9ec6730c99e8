package runner_test

import (
	"bufio"
	"context"
	"github.com/drillhq/drill/internal/kinds"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/runner"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/testenv"
	"github.com/drillhq/drill/internal/trial"
)

// BenchmarkRunMemory runs the bad-release scenario (warm-up cut to 150 ms) on the process
// runtime for DRILL_BENCH_TRIALS trials (default 60), streaming the raw records to a file
// as drill run does ("streamed") and, for comparison, holding them in memory until the
// end ("held"). It reports the process's peak RSS (VmHWM), the live heap after each
// trial's garbage is collected, its growth per trial (least squares from the 6th trial
// on), and the heap that growth extrapolates to at 10,000 trials. A 10,000-trial run takes
// hours (about 1 s a trial); set DRILL_BENCH_TRIALS=10000 to measure it outright.
//
//	go test ./internal/runner -run '^$' -bench RunMemory -benchtime 1x -timeout 60m
func BenchmarkRunMemory(b *testing.B) {
	measure.TuneGC() // as drill's CLI runs
	dir := b.TempDir()
	if err := testenv.BuildFixtures(context.Background(), dir); err != nil {
		b.Fatal(err)
	}
	defer os.Unsetenv("DRILL_FIXTURE_DIR")
	n := 60
	if v, err := strconv.Atoi(os.Getenv("DRILL_BENCH_TRIALS")); err == nil && v > 0 {
		n = v
	}
	sc, err := scenario.Load(filepath.Join(testenv.ModuleRoot(), "scenarios", "bad-release.yaml"), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
	if err != nil {
		b.Fatal(err)
	}
	// What the run keeps per trial does not depend on how long a trial waits: a short
	// warm-up and probe timeout (which bounds the hold after recovery) make a trial about
	// 0.5 s here, so 10,000 of them fit in an hour at DRILL_BENCH_PARALLEL=2.
	sc.Warmup = scenario.Duration(150 * time.Millisecond)
	sc.Probes.Timeout = scenario.Duration(100 * time.Millisecond)
	parallel := 1
	if v, err := strconv.Atoi(os.Getenv("DRILL_BENCH_PARALLEL")); err == nil && v > 0 {
		parallel = v
	}
	for _, streamed := range []bool{true, false} {
		name := map[bool]string{true: "streamed", false: "held"}[streamed]
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				var heap []float64 // MB live after each trial
				cfg := runner.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New(), Trials: n, Seed: 1, Parallel: parallel,
					OnTrial: func(trial.Result) {
						runtime.GC()
						var m runtime.MemStats
						runtime.ReadMemStats(&m)
						heap = append(heap, float64(m.HeapAlloc)/(1<<20))
					}}
				if streamed {
					cfg.RawPath = filepath.Join(b.TempDir(), "run.raw.json.gz")
				}
				start := time.Now()
				res, err := runner.Run(context.Background(), cfg)
				if err != nil {
					b.Fatal(err)
				}
				if !streamed {
					if err := res.WriteRaw(filepath.Join(b.TempDir(), "run.raw.json.gz")); err != nil {
						b.Fatal(err)
					}
				}
				slope := growth(heap[min(5, len(heap)-2):])
				b.ReportMetric(vmHWM(b), "peak-RSS-MB")
				b.ReportMetric(heap[len(heap)-1], "heap-end-MB")
				b.ReportMetric(slope*1024, "heap-KB/trial")
				b.ReportMetric(heap[len(heap)-1]+slope*float64(10_000-len(heap)), "heap-at-10k-MB")
				b.ReportMetric(time.Since(start).Seconds()/float64(n), "s/trial")
				b.ReportMetric(float64(len(res.Trials)), "trials")
			}
		})
	}
}

// growth is the least-squares slope of ys over their index: the live heap's growth
// per trial, robust to one trial's garbage outliving a collection.
func growth(ys []float64) float64 {
	n := float64(len(ys))
	var sx, sy, sxx, sxy float64
	for i, y := range ys {
		x := float64(i)
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	return (n*sxy - sx*sy) / (n*sxx - sx*sx)
}

// vmHWM is this process's peak resident set size so far, in MB.
func vmHWM(b *testing.B) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Skip("no /proc/self/status: " + err.Error())
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb / 1024
		}
	}
	b.Fatal("no VmHWM in /proc/self/status")
	return 0
}
