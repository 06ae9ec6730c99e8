package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/trial"
)

// reuseScenario is quickScenario with stack.reuse on.
func reuseScenario(dir string, trials int) string {
	GinkgoHelper()
	path := quickScenario(dir, trials)
	b, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	s := strings.Replace(string(b), "\nstack:\n", "\nstack:\n  reuse: true\n", 1)
	Expect(s).To(ContainSubstring("reuse: true"))
	Expect(os.WriteFile(path, []byte(s), 0o644)).To(Succeed())
	return path
}

var _ = Describe("drill run with stack.reuse on the docker runtime", Label("docker"), func() {
	It("runs later trials on the first one's stack, reset, says so in the results, and leaves nothing", func() {
		cli := engine()
		dir := GinkgoT().TempDir()
		session, pid := startDrill(cli, dir, "run", reuseScenario(dir, 3), "--runtime", "docker", "--out", "out")
		Eventually(session, 3*time.Minute).Should(gexec.Exit())
		Expect(session.ExitCode()).To(BeElementOf(0, 1, 3), "a verdict: %s", session.Err.Contents())
		files, err := filepath.Glob(filepath.Join(dir, "out", "*.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(files).To(HaveLen(1))
		res, err := report.Read(files[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Trials).To(HaveLen(3))
		for _, tr := range res.Trials {
			Expect(tr.Outcome).To(Equal(trial.Recovered), "trial %d: %s", tr.Index, tr.Error)
			want := trial.StackReused
			if tr.Index == 1 {
				want = trial.StackNew
			}
			Expect(tr.Stack).To(Equal(want), "trial %d", tr.Index)
			Expect(tr.Events[0].Detail).To(ContainSubstring(tr.Setup.String()), "the setup measured for each trial is on its timeline")
			GinkgoWriter.Printf("trial %d: %s stack, set up in %s\n", tr.Index, tr.Stack, tr.Setup)
		}
		Expect(string(session.Err.Contents())).To(MatchRegexp(`trial 3/3: recovered .*\(reused stack, set up in [0-9.]+m?s\)`), "the progress line says it")
		Expect(ownedCount(cli, pid)()).To(BeZero(), "the last trial tears the kept stack down")
	})

	It("tears the kept stack down when interrupted during a trial on it, exiting 130", func() {
		cli := engine()
		dir := GinkgoT().TempDir()
		session, pid := startDrill(cli, dir, "run", reuseScenario(dir, 5), "--runtime", "docker", "--out", "out")
		Eventually(session.Err, 3*time.Minute).Should(gbytes.Say(`trial 2\s+t_fault`))
		Expect(ownedCount(cli, pid)()).To(BeNumerically(">", 0), "the trial's stack should be up")
		Expect(session.Command.Process.Signal(syscall.SIGINT)).To(Succeed())
		Eventually(session, 30*time.Second).Should(gexec.Exit(130))
		Expect(ownedCount(cli, pid)()).To(BeZero(), "nothing labelled with the interrupted process's pid remains")
	})
})
