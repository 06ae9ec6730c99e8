package trial_test

import (
	"context"
	"github.com/drillhq/drill/internal/kinds"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/trial"
)

// decisionYAML: a release that fails every request, rolled back by redeploy under the
// given trigger (its kind and params line).
func decisionYAML(trigger string) string {
	return badReleaseYAML("decision", failingV2, "300ms", `objectives: {rto: 30m, rpo: 0s}
rollback:
  mechanism: {kind: redeploy, service: ledger}
  trigger: {condition: "error_rate > 0.5", window: 200ms, min_samples: 3, `+trigger+`}
  timeout: 5s
`)
}

func runDecision(trigger string, seed int64) trial.Result {
	sc, err := scenario.Parse("decision.yaml", []byte(decisionYAML(trigger)), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
	Expect(err).NotTo(HaveOccurred())
	res := trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New(),
		UpOptions: []stack.UpOption{stack.WithDataDir(GinkgoT().TempDir())}}, 1, seed)
	Expect(res.Error).To(BeEmpty())
	return res
}

func eventAt(res trial.Result, name trial.EventName) *trial.Event {
	for i := range res.Events {
		if res.Events[i].Name == name {
			return &res.Events[i]
		}
	}
	return nil
}

var _ = Describe("a manual trigger in a trial", func() {
	manual := `kind: manual, params: {model: lognormal, median: 5m, p95: 20m, compression: 1000}`

	It("samples the same decision time from the same seed, waits it compressed, and reports the modelled TTM and RTC", func() {
		a := runDecision(manual, 7)
		b := runDecision(manual, 7)
		Expect(a.Outcome).To(Equal(trial.Recovered))
		Expect(a.Decision).NotTo(BeNil())
		Expect(b.Decision).NotTo(BeNil())
		Expect(a.Decision.Modelled).To(Equal(b.Decision.Modelled), "same seed, same decision")
		Expect(a.Decision.Compression).To(Equal(1000.0))
		Expect(a.Decision.RealWait.D()).To(BeNumerically("~", a.Decision.Modelled.D()/1000, time.Microsecond))

		// The decision sits between detect and rollback_start on the timeline.
		detect, decide, start := eventAt(a, trial.EventDetect), eventAt(a, trial.EventDecisionPrefix+rollback.RoleDecide), eventAt(a, trial.EventRollbackStart)
		Expect([]*trial.Event{detect, decide, start}).NotTo(ContainElement(BeNil()))
		Expect(decide.At).To(BeNumerically(">=", detect.At))
		Expect(start.At - decide.At).To(BeNumerically(">=", a.Decision.RealWait))

		// TTM was waited compressed; the modelled TTM and RTC put the modelled time back.
		Expect(*a.Timing.TTM).To(BeNumerically(">=", a.Decision.RealWait))
		Expect(*a.Decision.ModelledTTM - *a.Timing.TTM).To(Equal(a.Decision.Modelled - a.Decision.RealWait))
		Expect(*a.Decision.ModelledRTC - *a.Timing.RTC).To(Equal(a.Decision.Modelled - a.Decision.RealWait))
	})
})

var _ = Describe("a hybrid trigger in a trial", func() {
	It("proceeds at the gate's timeout as declared, and the timeline shows the gate", func() {
		res := runDecision(`kind: hybrid, params: {model: fixed, decision: 30m, timeout: 10m, on_timeout: proceed, compression: 6000}`, 1)
		Expect(res.Outcome).To(Equal(trial.Recovered))
		Expect(res.Decision.Verdict).To(Equal(rollback.VerdictTimeoutProceed))
		names := eventNames(res)
		Expect(names).To(ContainElements(trial.EventDecisionPrefix+rollback.StepGateOpen, trial.EventDecisionPrefix+rollback.StepGateTimeout, trial.EventRollbackStart))
		Expect(res.Decision.ModelledTTM.D()).To(BeNumerically(">=", 10*time.Minute))
	})

	It("aborts at the gate's timeout as declared: nothing is rolled back and the trial did not recover", func() {
		res := runDecision(`kind: hybrid, params: {model: fixed, decision: 30m, timeout: 10m, on_timeout: abort, compression: 6000}`, 1)
		Expect(res.Outcome).To(Equal(trial.NotRecovered))
		Expect(res.Decision.Verdict).To(Equal(rollback.VerdictTimeoutAbort))
		Expect(res.Decision.Proceed).To(BeFalse())
		names := eventNames(res)
		Expect(names).To(ContainElement(trial.EventDecisionPrefix + rollback.StepGateAbort))
		Expect(names).NotTo(ContainElement(trial.EventRollbackStart))
		Expect(res.Timing.Trigger).To(BeNil())
		Expect(res.Timing.RTC).To(BeNil())
	})
})
