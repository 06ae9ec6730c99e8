package trial_test

import (
	"context"
	"github.com/drillhq/drill/internal/kinds"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/check"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/testenv"
	"github.com/drillhq/drill/internal/trial"
)

// loadMultiStep reads the multi-step reference scenario as drill validate does.
func loadMultiStep() *scenario.Scenario {
	GinkgoHelper()
	reg := rollback.NewRegistry()
	sc, err := scenario.Load(filepath.Join(testenv.ModuleRoot(), "scenarios", "rollback-multi-step.yaml"),
		scenario.WithMechanismCheck(func(m scenario.Mechanism) error { _, err := reg.Build(m); return err }), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
	Expect(err).NotTo(HaveOccurred())
	return sc
}

// planStepNames lists the change and rollback steps of the plan, by the names of the
// scenario's steps they run, as "change NAME" and "rollback NAME".
func planStepNames(sc *scenario.Scenario) []string {
	changeSteps, rbSteps := sc.ChangeSteps(), sc.RollbackSteps()
	var out []string
	for _, st := range sc.Plan().Steps {
		switch st.Phase {
		case scenario.PhaseChange:
			out = append(out, st.Phase+" "+changeSteps[st.Change].Name)
		case scenario.PhaseRollback:
			out = append(out, st.Phase+" "+rbSteps[st.Rollback].Name)
		}
	}
	return out
}

// eventStepNames lists the steps the trial started, in order, as "change NAME" and
// "rollback NAME".
func eventStepNames(res trial.Result) []string {
	var out []string
	for _, e := range res.Events {
		name, _, _ := strings.Cut(e.Detail, ":")
		switch e.Name {
		case trial.EventChangeStepStart:
			out = append(out, scenario.PhaseChange+" "+name)
		case trial.EventRollbackStepStart:
			out = append(out, scenario.PhaseRollback+" "+name)
		}
	}
	return out
}

func runMultiStep(sc *scenario.Scenario) trial.Result {
	GinkgoHelper()
	return trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New(),
		UpOptions: []stack.UpOption{stack.WithDataDir(GinkgoT().TempDir())}}, 1, 5)
}

var _ = Describe("a multi-step change and its rollback", func() {
	It("runs the steps drill plan prints, in its order, and undoes them last first", func() {
		sc := loadMultiStep()
		want := planStepNames(sc)
		Expect(want).To(Equal([]string{"change migrate", "change deploy", "change flag-on",
			"rollback undo flag-on", "rollback undo deploy", "rollback undo migrate"}))

		res := runMultiStep(sc)
		Expect(res.Error).To(BeEmpty())
		Expect(res.Outcome).To(Equal(trial.Recovered), "events: %v", res.Events)
		Expect(eventStepNames(res)).To(Equal(want), "the trial's events follow the plan")

		// Back on the old behaviour, read from the ledger itself: v1 over schema-1 data,
		// every acknowledged write kept, the invariants holding.
		Expect(res.Schema).NotTo(BeNil())
		Expect(res.Schema.Release).To(Equal("v1"))
		Expect(res.Schema.DataSchema).To(Equal(1), "the down migration ran")
		Expect(res.Loss).NotTo(BeNil())
		Expect(res.Loss.Lost).To(BeEmpty())
		for _, f := range append(res.Consistency, res.UserChecks...) {
			Expect(f.Status).To(Equal(check.Pass), "%s: %s", f.Checker, f.Message)
		}

		// Every step has its own duration, on the trial's clock, in order.
		Expect(res.Steps).To(HaveLen(9), "3 change, 3 rollback and 3 again (verify.idempotent) steps")
		for i, st := range res.Steps {
			d, ok := st.Duration()
			Expect(ok).To(BeTrue(), "step %s finished", st.Name)
			Expect(d).To(BeNumerically(">", 0))
			Expect(st.Attempts).To(Equal(1))
			if i > 0 {
				Expect(st.Start).To(BeNumerically(">=", *res.Steps[i-1].End), "steps run one after another")
			}
		}
		Expect(*res.Steps[5].End).To(BeNumerically("<=", *res.Timing.RollbackEnd), "the rollback ends with its last step")
	})

	It("skips the undo of a step that never ran", func() {
		sc := loadMultiStep()
		// The deploy fails: v2 exits at once (a malformed setting), so it never becomes
		// ready and the change stops there: flag-on never runs. The trigger fires at once
		// and waits for the change; the rollback then undoes only the migration.
		rel := sc.Service("ledger").ReleaseNamed("v2")
		rel.Env = map[string]string{"LEDGER_SCHEMA": "not-a-number"}
		sc.Rollback.Trigger.Condition = "error_rate >= 0"
		sc.Rollback.WaitForChange = true
		sc.Verify.Idempotent = false
		Expect(sc.Validate(scenario.WithWorkloads(trial.NewWorkloadRegistry()))).To(Succeed())
		res := runMultiStep(sc)
		Expect(eventNames(res)).To(ContainElement(trial.EventChangeFailed))
		Expect(eventStepNames(res)).NotTo(ContainElement("change flag-on"))
		var skipped []string
		for _, st := range res.Steps {
			if st.Skipped {
				skipped = append(skipped, st.Name)
			}
		}
		Expect(skipped).To(ConsistOf("undo flag-on", "undo deploy"), "the deploy never went live")
		Expect(eventStepNames(res)).To(Equal([]string{"change migrate", "change deploy", "rollback undo migrate"}))
		Expect(res.Schema.Release).To(Equal("v1"))
		Expect(res.Schema.DataSchema).To(Equal(1))
	})
})

var _ = Describe("retrying a step of the rollback under a fault during the rollback", func() {
	// From the rollback's start the path to the ledger is 300ms slow for 1s; the down
	// migration's call gives up after 150ms, so its first attempts fail while the fault
	// lasts.
	degrade := func(sc *scenario.Scenario, idempotent bool) {
		sc.Faults = append(sc.Faults, scenario.Fault{Kind: "latency", Target: "ledger", From: scenario.FromRollback,
			For: scenario.Duration(1e9), Params: map[string]any{"latency": "300ms"}})
		u := sc.Change.Steps[0].Undo
		u.Params["timeout"] = "150ms"
		u.Idempotent, u.Retries = idempotent, 0
		if idempotent {
			u.Retries = 10
		}
		sc.Verify.Idempotent = false
		Expect(sc.Validate(scenario.WithWorkloads(trial.NewWorkloadRegistry()))).To(Succeed())
	}

	It("retries an idempotent step until it succeeds, each failed attempt on the timeline", func() {
		sc := loadMultiStep()
		degrade(sc, true)
		res := runMultiStep(sc)
		Expect(res.Outcome).To(Equal(trial.Recovered), "events: %v", res.Events)
		var undo trial.StepRecord
		for _, st := range res.Steps {
			if st.Name == "undo migrate" {
				undo = st
			}
		}
		Expect(undo.Attempts).To(BeNumerically(">", 1), "the call failed while the fault lasted")
		Expect(undo.Error).To(BeEmpty())
		Expect(eventNames(res)).To(ContainElement(trial.EventRollbackStepRetry))
		Expect(res.Schema.DataSchema).To(Equal(1))
	})

	It("does not retry a step not declared idempotent: a failed rollback naming the step", func() {
		sc := loadMultiStep()
		degrade(sc, false)
		res := runMultiStep(sc)
		Expect(res.Outcome).To(Equal(trial.NotRecovered))
		Expect(res.Error).To(ContainSubstring("step undo migrate"))
		Expect(eventNames(res)).NotTo(ContainElement(trial.EventRollbackStepRetry))
		Expect(eventNames(res)).To(ContainElement(trial.EventRollbackFailed))
	})
})
