package runner_test

import (
	"context"
	"github.com/drillhq/drill/internal/kinds"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/runner"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/testenv"
	"github.com/drillhq/drill/internal/trial"
)

// BenchmarkParallel runs the bad-release scenario on the process runtime for
// DRILL_BENCH_TRIALS trials (default 30) one after another and then 2 at a time, and
// reports the wall time of each, their ratio, and drill's own timing error in each mode:
// the latest probe start behind its schedule over all trials (trial.Result.ProbeLate),
// and how many trials exceeded the probe interval, the scenario's stated resolution.
//
//	go test ./internal/runner -run '^$' -bench Parallel -benchtime 1x -timeout 30m
func BenchmarkParallel(b *testing.B) {
	dir := b.TempDir()
	if err := testenv.BuildFixtures(context.Background(), dir); err != nil {
		b.Fatal(err)
	}
	defer os.Unsetenv("DRILL_FIXTURE_DIR")
	n := 30
	if v, err := strconv.Atoi(os.Getenv("DRILL_BENCH_TRIALS")); err == nil && v > 0 {
		n = v
	}
	sc, err := scenario.Load(filepath.Join(testenv.ModuleRoot(), "scenarios", "bad-release.yaml"), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		var wall [2]time.Duration
		for k, parallel := range []int{1, 2} {
			start := time.Now()
			res, err := runner.Run(context.Background(), runner.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New(), Trials: n, Seed: 7,
				Parallel: parallel, RawPath: filepath.Join(b.TempDir(), "run.raw.json.gz")})
			if err != nil {
				b.Fatal(err)
			}
			wall[k] = time.Since(start)
			var worst measure.Offset
			over, recovered := 0, 0
			for _, t := range res.Trials {
				worst = max(worst, t.ProbeLate)
				if t.ProbeLate.D() > sc.Probes.Interval.D() {
					over++
				}
				if t.Outcome == trial.Recovered {
					recovered++
				}
			}
			p := "p" + strconv.Itoa(parallel) + "-"
			b.ReportMetric(wall[k].Seconds(), p+"wall-s")
			b.ReportMetric(worst.Ms(), p+"probe-late-max-ms")
			b.ReportMetric(float64(over), p+"trials-over-interval")
			b.ReportMetric(float64(recovered), p+"recovered")
			b.ReportMetric(res.Summary.RTC.Median.Ms(), p+"rtc-median-ms")
		}
		b.ReportMetric(wall[1].Seconds()/wall[0].Seconds(), "wall-ratio")
	}
}
