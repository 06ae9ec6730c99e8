package process

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/stack"
)

var _ = Describe("the cgroups of a drill that died", func() {
	It("are swept, with what they still hold", func() {
		if err := os.MkdirAll(filepath.Join(freezerRoot, "drill-probe"), 0o755); err != nil {
			Skip("needs root and the cgroup v1 freezer")
		}
		Expect(os.Remove(filepath.Join(freezerRoot, "drill-probe"))).To(Succeed())
		// A pid past any pid_max: no process has it, as none has a dead drill's.
		dead := filepath.Join(freezerRoot, "drill-"+strconv.Itoa(1<<22+1))
		left := &cgroup{dir: filepath.Join(dead, "1-pg")}
		Expect(os.MkdirAll(left.dir, 0o755)).To(Succeed())
		DeferCleanup(func() { _ = left.destroy(); _ = os.Remove(dead) })
		orphan := exec.Command("sleep", "1000")
		Expect(orphan.Start()).To(Succeed())
		DeferCleanup(func() { _ = orphan.Process.Kill() })
		Expect(left.join(orphan.Process.Pid)).To(Succeed())
		exited := make(chan error, 1)
		go func() { exited <- orphan.Wait() }()

		sweepCgroups()
		Eventually(exited, 5*time.Second).Should(Receive(), "the process a dead drill left in its cgroup runs on")
		Expect(dead).NotTo(BeADirectory())
	})

	It("are swept by drill clean when empty too, and reported; a live drill's are left alone", func() {
		if err := os.MkdirAll(filepath.Join(freezerRoot, "drill-probe"), 0o755); err != nil {
			Skip("needs root and the cgroup v1 freezer")
		}
		Expect(os.Remove(filepath.Join(freezerRoot, "drill-probe"))).To(Succeed())
		live := newCgroup("live") // this process's: a live drill's
		Expect(live).NotTo(BeNil())
		DeferCleanup(func() { _ = live.destroy(); _ = os.Remove(filepath.Dir(live.dir)) })
		dead := filepath.Join(freezerRoot, "drill-"+strconv.Itoa(1<<22+2))
		var empty []string
		for _, sub := range []string{"1-pg", "2-pg", "3-app"} {
			empty = append(empty, filepath.Join(dead, sub))
			Expect(os.MkdirAll(empty[len(empty)-1], 0o755)).To(Succeed())
		}
		DeferCleanup(func() {
			for _, d := range empty {
				_ = os.Remove(d)
			}
			_ = os.Remove(dead)
		})

		removed, err := Clean(context.Background(), stack.CleanAll())
		Expect(err).NotTo(HaveOccurred())
		Expect(removed.Cgroups).To(ContainElements(append(empty, dead)))
		Expect(removed.Empty()).To(BeFalse())
		Expect(dead).NotTo(BeADirectory())
		Expect(live.dir).To(BeADirectory(), "a live drill's cgroup is its own")
	})
})
