package trial_test

import (
	"context"
	"github.com/drillhq/drill/internal/kinds"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/trial"
)

// planOrderYAML has every kind of step drill plan orders: a change, a fault applied and
// reverted on its own, one lasting until the rollback, the rollback, and a fault that
// counts from the rollback's start.
var planOrderYAML = badReleaseYAML("plan-order", failingV2, "1s", `objectives: {rto: 5s, rpo: 0s}
faults:
  - {kind: latency, target: ledger, at: 0s, for: 10ms, params: {latency: 1ms}}
  - {kind: bandwidth, target: ledger, at: 25ms, params: {rate: 100000}}
  - {kind: latency, target: ledger, from: rollback, at: 10ms, params: {latency: 5ms}}
rollback:
  mechanism: {kind: redeploy, service: ledger}
  trigger: {kind: automated, condition: "error_rate > 0.5", window: 300ms, min_samples: 3}
  timeout: 10s
`)

var _ = Describe("what drill plan prints", func() {
	It("is the order in which the trial's events happen", func() {
		sc, err := scenario.Parse("plan-order.yaml", []byte(planOrderYAML), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		pl := sc.Plan()
		res := trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New()}, 1, 1)
		Expect(res.Error).To(BeEmpty())
		Expect(res.Outcome).To(Equal(trial.Recovered))
		// Every step from the setup to the checks, in the plan's order, the fault counting
		// from the rollback included: applied 10ms after the rollback starts, while the
		// redeploy (which takes longer) runs, it is listed before the rollback's step ends.
		want := expectedMarks(sc, pl, res)
		Expect(want).To(ContainElement(mark{scenario.PhaseFault, "latency ledger"}))
		Expect(eventMarks(sc, res)).To(Equal(want), "events: %v", res.Events)
		var rbStart, applied time.Duration
		for _, e := range res.Events {
			switch {
			case e.Name == trial.EventRollbackStart:
				rbStart = e.At.D()
			case e.Name == trial.EventFaultApplied:
				applied = e.At.D()
			}
		}
		Expect(applied-rbStart).To(BeNumerically(">=", 10*time.Millisecond), "the last fault counts from the rollback")
	})
})
