package main_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/testenv"
)

// editedReference writes scenarios/bad-release.yaml as name in dir, each edits[old]
// replacing old (which occurs once), and returns the line of the first line holding
// marker.
func editedReference(dir, name string, edits map[string]string, marker string) int {
	b, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(), "scenarios", "bad-release.yaml"))
	Expect(err).NotTo(HaveOccurred())
	doc := string(b)
	for old, new := range edits {
		Expect(strings.Count(doc, old)).To(Equal(1), "edit target %q must occur once", old)
		doc = strings.Replace(doc, old, new, 1)
	}
	Expect(os.WriteFile(filepath.Join(dir, name), []byte(doc), 0o644)).To(Succeed())
	i := strings.Index(doc, marker)
	Expect(i).To(BeNumerically(">=", 0), "marker %q", marker)
	return strings.Count(doc[:i], "\n") + 1
}

// drillIn runs drill in dir and returns its exit code, stdout, stderr and duration.
func drillIn(dir string, args ...string) (int, string, string, time.Duration) {
	var stdout, stderr bytes.Buffer
	cmd := drill(dir, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	code := exitCode(cmd.Run())
	return code, stdout.String(), stderr.String(), time.Since(start)
}

var _ = Describe("what a runtime or a stack cannot carry out", func() {
	const redeploy = "  mechanism: {kind: redeploy, service: ledger}\n"

	DescribeTable("is refused by drill validate --runtime process and by drill run before anything starts: exit 2, the line, what would work instead",
		func(edits map[string]string, marker, message string, docker bool) {
			dir := GinkgoT().TempDir()
			line := editedReference(dir, "s.yaml", edits, marker)
			want := "drill: s.yaml:" + strconv.Itoa(line) + ": " + message + "\n"

			code, stdout, stderr, _ := drillIn(dir, "validate", "--runtime", "process", "s.yaml")
			Expect(code).To(Equal(2), stdout)
			Expect(stderr).To(Equal(want))

			// The rollback timeout is 30 s: a trial that ran would take longer than that.
			code, stdout, stderr, took := drillIn(dir, "run", "--runtime", "process", "--out", "out", "s.yaml")
			Expect(code).To(Equal(2), stdout)
			Expect(stderr).To(Equal(want), "no runtime note, no trial: only the problem")
			Expect(stdout).To(BeEmpty(), "no report")
			Expect(filepath.Join(dir, "out")).NotTo(BeADirectory(), "no results written")
			Expect(took).To(BeNumerically("<", 10*time.Second))

			// drill compare checks the file before anything else about it.
			code, _, stderr, _ = drillIn(dir, "compare", "--runtime", "process", "--out", "out", "s.yaml")
			Expect(code).To(Equal(2))
			Expect(stderr).To(Equal(want))

			// What only the runtime lacks passes where the runtime has it, and without one.
			for _, args := range [][]string{{"validate", "--runtime", "docker", "s.yaml"}, {"validate", "s.yaml"}} {
				code, _, stderr, _ = drillIn(dir, args...)
				if docker {
					Expect(code).To(Equal(0), stderr)
				} else {
					Expect(code).To(Equal(2))
					Expect(stderr).To(Equal(want))
				}
			}
		},
		Entry("a disconnect fault (only docker disconnects a service)",
			map[string]string{"warmup: 500ms\n": "warmup: 500ms\nfaults:\n  - {kind: disconnect, target: ledger, at: 1s, for: 2s}\n"}, "kind: disconnect",
			"faults[0]: fault disconnect needs a runtime that can disconnect a service from the stack's network (docker); on runtime process, use a down or reset_peer fault on its proxy instead", true),
		Entry("a restore of a service that keeps no data in its data directory",
			map[string]string{redeploy: "  mechanism: {kind: restore, service: ledger}\n",
				"      fixture: ledger          # drill's demo bank ledger (fixtures/ledger)\n": "      command: [ledger-server, --port, \"${PORT}\"]\n"}, "kind: restore",
			"rollback.mechanism: mechanism restore needs service ledger to keep its data in its data directory, and nothing of it names ${DATA_DIR}; keep the service's data under ${DATA_DIR} (its command or env), or use mechanism redeploy instead", false),
		Entry("a hook URL naming a service the stack does not have",
			map[string]string{redeploy: "  mechanism:\n    kind: hook\n    service: ledger\n    params: {url: 'http://${DRILL_ENDPOINT_BILLING}/rollback'}\n"}, "url: 'http",
			"rollback.mechanism: mechanism hook: params.url names $DRILL_ENDPOINT_BILLING, which names no service of the stack: drill sets only $DRILL_ENDPOINT_LEDGER", false),
	)

	It("lets every reference scenario through on both runtimes", func() {
		files, err := filepath.Glob(filepath.Join(testenv.ModuleRoot(), "scenarios", "*.yaml"))
		Expect(err).NotTo(HaveOccurred())
		for _, rt := range []string{"process", "docker"} {
			code, stdout, stderr, _ := drillIn(GinkgoT().TempDir(), append([]string{"validate", "--runtime", rt}, files...)...)
			Expect(code).To(Equal(0), stderr)
			Expect(strings.Count(stdout, ": ok\n")).To(Equal(len(files)))
		}
	})
})
