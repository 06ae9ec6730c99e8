package measure_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/drillhq/drill/internal/measure"
)

// BenchmarkPacer runs the HTTP workload open loop against a trivial local server (it
// reads the body and answers 200) at 5,000 and 10,000 writes/s and reports the Load the
// schedule achieved: the share of the due writes issued within the tolerance (1 ms) of
// their scheduled time (the goal is at least 99 %), the rate issued against the rate
// asked, the latest start, and the acknowledged rate.
//
//	go test -run '^$' -bench BenchmarkPacer -benchtime 1x ./internal/measure/
func BenchmarkPacer(b *testing.B) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	const window = 2 * time.Second
	for _, rate := range []float64{5000, 10000} {
		b.Run(fmt.Sprintf("asked-%g", rate), func(b *testing.B) {
			conns.Store(0)
			var l measure.Load
			acked := 0
			for i := 0; i < b.N; i++ {
				w, err := measure.NewHTTPWorkload(measure.HTTPWorkloadSpec{Endpoint: srv.Listener.Addr().String(), Rate: rate,
					Timeout: time.Second, Write: measure.HTTPRequest{Path: "/w", Body: `{"id":"{{.ID}}"}`}, Success: []int{200},
					Rand: rand.New(rand.NewPCG(1, uint64(i)))})
				if err != nil {
					b.Fatal(err)
				}
				h := &measure.History{}
				ctx, cancel := context.WithTimeout(context.Background(), window)
				w.Run(ctx, measure.NewClock(), h)
				cancel()
				l = *h.Load()
				acked = 0
				for _, op := range h.Ops() {
					if op.Outcome == measure.OK {
						acked++
					}
				}
			}
			b.ReportMetric(100*l.OnScheduleShare(), "%on-schedule")
			b.ReportMetric(100*float64(l.Issued)/float64(l.Due), "%issued")
			b.ReportMetric(l.AchievedRate, "issued/s")
			b.ReportMetric(l.AskedRate, "asked/s")
			b.ReportMetric(float64(l.Due-l.Issued), "not-issued")
			b.ReportMetric(l.MaxLate.Ms(), "max-late-ms")
			b.ReportMetric(float64(acked)/l.Window.D().Seconds(), "acked/s")
			b.ReportMetric(float64(conns.Load())/float64(b.N), "connections")
			b.ReportMetric(loadAverage(b), "loadavg")
		})
	}
	// The schedule alone, each operation doing nothing: the pacer's own lateness on this
	// machine, apart from the CPU the requests take.
	b.Run("asked-10000-noop", func(b *testing.B) {
		var l measure.Load
		for i := 0; i < b.N; i++ {
			ctx, cancel := context.WithTimeout(context.Background(), window)
			l = measure.OpenLoop(ctx, 100*time.Microsecond, func(int) {})
			cancel()
		}
		b.ReportMetric(100*l.OnScheduleShare(), "%on-schedule")
		b.ReportMetric(l.AchievedRate, "issued/s")
		b.ReportMetric(float64(l.Due-l.Issued), "not-issued")
		b.ReportMetric(l.MaxLate.Ms(), "max-late-ms")
		b.ReportMetric(loadAverage(b), "loadavg")
	})
}

// loadAverage is the machine's one-minute load average, the context of every figure.
func loadAverage(b *testing.B) float64 {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f, err := strconv.ParseFloat(strings.Fields(string(raw))[0], 64)
	if err != nil {
		b.Fatal(err)
	}
	return f
}
