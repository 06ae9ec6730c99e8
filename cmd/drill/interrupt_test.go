package main_test

import (
	"bufio"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// signalDuringInit starts cmd with Go's trace of package initialisation (one line as
// each package's init ends), freezes it once drill's early signal handling
// (internal/interrupt) has initialised, sends sig and lets it go on. It returns the
// stderr lines drill wrote after the signal, once it exited; the spec fails unless
// packages were still initialising then, before main.
func signalDuringInit(cmd *exec.Cmd, sig syscall.Signal) []string {
	GinkgoHelper()
	cmd.Env = append(cmd.Env, "GODEBUG=inittrace=1")
	stderr, err := cmd.StderrPipe()
	Expect(err).NotTo(HaveOccurred())
	Expect(cmd.Start()).To(Succeed())
	DeferCleanup(func() { _ = cmd.Process.Kill() })
	var (
		mu    sync.Mutex
		lines []string
	)
	stopped, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer GinkgoRecover()
		defer close(done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			mu.Lock()
			lines = append(lines, sc.Text())
			mu.Unlock()
			if strings.HasPrefix(sc.Text(), "init github.com/drillhq/drill/internal/interrupt ") {
				// Freeze drill where it is: the signal is delivered when it continues.
				Expect(cmd.Process.Signal(syscall.SIGSTOP)).To(Succeed())
				close(stopped)
			}
		}
	}()
	Eventually(stopped, 30*time.Second).Should(BeClosed(), "drill's early signal handling never initialised")
	time.Sleep(200 * time.Millisecond) // what drill wrote before it stopped is read by then
	mu.Lock()
	before := len(lines)
	mu.Unlock()
	Expect(cmd.Process.Signal(sig)).To(Succeed())
	Expect(cmd.Process.Signal(syscall.SIGCONT)).To(Succeed())
	Eventually(done, 60*time.Second).Should(BeClosed())
	_ = cmd.Wait()
	mu.Lock()
	defer mu.Unlock()
	after := lines[before:]
	inits := 0
	for _, l := range after {
		if strings.HasPrefix(l, "init ") {
			inits++
		}
	}
	Expect(inits).To(BeNumerically(">", 0), "the signal reached drill while packages were still initialising, before main")
	return after
}

var _ = Describe("drill signalled while its packages initialise", func() {
	It("a run exits 130, not killed by the signal, although main had not run yet", func() {
		dir := GinkgoT().TempDir()
		cmd := drill(dir, "run", quickScenario(dir, 1), "--runtime", "process", "--out", "out")
		after := signalDuringInit(cmd, syscall.SIGTERM)
		ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
		Expect(ws.Signaled()).To(BeFalse(), "killed by %s", ws.Signal())
		Expect(cmd.ProcessState.ExitCode()).To(Equal(130), strings.Join(after, "\n"))
		Expect(strings.Join(after, "\n")).To(ContainSubstring("drill: interrupted"))
	})

	It("a fixture it hosts still ends by the signal: drill's early handling gives it back", func() {
		dir := GinkgoT().TempDir()
		cmd := drill(dir, "fixture", "ledger")
		cmd.Env = append(cmd.Env, "HOST=127.0.0.1", "PORT=0", "LEDGER_DATA="+dir+"/data")
		// A fixture whose signal drill swallowed would serve on: signalDuringInit waits
		// for it to end. It ends by the signal, sent again once released, or, when its
		// own handling is installed by then, by stopping cleanly.
		signalDuringInit(cmd, syscall.SIGTERM)
		ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if ws.Signaled() {
			Expect(ws.Signal()).To(Equal(syscall.SIGTERM))
		} else {
			Expect(ws.ExitStatus()).To(BeZero())
		}
	})
})
