package runner_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/kinds"
	"github.com/drillhq/drill/internal/owner"
	"github.com/drillhq/drill/internal/runner"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/testenv"
	"github.com/drillhq/drill/internal/trial"
)

// runDirs lists the process runtime's stack directories this process holds now.
func runDirs() []string {
	dirs, err := filepath.Glob(filepath.Join(os.TempDir(), "drill-run-"+owner.Token()+"-*"))
	Expect(err).NotTo(HaveOccurred())
	return dirs
}

var _ = Describe("a run with stack.reuse", func() {
	load := func() *scenario.Scenario {
		sc, err := scenario.Load(filepath.Join(testenv.ModuleRoot(), "scenarios", "bad-release.yaml"), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		sc.Stack.Reuse = true
		return sc
	}

	It("keeps one stack per worker, reset between its trials, and tears every one down at the end", func() {
		before := runDirs()
		res, err := runner.Run(context.Background(), runner.Config{Kinds: kinds.Default().Kinds, Scenario: load(), Runtime: process.New(),
			Trials: 5, Seed: 3, Parallel: 2})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Trials).To(HaveLen(5))
		count := map[string]int{}
		var how []string
		for _, tr := range res.Trials {
			Expect(tr.Outcome).To(Equal(trial.Recovered), "trial %d: %s", tr.Index, tr.Error)
			Expect(tr.ResetError).To(BeEmpty())
			count[tr.Stack]++
			how = append(how, fmt.Sprintf("trial %d: stack %s, error %q, capture error %q", tr.Index, tr.Stack, tr.Error, tr.CaptureError))
		}
		Expect(count[trial.StackNew]).To(Equal(2), "each of the two workers starts one stack: %s", strings.Join(how, "; "))
		Expect(count[trial.StackReused]).To(Equal(3))
		Expect(runDirs()).To(ConsistOf(before), "no stack of the run is left")
	})

	It("tears the kept stack down when the run is cancelled between two trials", func() {
		before := runDirs()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		res, err := runner.Run(ctx, runner.Config{Kinds: kinds.Default().Kinds, Scenario: load(), Runtime: process.New(),
			Trials: 5, Seed: 4, OnTrial: func(r trial.Result) {
				if r.Index == 2 {
					Expect(runDirs()).To(HaveLen(len(before)+1), "trial 2's stack is kept for trial 3")
					cancel()
				}
			}})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Trials).To(HaveLen(2))
		Expect(res.Trials[1].Stack).To(Equal(trial.StackReused))
		Expect(strings.Join(runDirs(), " ")).To(Equal(strings.Join(before, " ")), "the kept stack is torn down")
	})
})
