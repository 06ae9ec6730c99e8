package main_test

import (
	"path/filepath"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
	"github.com/testcontainers/testcontainers-go"

	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/testenv"
	"github.com/drillhq/drill/internal/trial"
)

// runOnDocker runs the reference scenario file for trials on docker, checks that nothing
// labelled with the run's pid is left, and returns its results.
func runOnDocker(cli *testcontainers.DockerClient, file string, trials string) *report.Results {
	GinkgoHelper()
	dir := GinkgoT().TempDir()
	session, pid := startDrill(cli, dir, "run", filepath.Join(testenv.ModuleRoot(), "scenarios", file), "--trials", trials, "--seed", "7", "--runtime", "docker", "--out", "out")
	Eventually(session, 3*time.Minute).Should(gexec.Exit())
	Expect(session.ExitCode()).To(Equal(3), "%s: %s trials are inconclusive, not an error", file, trials)
	Expect(ownedCount(cli, pid)()).To(BeZero(), "%s: every container and network of the run is removed", file)
	files, err := filepath.Glob(filepath.Join(dir, "out", "*.json"))
	Expect(err).NotTo(HaveOccurred())
	Expect(files).To(HaveLen(1))
	res, err := report.Read(files[0])
	Expect(err).NotTo(HaveOccurred())
	return res
}

var _ = Describe("a compose stack on the docker runtime", Label("docker"), func() {
	var cli *testcontainers.DockerClient

	BeforeEach(func() { cli = engine() })

	It("drills the reference compose file with the native scenario's outcomes and leaves nothing", func() {
		native := runOnDocker(cli, "bad-release.yaml", "3")
		compose := runOnDocker(cli, "compose-bad-release.yaml", "3")
		Expect(compose.Trials).To(HaveLen(len(native.Trials)))
		for i, tr := range compose.Trials {
			nt := native.Trials[i]
			Expect(tr.Outcome).To(Equal(trial.Recovered), "trial %d: %s", tr.Index, tr.Error)
			Expect(tr.Outcome).To(Equal(nt.Outcome))
			Expect(tr.Timing.RTC).NotTo(BeNil())
			Expect(tr.Loss.Lost).To(HaveLen(len(nt.Loss.Lost)), "trial %d: the same acknowledged writes lost (none)", tr.Index)
			Expect(tr.Consistency).To(HaveLen(len(nt.Consistency)), "trial %d: the same invariants checked", tr.Index)
			for j, f := range tr.Consistency {
				Expect(f.Checker).To(Equal(nt.Consistency[j].Checker))
				Expect(f.Status).To(Equal(nt.Consistency[j].Status), "trial %d: %s", tr.Index, f.Checker)
			}
		}
		GinkgoWriter.Printf("RTC medians: native %s, compose %s\n", native.Summary.RTC.Median, compose.Summary.RTC.Median)
	})

	It("removes every container and network of the compose stack when interrupted mid-trial", func() {
		dir := GinkgoT().TempDir()
		session, pid := startDrill(cli, dir, "run", filepath.Join(testenv.ModuleRoot(), "scenarios", "compose-bad-release.yaml"), "--trials", "5", "--runtime", "docker", "--out", "out")
		Eventually(session.Err, 90*time.Second).Should(gbytes.Say(`trial 1\s+t_fault`))
		Expect(ownedCount(cli, pid)()).To(BeNumerically(">", 0), "the trial's stack should be up")
		Expect(session.Command.Process.Signal(syscall.SIGINT)).To(Succeed())
		Eventually(session, 10*time.Second).Should(gexec.Exit(130))
		Expect(ownedCount(cli, pid)()).To(BeZero(), "nothing labelled with the interrupted process's pid remains")
	})
})
