package trial_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
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
		sc, err := scenario.Parse("plan-order.yaml", []byte(planOrderYAML))
		Expect(err).NotTo(HaveOccurred())
		// The plan's steps from the change to the rollback, as the events they become.
		var want []string
		for _, st := range sc.Plan().Steps {
			switch st.Phase {
			case scenario.PhaseChange:
				want = append(want, trial.EventFault)
			case scenario.PhaseFault:
				want = append(want, trial.EventFaultApplied)
			case scenario.PhaseRevert:
				want = append(want, trial.EventFaultReverted)
			case scenario.PhaseTrigger:
				want = append(want, trial.EventDetect, trial.EventRollbackStart)
			case scenario.PhaseRollback:
				want = append(want, trial.EventRollbackEnd)
			}
		}
		res := trial.Run(context.Background(), trial.Config{Scenario: sc, Runtime: stack.NewProcess()}, 1, 1)
		Expect(res.Error).To(BeEmpty())
		Expect(res.Outcome).To(Equal(trial.Recovered))
		var got []string
		for _, e := range res.Events {
			switch e.Name {
			case trial.EventFault, trial.EventFaultApplied, trial.EventFaultReverted, trial.EventDetect,
				trial.EventRollbackStart, trial.EventRollbackEnd:
				got = append(got, e.Name)
			}
		}
		// The fault counting from the rollback is applied 10ms after it starts, while the
		// redeploy (which takes longer) runs: after rollback_end in the plan's listing,
		// before it on the clock. Compare up to the rollback's end and check it apart.
		Expect(got[:len(want)-2]).To(Equal(want[:len(want)-2]), "plan %v\nevents %v", want, got)
		Expect(got).To(ContainElement(trial.EventRollbackEnd))
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
