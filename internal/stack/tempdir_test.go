package stack_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/fixture"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/stack/stacktest"
	"github.com/drillhq/drill/internal/testenv"
)

// startTime is field 22 of /proc/<pid>/stat, as drill puts it in its temp dirs' names.
func startTime(pid int) string {
	GinkgoHelper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	Expect(err).NotTo(HaveOccurred())
	s := string(b)
	return strings.Fields(s[strings.LastIndexByte(s, ')')+1:])[19]
}

var _ = Describe("CleanTemp", func() {
	var root string
	BeforeEach(func() { root = GinkgoT().TempDir() })

	mkdir := func(name string) string {
		GinkgoHelper()
		p := filepath.Join(root, name)
		Expect(os.MkdirAll(filepath.Join(p, "ledger"), 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(p, "ledger", "wal"), []byte("data"), 0o644)).To(Succeed())
		return p
	}

	It("removes the temp dirs of dead drills and never those of live ones", func() {
		// A live process that is not this one: its dirs must stay while it runs.
		live := exec.Command("sleep", "60")
		Expect(live.Start()).To(Succeed())
		DeferCleanup(func() { _ = live.Process.Kill(); _ = live.Wait() })
		lp := live.Process.Pid
		liveTok := strconv.Itoa(lp) + "." + startTime(lp)
		self := strconv.Itoa(os.Getpid()) + "." + startTime(os.Getpid())

		dead := []string{
			mkdir("drill-run-" + strconv.Itoa(stacktest.DeadPID()) + ".12345-111"),
			mkdir("drill-data-" + strconv.Itoa(stacktest.DeadPID()) + "-222"), // no start time: pid alone decides
			// pid 1 lives, but did not start then: the pid was reused, its drill is dead.
			mkdir("drill-image-1.999999999999-333"),
		}
		kept := []string{
			mkdir("drill-run-" + liveTok + "-444"),
			mkdir("drill-data-" + self + "-555"),
			mkdir("drill-run-123456789"),   // made by a drill that put no owner in the name
			mkdir("drill-cli-" + liveTok),  // not a kind drill cleans
			mkdir("drill-run-notapid-666"), // not a pid
			mkdir("other-" + strconv.Itoa(stacktest.DeadPID()) + "-777"),
		}

		removed, err := stack.CleanTemp(stack.CleanTempRoot(root))
		Expect(err).NotTo(HaveOccurred())
		Expect(removed.TempDirs).To(ConsistOf(dead))
		Expect(removed.Containers).To(BeEmpty())
		for _, d := range dead {
			Expect(d).NotTo(BeADirectory())
		}
		for _, k := range kept {
			Expect(k).To(BeADirectory())
		}

		By("the live drill dying")
		Expect(live.Process.Kill()).To(Succeed())
		_ = live.Wait()
		removed, err = stack.CleanTemp(stack.CleanTempRoot(root))
		Expect(err).NotTo(HaveOccurred())
		Expect(removed.TempDirs).To(ConsistOf(kept[0]))

		By("CleanAll taking the dirs of live drills too, but never this process's own")
		again := mkdir("drill-run-1." + startTime(1) + "-888")
		removed, err = stack.CleanTemp(stack.CleanTempRoot(root), stack.CleanAll())
		Expect(err).NotTo(HaveOccurred())
		Expect(removed.TempDirs).To(ConsistOf(again))
		Expect(kept[1]).To(BeADirectory())
	})

	It("finds the dirs a process stack makes in $TMPDIR by their owner", func(ctx SpecContext) {
		bin := GinkgoT().TempDir()
		prev, had := os.LookupEnv(fixture.DirEnv)
		Expect(testenv.BuildFixtures(ctx, bin)).To(Succeed())
		DeferCleanup(func() {
			if had {
				os.Setenv(fixture.DirEnv, prev)
			} else {
				os.Unsetenv(fixture.DirEnv)
			}
		})
		GinkgoT().Setenv("TMPDIR", root)
		st, err := process.New().Up(ctx, stacktest.LedgerStack())
		if st != nil {
			DeferCleanup(func(ctx SpecContext) { Expect(st.Down(ctx)).To(Succeed()) })
		}
		Expect(err).NotTo(HaveOccurred())
		ents, err := os.ReadDir(root)
		Expect(err).NotTo(HaveOccurred())
		Expect(ents).To(HaveLen(1))
		Expect(ents[0].Name()).To(HavePrefix("drill-run-" + strconv.Itoa(os.Getpid()) + "." + startTime(os.Getpid()) + "-"))

		removed, err := stack.CleanTemp(stack.CleanTempRoot(root), stack.CleanAll())
		Expect(err).NotTo(HaveOccurred())
		Expect(removed.Empty()).To(BeTrue(), "a live stack's data is never removed, not even by CleanAll")
	})
})
