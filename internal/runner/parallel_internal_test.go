package runner

import (
	"context"
	"sync"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("runTrials", func() {
	It("runs every trial once, in order, one at a time when not parallel", func() {
		var got []int
		runTrials(context.Background(), 5, 1, func(_, i int) int { return i }, func(i int) { got = append(got, i) })
		Expect(got).To(Equal([]int{1, 2, 3, 4, 5}))
	})

	It("runs up to parallel trials at once, every trial once, handing results over one at a time", func() {
		var running, peak atomic.Int32
		release := make(chan struct{})
		var started sync.WaitGroup
		started.Add(3)
		go func() { started.Wait(); close(release) }() // all three must be running together
		var got []int
		var inDone, overlaps atomic.Int32
		runTrials(context.Background(), 9, 3, func(_, i int) int {
			n := running.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			if i <= 3 {
				started.Done()
			}
			<-release
			running.Add(-1)
			return i
		}, func(i int) {
			if inDone.Add(1) != 1 {
				overlaps.Add(1)
			}
			got = append(got, i)
			inDone.Add(-1)
		})
		Expect(got).To(ConsistOf(1, 2, 3, 4, 5, 6, 7, 8, 9))
		Expect(peak.Load()).To(Equal(int32(3)))
		Expect(overlaps.Load()).To(BeZero(), "done is never called concurrently")
	})

	It("starts no trial once ctx is done, and waits for those in progress", func() {
		ctx, cancel := context.WithCancel(context.Background())
		second := make(chan struct{})
		var got []int
		runTrials(ctx, 10, 2, func(_, i int) int {
			switch i {
			case 1:
				<-second // both running: now the run is cancelled
				cancel()
			case 2:
				close(second)
				<-ctx.Done()
			default:
				<-ctx.Done()
			}
			return i
		}, func(i int) { got = append(got, i) })
		Expect(got).To(ContainElements(1, 2), "the trials in progress end and are kept")
		Expect(len(got)).To(BeNumerically("<=", 3), "at most one more was handed out as ctx ended")
	})
})
