package main_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
)

// ownedDirs lists the temporary directories in dir/tmp named after the drill process pid.
func ownedDirs(dir string, pid int) []string {
	GinkgoHelper()
	m, err := filepath.Glob(filepath.Join(dir, "tmp", "drill-*-"+strconv.Itoa(pid)+".*"))
	Expect(err).NotTo(HaveOccurred())
	return m
}

var _ = Describe("a drill killed outright on the process runtime", func() {
	// killMidTrial starts a process run, SIGKILLs it once trial 1's change is made, and
	// returns its pid after checking that its data dir was left behind.
	killMidTrial := func(dir string) int {
		GinkgoHelper()
		session, err := gexec.Start(drill(dir, "run", quickScenario(dir, 5), "--runtime", "process", "--out", "out"), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { session.Kill().Wait(10 * time.Second) })
		Eventually(session.Err, 60*time.Second).Should(gbytes.Say(`trial 1\s+t_fault`))
		pid := session.Command.Process.Pid
		Expect(session.Command.Process.Signal(syscall.SIGKILL)).To(Succeed())
		Eventually(session, 10*time.Second).Should(gexec.Exit())
		Expect(ownedDirs(dir, pid)).To(HaveLen(1), "a killed drill cannot remove its data dir: a leftover")
		Eventually(ledgerProcesses, 5*time.Second).Should(BeEmpty(), "its services die with it")
		return pid
	}

	It("leaves a dir that drill clean removes, and an audit log that verify calls unfinished (exit 5)", func() {
		dir := GinkgoT().TempDir()
		pid := killMidTrial(dir)

		logs, err := filepath.Glob(filepath.Join(dir, "out", "*.audit.jsonl"))
		Expect(err).NotTo(HaveOccurred())
		Expect(logs).To(HaveLen(1))
		var out bytes.Buffer
		verify := drill(dir, "audit", "verify", logs[0])
		verify.Stdout = &out
		Expect(exitCode(verify.Run())).To(Equal(5))
		Expect(out.String()).To(ContainSubstring(logs[0] + ": UNFINISHED RUN: "))
		Expect(out.String()).NotTo(ContainSubstring(": ok"))

		out.Reset()
		clean := drill(dir, "clean")
		clean.Stdout = &out
		Expect(clean.Run()).To(Succeed())
		Expect(out.String()).To(MatchRegexp(`removed .*\b1 temporary dirs`))
		Expect(ownedDirs(dir, pid)).To(BeEmpty())
		ents, err := os.ReadDir(filepath.Join(dir, "tmp"))
		Expect(err).NotTo(HaveOccurred())
		Expect(ents).To(BeEmpty(), "nor anything of the clean itself")
	})

	It("leaves an unfinished results file that drill clean --out removes, never a live run's", func() {
		dir := GinkgoT().TempDir()
		unfinished := func(pid int) []string {
			m, err := filepath.Glob(filepath.Join(dir, "out", ".drill-write-"+strconv.Itoa(pid)+".*"))
			Expect(err).NotTo(HaveOccurred())
			return m
		}
		// A live run streaming its raw records into the same --out, started first.
		live, err := gexec.Start(drill(dir, "run", quickScenario(dir, 30), "--runtime", "process", "--out", "out"), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { live.Kill().Wait(10 * time.Second) })
		Eventually(func() []string { return unfinished(live.Command.Process.Pid) }, 60*time.Second).ShouldNot(BeEmpty())
		foreign := filepath.Join(dir, "out", ".drill-write-notes")
		Expect(os.WriteFile(foreign, []byte("not drill's"), 0o644)).To(Succeed())

		killed := killMidTrial(dir)
		left := unfinished(killed)
		Expect(left).NotTo(BeEmpty(), "a drill killed mid-run cannot finish its streamed raw records: a leftover")

		var out bytes.Buffer
		clean := drill(dir, "clean", "--out", "out")
		clean.Stdout = &out
		Expect(clean.Run()).To(Succeed())
		Expect(out.String()).To(ContainSubstring(strconv.Itoa(len(left)) + " unfinished results files in out"))
		Expect(unfinished(killed)).To(BeEmpty())
		Expect(unfinished(live.Command.Process.Pid)).NotTo(BeEmpty(), "the live run's file is still being written")
		Expect(foreign).To(BeAnExistingFile(), "a file drill did not name is not drill's to remove")

		Expect(live.Command.Process.Signal(syscall.SIGTERM)).To(Succeed())
		Eventually(live, 60*time.Second).Should(gexec.Exit(130))
		Expect(unfinished(live.Command.Process.Pid)).To(BeEmpty(), "the live run finished its own file")
	})

	It("leaves a dir that the next run removes before it starts, and says so", func() {
		dir := GinkgoT().TempDir()
		killed := killMidTrial(dir)

		next, err := gexec.Start(drill(dir, "run", quickScenario(dir, 1), "--runtime", "process", "--out", "out2"), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { next.Kill().Wait(10 * time.Second) })
		Eventually(next, 2*time.Minute).Should(gexec.Exit())
		Expect(next.ExitCode()).To(BeElementOf(0, 1, 3))
		Expect(next.Err).To(gbytes.Say(`removed leftovers of dead drill runs: 1 temporary dirs`))
		Expect(ownedDirs(dir, killed)).To(BeEmpty())
		ents, err := os.ReadDir(filepath.Join(dir, "tmp"))
		Expect(err).NotTo(HaveOccurred())
		Expect(ents).To(BeEmpty(), "the next run removes its own dir too")
	})
})
