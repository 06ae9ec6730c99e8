package scenario_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

// multiStep turns the reference scenario's change into three steps whose undos the
// rollback runs (and drops its mechanism).
func multiStep() string {
	doc := edit(reference(), "change: {service: ledger, release: v2}\n", `change:
  steps:
    - {name: migrate, kind: call, params: {path: /schema}, idempotent: true, retries: 2, undo: {kind: call, params: {path: /schema}}}
    - {name: deploy, kind: deploy, release: v2}
    - {name: flag-on, kind: feature-flag, params: {path: /flags/x}, undo: {kind: feature-flag, params: {path: /flags/x}}}
`)
	return edit(doc, "  mechanism: {kind: redeploy, service: ledger}\n", "")
}

var _ = Describe("a multi-step change", func() {
	It("parses, defaults each step's service to the only service, and undoes the steps last first", func() {
		sc, err := scenario.Parse("t.yaml", []byte(multiStep()), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(sc.MultiStep()).To(BeTrue())
		var change []string
		for _, st := range sc.ChangeSteps() {
			Expect(st.Service).To(Equal("ledger"))
			change = append(change, st.Name)
		}
		Expect(change).To(Equal([]string{"migrate", "deploy", "flag-on"}))
		var rb []string
		for _, st := range sc.RollbackSteps() {
			rb = append(rb, st.Name+"="+st.Mechanism.Kind)
			Expect(st.Mechanism.Service).To(Equal("ledger"))
		}
		Expect(rb).To(Equal([]string{"undo flag-on=feature-flag", "undo deploy=redeploy", "undo migrate=call"}),
			"a deploy is undone by a redeploy unless it says otherwise")
	})

	It("is one deploy step when written as service and release", func() {
		sc, err := scenario.Parse("t.yaml", []byte(reference()), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(sc.MultiStep()).To(BeFalse())
		Expect(sc.ChangeSteps()).To(Equal([]scenario.ChangeStep{{Name: "deploy", Kind: "deploy", Service: "ledger", Release: "v2"}}))
		Expect(sc.RollbackSteps()).To(HaveLen(1))
		Expect(sc.RollbackSteps()[0].Undoes).To(Equal(-1))
	})

	It("prints its steps in drill plan, the rollback's in reverse, each saying whether it is retried", func() {
		sc, err := scenario.Parse("t.yaml", []byte(multiStep()), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		text := sc.Plan().String()
		order := []string{"step 1/3 migrate", "step 2/3 deploy", "step 3/3 flag-on", "step 1/3 undo flag-on", "step 2/3 undo deploy", "step 3/3 undo migrate"}
		last := -1
		for _, s := range order {
			i := strings.Index(text, s)
			Expect(i).To(BeNumerically(">", last), "%q after the one before in:\n%s", s, text)
			last = i
		}
		Expect(text).To(ContainSubstring("redeploy ledger with release v1"))
		Expect(text).To(ContainSubstring("retried up to 2 time(s)"))
	})

	DescribeTable("rejects a broken step with a line that says how to fix it",
		func(old, new, msg string) {
			Expect(strings.Join(allErrors(edit(multiStep(), old, new)), "\n")).To(ContainSubstring(msg))
		},
		Entry("retries without idempotent", "idempotent: true, retries: 2", "retries: 2",
			"change.steps[0].retries needs change.steps[0].idempotent: true"),
		Entry("retries out of range", "retries: 2", "retries: 11", "change.steps[0].retries must be between 0 and 10"),
		Entry("a name used twice", "{name: flag-on", "{name: deploy", `change.steps[2].name "deploy" is used by an earlier step: names must be unique`),
		Entry("a deploy without release", "kind: deploy, release: v2}", "kind: deploy}", "change.steps[1].release is required for a deploy step"),
		Entry("a deploy of an unknown release", "release: v2}", "release: v7}", `service "ledger" has no release "v7"`),
		Entry("a release on an action", "{name: migrate, kind: call,", "{name: migrate, kind: call, release: v2,", "change.steps[0].release is for deploy steps"),
		Entry("steps and service together", "change:\n  steps:", "change:\n  service: ledger\n  steps:", "change has steps and service/release"),
		Entry("undos and a mechanism together", "rollback:\n", "rollback:\n  mechanism: {kind: redeploy}\n", "change.steps[0].undo and rollback.mechanism: give one rollback"),
		Entry("an unknown step service", "{name: deploy, kind: deploy,", "{name: deploy, kind: deploy, service: nope,", `change.steps[1].service "nope" is not a service`),
	)

	It("checks each step's action and undo with the mechanism registry, at its line", func() {
		var seen []string
		_, err := scenario.Parse("t.yaml", []byte(multiStep()), scenario.WithMechanismCheck(func(m scenario.Mechanism) error {
			seen = append(seen, m.Kind)
			return nil
		}), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(seen).To(Equal([]string{"call", "call", "feature-flag", "feature-flag"}))
	})
})
