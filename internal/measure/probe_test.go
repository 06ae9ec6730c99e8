package measure_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/testenv"
)

// collect runs the probe until n results arrived and returns them.
func collect(p *measure.HTTPProbe, n int) []measure.ProbeResult {
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var got []measure.ProbeResult
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.Run(ctx, measure.NewClock(), func(r measure.ProbeResult) {
			mu.Lock()
			got = append(got, r)
			if len(got) == n {
				cancel()
			}
			mu.Unlock()
		})
	}()
	Eventually(done, 10*time.Second).Should(BeClosed())
	cancel()
	mu.Lock()
	defer mu.Unlock()
	return append([]measure.ProbeResult(nil), got...)
}

var _ = Describe("HTTPProbe", func() {
	var (
		status atomic.Int32
		delay  atomic.Int64
		srv    *httptest.Server
	)
	BeforeEach(func() {
		status.Store(200)
		delay.Store(0)
		srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(time.Duration(delay.Load())) // the service under test being slow
			w.WriteHeader(int(status.Load()))
			_, _ = w.Write([]byte(`{"status":"ok"}`))
		}))
		DeferCleanup(srv.Close)
	})
	probe := func() *measure.HTTPProbe {
		return &measure.HTTPProbe{URL: srv.URL + "/healthz", Status: 200, Interval: 10 * time.Millisecond, Timeout: 200 * time.Millisecond}
	}

	It("passes on the expected status and body", func() {
		p := probe()
		p.BodyContains = `"ok"`
		for _, r := range collect(p, 3) {
			Expect(r.OK).To(BeTrue(), r.Err)
			Expect(r.End).To(BeNumerically(">=", r.Start))
		}
	})

	It("fails on another status, a missing body text, and a latency over the bound", func() {
		status.Store(500)
		r := collect(probe(), 1)[0]
		Expect(r.OK).To(BeFalse())
		Expect(r.Err).To(ContainSubstring("status 500"))

		status.Store(200)
		p := probe()
		p.BodyContains = "healthy"
		Expect(collect(p, 1)[0].Err).To(ContainSubstring(`body lacks "healthy"`))

		delay.Store(int64(30 * time.Millisecond))
		p = probe()
		p.MaxLatency = 5 * time.Millisecond
		Expect(collect(p, 1)[0].Err).To(ContainSubstring("latency"))
	})

	It("fails a probe that gets no answer within its timeout, and reports when it gave up", func() {
		delay.Store(int64(time.Second))
		r := collect(probe(), 1)[0]
		Expect(r.OK).To(BeFalse())
		Expect(r.Latency()).To(BeNumerically("~", 200*time.Millisecond, 100*time.Millisecond))
	})

	It("fails fast when nothing listens", func() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		addr := ln.Addr().String()
		ln.Close()
		p := &measure.HTTPProbe{URL: "http://" + addr + "/", Status: 200, Interval: 10 * time.Millisecond, Timeout: time.Second}
		r := collect(p, 1)[0]
		Expect(r.OK).To(BeFalse())
		Expect(strings.ToLower(r.Err)).To(ContainSubstring("refused"))
	})

	It("keeps its schedule while the service stalls (open loop): a stall is latency, not missing samples", func() {
		delay.Store(int64(150 * time.Millisecond))
		rs := collect(probe(), 10)
		// 10 probes completed; with a 150ms stall and a closed loop the starts would be
		// ≥150ms apart. Open loop starts them every 10ms.
		// A closed loop would start probes ≥150ms apart; open loop keeps the 10ms schedule.
		starts := make([]measure.Offset, len(rs))
		for i, r := range rs {
			starts[i] = r.Start
		}
		slices.Sort(starts)
		for i := 1; i < len(starts); i++ {
			Expect(time.Duration(starts[i] - starts[i-1])).To(BeNumerically("<", 75*time.Millisecond))
		}
	})
})

var _ = Describe("HTTPProbe connections", func() {
	// serve answers on raw connections, numbered from 1 as they are accepted:
	// answer(conn, request) returns the status to give, or 0 to close the connection
	// without answering.
	serve := func(answer func(conn, request int) int) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(ln.Close)
		var accepted atomic.Int64
		go testenv.ServeEach(ln, func(c net.Conn) {
			conn := int(accepted.Add(1))
			buf := make([]byte, 4096)
			for req := 1; ; req++ {
				if _, err := c.Read(buf); err != nil { // a GET fits one read
					return
				}
				status := answer(conn, req)
				if status == 0 {
					return
				}
				_, _ = fmt.Fprintf(c, "HTTP/1.1 %d X\r\nContent-Length: 0\r\n\r\n", status)
			}
		})
		return "http://" + ln.Addr().String() + "/healthz"
	}

	It("dates a probe by the request that got the answer when the client had to send it again", func() {
		url := serve(func(conn, request int) int {
			switch {
			case conn == 1 && request == 1:
				return 200
			case conn == 1:
				time.Sleep(30 * time.Millisecond) // a release stopping: it closes the kept-alive connection unanswered
				return 0
			default:
				return 500
			}
		})
		p := &measure.HTTPProbe{URL: url, Status: 200, Interval: 50 * time.Millisecond, Timeout: time.Second}
		rs := collect(p, 2)
		slices.SortFunc(rs, func(a, b measure.ProbeResult) int { return a.Seq - b.Seq })
		Expect(rs[0].OK).To(BeTrue())
		Expect(rs[0].Resent).To(BeZero())
		Expect(rs[0].Sent()).To(Equal(rs[0].Start))
		Expect(rs[1].OK).To(BeFalse())
		Expect(rs[1].Status).To(Equal(500))
		Expect(rs[1].Sent().D()).To(BeNumerically(">=", rs[1].Start.D()+30*time.Millisecond),
			"the answer is the resent request's: it went out once the first connection closed")
		Expect(*measure.FirstFailure(rs, 0)).To(Equal(rs[1].Sent()))
	})

	It("keeps one connection for probes one after another, and opens a new one for every probe when fresh", func() {
		conns := func(fresh bool) []int {
			var mu sync.Mutex
			var seen []int
			url := serve(func(conn, _ int) int {
				mu.Lock()
				defer mu.Unlock()
				seen = append(seen, conn)
				return 200
			})
			p := &measure.HTTPProbe{URL: url, Status: 200, Interval: 50 * time.Millisecond, Timeout: time.Second, Fresh: fresh}
			for _, r := range collect(p, 5) {
				Expect(r.OK).To(BeTrue(), r.Err)
			}
			mu.Lock()
			defer mu.Unlock()
			return slices.Clone(seen)
		}
		// Kept alive: reused (a probe still in flight on a loaded machine opens a second).
		Expect(slices.Max(conns(false))).To(BeNumerically("<=", 2))
		Expect(conns(true)).To(Equal([]int{1, 2, 3, 4, 5}))
	})
})
