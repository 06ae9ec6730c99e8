package inject_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/moby/moby/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/testcontainers/testcontainers-go"

	"github.com/drillhq/drill/internal/fixture"
	"github.com/drillhq/drill/internal/inject"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/docker"
	"github.com/drillhq/drill/internal/testenv"
)

// dockerLedgerStack is a one-service stack: the ledger fixture behind its front proxy.
func dockerLedgerStack() scenario.Stack {
	return scenario.Stack{Services: []scenario.Service{{
		Name:         "ledger",
		Fixture:      "ledger",
		Port:         8080,
		Health:       "/healthz",
		StartTimeout: scenario.Duration(30 * time.Second),
		Release:      "v1",
		Releases:     []scenario.Release{{Name: "v1"}},
	}}}
}

// dockerGet GETs /healthz at ep on a fresh connection within timeout and returns the status.
func dockerGet(ep string, timeout time.Duration) (int, error) {
	c := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get("http://" + ep + "/healthz")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

// dockerHealthy is nil when /healthz answers 200 through ep within a second.
func dockerHealthy(ep string) func() error {
	return func() error {
		code, err := dockerGet(ep, time.Second)
		if err != nil {
			return err
		}
		if code != http.StatusOK {
			return fmt.Errorf("status %d", code)
		}
		return nil
	}
}

// isTimeout reports whether err is a client timeout (the request was accepted, never answered).
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// dockerContainerIDer is what the docker runtime's services expose besides stack.Service.
type dockerContainerIDer interface{ ContainerID() string }

var _ = Describe("container faults on the docker runtime", Ordered, Label("docker"), func() {
	var (
		cli *testcontainers.DockerClient
		st  stack.Stack
		svc stack.Service
		ep  string
		reg *inject.Registry
	)

	BeforeAll(func(ctx SpecContext) {
		pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		if err := docker.EngineAvailable(pctx); err != nil {
			Skip("docker engine not available, container fault specs skipped: " + err.Error())
		}
		prev, had := os.LookupEnv(fixture.DirEnv)
		DeferCleanup(func() {
			if had {
				os.Setenv(fixture.DirEnv, prev)
			} else {
				os.Unsetenv(fixture.DirEnv)
			}
		})
		Expect(testenv.BuildFixtures(ctx, GinkgoT().TempDir())).To(Succeed())

		var err error
		cli, err = testcontainers.NewDockerClientWithOpts(ctx)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(cli.Close)

		rt, err := docker.New()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(rt.Close)
		st, err = rt.Up(ctx, dockerLedgerStack(), stack.WithDataDir(GinkgoT().TempDir()))
		if st != nil {
			DeferCleanup(func(ctx context.Context) { Expect(st.Down(ctx)).To(Succeed()) }, NodeTimeout(time.Minute))
		}
		Expect(err).NotTo(HaveOccurred())
		svc, err = st.Service("ledger")
		Expect(err).NotTo(HaveOccurred())
		ep = svc.Endpoint()
		Expect(dockerHealthy(ep)()).To(Succeed())
		reg = inject.NewRegistry()
	}, NodeTimeout(3*time.Minute))

	// state inspects the ledger's current container.
	state := func(ctx context.Context) (running, paused bool, started string, nets []string) {
		GinkgoHelper()
		id := svc.(dockerContainerIDer).ContainerID()
		Expect(id).NotTo(BeEmpty())
		in, err := cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
		Expect(err).NotTo(HaveOccurred())
		for n := range in.Container.NetworkSettings.Networks {
			nets = append(nets, n)
		}
		s := in.Container.State
		return s.Running, s.Paused, s.StartedAt, nets
	}

	// apply builds kind on the ledger service and applies it; the revert is also
	// registered as a cleanup so a failed spec leaves the stack usable for the next.
	apply := func(ctx context.Context, kind string) inject.Revert {
		GinkgoHelper()
		f, err := reg.Build(scenario.Fault{Kind: kind, Target: "ledger"})
		Expect(err).NotTo(HaveOccurred())
		revert, err := f.Apply(ctx, inject.Target{Stack: st, Name: "ledger", Runtime: "docker"})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) { _ = revert(ctx) })
		return revert
	}

	// recovers reverts and waits until the ledger answers healthy through its proxy again.
	recovers := func(ctx context.Context, revert inject.Revert) {
		GinkgoHelper()
		Expect(revert(ctx)).To(Succeed())
		Eventually(dockerHealthy(ep)).WithTimeout(30 * time.Second).WithPolling(50 * time.Millisecond).Should(Succeed())
		running, paused, _, _ := state(ctx)
		Expect(running).To(BeTrue())
		Expect(paused).To(BeFalse())
	}

	It("pause freezes the container: requests through the proxy time out; unpause recovers", func(ctx SpecContext) {
		revert := apply(ctx, "pause")
		_, paused, _, _ := state(ctx)
		Expect(paused).To(BeTrue())
		_, err := dockerGet(ep, 500*time.Millisecond)
		Expect(err).To(HaveOccurred())
		Expect(isTimeout(err)).To(BeTrue(), "a paused service accepts but never answers; got %v", err)
		recovers(ctx, revert)
	}, NodeTimeout(time.Minute))

	It("kill ends the container: requests through the proxy fail; the supervisor's restart recovers", func(ctx SpecContext) {
		f, err := reg.Build(scenario.Fault{Kind: "kill", Target: "ledger", Params: map[string]any{"restart": "after", "delay": "1s"}})
		Expect(err).NotTo(HaveOccurred())
		revert, err := f.Apply(ctx, inject.Target{Stack: st, Name: "ledger", Runtime: "docker"})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) { _ = revert(ctx) })
		Eventually(func() bool { running, _, _, _ := state(ctx); return running }).WithTimeout(5 * time.Second).Should(BeFalse())
		_, err = dockerGet(ep, 2*time.Second)
		Expect(err).To(HaveOccurred(), "a killed service must not answer through its proxy")
		Eventually(dockerHealthy(ep)).WithTimeout(30 * time.Second).WithPolling(50 * time.Millisecond).Should(Succeed())
		Expect(revert(ctx)).To(Succeed())
	}, NodeTimeout(time.Minute))

	It("stop stops the container: requests through the proxy fail; restart recovers", func(ctx SpecContext) {
		revert := apply(ctx, "stop")
		running, _, _, _ := state(ctx)
		Expect(running).To(BeFalse())
		_, err := dockerGet(ep, 2*time.Second)
		Expect(err).To(HaveOccurred(), "a stopped service must not answer through its proxy")
		recovers(ctx, revert)
	}, NodeTimeout(time.Minute))

	It("restart starts the container afresh and returns once it is healthy again", func(ctx SpecContext) {
		_, _, before, _ := state(ctx)
		revert := apply(ctx, "restart")
		running, _, after, _ := state(ctx)
		Expect(running).To(BeTrue())
		Expect(after).NotTo(Equal(before), "the container must have been started again")
		Expect(dockerHealthy(ep)()).To(Succeed(), "restart returns only once the service is ready")
		recovers(ctx, revert)
	}, NodeTimeout(time.Minute))

	It("disconnect cuts the container off the stack network: unreachable through the proxy; reconnect recovers", func(ctx SpecContext) {
		_, _, _, netsBefore := state(ctx)
		Expect(netsBefore).To(HaveLen(1))
		revert := apply(ctx, "disconnect")
		running, _, _, nets := state(ctx)
		Expect(running).To(BeTrue(), "the service still runs, it is only cut off")
		Expect(nets).To(BeEmpty())
		code, err := dockerGet(ep, 2*time.Second)
		Expect(err).To(HaveOccurred(), "the proxy must not reach a disconnected service (got status %d)", code)
		recovers(ctx, revert)
		_, _, _, nets = state(ctx)
		Expect(nets).To(ConsistOf(netsBefore))
	}, NodeTimeout(time.Minute))
})
