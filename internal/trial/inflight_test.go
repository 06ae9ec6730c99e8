package trial_test

import (
	"context"
	"github.com/drillhq/drill/internal/kinds"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/fixtures/ledger/truth"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/trial"
)

// inflightYAML: the front proxy goes down as a slow bad release starts deploying, so the
// trigger fires long before the release is ready.
func inflightYAML(wait bool) string {
	return inflightWith(wait, "{kind: redeploy, service: ledger}")
}

// inflightWith is inflightYAML with another rollback mechanism.
func inflightWith(wait bool, mechanism string) string {
	w := "false"
	if wait {
		w = "true"
	}
	return badReleaseYAML("inflight", `{LEDGER_DEFECT: errors, LEDGER_ERROR_RATE: "1.0", LEDGER_START_DELAY: 1500ms}`, "300ms",
		`objectives: {rto: 5s, rpo: 0s}
faults: [{kind: down, target: ledger}]
rollback:
  mechanism: `+mechanism+`
  trigger: {kind: automated, condition: "error_rate > 0.5", window: 200ms, min_samples: 3}
  timeout: 10s
  wait_for_change: `+w+`
`)
}

func eventNames(res trial.Result) []trial.EventName { return res.EventNames() }

var _ = Describe("a trigger that fires while the change is deploying", func() {
	run := func(wait bool) (trial.Result, []truth.Event) {
		sc, err := scenario.Parse("inflight.yaml", []byte(inflightYAML(wait)), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		dir := GinkgoT().TempDir()
		res := trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New(),
			UpOptions: []stack.UpOption{stack.WithDataDir(dir)}}, 1, 1)
		events, err := truth.Read(filepath.Join(dir, "ledger", "truth.jsonl"))
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Error).To(BeEmpty())
		Expect(res.Outcome).To(Equal(trial.Recovered))
		return res, events
	}

	It("aborts the deploy in flight as the rollback's first act: the bad release never starts, TTM is the reaction", func() {
		res, events := run(false)
		names := eventNames(res)
		Expect(names).To(ContainElements(trial.EventDetect, trial.EventRollbackStart, trial.EventChangeAborted, trial.EventRollbackSkip))
		Expect(names).NotTo(ContainElement(trial.EventChangePrefix.With(string(stack.StepSwitched))))
		Expect(res.Timing.Live).To(BeNil())
		Expect(res.Timing.Wait).To(BeNil())
		Expect(res.Timing.TTM.D()).To(BeNumerically("<=", 20e6), "t_trigger = t_detect: the abort is the rollback acting")
		for _, e := range truth.Starts(events) {
			Expect(e.Release).To(Equal("v1"), "v2 was aborted before it listened")
		}
	})

	It("still runs a mechanism that is not a redeploy: the aborted release may have acted as it started", func() {
		sc, err := scenario.Parse("inflight.yaml", []byte(inflightWith(false,
			`{kind: migration, service: ledger, params: {down_path: /schema, down_body: '{"data_schema": 1}'}}`)), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		res := trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New(),
			UpOptions: []stack.UpOption{stack.WithDataDir(GinkgoT().TempDir())}}, 1, 1)
		Expect(res.Outcome).To(Equal(trial.Recovered), "events: %v", res.Events)
		names := eventNames(res)
		Expect(names).To(ContainElements(trial.EventChangeAborted, trial.EventRollbackPrefix+"migrated_down"))
		Expect(names).NotTo(ContainElement(trial.EventRollbackSkip))
	})

	It("waits for the deploy in flight when the scenario says so, as a phase of its own outside TTM", func() {
		res, _ := run(true)
		names := eventNames(res)
		Expect(names).To(ContainElements(trial.EventWaitStart, trial.EventWaitEnd, trial.EventChangePrefix.With(string(stack.StepSwitched))))
		Expect(res.Timing.Wait).NotTo(BeNil())
		Expect(res.Timing.Wait.D()).To(BeNumerically(">", 1e9), "the slow release took over a second more to start")
		Expect(res.Timing.TTM.D()).To(BeNumerically("<=", 20e6), "the wait is not decision time")
		Expect(*res.Timing.Trigger - *res.Timing.Detect).To(BeNumerically(">=", *res.Timing.Wait))
	})
})

var _ = Describe("a rollback whose mechanism fails", func() {
	It("is a failed rollback naming the step, never a trial that could not run", func() {
		doc := badReleaseYAML("failing-hook", failingV2, "300ms", `objectives: {rto: 5s, rpo: 0s}
rollback:
  mechanism: {kind: hook, service: ledger, params: {command: ["false"], timeout: 5s}}
  trigger: {kind: automated, condition: "error_rate > 0.5", window: 200ms, min_samples: 3}
  timeout: 2s
`)
		sc, err := scenario.Parse("failing-hook.yaml", []byte(doc), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		res := trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New()}, 1, 1)
		Expect(res.Outcome).To(Equal(trial.NotRecovered))
		Expect(res.Error).To(HavePrefix("rollback failed: "))
		Expect(eventNames(res)).To(ContainElement(trial.EventRollbackFailed))
		Expect(res.Timing.Recovered).To(BeNil())
	})
})
