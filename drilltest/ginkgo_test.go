package drilltest_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill"
	"github.com/drillhq/drill/drilltest"
	"github.com/drillhq/drill/internal/fixture"
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

// fixtureProcesses lists running fixtures started from the suite's drill binary.
func fixtureProcesses() []string {
	dir := os.Getenv(fixture.DirEnv)
	var found []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		argv, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && dir != "" && strings.HasPrefix(exe, dir) && bytes.Contains(argv, []byte("\x00fixture\x00")) {
			found = append(found, e.Name()+" "+string(bytes.ReplaceAll(argv, []byte{0}, []byte{' '})))
		}
	}
	return found
}

var _ = Describe("a Ginkgo node timeout on RunScenario", func() {
	It("cancels the drill, which reverts and removes everything it started before the node ends", func() {
		tmp := GinkgoT().TempDir()
		cmd := exec.Command("go", "test", "-count=1", "./testdata/timeoutsuite")
		cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
		out, err := cmd.CombinedOutput()
		Expect(err).To(HaveOccurred(), "the child suite must fail: its drill outlasts the node timeout\n%s", out)
		Expect(string(out)).To(ContainSubstring("A node timeout occurred"))
		Expect(string(out)).To(ContainSubstring("context canceled"), "the drill reported its cancellation")
		Expect(fixtureProcesses()).To(BeEmpty(), "no fixture may outlive the drill")
		left, err := filepath.Glob(filepath.Join(tmp, "drill-*"))
		Expect(err).NotTo(HaveOccurred())
		Expect(left).To(BeEmpty(), "no temporary directory of the drill may outlive it")
	})
})
