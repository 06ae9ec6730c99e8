package measure_test

import (
	"context"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
)

var _ = Describe("a workload's bounded workers", func() {
	// slowService is an operation a service cannot keep up with at 1,000/s: each takes
	// 200 ms, so keeping the schedule needs 200 at once. It records the most in flight.
	slowService := func(inFlight, most *atomic.Int64) func(int) {
		return func(int) {
			n := inFlight.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(200 * time.Millisecond)
			inFlight.Add(-1)
		}
	}

	It("never runs more operations at once than the bound, and reports the rest as late, not dropped", func() {
		var inFlight, most atomic.Int64
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		l := measure.PacedWorkers(ctx, measure.ConstantPacer{Rate: 1000}, 20, slowService(&inFlight, &most))
		Expect(most.Load()).To(BeNumerically("<=", 20))
		Expect(inFlight.Load()).To(BeZero(), "returns once every started operation has returned")
		// 20 workers of 200 ms operations start at most 20 × (300/200 + 1) in 300 ms.
		Expect(l.Issued).To(BeNumerically("<=", 60))
		Expect(l.Due).To(BeNumerically(">", l.Issued), "what was due and not issued is counted")
		Expect(l.Shortfall()).To(BeTrue())
	})

	It("is what bounds them: without it the same load holds far more at once", func() {
		var inFlight, most atomic.Int64
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		measure.Paced(ctx, measure.ConstantPacer{Rate: 1000}, slowService(&inFlight, &most))
		Expect(most.Load()).To(BeNumerically(">", 20))
	})

	It("sizes a workload's bound so that only drill falling behind reaches it", func() {
		Expect(measure.MaxWorkers(100, time.Second)).To(Equal(100))
		Expect(measure.MaxWorkers(5000, 2*time.Second)).To(Equal(10000))
		Expect(measure.MaxWorkers(1, 100*time.Millisecond)).To(Equal(64))
	})
})
