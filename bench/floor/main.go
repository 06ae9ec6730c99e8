// Command floor measures, in one run, the engine's floor for the reference scenario and
// drill's wall time for the same number of docker trials of it, and prints the ratio.
// The floor of one trial is what the engine cannot be asked less for: two containers
// (the bad release, then the rollback's release) each created and started through the
// Docker API until their first healthy answer, one after the other, with the images,
// environment and data mount drill gives them; removing them is not counted. drill's
// figure is the wall time of `drill run SCENARIO --runtime docker --trials N`, everything
// included (stacks, warm-up, hold, checks, teardown, reports). It prints the Markdown
// rows bench/README.md keeps, with the machine's load, CPU count and date.
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
	flag.Parse()
	if *trials < 1 {
		fmt.Fprintln(os.Stderr, "floor: --trials must be at least 1")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := bench(ctx, *drill, *file, *trials); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		return 1
	}
	return 0
}

func bench(ctx context.Context, drill, file string, trials int) error {
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
	cmd := exec.CommandContext(ctx, bin, "run", file, "--runtime", "docker", "--trials", fmt.Sprint(trials), "--out", work)
	drillStart := time.Now()
	out, err := cmd.CombinedOutput()
	drillWall := time.Since(drillStart)
	code := cmd.ProcessState.ExitCode()
	if err != nil && code != 1 && code != 3 { // a verdict (FAIL, INCONCLUSIVE) is still a timed run
		return fmt.Errorf("run drill: %w\n%s", err, out)
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
	fmt.Printf("| drill run --runtime docker (exit %d) | %d | %.1f s | %.2f s (wall / trials) | %.2f | **%.2f×** |\n",
		code, trials, drillWall.Seconds(), drillWall.Seconds()/float64(trials), end.Load1, drillWall.Seconds()/sum.Seconds())
	fmt.Printf("\ngoal: drill ≤ 1.5× the floor; machine at the end: %s, %.1f%% stolen\n", end, 100*end.StealShare(start))
	return nil
}
