package main_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/testenv"
	"github.com/drillhq/drill/internal/trial"
)

// stagingState is what a team would check of its staging ledger before and after a
// drill: the process (pid and start time, so a restart under the same pid shows), the
// release it reports and its flag.
type stagingState struct {
	pid          int
	started      string
	version, flg string
}

// readStaging reads the state of the ledger staging.sh runs from dir on port.
func readStaging(dir string, port int) stagingState {
	GinkgoHelper()
	b, err := os.ReadFile(filepath.Join(dir, "ledger.pid"))
	Expect(err).NotTo(HaveOccurred())
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	Expect(err).NotTo(HaveOccurred())
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	Expect(err).NotTo(HaveOccurred(), "the ledger runs")
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	get := func(path string) string {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d%s", port, path))
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		Expect(err).NotTo(HaveOccurred())
		return fmt.Sprintf("%d %s", resp.StatusCode, bytes.TrimSpace(body))
	}
	return stagingState{pid: pid, started: fields[19], version: get("/version"), flg: get("/flags/new-path")}
}

// externalStaging starts the example's staging ledger outside drill (stopped when the
// spec ends) and writes the example scenario, pointed at it and edited by edits (old,
// new pairs), into dir; it returns the scenario's path, the ledger's port and the
// environment the hooks' staging.sh needs.
func externalStaging(dir string, edits ...string) (string, int, []string) {
	GinkgoHelper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	port := ln.Addr().(*net.TCPAddr).Port
	Expect(ln.Close()).To(Succeed())
	example := filepath.Join(testenv.ModuleRoot(), "examples", "external-staging")
	script := filepath.Join(example, "staging.sh")
	env := []string{"DRILL=" + filepath.Join(binDir, "drill"), "STAGING_DIR=" + dir, "LEDGER_PORT=" + strconv.Itoa(port)}
	staging := func(args ...string) {
		cmd := exec.Command("sh", append([]string{script}, args...)...)
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
	}
	staging("start")
	DeferCleanup(staging, "stop")
	b, err := os.ReadFile(filepath.Join(example, "scenario.yaml"))
	Expect(err).NotTo(HaveOccurred())
	sc := strings.ReplaceAll(string(b), "127.0.0.1:18080", "127.0.0.1:"+strconv.Itoa(port))
	sc = strings.ReplaceAll(sc, "examples/external-staging/staging.sh", script)
	for i := 0; i+1 < len(edits); i += 2 {
		Expect(sc).To(ContainSubstring(edits[i]))
		sc = strings.Replace(sc, edits[i], edits[i+1], 1)
	}
	path := filepath.Join(dir, "external.yaml")
	Expect(os.WriteFile(path, []byte(sc), 0o644)).To(Succeed())
	return path, port, env
}

// neverTriggered edits the example so that its trigger never fires and its rollback
// times out after 1s: the trial ends with v2 deployed unless drill undoes it.
var neverTriggered = []string{"condition: error_rate > 0.5", "condition: error_rate > 2", "timeout: 30s", "timeout: 1s"}

var _ = Describe("an external stack", func() {
	It("drills services started outside drill through the team's hooks and leaves them as it found them", func() {
		dir := GinkgoT().TempDir()
		path, port, env := externalStaging(dir)
		before := readStaging(dir, port)
		Expect(before.flg).To(Equal(`200 {"name":"new-path","enabled":false}`))

		var stdout, stderr bytes.Buffer
		cmd := drill(dir, "run", path, "--trials", "10", "--out", "out")
		cmd.Env = append(cmd.Env, env...) // the hooks' staging.sh
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		start := time.Now()
		code := exitCode(cmd.Run())
		Expect(code).To(Equal(3), "10 trials cannot bound p90 at 95%%: inconclusive\n%s\n%s", stdout.String(), stderr.String())
		By(fmt.Sprintf("10 trials in %s", time.Since(start).Round(time.Millisecond)))
		Expect(stderr.String()).To(ContainSubstring("runtime: external"))

		files, _ := filepath.Glob(filepath.Join(dir, "out", "*.json"))
		Expect(files).To(HaveLen(1))
		res, err := report.Read(files[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Runtime).To(Equal("external"))
		Expect(res.Trials).To(HaveLen(10))
		Expect(res.Summary.Recovered).To(Equal(10), stdout.String())
		for _, t := range res.Trials {
			Expect(t.Timing.RTC).NotTo(BeNil(), "trial %d measured its RTC", t.Index)
			Expect(*t.Timing.RTC).To(BeNumerically(">", 0))
			Expect(t.Loss).NotTo(BeNil(), "trial %d measured its RPC", t.Index)
			Expect(t.Loss.Acked).To(BeNumerically(">", 0))
			Expect(t.Loss.Lost).To(BeEmpty(), "the ledger syncs every write: nothing acknowledged is lost")
			Expect(t.Loss.Stable).To(Equal(t.Loss.Acked))
		}

		By("the ledger runs on as it was found: the same process, release and flag")
		Expect(readStaging(dir, port)).To(Equal(before))
		Expect(syscall.Kill(before.pid, 0)).To(Succeed())
	})

	It("undoes the change of a trial whose rollback never ran", func() {
		dir := GinkgoT().TempDir()
		path, port, env := externalStaging(dir, neverTriggered...)
		before := readStaging(dir, port)
		cmd := drill(dir, "run", path, "--trials", "2", "--out", "out")
		cmd.Env = append(cmd.Env, env...)
		out, err := cmd.CombinedOutput()
		Expect(exitCode(err)).To(Equal(1), "no trial recovered: the success rate failed\n%s", out)
		files, _ := filepath.Glob(filepath.Join(dir, "out", "*.json"))
		Expect(files).To(HaveLen(1))
		res, err := report.Read(files[0])
		Expect(err).NotTo(HaveOccurred())
		for _, t := range res.Trials {
			Expect(t.Events).To(ContainElement(HaveField("Name", trial.EventResetRun)), "trial %d", t.Index)
		}
		Expect(readStaging(dir, port)).To(Equal(before), "the flag is off again, the process the same")
	})

	It("refuses parallel trials, whose changes would meet on the shared services, before anything starts", func() {
		dir := GinkgoT().TempDir()
		path, port, env := externalStaging(dir)
		before := readStaging(dir, port)
		cmd := drill(dir, "run", path, "--trials", "2", "--parallel", "2", "--out", "out")
		cmd.Env = append(cmd.Env, env...)
		out, err := cmd.CombinedOutput()
		Expect(exitCode(err)).To(Equal(2), string(out))
		Expect(string(out)).To(ContainSubstring("external services are shared by every trial"))
		Expect(readStaging(dir, port)).To(Equal(before))
	})

	It("undoes the change when interrupted mid-trial", func() {
		dir := GinkgoT().TempDir()
		path, port, env := externalStaging(dir, neverTriggered[:2]...) // waits 30s for a trigger: interrupted in the wait
		before := readStaging(dir, port)
		cmd := drill(dir, "run", path, "--trials", "2", "--out", "out")
		cmd.Env = append(cmd.Env, env...)
		session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { session.Kill().Wait(10 * time.Second) })
		Eventually(session.Err, 30*time.Second).Should(gbytes.Say(`trial 1\s+t_fault`))
		Eventually(func() string { return readStaging(dir, port).flg }, 5*time.Second).Should(ContainSubstring(`"enabled":true`), "the change is live")
		Expect(session.Command.Process.Signal(syscall.SIGTERM)).To(Succeed())
		Eventually(session, 15*time.Second).Should(gexec.Exit(130))
		Expect(readStaging(dir, port)).To(Equal(before))
	})
})
