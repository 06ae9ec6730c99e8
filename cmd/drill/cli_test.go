package main_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
)

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	Expect(err).NotTo(HaveOccurred())
	return 0
}

// quickScenario is the reference scenario with fewer trials and a shorter warm-up.
func quickScenario(dir string, trials int) string {
	b, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(), "scenarios", "bad-release.yaml"))
	Expect(err).NotTo(HaveOccurred())
	s := strings.Replace(string(b), "trials: 30", "trials: "+strconv.Itoa(trials), 1)
	path := filepath.Join(dir, "quick.yaml")
	Expect(os.WriteFile(path, []byte(s), 0o644)).To(Succeed())
	return path
}

// ledgerProcesses lists running fixtures started from the suite's drill binary
// ("drill fixture ledger").
func ledgerProcesses() []string {
	var found []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		argv, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.HasPrefix(exe, binDir) && bytes.Contains(argv, []byte("\x00fixture\x00")) {
			found = append(found, e.Name()+" "+exe+" "+string(bytes.ReplaceAll(argv, []byte{0}, []byte{' '})))
		}
	}
	return found
}

var _ = Describe("drill validate", func() {
	It("names the file, the line and the nearest key for a misspelled key, with the config-error code", func() {
		dir := GinkgoT().TempDir()
		b, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(), "scenarios", "bad-release.yaml"))
		Expect(err).NotTo(HaveOccurred())
		bad := strings.Replace(string(b), "\nrollback:", "\nrollbak:", 1)
		line := strings.Count(bad[:strings.Index(bad, "rollbak:")], "\n") + 1
		Expect(os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte(bad), 0o644)).To(Succeed())

		var stderr bytes.Buffer
		cmd := drill(dir, "validate", "bad.yaml")
		cmd.Stderr = &stderr
		Expect(exitCode(cmd.Run())).To(Equal(2))
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		Expect(lines[0]).To(ContainSubstring("bad.yaml:%d:", line))
		Expect(lines[0]).To(ContainSubstring(`"rollbak"`))
		Expect(lines[0]).To(ContainSubstring(`did you mean "rollback"`))
		Expect(stderr.String()).NotTo(ContainSubstring("goroutine"))
	})

	It("accepts every reference scenario", func() {
		files, err := filepath.Glob(filepath.Join(testenv.ModuleRoot(), "scenarios", "*.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(files).NotTo(BeEmpty())
		out, err := drill(GinkgoT().TempDir(), append([]string{"validate"}, files...)...).CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
	})

	It("rejects an unknown command and a bad flag with the usage code", func() {
		Expect(exitCode(drill(GinkgoT().TempDir(), "rnu").Run())).To(Equal(2))
		Expect(exitCode(drill(GinkgoT().TempDir(), "run", "x.yaml", "--trails", "3").Run())).To(Equal(2))
	})
})

var _ = Describe("drill run on the process runtime", func() {
	It("runs trials, prints per-trial measures, writes results, and says how many trials would decide", func() {
		dir := GinkgoT().TempDir()
		path := quickScenario(dir, 2)
		var stdout, stderr bytes.Buffer
		cmd := drill(dir, "run", path, "--runtime", "process", "--out", "out")
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		code := exitCode(cmd.Run())
		Expect(code).To(Equal(3), "2 trials cannot decide p90 at 95%%: inconclusive\n%s\n%s", stdout.String(), stderr.String())
		Expect(stdout.String()).To(ContainSubstring("INCONCLUSIVE"))
		Expect(stdout.String()).To(ContainSubstring("29 needed"))
		Expect(stdout.String()).To(MatchRegexp(`\| 1 \| recovered \| [0-9.]+ms \|`))
		Expect(stdout.String()).To(MatchRegexp(`\| 2 \| recovered \| [0-9.]+ms \|`))
		files, _ := filepath.Glob(filepath.Join(dir, "out", "*.json"))
		Expect(files).To(HaveLen(1))
		res, err := report.Read(files[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Trials).To(HaveLen(2))
		Expect(res.Summary.Recovered).To(Equal(2))
		Expect(res.Runtime).To(Equal("process"))

		// drill check re-derives every measure from the stored raw records...
		out, err := drill(dir, "check", files[0]).CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(ContainSubstring("reproduced exactly"))
		// ...and notices a stored measure that the records do not support.
		b, err := os.ReadFile(files[0])
		Expect(err).NotTo(HaveOccurred())
		forged := regexp.MustCompile(`"rtc_ms": [0-9.]+`).ReplaceAll(b, []byte(`"rtc_ms": 1`))
		Expect(forged).NotTo(Equal(b), "the results file should hold an RTC to forge")
		Expect(os.WriteFile(files[0], forged, 0o644)).To(Succeed())
		cmd = drill(dir, "check", files[0])
		out, err = cmd.CombinedOutput()
		Expect(exitCode(err)).To(Equal(1), string(out))
		Expect(string(out)).To(ContainSubstring("NOT reproduced"))
		Expect(ledgerProcesses()).To(BeEmpty())
		Expect(os.ReadDir(filepath.Join(dir, "tmp"))).To(BeEmpty())
	})

	DescribeTable("reverts and removes everything when interrupted mid-trial, and exits with the interrupted code", func(sig syscall.Signal) {
		dir := GinkgoT().TempDir()
		path := quickScenario(dir, 5)
		cmd := drill(dir, "run", path, "--runtime", "process", "--out", "out")
		session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(session.Kill)
		// Mid-trial: the second trial's change is being deployed (a recreate: for a moment
		// no ledger process runs, then v2 does).
		Eventually(session.Err, 60*time.Second).Should(gbytes.Say(`trial 2\s+t_fault`))
		Eventually(ledgerProcesses, 5*time.Second, 2*time.Millisecond).ShouldNot(BeEmpty(), "the trial's service should be running")
		sent := time.Now()
		Expect(cmd.Process.Signal(sig)).To(Succeed())
		Eventually(session, 10*time.Second).Should(gexec.Exit(130))
		GinkgoWriter.Printf("exited %s after %s\n", time.Since(sent), sig)
		Expect(session.Err).To(gbytes.Say("interrupted"))
		Expect(ledgerProcesses()).To(BeEmpty())
		Expect(os.ReadDir(filepath.Join(dir, "tmp"))).To(BeEmpty())
		res, err := filepath.Glob(filepath.Join(dir, "out", "*.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(res).To(HaveLen(1), "the trials done so far are still written")
	},
		Entry("Ctrl-C (SIGINT)", syscall.SIGINT),
		Entry("SIGTERM from a scheduler", syscall.SIGTERM),
	)
})
