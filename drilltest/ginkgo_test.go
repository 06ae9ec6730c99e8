package drilltest_test

import (
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill"
	"github.com/drillhq/drill/drilltest"
	"github.com/drillhq/drill/internal/testenv"
)

var _ = Describe("RunScenario", Ordered, func() {
	res := drilltest.RunScenario(filepath.Join(testenv.ModuleRoot(), "scenarios", "bad-release.yaml"),
		drill.WithTrials(1), drill.WithRuntime("process"))
	var first *drill.Result

	entry := func(name string) string {
		for _, e := range CurrentSpecReport().ReportEntries {
			if e.Name == name {
				return e.Value.String()
			}
		}
		return ""
	}

	It("runs the scenario once for the container and attaches its summary and report", func() {
		first = res()
		Expect(first).NotTo(BeNil())
		Expect(first.TrialResults).To(HaveLen(1))
		Expect(entry("drill bad-release: INCONCLUSIVE")).To(HavePrefix("## drill: bad-release — INCONCLUSIVE"))
		Expect(entry("drill report")).To(BeAnExistingFile())
	})

	It("gives every spec of the container the same run, with the entries attached again", func() {
		Expect(res()).To(BeIdenticalTo(first))
		Expect(entry("drill report")).To(HaveSuffix(".html"))
	})
})
