package inject_test

import (
	"context"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/inject"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

var _ = Describe("service faults", func() {
	var (
		st   *testStack
		reg  *inject.Registry
		ctx  context.Context
		proc *procService
	)

	BeforeEach(func() {
		proc = newProcService()
		st = &testStack{services: map[string]stack.Service{"app": proc, "plain": plainService{}}}
		reg = inject.NewRegistry()
		ctx = context.Background()
	})

	apply := func(kind, target string) (inject.Revert, error) {
		GinkgoHelper()
		f, err := reg.Build(scenario.Fault{Kind: kind, Target: target})
		Expect(err).NotTo(HaveOccurred())
		return f.Apply(ctx, inject.Target{Stack: st, Name: target, Runtime: "test"})
	}

	running := func() string { return procState(proc.pid()) }

	It("kill ends the process with SIGKILL and leaves it down: its revert never starts it (only the rollback does)", func() {
		first := proc.pid()
		Expect(procState(first)).To(BeElementOf("S", "R"))
		revert, err := apply("kill", "app")
		Expect(err).NotTo(HaveOccurred())
		Expect(proc.lastExitSignal()).To(Equal(syscall.SIGKILL))
		Expect(procState(first)).To(Equal("gone"))
		Expect(proc.pid()).To(BeZero())

		cctx, cancel := context.WithCancel(ctx)
		cancel() // the revert must still run: a trial's context is often done by then
		Expect(revert(cctx)).To(Succeed())
		Expect(proc.pid()).To(BeZero(), "drill never restarts a killed service itself")
	})

	It("kill with restart: after has a supervisor start the service once, after the delay", func() {
		f, err := reg.Build(scenario.Fault{Kind: "kill", Target: "app", Params: map[string]any{"restart": "after", "delay": "50ms"}})
		Expect(err).NotTo(HaveOccurred())
		revert, err := f.Apply(ctx, inject.Target{Stack: st, Name: "app", Runtime: "test"})
		Expect(err).NotTo(HaveOccurred())
		Expect(proc.lastExitSignal()).To(Equal(syscall.SIGKILL))
		Eventually(proc.pid).ShouldNot(BeZero())
		Expect(revert(ctx)).To(Succeed())
		Expect(proc.revives).To(Equal(1))
	})

	It("kill's supervisor never starts a service something else started first", func() {
		f, err := reg.Build(scenario.Fault{Kind: "kill", Target: "app", Params: map[string]any{"restart": "after", "delay": "100ms"}})
		Expect(err).NotTo(HaveOccurred())
		revert, err := f.Apply(ctx, inject.Target{Stack: st, Name: "app", Runtime: "test"})
		Expect(err).NotTo(HaveOccurred())
		Expect(proc.Restart(ctx)).To(Succeed()) // the rollback brought it back
		started := proc.pid()
		Expect(revert(ctx)).To(Succeed()) // disarms, or waits for a revive that found it running
		Expect(proc.revives).To(BeZero())
		Expect(proc.pid()).To(Equal(started))
	})

	It("kill rejects a duration, an unknown policy and a delay without restart: after", func() {
		_, err := reg.Build(scenario.Fault{Kind: "kill", Target: "app", For: scenario.Duration(1e9)})
		Expect(err).To(MatchError(ContainSubstring(`fault "kill": takes no "for"`)))
		_, err = reg.Build(scenario.Fault{Kind: "kill", Target: "app", Params: map[string]any{"restart": "always"}})
		Expect(err).To(MatchError(ContainSubstring(`parameter "restart" must be "never" or "after"`)))
		_, err = reg.Build(scenario.Fault{Kind: "kill", Target: "app", Params: map[string]any{"delay": "1s"}})
		Expect(err).To(MatchError(ContainSubstring(`parameter "delay" needs restart: after`)))
	})

	It("pause freezes the process, and its revert thaws it", func() {
		revert, err := apply("pause", "app")
		Expect(err).NotTo(HaveOccurred())
		Eventually(running).Should(Equal("T"))
		Expect(revert(ctx)).To(Succeed())
		Eventually(running).Should(BeElementOf("S", "R"))
	})

	It("stop ends the process gracefully, and its revert starts the service again", func() {
		revert, err := apply("stop", "app")
		Expect(err).NotTo(HaveOccurred())
		Expect(proc.lastExitSignal()).To(Equal(syscall.SIGTERM))
		Expect(proc.pid()).To(BeZero())
		Expect(revert(ctx)).To(Succeed())
		Eventually(running).Should(BeElementOf("S", "R"))
	})

	It("restart replaces the process once; its revert does nothing", func() {
		first := proc.pid()
		revert, err := apply("restart", "app")
		Expect(err).NotTo(HaveOccurred())
		second := proc.pid()
		Expect(second).NotTo(BeZero())
		Expect(second).NotTo(Equal(first))
		Expect(proc.lastExitSignal()).To(Equal(syscall.SIGTERM))
		Expect(revert(ctx)).To(Succeed())
		Expect(proc.pid()).To(Equal(second))
	})

	It("says which runtime cannot act on a service that is not a Controller", func() {
		for _, kind := range []string{"kill", "restart", "stop"} {
			_, err := apply(kind, "plain")
			Expect(err).To(MatchError("fault " + kind + ": runtime test cannot control service plain"))
		}
		// Freezing is a capability of its own (stack.Pauser): a runtime can kill and
		// restart a service it cannot freeze (kubernetes).
		_, err := apply("pause", "plain")
		Expect(err).To(MatchError("fault pause: runtime test cannot pause service plain"))
		_, err = apply("kill", "missing")
		Expect(err).To(MatchError(ContainSubstring(`fault kill: find service "missing"`)))
	})

	Describe("disconnect", func() {
		It("cuts the service off and its revert plugs it back", func() {
			svc := newNetService()
			st.services["net"] = svc
			Expect(svc.probe()).To(Succeed())
			revert, err := apply("disconnect", "net")
			Expect(err).NotTo(HaveOccurred())
			Expect(svc.probe()).NotTo(Succeed())
			Expect(revert(ctx)).To(Succeed())
			Eventually(svc.probe).Should(Succeed())
		})

		It("names the runtime that cannot disconnect a service", func() {
			_, err := apply("disconnect", "app")
			Expect(err).To(MatchError("fault disconnect: runtime test cannot disconnect service app"))
		})
	})
})
