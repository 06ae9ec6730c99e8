package preflight_test

import (
	"os"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/preflight"
	"github.com/drillhq/drill/internal/runtimes"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/trial"
)

// externalStaging is examples/external-staging/scenario.yaml: an external ledger whose
// change and rollback are the team's hooks.
func externalStaging() string {
	b, err := os.ReadFile("../../examples/external-staging/scenario.yaml")
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

var _ = Describe("an external stack", func() {
	known := runtimes.Default().Capabilities()
	on := func(name string) preflight.Runtime { return preflight.Runtime{Name: name, Known: known} }

	It("runs on the external runtime, which auto picks for it", func() {
		doc := externalStaging()
		Expect(parse(doc, on("external"))).To(BeEmpty())
		sc, err := scenario.Parse("t.yaml", []byte(doc), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(preflight.StackKind(sc)).To(ConsistOf(stack.CapExternal))
	})

	It("is refused on a runtime that starts services, at the service's line", func() {
		doc := externalStaging()
		Expect(parse(doc, on("process"))).To(ConsistOf(HavePrefix("t.yaml:%d: stack.services[0].external: service ledger needs a runtime that can reach a service it did not start (external); on runtime process, use --runtime external", lineOf(doc, "external: 127"))))
	})

	It("refuses what needs more than the path to the service: deploys, kills", func() {
		doc := externalStaging()
		undo, rollbackAt := strings.Index(doc, "      undo:\n"), strings.Index(doc, "rollback:   ")
		doc = doc[:undo] + doc[rollbackAt:] // the step's undo out: the mechanism rolls back
		doc = edit(doc, "rollback:                           # no mechanism: the change's undo\n",
			"faults: [{kind: kill, target: ledger, at: 1s}]\nrollback:\n  mechanism: {kind: redeploy, service: ledger}\n")
		problems := parse(doc, on("external"))
		Expect(problems).To(ContainElements(
			HavePrefix("t.yaml:%d: faults[0]: fault kill needs a runtime that can kill a service", lineOf(doc, "kind: kill")),
			ContainSubstring("rollback.mechanism: mechanism redeploy needs a runtime that can deploy a release of a service (docker, kubernetes, process); on runtime external, roll back with a hook"),
		))
		Expect(strings.Join(problems, "\n")).NotTo(ContainSubstring("change"), "the change is a hook step")
	})
})
