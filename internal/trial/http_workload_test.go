package trial_test

import (
	"context"
	"github.com/drillhq/drill/internal/kinds"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/testenv"
	"github.com/drillhq/drill/internal/trial"
)

var _ = Describe("the reference scenario scenarios/http-workload.yaml on the process runtime", func() {
	It("recovers and measures lost writes through the generic http workload alone", func() {
		sc, err := scenario.Load(filepath.Join(testenv.ModuleRoot(), "scenarios", "http-workload.yaml"), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(sc.Workload.Kind).To(Equal(trial.WorkloadHTTP))
		res := trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New(),
			UpOptions: []stack.UpOption{stack.WithDataDir(GinkgoT().TempDir())}}, 1, 42)
		Expect(res.Error).To(BeEmpty())
		Expect(res.Outcome).To(Equal(trial.Recovered))
		Expect(res.Loss).NotTo(BeNil(), "the final read ran")
		Expect(res.Loss.Acked).To(BeNumerically(">", 10), "writes were acknowledged through the warm-up")
		Expect(res.Loss.Failed+res.Loss.Unknown).To(BeNumerically(">", 0), "the bad release refused or broke some writes")
		Expect(res.Loss.Lost).To(BeEmpty(), "the ledger syncs every write: nothing acknowledged is lost")
		Expect(res.Loss.Unexpected).To(BeEmpty())
		Expect(res.Loss.FailedPresent).To(BeEmpty(), "the ledger applies nothing it refused")
		Expect(res.FinalRead).To(HaveLen(res.Loss.Acked + len(res.Loss.Recovered)))
		for _, id := range res.FinalRead {
			Expect(strings.HasPrefix(id, "w-")).To(BeTrue(), id)
		}
		Expect(res.Consistency).To(BeEmpty(), "the ledger's own checks belong to the ledger workload")
	})
})
