package runner_test

import (
	"context"
	"github.com/drillhq/drill/internal/kinds"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/audit"
	"github.com/drillhq/drill/internal/runner"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/testenv"
	"github.com/drillhq/drill/internal/trial"
)

func TestRunner(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Runner Suite")
}

var _ = BeforeSuite(func() {
	dir, err := testenv.TempDir()
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, dir)
	Expect(testenv.BuildFixtures(context.Background(), dir)).To(Succeed())
})

var _ = Describe("a run", func() {
	It("derives every trial's seed from the run's, reproducibly and distinctly", func() {
		Expect(runner.TrialSeed(42, 1)).To(Equal(runner.TrialSeed(42, 1)))
		seen := map[int64]bool{}
		for i := 1; i <= 100; i++ {
			seen[runner.TrialSeed(42, i)] = true
		}
		Expect(seen).To(HaveLen(100))
		Expect(runner.TrialSeed(42, 1)).NotTo(Equal(runner.TrialSeed(43, 1)))
	})

	It("records every action in a hash-chained audit log whose digest the results carry", func() {
		sc, err := scenario.Load(filepath.Join(testenv.ModuleRoot(), "scenarios", "bad-release.yaml"), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		path := filepath.Join(GinkgoT().TempDir(), "run.audit.jsonl")
		res, err := runner.Run(context.Background(), runner.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New(),
			Trials: 1, Seed: 9, AuditPath: path})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Seed).To(Equal(int64(9)))
		Expect(res.Trials).To(HaveLen(1))
		Expect(res.Raw).To(HaveLen(1), "raw records are kept for drill check")
		Expect(res.Trials[0].Probes).To(BeNil(), "and stripped from the results without --keep-raw")
		Expect(res.Machine).NotTo(BeNil(), "the machine's condition at the start and the end")
		Expect(res.Machine.Start.CPUs).To(BeNumerically(">", 0))
		Expect(res.Machine.End.At).To(BeTemporally(">=", res.Machine.Start.At))

		sum, err := audit.Verify(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Audit).NotTo(BeNil())
		Expect(res.Audit.Digest).To(Equal(sum.Digest))
		b, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		for _, action := range []string{"run_start", "stack_up", "trigger_fired", "rollback_start", "rollback_end", "verify", "trial_end", "run_end"} {
			Expect(string(b)).To(ContainSubstring(`"action":"`+action+`"`), action)
		}
		Expect(strings.Count(string(b), "\n")).To(Equal(sum.Entries))
	})
})
