package main_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/drillhq/drill/internal/testenv"
)

// runDrill runs drill in a fresh directory and returns its exit code, stdout and stderr.
func runDrill(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	cmd := drill(GinkgoT().TempDir(), args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return exitCode(cmd.Run()), stdout.String(), stderr.String()
}

var _ = Describe("drill's command line", func() {
	DescribeTable("--help prints the command's synopsis and flags on stdout and exits 0",
		func(args []string, synopsis string, flags ...string) {
			code, stdout, stderr := runDrill(args...)
			Expect(code).To(Equal(0), stderr)
			Expect(stderr).To(BeEmpty())
			Expect(stdout).To(HavePrefix("Usage: " + synopsis + "\n"))
			for _, f := range flags {
				Expect(stdout).To(ContainSubstring("\n  -" + f))
			}
			if len(flags) == 0 {
				Expect(stdout).To(ContainSubstring("No flags."))
			}
		},
		Entry("run", []string{"run", "--help"}, "drill run FILE... [flags]", "trials", "seed", "runtime", "out", "keep-raw", "quiet"),
		Entry("run -h after a file", []string{"run", "x.yaml", "-h"}, "drill run FILE... [flags]", "trials"),
		Entry("run's game day", []string{"run", "--help"}, "drill run FILE... [flags]", "interactive", "operator", "decisions-out"),
		Entry("compare", []string{"compare", "--help"}, "drill compare FILE [flags]", "trials", "seed", "runtime", "out"),
		Entry("validate", []string{"validate", "--help"}, "drill validate FILE... [flags]", "runtime"),
		Entry("plan", []string{"plan", "--help"}, "drill plan FILE"),
		Entry("report", []string{"report", "--help"}, "drill report DIR... [flags]", "quarter", "since", "until", "out"),
		Entry("check", []string{"check", "--help"}, "drill check RESULTS.json..."),
		Entry("audit", []string{"audit", "--help"}, "drill audit verify [flags] FILE...", "digest"),
		Entry("audit verify", []string{"audit", "verify", "--help"}, "drill audit verify [flags] FILE...", "digest"),
		Entry("images", []string{"images", "--help"}, "drill images [FILE...]"),
		Entry("clean", []string{"clean", "--help"}, "drill clean [flags]", "all"),
		Entry("version", []string{"version", "--help"}, "drill version"),
	)

	DescribeTable("an unknown flag or argument is a usage error: exit 2, one line naming the command's --help",
		func(args ...string) {
			code, stdout, stderr := runDrill(args...)
			Expect(code).To(Equal(2))
			Expect(stdout).To(BeEmpty())
			Expect(strings.Split(strings.TrimSpace(stderr), "\n")).To(HaveLen(1), stderr)
			Expect(stderr).To(ContainSubstring("drill " + args[0]))
			Expect(stderr).To(ContainSubstring("--help"))
		},
		Entry("run", "run", "x.yaml", "--x"),
		Entry("compare", "compare", "--x", "x.yaml"),
		Entry("validate", "validate", "--x", "x.yaml"),
		Entry("plan", "plan", "--x"),
		Entry("report", "report", "--x", "runs"),
		Entry("check", "check", "--x"),
		Entry("images", "images", "--x"),
		Entry("clean", "clean", "--x"),
		Entry("clean with an argument", "clean", "now"),
		Entry("version", "version", "--x"),
		Entry("help", "help", "--x"),
	)

	DescribeTable("--trials outside 1..1000 is a usage error, never the scenario's count",
		func(n string) {
			dir := GinkgoT().TempDir()
			code, _, stderr := runDrill("run", quickScenario(dir, 2), "--runtime", "process", "--trials", n)
			Expect(code).To(Equal(2))
			Expect(stderr).To(ContainSubstring("--trials " + n + ": must be from 1 to 1000"))
		},
		Entry("zero", "0"),
		Entry("negative", "-1"),
		Entry("past the bound", "1001"),
	)

	It("rejects a scenario asking for more than 1000 trials, saying why", func() {
		dir := GinkgoT().TempDir()
		path := quickScenario(dir, 1000000000)
		code, _, stderr := runDrill("validate", path)
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("trials must be at most 1000, got 1000000000"))
		Expect(stderr).To(ContainSubstring("drill report aggregates"))
	})

	It("headlines a run whose every trial errored ERROR, with the infrastructure code", func() {
		dir := GinkgoT().TempDir()
		b, err := os.ReadFile(quickScenario(dir, 2))
		Expect(err).NotTo(HaveOccurred())
		s := strings.Replace(string(b), "fixture: ledger", `command: ["/nonexistent/ledger"]`, 1)
		Expect(s).NotTo(Equal(string(b)))
		Expect(os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte(s), 0o644)).To(Succeed())
		var stdout bytes.Buffer
		cmd := drill(dir, "run", "broken.yaml", "--runtime", "process", "--quiet", "--out", "out")
		cmd.Stdout = &stdout
		Expect(exitCode(cmd.Run())).To(Equal(4))
		Expect(stdout.String()).To(HavePrefix("## drill: bad-release — ERROR\n"))
		Expect(stdout.String()).To(ContainSubstring("2 errors"))
	})
})

var _ = Describe("drill's hidden subcommands, which the runtimes start", func() {
	It("refuses a fixture it does not carry, and arguments the ledger does not take", func() {
		code, _, stderr := runDrill("fixture", "nope")
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("drill fixture ledger"))
		code, _, stderr = runDrill("fixture", "ledger", "--port", "1")
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("configured by environment variables only"))
	})

	It("serves the ledger fixture from drill itself", func() {
		dir := GinkgoT().TempDir()
		cmd := drill(dir, "fixture", "ledger")
		cmd.Env = append(cmd.Env, "HOST=127.0.0.1", "PORT=0", "LEDGER_DATA="+filepath.Join(dir, "data"))
		session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(session.Kill)
		Eventually(session.Err, 10*time.Second).Should(gbytes.Say(`ledger: release v1 serving on 127\.0\.0\.1:\d+`))
		Expect(session.Command.Process.Signal(syscall.SIGTERM)).To(Succeed())
		Eventually(session, 10*time.Second).Should(gexec.Exit(0))
	})

	It("serves the proxy API from drill itself until SIGTERM", func() {
		session, err := gexec.Start(drill(GinkgoT().TempDir(), "proxy-server", "-host=127.0.0.1", "-port=0"), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(session.Kill)
		Eventually(session.Err, 10*time.Second).Should(gbytes.Say(`API serving on 127\.0\.0\.1:\d+`))
		Expect(session.Command.Process.Signal(syscall.SIGTERM)).To(Succeed())
		Eventually(session, 10*time.Second).Should(gexec.Exit(0))
	})
})

var _ = Describe("make demo", func() {
	It("prints drill's exit code and its meaning (make itself can only fail with 2)", func() {
		if _, err := exec.LookPath("make"); err != nil {
			Skip("make is not installed")
		}
		dir := GinkgoT().TempDir()
		cmd := exec.Command("make", "-s", "-C", testenv.ModuleRoot(), "demo", "TRIALS=1", "RUNTIME=process",
			"BIN="+filepath.Join(dir, "bin"), "OUT="+filepath.Join(dir, "runs"))
		cmd.Env = append(os.Environ(), "TMPDIR="+dir)
		out, err := cmd.CombinedOutput()
		Expect(exitCode(err)).To(Equal(2), string(out))
		Expect(string(out)).To(ContainSubstring("drill exited 3 (inconclusive: too few trials to decide"))
	})
})
