package docker_test

import (
	"path/filepath"
	"time"

	"github.com/moby/moby/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/testcontainers/testcontainers-go"

	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/docker"
	"github.com/drillhq/drill/internal/stack/stacktest"
)

var _ = Describe("Docker runtime's reset (stack reuse)", Ordered, Label("docker"), func() {
	var (
		cli *testcontainers.DockerClient
		rt  *docker.Runtime
	)
	BeforeAll(func(SpecContext) {
		cli = dockerSetup()
		var err error
		rt, err = docker.New()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(rt.Close)
	}, NodeTimeout(4*time.Minute))

	It("brings a stack a trial left killed, at v2 with v1 retired, with a toxic, a disabled proxy and data back to a new stack's state: one container per service, labelled with the new trial", func(ctx SpecContext) {
		out1, out2 := GinkgoT().TempDir(), GinkgoT().TempDir()
		trial := func(n string) stack.UpOption { return stack.WithLabels(map[string]string{"dev.drill.trial": n}) }
		st, _ := upLedger(ctx, rt, stack.WithOutputDir(out1), trial("1"))
		fresh := stacktest.ReadFresh(st)
		Expect(fresh.Release).To(Equal("v1"))
		conn := stacktest.Mess(ctx, st)
		Expect(containersWith(cli, byLabel(docker.LabelRun, rt.RunID()))).To(HaveLen(3), "proxy, v1 retired, v2 killed")
		stacktest.ExpectResetFresh(ctx, st, stacktest.LedgerStack(), fresh, conn, stack.WithOutputDir(out2), trial("2"))

		ids := containersWith(cli, byLabel(docker.LabelRun, rt.RunID()))
		Expect(ids).To(HaveLen(2), "the proxy container and the service's one container")
		svc, err := st.Service("ledger")
		Expect(err).NotTo(HaveOccurred())
		in, err := cli.ContainerInspect(ctx, svc.(containerIDer).ContainerID(), client.ContainerInspectOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(in.Container.Config.Labels).To(HaveKeyWithValue("dev.drill.trial", "2"))
		Expect(in.Container.State.Running).To(BeTrue())
		Expect(filepath.Join(out1, "ledger.2.v2.log")).To(BeAnExistingFile(), "the first trial's output stays in its folder")
		Expect(containersWith(cli, byLabel("dev.drill.trial", "1"))).To(HaveLen(1), "only the proxy container is the first trial's")

		By("a second trial's mess and reset")
		conn = stacktest.Mess(ctx, st)
		stacktest.ExpectResetFresh(ctx, st, stacktest.LedgerStack(), fresh, conn, stack.WithOutputDir(out2), trial("3"))
		Expect(containersWith(cli, byLabel(docker.LabelRun, rt.RunID()))).To(HaveLen(2))
	}, NodeTimeout(4*time.Minute))

	It("fails, for the caller to start a new stack, when it cannot empty the data", func(ctx SpecContext) {
		root := GinkgoT().TempDir()
		st, svc := upLedger(ctx, rt, stack.WithDataDir(root))
		stacktest.Unremovable(svc.(stack.DataKeeper).DataDir())
		Expect(st.(stack.Resetter).Reset(ctx, stacktest.LedgerStack(), stack.WithDataDir(root))).To(MatchError(ContainSubstring("empty data dir")))
	}, NodeTimeout(4*time.Minute))

	It("fails, for the caller to start a new stack, when what it reads back differs from a new stack", func(ctx SpecContext) {
		st, _ := upLedger(ctx, rt)
		_, err := st.Toxiproxy().CreateProxy("stray", "0.0.0.0:21999", "127.0.0.1:1")
		Expect(err).NotTo(HaveOccurred())
		Expect(st.(stack.Resetter).Reset(ctx, stacktest.LedgerStack())).To(MatchError(ContainSubstring("proxy stray is not one Up makes")))
	}, NodeTimeout(4*time.Minute))
})
