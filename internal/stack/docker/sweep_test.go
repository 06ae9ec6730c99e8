package docker_test

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/docker"
	"github.com/drillhq/drill/internal/stack/stacktest"
)

var _ = Describe("a docker stack's teardown", Ordered, Label("docker"), func() {
	var cli *testcontainers.DockerClient

	BeforeAll(func(ctx SpecContext) {
		cli = dockerSetup()
		_, err := docker.EnsureImages(ctx, stacktest.LedgerStack())
		Expect(err).NotTo(HaveOccurred())
	}, NodeTimeout(4*time.Minute))

	// newRuntime is a docker runtime with a run id of its own; whatever carries that id is
	// removed when the spec ends, so a failing spec leaves nothing either.
	newRuntime := func() (*docker.Runtime, string) {
		GinkgoHelper()
		run := "sweeptest-" + strconv.FormatInt(time.Now().UnixNano(), 36)
		rt, err := docker.New(docker.WithRunID(run))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) {
			_, err := docker.Clean(ctx, stack.CleanAll(), stack.CleanRun(run))
			Expect(err).NotTo(HaveOccurred())
			for _, id := range containersWith(cli, byLabel(docker.LabelRun, run)) {
				_, _ = cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true})
			}
			for _, n := range networksWith(cli, byLabel(docker.LabelRun, run)) {
				_, _ = cli.NetworkRemove(ctx, n, client.NetworkRemoveOptions{})
			}
		})
		return rt, run
	}

	It("removes a network, a container and a data dir of an interrupted stack that appear after it was torn down", func(ctx SpecContext) {
		tmp := GinkgoT().TempDir()
		GinkgoT().Setenv("TMPDIR", tmp)
		rt, run := newRuntime()
		trialCtx, interrupt := context.WithCancel(ctx)
		defer interrupt()
		st, err := rt.Up(trialCtx, stacktest.LedgerStack())
		Expect(err).NotTo(HaveOccurred())
		interrupt() // the signal: the trial's context is cancelled before the teardown
		dirs, err := os.ReadDir(tmp)
		Expect(err).NotTo(HaveOccurred())
		Expect(dirs).To(HaveLen(1), "the stack's own data dir")
		dataDir := filepath.Join(tmp, dirs[0].Name())
		res, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: byLabel(docker.LabelRun, run)})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Items).NotTo(BeEmpty())
		labels := res.Items[0].Labels
		delete(labels, docker.LabelService)
		Expect(labels).To(HaveKey(docker.LabelStack))

		Expect(st.Down(ctx)).To(Succeed())
		Expect(containersWith(cli, byLabel(docker.LabelRun, run))).To(BeEmpty())

		By("the engine finishing a create whose request a signal cut, after the teardown listed everything")
		late := "drill-" + labels[docker.LabelStack] + "-late"
		_, err = cli.NetworkCreate(ctx, late, client.NetworkCreateOptions{Driver: "bridge", Labels: labels})
		Expect(err).NotTo(HaveOccurred())
		_, err = cli.ContainerCreate(ctx, client.ContainerCreateOptions{
			Name:             late,
			Config:           &container.Config{Image: proxyRef(), Labels: labels},
			NetworkingConfig: &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{late: {}}},
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(dataDir).NotTo(BeADirectory(), "Down removed the data dir")
		By("the engine starting a container whose start was cut: it makes the missing source of a bind mount")
		Expect(os.MkdirAll(filepath.Join(dataDir, "ledger"), 0o755)).To(Succeed())

		Expect(rt.Close()).To(Succeed())
		Expect(containersWith(cli, byLabel(docker.LabelRun, run))).To(BeEmpty(), "the late container is swept")
		Expect(networksWith(cli, byLabel(docker.LabelRun, run))).To(BeEmpty(), "and the late network")
		Expect(dataDir).NotTo(BeADirectory(), "and the data dir made again")
	}, NodeTimeout(2*time.Minute))

	It("does not keep an ordinary run waiting: nothing of a stack torn down in the ordinary way was cut", func(ctx SpecContext) {
		rt, run := newRuntime()
		st, err := rt.Up(ctx, stacktest.LedgerStack())
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Down(ctx)).To(Succeed())
		start := time.Now()
		Expect(rt.Close()).To(Succeed())
		Expect(time.Since(start)).To(BeNumerically("<", time.Second), "Close does not wait out the late-object watch")
		Expect(containersWith(cli, byLabel(docker.LabelRun, run))).To(BeEmpty())
		Expect(networksWith(cli, byLabel(docker.LabelRun, run))).To(BeEmpty())
	}, NodeTimeout(2*time.Minute))

	It("Clean also removes what a dead drill's cut create makes just after the clean began", func(ctx SpecContext) {
		run := "sweeptest-" + strconv.FormatInt(time.Now().UnixNano(), 36)
		// Labelled as made on another host, so that no other drill on this one (which
		// cleans dead drills' leftovers when it starts) races this spec: CleanAll takes it.
		labels := map[string]string{docker.LabelDrill: "true", docker.LabelRun: run,
			docker.LabelPID: strconv.Itoa(stacktest.DeadPID()), docker.LabelHost: "elsewhere.invalid"}
		DeferCleanup(func(ctx context.Context) {
			for _, id := range containersWith(cli, byLabel(docker.LabelRun, run)) {
				_, _ = cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true})
			}
			for _, n := range networksWith(cli, byLabel(docker.LabelRun, run)) {
				_, _ = cli.NetworkRemove(ctx, n, client.NetworkRemoveOptions{})
			}
		})
		create := func(name string) {
			GinkgoHelper()
			_, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{Name: name,
				Config: &container.Config{Image: proxyRef(), Labels: labels}})
			Expect(err).NotTo(HaveOccurred())
		}
		create("drill-" + run + "-left")

		type result struct {
			removed stack.Removed
			err     error
		}
		done := make(chan result, 1)
		go func() {
			r, err := docker.Clean(ctx, stack.CleanAll(), stack.CleanRun(run))
			done <- result{r, err}
		}()
		Eventually(func() []string { return containersWith(cli, byLabel(docker.LabelRun, run)) }).
			WithTimeout(30 * time.Second).WithPolling(5 * time.Millisecond).Should(BeEmpty())
		By("the engine finishing the dead drill's create after Clean listed")
		create("drill-" + run + "-late")
		var r result
		Eventually(done).WithTimeout(time.Minute).Should(Receive(&r))
		Expect(r.err).NotTo(HaveOccurred())
		Expect(r.removed.Containers).To(ConsistOf("drill-"+run+"-left", "drill-"+run+"-late"))
		Expect(containersWith(cli, byLabel(docker.LabelRun, run))).To(BeEmpty())
	}, NodeTimeout(2*time.Minute))

	It("leaves nothing of stacks whose start was cancelled at random moments, once closed", func(ctx SpecContext) {
		seed := uint64(time.Now().UnixNano())
		GinkgoWriter.Printf("seed %d\n", seed)
		rng := rand.New(rand.NewPCG(seed, seed))
		rt, run := newRuntime()
		for i := range 6 {
			delay := time.Duration(rng.Int64N(int64(1200 * time.Millisecond)))
			upCtx, cancel := context.WithTimeout(ctx, delay)
			st, err := rt.Up(upCtx, stacktest.LedgerStack())
			cancel()
			GinkgoWriter.Printf("cancel after %s: %v\n", delay, err)
			Expect(st).NotTo(BeNil(), "a half-built stack is returned so it can be torn down")
			Expect(st.Down(ctx)).To(Succeed(), "attempt %d", i)
		}
		Expect(rt.Close()).To(Succeed())
		Expect(containersWith(cli, byLabel(docker.LabelRun, run))).To(BeEmpty())
		Expect(networksWith(cli, byLabel(docker.LabelRun, run))).To(BeEmpty())
	}, NodeTimeout(3*time.Minute))
})
