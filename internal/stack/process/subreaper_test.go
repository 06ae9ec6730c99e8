package process_test

import (
	"context"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/fixture"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/testenv"
)

// escaper is a command service whose shell double-forks a sleep into a session of its
// own (its parent exits at once), records the escapee's pid and its own, then becomes a
// sleep itself.
func escaper() scenario.Service {
	svc := cmdService("escaper", &scenario.Ready{Log: "ready"}, "sh", "-c",
		`echo $$ > "$DATA_DIR/main"; setsid sh -c 'sleep 1000 & echo $! > "$DATA_DIR/escapee"'; echo ready; exec sleep 1000`)
	return svc
}

// pidIn reads a pid the service recorded in its data directory.
func pidIn(dir, name string) int {
	GinkgoHelper()
	pid, err := strconv.Atoi(strings.TrimSpace(readFile(filepath.Join(dir, name))))
	Expect(err).NotTo(HaveOccurred(), "the service records its %s pid", name)
	return pid
}

// parentOf is the parent pid of pid, from /proc.
func parentOf(pid int) int {
	s := readFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	f := strings.Fields(s[strings.LastIndex(s, ")")+1:])
	n, _ := strconv.Atoi(f[1])
	return n
}

// freezerOf is the freezer cgroup pid is in ("/": the root, none of its own), from /proc.
func freezerOf(pid int) string {
	for _, line := range strings.Split(readFile(filepath.Join("/proc", strconv.Itoa(pid), "cgroup")), "\n") {
		if f := strings.SplitN(line, ":", 3); len(f) == 3 && f[1] == "freezer" {
			return f[2]
		}
	}
	return ""
}

// haveFreezer says whether this machine lets drill make freezer cgroups (v1, root).
func haveFreezer() bool {
	dir, err := os.MkdirTemp("/sys/fs/cgroup/freezer", "drill-probe-")
	if err != nil {
		return false
	}
	return os.Remove(dir) == nil
}

// uidOf is the real uid of pid, from /proc.
func uidOf(pid int) string {
	for _, line := range strings.Split(readFile(filepath.Join("/proc", strconv.Itoa(pid), "status")), "\n") {
		if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
			return strings.Fields(rest)[0]
		}
	}
	return ""
}

var _ = Describe("kills that reach double-forked processes on the process runtime", Ordered, func() {
	var drillDir string
	BeforeAll(func() {
		drillDir = GinkgoT().TempDir()
		prev, had := os.LookupEnv(fixture.DirEnv)
		Expect(testenv.BuildFixtures(context.Background(), drillDir)).To(Succeed())
		DeferCleanup(func() {
			if had {
				os.Setenv(fixture.DirEnv, prev)
			} else {
				os.Unsetenv(fixture.DirEnv)
			}
		})
	})

	// upEscaper starts the escaper as userName (empty: drill's user) through the drill in
	// drillDir, and returns the service, its own pid and the escapee's.
	upEscaper := func(userName string) (stack.Stack, stack.Service, int, int) {
		GinkgoHelper()
		GinkgoT().Setenv(fixture.DirEnv, drillDir)
		svc := escaper()
		svc.User = userName
		st, err := upStack(scenario.Stack{Services: []scenario.Service{svc}})
		Expect(err).NotTo(HaveOccurred())
		s, err := st.Service("escaper")
		Expect(err).NotTo(HaveOccurred())
		dir := dataDir(st, "escaper")
		main, escapee := pidIn(dir, "main"), pidIn(dir, "escapee")
		DeferCleanup(func() { _ = syscall.Kill(escapee, syscall.SIGKILL) }) // whatever the outcome
		Expect(alive(escapee)).To(BeTrue())
		Expect(sessionOf(escapee)).NotTo(Equal(sessionOf(main)), "the escapee left the service's session")
		Expect(parentOf(escapee)).To(Equal(main), "the orphan was reparented to the service's process, not to init")
		return st, s, main, escapee
	}

	It("kills the escapee with the service (kill fault), again once revived by its spare", func() {
		st, s, main, escapee := upEscaper("")
		Expect(s.(stack.Controller).Kill(context.Background())).To(Succeed())
		Expect(alive(main)).To(BeFalse())
		Expect(alive(escapee)).To(BeFalse(), "escapee %d survived the kill", escapee)

		// The next instance starts from the spare made ready meanwhile.
		Expect(s.(stack.Reviver).Revive(context.Background())).To(Succeed())
		dir := dataDir(st, "escaper")
		main2, escapee2 := pidIn(dir, "main"), pidIn(dir, "escapee")
		DeferCleanup(func() { _ = syscall.Kill(escapee2, syscall.SIGKILL) })
		Expect(main2).NotTo(Equal(main))
		Expect(parentOf(escapee2)).To(Equal(main2))
		Expect(s.(stack.Controller).Kill(context.Background())).To(Succeed())
		Expect(alive(escapee2)).To(BeFalse(), "escapee %d of the revived instance survived the kill", escapee2)
	})

	It("kills the escapee at teardown, and leaves no cgroup behind", func() {
		st, _, main, escapee := upEscaper("")
		cg := freezerOf(main)
		if haveFreezer() {
			Expect(cg).NotTo(Equal("/"), "the instance has a freezer cgroup of its own")
			Expect(freezerOf(escapee)).To(Equal(cg))
		}
		Expect(st.Down(context.Background())).To(Succeed())
		Expect(alive(main)).To(BeFalse())
		Expect(alive(escapee)).To(BeFalse(), "escapee %d survived teardown", escapee)
		if cg != "/" {
			Expect(filepath.Join("/sys/fs/cgroup/freezer", cg)).NotTo(BeADirectory())
		}
	})

	It("kills what a crashed instance left running when the service is revived (its cgroup)", func() {
		if !haveFreezer() {
			Skip("needs root and the cgroup v1 freezer: without them a crash's orphans run on (the documented limit)")
		}
		GinkgoT().Setenv(fixture.DirEnv, drillDir)
		svc := cmdService("crasher", &scenario.Ready{Log: "ready"}, "sh", "-c",
			`echo $$ > "$DATA_DIR/main"; setsid sh -c 'sleep 1000 & echo $! > "$DATA_DIR/escapee"'; echo ready; `+
				`while [ ! -e "$DATA_DIR/crash" ]; do sleep 0.02; done; exit 3`)
		st, err := upStack(scenario.Stack{Services: []scenario.Service{svc}})
		Expect(err).NotTo(HaveOccurred())
		s, _ := st.Service("crasher")
		dir := dataDir(st, "crasher")
		main, escapee := pidIn(dir, "main"), pidIn(dir, "escapee")
		DeferCleanup(func() { _ = syscall.Kill(escapee, syscall.SIGKILL) })

		Expect(os.WriteFile(filepath.Join(dir, "crash"), nil, 0o644)).To(Succeed())
		Eventually(func() bool { return alive(main) }, 5*time.Second, 10*time.Millisecond).Should(BeFalse())
		Expect(alive(escapee)).To(BeTrue(), "the crash left its orphan running")
		Expect(parentOf(escapee)).NotTo(Equal(main), "out of any tree drill could walk")

		Expect(os.Remove(filepath.Join(dir, "crash"))).To(Succeed())
		Expect(s.(stack.Reviver).Revive(context.Background())).To(Succeed())
		DeferCleanup(func() { _ = syscall.Kill(pidIn(dir, "escapee"), syscall.SIGKILL) })
		Expect(alive(escapee)).To(BeFalse(), "orphan %d of the crashed instance survived the revive", escapee)
	})

	It("runs the service as its own user, and still kills the escapee", func() {
		nobody, err := user.Lookup("nobody")
		if err != nil || os.Geteuid() != 0 {
			Skip("needs root and the user nobody")
		}
		_, s, main, escapee := upEscaper("nobody")
		Expect(uidOf(main)).To(Equal(nobody.Uid))
		Expect(uidOf(escapee)).To(Equal(nobody.Uid))
		Expect(s.(stack.Controller).Kill(context.Background())).To(Succeed())
		Expect(alive(escapee)).To(BeFalse(), "escapee %d survived the kill", escapee)
	})

	It("without a drill binary to start the service through, loses the escapee from the tree; only the cgroup holds it", func() {
		GinkgoT().Setenv(fixture.DirEnv, "") // a test binary is not drill: the command starts directly
		st, err := upStack(scenario.Stack{Services: []scenario.Service{escaper()}})
		Expect(err).NotTo(HaveOccurred())
		s, _ := st.Service("escaper")
		dir := dataDir(st, "escaper")
		main, escapee := pidIn(dir, "main"), pidIn(dir, "escapee")
		DeferCleanup(func() { _ = syscall.Kill(escapee, syscall.SIGKILL) })
		Expect(parentOf(escapee)).NotTo(Equal(main))
		inCgroup := freezerOf(escapee) != "/" && freezerOf(escapee) == freezerOf(main)
		Expect(s.(stack.Controller).Kill(context.Background())).To(Succeed())
		if inCgroup {
			Expect(alive(escapee)).To(BeFalse(), "escapee %d survived the kill of its cgroup", escapee)
		} else {
			Consistently(func() bool { return alive(escapee) }, 200*time.Millisecond, 20*time.Millisecond).Should(BeTrue())
		}
	})
})
