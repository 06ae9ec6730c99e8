package docker_test

import (
	"context"
	"os"
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

var _ = Describe("Clean", Ordered, Label("docker"), func() {
	var (
		cli  *testcontainers.DockerClient
		run  string
		host string
	)

	// leftover makes a network and a created (not started) container carrying drill's
	// labels as if made by process pid on host h, and returns their names.
	leftover := func(ctx context.Context, name string, pid int, h string) (string, string) {
		GinkgoHelper()
		labels := map[string]string{
			docker.LabelDrill: "true", docker.LabelRun: run,
			docker.LabelPID: strconv.Itoa(pid), docker.LabelHost: h,
		}
		netName := "drill-cleantest-" + run + "-" + name
		_, err := cli.NetworkCreate(ctx, netName, client.NetworkCreateOptions{Driver: "bridge", Labels: labels})
		Expect(err).NotTo(HaveOccurred())
		ctrName := netName + "-ctr"
		_, err = cli.ContainerCreate(ctx, client.ContainerCreateOptions{
			Name:   ctrName,
			Config: &container.Config{Image: proxyRef(), Labels: labels},
			NetworkingConfig: &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{
				netName: {},
			}},
		})
		Expect(err).NotTo(HaveOccurred())
		return ctrName, netName
	}

	BeforeAll(func(ctx SpecContext) {
		cli = dockerSetup()
		_, err := docker.EnsureImages(ctx, stacktest.LedgerStack())
		Expect(err).NotTo(HaveOccurred())
		run = "cleantest-" + strconv.FormatInt(time.Now().UnixNano(), 36)
		host, err = os.Hostname()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) {
			for _, id := range containersWith(cli, byLabel(docker.LabelRun, run)) {
				_, err := cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true})
				Expect(err).NotTo(HaveOccurred())
			}
			for _, n := range networksWith(cli, byLabel(docker.LabelRun, run)) {
				_, err := cli.NetworkRemove(ctx, n, client.NetworkRemoveOptions{})
				Expect(err).NotTo(HaveOccurred())
			}
		})
	}, NodeTimeout(4*time.Minute))

	It("removes leftovers of a dead process on this host, and nothing else", func(ctx SpecContext) {
		deadCtr, deadNet := leftover(ctx, "dead", stacktest.DeadPID(), host)
		otherCtr, otherNet := leftover(ctx, "otherhost", stacktest.DeadPID(), "elsewhere.invalid")
		liveCtr, liveNet := leftover(ctx, "live", 1, host)
		ownCtr, ownNet := leftover(ctx, "own", os.Getpid(), host)

		removed, err := docker.Clean(ctx)
		Expect(err).NotTo(HaveOccurred())
		// Gone: removed by this Clean, or by the start-up clean of another drill running
		// on this host at the same time (test packages run in parallel), which is the
		// same mechanism.
		Expect(containersWith(cli, byLabel(docker.LabelRun, run))).NotTo(ContainElement(deadCtr))
		Expect(networksWith(cli, byLabel(docker.LabelRun, run))).NotTo(ContainElement(deadNet))
		for _, kept := range []string{otherCtr, liveCtr, ownCtr} {
			Expect(removed.Containers).NotTo(ContainElement(kept))
		}
		for _, kept := range []string{otherNet, liveNet, ownNet} {
			Expect(removed.Networks).NotTo(ContainElement(kept))
		}
		Expect(containersWith(cli, byLabel(docker.LabelRun, run))).To(HaveLen(3))
		Expect(networksWith(cli, byLabel(docker.LabelRun, run))).To(ConsistOf(otherNet, liveNet, ownNet))

		By("CleanAll taking everything but the current process's own")
		removed, err = docker.Clean(ctx, stack.CleanAll(), stack.CleanRun(run))
		Expect(err).NotTo(HaveOccurred())
		Expect(removed.Containers).To(ConsistOf(otherCtr, liveCtr))
		Expect(removed.Networks).To(ConsistOf(otherNet, liveNet))
		Expect(networksWith(cli, byLabel(docker.LabelRun, run))).To(ConsistOf(ownNet))

		By("an engine with nothing left to clean")
		removed, err = docker.Clean(ctx, stack.CleanRun(run))
		Expect(err).NotTo(HaveOccurred())
		Expect(removed.Empty()).To(BeTrue())

		_, err = cli.ContainerRemove(ctx, ownCtr, client.ContainerRemoveOptions{Force: true})
		Expect(err).NotTo(HaveOccurred())
		_, err = cli.NetworkRemove(ctx, ownNet, client.NetworkRemoveOptions{})
		Expect(err).NotTo(HaveOccurred())
	}, NodeTimeout(time.Minute))
})
