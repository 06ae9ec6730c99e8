// Command floor measures, in one run, the engine's floor for the reference scenario and
// drill's wall time for the same number of docker trials of it, and prints the ratio.
// The floor of one trial is what the engine cannot be asked less for: two containers
// (the bad release, then the rollback's release) each created and started through the
// Docker API until their first healthy answer, one after the other, with the images,
// environment and data mount drill gives them; removing them is not counted. drill's
// figure is the wall time of `drill run SCENARIO --runtime docker --trials N`, everything
// included (stacks, warm-up, hold, checks, teardown, reports), then the same with the
// scenario's stack.reuse on (a copy of the file: one stack per run, reset between
// trials), and that copy again with --parallel trials at a time (one reused stack per
// worker; each trial's timing error is measured and judged as in any run). It prints
// the Markdown rows bench/README.md keeps, with the machine's load, CPU count and date.
//
//	go run ./bench/floor --drill bin/drill --trials 30
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	tclog "github.com/testcontainers/testcontainers-go/log"

	"github.com/drillhq/drill/internal/fixture"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack/docker"
	"github.com/drillhq/drill/internal/trial"
)

func main() {
	tclog.SetDefault(tclog.NewNoopLogger()) // the engine connection is not news
	os.Exit(run())
}

func run() int {
	drill := flag.String("drill", "bin/drill", "drill binary (make build); the fixture images are built from it")
	file := flag.String("scenario", "scenarios/bad-release.yaml", "the reference scenario")
	trials := flag.Int("trials", 30, "trials on each side")
	reuse := flag.Bool("reuse", true, "also time drill with the scenario's stack.reuse on")
	parallel := flag.Int("parallel", 2, "also time drill with stack.reuse on and this many trials at a time (--parallel; 1 leaves it out)")
	flag.Parse()
	if *trials < 1 {
		fmt.Fprintln(os.Stderr, "floor: --trials must be at least 1")
		return 2
	}
	if *parallel < 1 {
		fmt.Fprintln(os.Stderr, "floor: --parallel must be at least 1")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := bench(ctx, *drill, *file, *trials, *reuse, *parallel); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		return 1
	}
	return 0
}

func bench(ctx context.Context, drill, file string, trials int, reuse bool, parallel int) error {
	bin, err := filepath.Abs(drill)
	if err != nil {
		return fmt.Errorf("find drill: %w", err)
	}
	sc, err := scenario.Load(file, scenario.WithWorkloads(trial.NewWorkloadRegistry()))
	if err != nil {
		return fmt.Errorf("load scenario: %w", err)
	}
	if sc.Change == nil || len(sc.Stack.Services) == 0 {
		return fmt.Errorf("load scenario: %s has no change of a service to roll back", file)
	}
	// The images drill's runtime resolves for this binary (built once, if missing).
	os.Setenv(fixture.DirEnv, filepath.Dir(bin))
	im, err := docker.EnsureImages(ctx, sc.Stack)
	if err != nil {
		return fmt.Errorf("ensure images: %w", err)
	}
	start := measure.ReadMachine()
	fmt.Printf("engine floor vs drill, %s, %d trials each, docker\n%s UTC, %s\n\n", sc.Name, trials, start.At.Format("2006-01-02 15:04"), start)

	floorStart := time.Now()
	floor, err := engineFloor(ctx, sc, im, trials)
	if err != nil {
		return err
	}
	floorWall := time.Since(floorStart)
	mid := measure.ReadMachine()

	work, err := os.MkdirTemp("", "drill-floor-")
	if err != nil {
		return fmt.Errorf("make work dir: %w", err)
	}
	defer os.RemoveAll(work)
	plain, err := timeDrill(ctx, bin, file, trials, 1, work)
	if err != nil {
		return err
	}
	runs := []drillRun{plain}
	if reuse || parallel > 1 {
		reused, err := reuseCopy(file, work)
		if err != nil {
			return err
		}
		legs := []int{}
		if reuse {
			legs = append(legs, 1)
		}
		if parallel > 1 {
			legs = append(legs, parallel)
		}
		for _, p := range legs {
			r, err := timeDrill(ctx, bin, reused, trials, p, work)
			if err != nil {
				return err
			}
			r.what += ", stack.reuse: true"
			runs = append(runs, r)
		}
	}
	end := measure.ReadMachine()

	var sum time.Duration
	for _, d := range floor {
		sum += d
	}
	sorted := slices.Clone(floor)
	slices.Sort(sorted)
	fmt.Println("| what | trials | wall | per trial (median) | load 1m at its end | drill / floor |")
	fmt.Println("|---|---|---|---|---|---|")
	fmt.Printf("| engine floor: 2 × (create + start → first healthy answer) | %d | %.1f s timed (%.1f s with removals) | %.2f s | %.2f | – |\n",
		trials, sum.Seconds(), floorWall.Seconds(), sorted[len(sorted)/2].Seconds(), mid.Load1)
	for _, r := range runs {
		fmt.Printf("| %s (exit %d, %s) | %d | %.1f s | %.2f s (wall / trials) | %.2f | **%.2f×** |\n",
			r.what, r.code, verdicts[r.code], trials, r.wall.Seconds(), r.wall.Seconds()/float64(trials), r.load1, r.wall.Seconds()/sum.Seconds())
	}
	fmt.Printf("\ngoal: drill ≤ 1.5× the floor; machine at the end: %s, %.1f%% stolen\n", end, 100*end.StealShare(start))
	return nil
}

// verdicts names drill run's exit codes that carry a verdict.
var verdicts = map[int]string{0: "PASS", 1: "FAIL", 3: "INCONCLUSIVE"}

// drillRun is one timed drill run: what it was, its wall time, exit code and the load
// at its end.
type drillRun struct {
	what  string
	wall  time.Duration
	code  int
	load1 float64
}

// timeDrill times `drill run file --runtime docker --trials n --parallel p`, results
// under work. Trials run p at a time share the machine: each trial's own timing error is
// in the report, and a verdict it cannot carry is INCONCLUSIVE (exit 3), not PASS.
func timeDrill(ctx context.Context, bin, file string, trials, parallel int, work string) (drillRun, error) {
	cmd := exec.CommandContext(ctx, bin, "run", file, "--runtime", "docker", "--trials", fmt.Sprint(trials), "--parallel", fmt.Sprint(parallel), "--out", work)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	what := "drill run --runtime docker"
	if parallel > 1 {
		what += fmt.Sprintf(" --parallel %d", parallel)
	}
	r := drillRun{what: what, wall: time.Since(start), code: cmd.ProcessState.ExitCode(), load1: measure.ReadMachine().Load1}
	if _, judged := verdicts[r.code]; err != nil && !judged { // a verdict (FAIL, INCONCLUSIVE) is still a timed run
		return r, fmt.Errorf("run drill: %w\n%s", err, out)
	}
	return r, nil
}

// reuseCopy writes file with stack.reuse on beside the results, in work, and checks
// that drill reads it so.
func reuseCopy(file, work string) (string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("read scenario: %w", err)
	}
	text := strings.Replace(string(b), "\nstack:\n", "\nstack:\n  reuse: true\n", 1)
	out := filepath.Join(work, "reuse-"+filepath.Base(file))
	if err := os.WriteFile(out, []byte(text), 0o644); err != nil {
		return "", fmt.Errorf("write reuse scenario: %w", err)
	}
	sc, err := scenario.Load(out, scenario.WithWorkloads(trial.NewWorkloadRegistry()))
	if err != nil {
		return "", fmt.Errorf("load reuse scenario: %w", err)
	}
	if !sc.Stack.Reuse {
		return "", fmt.Errorf("write reuse scenario: %s has no top-level stack: line to add reuse under", file)
	}
	return out, nil
}
