package measure_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
)

var _ = Describe("ConstantPacer", func() {
	p := measure.ConstantPacer{Rate: 1000}

	It("schedules operation n at n/rate, the first at once", func() {
		Expect(p.Pace(0, 0)).To(Equal(time.Duration(0)))
		wait, stop := p.Pace(0, 1)
		Expect(wait).To(Equal(time.Millisecond))
		Expect(stop).To(BeFalse())
		wait, _ = p.Pace(2500*time.Microsecond, 3)
		Expect(wait).To(Equal(500 * time.Microsecond))
		Expect(p.Due(7)).To(Equal(7 * time.Millisecond))
	})

	It("tolerates a start within the operation's own slot, and never less than a millisecond", func() {
		Expect(measure.ConstantPacer{Rate: 10}.Tolerance()).To(Equal(100 * time.Millisecond))
		Expect(measure.ConstantPacer{Rate: 1000}.Tolerance()).To(Equal(time.Millisecond))
		Expect(measure.ConstantPacer{Rate: 10000}.Tolerance()).To(Equal(measure.OnScheduleTolerance))
	})

	It("keeps an overdue operation due, so a late loop catches up instead of dropping ticks", func() {
		// 50 ms elapsed with only 3 issued: operations 3..50 are overdue and each is due now.
		for hits := uint64(3); hits <= 50; hits++ {
			wait, stop := p.Pace(50*time.Millisecond, hits)
			Expect(wait).To(BeZero(), "operation %d", hits)
			Expect(stop).To(BeFalse())
		}
		wait, _ := p.Pace(50*time.Millisecond, 51)
		Expect(wait).To(Equal(time.Millisecond))
	})
})

var _ = Describe("OpenLoop", func() {
	It("issues every operation on schedule while all earlier ones are still running", func() {
		release := make(chan struct{})
		var started atomic.Int64
		begin := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		DeferCleanup(cancel)
		done := make(chan measure.Load)
		go func() {
			done <- measure.OpenLoop(ctx, time.Millisecond, func(int) {
				started.Add(1)
				<-release // no operation returns before the schedule ends
			})
		}()
		<-ctx.Done()
		close(release)
		var l measure.Load
		Eventually(done).Should(Receive(&l))
		Expect(l.Issued).To(BeEquivalentTo(started.Load()))
		Expect(l.AskedRate).To(Equal(1000.0))
		// The window runs from the loop's start (after this goroutine's) to when it saw ctx end.
		Expect(l.Window.D()).To(BeNumerically(">=", 180*time.Millisecond))
		Expect(l.Window.D()).To(BeNumerically("<=", time.Since(begin)))
		Expect(l.Due).To(Equal(int(l.Window.D().Seconds()*1000) + 1))
		Expect(l.Issued).To(BeNumerically(">=", 150))
		Expect(l.Due-l.Issued).To(BeNumerically("<=", 20),
			"no blocked operation holds up the next: only the loop's own lateness at the stop leaves any due unissued")
		Expect(l.AchievedRate).To(BeNumerically("~", float64(l.Issued)/l.Window.D().Seconds(), 1e-9))
		Expect(l.OnSchedule).To(BeNumerically("<=", l.Issued))
		Expect(l.Tolerance).To(Equal(measure.Offset(measure.OnScheduleTolerance)))
	})

	It("counts an operation due but never issued as a shortfall", func() {
		// A schedule stopped before it began has its first operation due and none issued.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		l := measure.OpenLoop(ctx, time.Millisecond, func(int) {})
		Expect(l.Issued).To(BeZero())
		Expect(l.Due).To(Equal(1))
		Expect(l.Shortfall()).To(BeTrue())
	})
})

var _ = Describe("Load", func() {
	It("is short when fewer than 99 % of the due operations started on schedule", func() {
		Expect(measure.Load{Due: 1000, Issued: 1000, OnSchedule: 990}.Shortfall()).To(BeFalse())
		Expect(measure.Load{Due: 1000, Issued: 1000, OnSchedule: 989}.Shortfall()).To(BeTrue())
		Expect(measure.Load{Due: 1000, Issued: 900, OnSchedule: 900}.OnScheduleShare()).To(Equal(0.9))
		Expect(measure.Load{}.Shortfall()).To(BeFalse())
	})
})

var _ = Describe("a workload's run", func() {
	It("records in its history the Load its schedule achieved: asked, due, issued and on schedule", func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		DeferCleanup(srv.Close)
		w, err := measure.NewHTTPWorkload(measure.HTTPWorkloadSpec{Endpoint: srv.Listener.Addr().String(), Rate: 200,
			Timeout: time.Second, Write: measure.HTTPRequest{Path: "/w", Body: `{"id":"{{.ID}}"}`}, Success: []int{200}})
		Expect(err).NotTo(HaveOccurred())
		h := &measure.History{}
		Expect(h.Load()).To(BeNil(), "nothing ran yet")
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		DeferCleanup(cancel)
		w.Run(ctx, measure.NewClock(), h)
		l := h.Load()
		Expect(l).NotTo(BeNil())
		Expect(l.AskedRate).To(Equal(200.0))
		Expect(l.Issued).To(Equal(len(h.Ops())), "one write recorded per operation issued")
		Expect(l.Due).To(BeNumerically(">=", l.Issued))
		Expect(l.Tolerance).To(Equal(measure.Offset(5*time.Millisecond)), "one slot at 200/s")
	})
})
