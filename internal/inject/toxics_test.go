package inject_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/inject"
	"github.com/drillhq/drill/internal/scenario"
)

var _ = Describe("proxy faults", func() {
	var (
		st  *testStack
		reg *inject.Registry
		ctx context.Context
	)

	BeforeEach(func() {
		st = startStack()
		reg = inject.NewRegistry()
		ctx = context.Background()
		Expect(st.healthy()).To(Succeed())
	})

	// apply builds the fault from a scenario entry and applies it to the "web" proxy.
	apply := func(kind string, params map[string]any) inject.Revert {
		GinkgoHelper()
		f, err := reg.Build(scenario.Fault{Kind: kind, Target: "web", Params: params})
		Expect(err).NotTo(HaveOccurred())
		revert, err := f.Apply(ctx, inject.Target{Stack: st, Name: "web"})
		Expect(err).NotTo(HaveOccurred())
		return revert
	}

	// revertAndRecover reverts and checks the proxy is clean and answers normally again.
	revertAndRecover := func(revert inject.Revert) {
		GinkgoHelper()
		Expect(revert(ctx)).To(Succeed())
		Expect(st.toxicCount()).To(BeZero())
		Expect(st.healthy()).To(Succeed())
	}

	fast := func() time.Duration {
		_, d, err := st.get("/", time.Second)
		Expect(err).NotTo(HaveOccurred())
		return d
	}

	It("latency delays answers by at least the configured latency, then stops", func() {
		Eventually(fast).Should(BeNumerically("<", 50*time.Millisecond))
		revert := apply("latency", map[string]any{"latency": "150ms", "jitter": "10ms"})
		Expect(st.toxicCount()).To(Equal(1))
		body, d, err := st.get("/", 2*time.Second)
		Expect(err).NotTo(HaveOccurred())
		Expect(body).To(Equal("ok"))
		Expect(d).To(BeNumerically(">=", 140*time.Millisecond))
		revertAndRecover(revert)
		Eventually(fast).Should(BeNumerically("<", 50*time.Millisecond))
	})

	It("latency on both streams adds one toxic per direction and delays twice", func() {
		revert := apply("latency", map[string]any{"latency": "100ms", "stream": "both"})
		Expect(st.toxicCount()).To(Equal(2))
		_, d, err := st.get("/", 2*time.Second)
		Expect(err).NotTo(HaveOccurred())
		Expect(d).To(BeNumerically(">=", 200*time.Millisecond))
		revertAndRecover(revert)
	})

	It("down refuses connections, then accepts them again", func() {
		revert := apply("down", nil)
		_, err := net.DialTimeout("tcp", st.proxy, time.Second)
		Expect(errors.Is(err, syscall.ECONNREFUSED)).To(BeTrue(), "dial error: %v", err)
		revertAndRecover(revert)
	})

	It("reset_peer resets connections, then stops", func() {
		revert := apply("reset_peer", map[string]any{"timeout": "0s"})
		_, _, err := st.raw("/", 2*time.Second)
		Expect(errors.Is(err, syscall.ECONNRESET)).To(BeTrue(), "read error: %v", err)
		revertAndRecover(revert)
	})

	It("timeout leaves requests unanswered, then stops", func() {
		// Both streams: the request never reaches the service and nothing comes back, so
		// the client hangs whether or not it asked the service to close the connection.
		revert := apply("timeout", map[string]any{"stream": "both"})
		_, _, err := st.get("/", 300*time.Millisecond)
		var ne net.Error
		Expect(errors.As(err, &ne)).To(BeTrue(), "error: %v", err)
		Expect(ne.Timeout()).To(BeTrue())
		revertAndRecover(revert)
	})

	It("limit_data truncates the answer, then stops", func() {
		revert := apply("limit_data", map[string]any{"bytes": 1000})
		b, _, err := st.raw("/bytes/10000", 2*time.Second)
		Expect(err).NotTo(HaveOccurred())
		Expect(len(b)).To(BeNumerically("<=", 1000))
		Expect(string(b)).To(HavePrefix("HTTP/1.0 200"))
		revertAndRecover(revert)
		body, _, err := st.get("/bytes/10000", 2*time.Second)
		Expect(err).NotTo(HaveOccurred())
		Expect(body).To(HaveLen(10000))
	})

	It("bandwidth slows transfers to the configured rate, then stops", func() {
		_, before, err := st.get("/bytes/5000", 2*time.Second)
		Expect(err).NotTo(HaveOccurred())
		Expect(before).To(BeNumerically("<", 100*time.Millisecond))
		revert := apply("bandwidth", map[string]any{"rate": 10}) // 10 KB/s: 5000 B take ≈500ms
		body, d, err := st.get("/bytes/5000", 3*time.Second)
		Expect(err).NotTo(HaveOccurred())
		Expect(body).To(HaveLen(5000))
		Expect(d).To(BeNumerically(">=", 400*time.Millisecond))
		revertAndRecover(revert)
	})

	It("slicer cuts data into delayed packets without corrupting it, then stops", func() {
		// 4000 B in ~100 B packets each delayed 5ms: ≥ about 200ms.
		revert := apply("slicer", map[string]any{"average_size": 100, "size_variation": 20, "delay": "5ms"})
		body, d, err := st.get("/bytes/4000", 3*time.Second)
		Expect(err).NotTo(HaveOccurred())
		Expect(body).To(Equal(strings.Repeat("x", 4000)))
		Expect(d).To(BeNumerically(">=", 150*time.Millisecond))
		revertAndRecover(revert)
	})

	It("slow_close holds the connection open before closing it, then stops", func() {
		revert := apply("slow_close", map[string]any{"delay": "300ms"})
		b, d, err := st.raw("/", 2*time.Second)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(HaveSuffix("ok"))
		Expect(d).To(BeNumerically(">=", 300*time.Millisecond))
		revertAndRecover(revert)
		_, d, err = st.raw("/", 2*time.Second)
		Expect(err).NotTo(HaveOccurred())
		Expect(d).To(BeNumerically("<", 300*time.Millisecond))
	})

	It("applies only to some connections with a toxicity below 1", func() {
		revert := apply("latency", map[string]any{"latency": "200ms", "toxicity": 0.5})
		var slow, quick int
		Eventually(func() bool {
			_, d, err := st.get("/", time.Second)
			Expect(err).NotTo(HaveOccurred())
			switch {
			case d >= 200*time.Millisecond:
				slow++
			case d < 100*time.Millisecond:
				quick++
			}
			return slow > 0 && quick > 0
		}).WithTimeout(10 * time.Second).WithPolling(time.Millisecond).Should(BeTrue())
		revertAndRecover(revert)
	})

	It("reverts after the apply context is cancelled, and a second revert is a no-op", func() {
		cctx, cancel := context.WithCancel(ctx)
		f, err := reg.Build(scenario.Fault{Kind: "latency", Target: "web", Params: map[string]any{"latency": "100ms"}})
		Expect(err).NotTo(HaveOccurred())
		revert, err := f.Apply(cctx, inject.Target{Stack: st, Name: "web"})
		Expect(err).NotTo(HaveOccurred())
		cancel()
		Expect(revert(cctx)).To(Succeed())
		Expect(st.toxicCount()).To(BeZero())
		Expect(revert(cctx)).To(Succeed())
		Expect(st.healthy()).To(Succeed())
	})

	It("lets two faults of one kind coexist on a proxy and reverts each alone", func() {
		r1 := apply("latency", map[string]any{"latency": "10ms"})
		r2 := apply("latency", map[string]any{"latency": "20ms"})
		Expect(st.toxicCount()).To(Equal(2))
		Expect(r1(ctx)).To(Succeed())
		Expect(st.toxicCount()).To(Equal(1))
		revertAndRecover(r2)
	})

	It("counts a toxic already removed (stack reset) as reverted", func() {
		revert := apply("latency", map[string]any{"latency": "10ms"})
		Expect(st.client.ResetState()).To(Succeed())
		revertAndRecover(revert)
	})

	It("fails on a proxy that does not exist, and on a cancelled context", func() {
		f, err := reg.Build(scenario.Fault{Kind: "latency", Target: "nope", Params: map[string]any{"latency": "10ms"}})
		Expect(err).NotTo(HaveOccurred())
		_, err = f.Apply(ctx, inject.Target{Stack: st, Name: "nope"})
		Expect(err).To(MatchError(ContainSubstring(`fault latency: find proxy "nope"`)))

		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err = f.Apply(cctx, inject.Target{Stack: st, Name: "web"})
		Expect(err).To(MatchError(context.Canceled))
		Expect(st.toxicCount()).To(BeZero())
	})
})
