package main_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/moby/moby/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
	"github.com/testcontainers/testcontainers-go"

	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/stack/docker"
	"github.com/drillhq/drill/internal/trial"
)

// engine skips the spec, saying why, when no Docker engine answers; otherwise it
// returns a client of that engine, closed when the spec ends.
func engine() *testcontainers.DockerClient {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := docker.EngineAvailable(ctx); err != nil {
		Skip("docker engine not available, docker runtime specs skipped: " + err.Error())
	}
	GinkgoT().Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	GinkgoT().Setenv("TESTCONTAINERS_HOST_OVERRIDE", "localhost")
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(cli.Close)
	return cli
}

// pidFilter selects drill's resources made by the drill process pid.
func pidFilter(pid int) client.Filters {
	return make(client.Filters).Add("label", docker.LabelDrill+"=true").Add("label", docker.LabelPID+"="+strconv.Itoa(pid))
}

// owned lists the containers (with their labels) and networks labelled with pid.
func owned(cli *testcontainers.DockerClient, pid int) ([]ctrInfo, []string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ctrs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: pidFilter(pid)})
	if err != nil {
		return nil, nil, err
	}
	var cs []ctrInfo
	for _, c := range ctrs.Items {
		name := ""
		if len(c.Names) > 0 {
			name = strings.TrimPrefix(c.Names[0], "/")
		}
		cs = append(cs, ctrInfo{id: c.ID, name: name, labels: c.Labels, state: string(c.State)})
	}
	nets, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: pidFilter(pid)})
	if err != nil {
		return nil, nil, err
	}
	var ns []string
	for _, n := range nets.Items {
		ns = append(ns, n.Name)
	}
	return cs, ns, nil
}

// ctrInfo is what the specs need of a listed container.
type ctrInfo struct {
	id, name, state string
	labels          map[string]string
}

// ownedCount is how many containers and networks are labelled with pid, for Eventually.
func ownedCount(cli *testcontainers.DockerClient, pid int) func() (int, error) {
	return func() (int, error) {
		cs, ns, err := owned(cli, pid)
		return len(cs) + len(ns), err
	}
}

// removeOwned force-removes whatever is labelled with pid: a failed spec leaves nothing.
func removeOwned(cli *testcontainers.DockerClient, pid int) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs, ns, _ := owned(cli, pid)
	for _, c := range cs {
		_, _ = cli.ContainerRemove(ctx, c.id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	}
	for _, n := range ns {
		_, _ = cli.NetworkRemove(ctx, n, client.NetworkRemoveOptions{})
	}
}

// startDrill starts drill in dir; when the spec ends the process is killed and
// waited for, and anything labelled with its pid is removed.
func startDrill(cli *testcontainers.DockerClient, dir string, args ...string) (*gexec.Session, int) {
	GinkgoHelper()
	cmd := drill(dir, args...)
	session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	pid := cmd.Process.Pid
	DeferCleanup(removeOwned, cli, pid)
	DeferCleanup(func() { session.Kill().Wait(10 * time.Second) })
	return session, pid
}

// sameNetwork returns the one network, other than the default bridge, that both the
// ledger and the toxiproxy container of pid are attached to, or an error saying what is
// still missing.
func sameNetwork(cli *testcontainers.DockerClient, pid int) (string, error) {
	cs, _, err := owned(cli, pid)
	if err != nil {
		return "", err
	}
	nets := map[string][]string{}
	for _, c := range cs {
		svc := c.labels[docker.LabelService]
		if c.state != "running" || (svc != "ledger" && svc != "toxiproxy") {
			continue
		}
		in, err := cli.ContainerInspect(context.Background(), c.id, client.ContainerInspectOptions{})
		if err != nil {
			return "", err
		}
		for n := range in.Container.NetworkSettings.Networks {
			nets[n] = append(nets[n], svc)
		}
	}
	for n, svcs := range nets {
		if n != "bridge" && len(svcs) == 2 && svcs[0] != svcs[1] {
			return n, nil
		}
	}
	return "", fmt.Errorf("no network holds a running ledger and toxiproxy of pid %d yet: %v", pid, nets)
}

var _ = Describe("drill run on the docker runtime", Label("docker"), func() {
	var cli *testcontainers.DockerClient

	BeforeEach(func() { cli = engine() })

	It("runs every trial in containers: the ledger and toxiproxy on a drill network, removed afterwards", func() {
		dir := GinkgoT().TempDir()
		session, pid := startDrill(cli, dir, "run", quickScenario(dir, 2), "--runtime", "docker", "--out", "out")

		var netName string
		Eventually(func() (err error) {
			netName, err = sameNetwork(cli, pid)
			return err
		}).WithTimeout(90 * time.Second).WithPolling(100 * time.Millisecond).Should(Succeed())
		Expect(netName).To(HavePrefix("drill-"))
		_, nets, err := owned(cli, pid)
		Expect(err).NotTo(HaveOccurred())
		Expect(nets).To(ContainElement(netName), "the network carries the run's pid label too")

		Eventually(session, 2*time.Minute).Should(gexec.Exit())
		Expect(session.ExitCode()).To(BeElementOf(0, 1, 3), "a verdict, not an infrastructure error or interruption")
		files, err := filepath.Glob(filepath.Join(dir, "out", "*.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(files).To(HaveLen(1))
		res, err := report.Read(files[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Runtime).To(Equal("docker"))
		Expect(res.Trials).To(HaveLen(2))
		for _, tr := range res.Trials {
			Expect(tr.Outcome).To(Equal(trial.Recovered), "trial %d: %s", tr.Index, tr.Error)
			Expect(tr.Timing.RTC).NotTo(BeNil())
			Expect(tr.Timing.RTC.D()).To(BeNumerically(">", 0))
		}
		Expect(ownedCount(cli, pid)()).To(BeZero(), "every container and network of the run is removed")
	})

	It("reverts and removes every container and network when interrupted mid-trial, exiting 130", func() {
		dir := GinkgoT().TempDir()
		session, pid := startDrill(cli, dir, "run", quickScenario(dir, 5), "--runtime", "docker", "--out", "out")
		Eventually(session.Err, 90*time.Second).Should(gbytes.Say(`trial 1\s+t_fault`))
		Expect(ownedCount(cli, pid)()).To(BeNumerically(">", 0), "the trial's stack should be up")

		sent := time.Now()
		Expect(session.Command.Process.Signal(syscall.SIGINT)).To(Succeed())
		Eventually(session, 10*time.Second).Should(gexec.Exit(130))
		GinkgoWriter.Printf("exited %s after SIGINT\n", time.Since(sent))
		Expect(ownedCount(cli, pid)()).To(BeZero(), "nothing labelled with the interrupted process's pid remains")
	})

	It("exits 130, never 4, when interrupted in its first seconds (engine check, image builds, first stack), leaving nothing", func() {
		// The signal lands at moments spread over the first 3 s: on a fresh binary they
		// cover the engine check, the fixture images' build and the first stack's start.
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			for _, after := range []time.Duration{200 * time.Millisecond, 500 * time.Millisecond, time.Second, 1500 * time.Millisecond, 2 * time.Second, 3 * time.Second} {
				dir := GinkgoT().TempDir()
				session, pid := startDrill(cli, dir, "run", quickScenario(dir, 5), "--runtime", "docker", "--out", "out")
				time.Sleep(after) // the moment of the signal is the spec's input, not a wait for drill
				Expect(session.Command.Process.Signal(sig)).To(Succeed())
				Eventually(session, 30*time.Second).Should(gexec.Exit())
				Expect(session.ExitCode()).To(Equal(130), "%s after %s: %s", sig, after, session.Err.Contents())
				Expect(string(session.Err.Contents())).NotTo(ContainSubstring("internal error"))
				Eventually(ownedCount(cli, pid)).WithTimeout(10*time.Second).Should(BeZero(), "%s after %s left containers or networks", sig, after)
			}
		}
	})

	Context("when a drill process is killed with its stack up", func() {
		// killMidTrial starts a docker run, SIGKILLs it once trial 1's change is made,
		// and returns its pid after checking that its containers were left behind.
		killMidTrial := func(dir string) int {
			GinkgoHelper()
			session, pid := startDrill(cli, dir, "run", quickScenario(dir, 5), "--runtime", "docker", "--out", "out")
			Eventually(session.Err, 90*time.Second).Should(gbytes.Say(`trial 1\s+t_fault`))
			Expect(session.Command.Process.Signal(syscall.SIGKILL)).To(Succeed())
			Eventually(session, 10*time.Second).Should(gexec.Exit())
			cs, ns, err := owned(cli, pid)
			Expect(err).NotTo(HaveOccurred())
			Expect(cs).NotTo(BeEmpty(), "a killed drill cannot remove its containers: they are leftovers")
			Expect(ns).NotTo(BeEmpty(), "nor its network")
			return pid
		}

		It("drill clean removes its leftovers and says so", func() {
			dir := GinkgoT().TempDir()
			pid := killMidTrial(dir)
			cs, ns, err := owned(cli, pid)
			Expect(err).NotTo(HaveOccurred())

			var stdout bytes.Buffer
			clean := drill(dir, "clean")
			clean.Stdout, clean.Stderr = &stdout, GinkgoWriter
			Expect(clean.Run()).To(Succeed())
			m := regexp.MustCompile(`removed (\d+) containers and (\d+) networks`).FindStringSubmatch(stdout.String())
			Expect(m).NotTo(BeNil(), "clean reports what it removed: %q", stdout.String())
			Expect(strconv.Atoi(m[1])).To(BeNumerically(">=", len(cs)))
			Expect(strconv.Atoi(m[2])).To(BeNumerically(">=", len(ns)))
			Expect(ownedCount(cli, pid)()).To(BeZero())
		})

		It("the next docker run removes the leftovers before it starts, and says so", func() {
			dir := GinkgoT().TempDir()
			killed := killMidTrial(dir)

			next, pid := startDrill(cli, dir, "run", quickScenario(dir, 1), "--runtime", "docker", "--out", "out2")
			Eventually(next, 2*time.Minute).Should(gexec.Exit())
			Expect(next.Err).To(gbytes.Say(`removed leftovers of dead drill runs: [1-9]\d* containers, [1-9]\d* networks`))
			Expect(next.ExitCode()).To(BeElementOf(0, 1, 3))
			Expect(ownedCount(cli, killed)()).To(BeZero(), "nothing of the killed run remains")
			Expect(ownedCount(cli, pid)()).To(BeZero(), "nor of the run that cleaned it")
		})
	})
})
