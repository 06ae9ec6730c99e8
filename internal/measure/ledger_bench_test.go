package measure_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/testenv"
)

// BenchmarkLedgerWorkload measures the workload's sustained acknowledged-write rate
// against the ledger fixture (durability "always", group commit, a process behind the
// embedded Toxiproxy) and the share it issued on schedule, beside the baseline of the
// same writes sent back to back by one plain client in the same run (one fsync each). The acknowledged rate bounds the RPC resolution: a loss
// window shorter than 1/rate may contain no write to lose.
func BenchmarkLedgerWorkload(b *testing.B) {
	dir := b.TempDir()
	if err := testenv.BuildFixtures(context.Background(), dir); err != nil {
		b.Fatal(err)
	}
	defer os.Unsetenv("DRILL_FIXTURE_DIR")
	spec := scenario.Stack{Services: []scenario.Service{{Name: "ledger", Fixture: "ledger", Port: 8080, Health: "/healthz",
		Release: "v1", Releases: []scenario.Release{{Name: "v1"}}, Env: map[string]string{"LEDGER_DURABILITY": "always"}}}}
	st, err := process.New().Up(context.Background(), spec, stack.WithDataDir(b.TempDir()))
	if st != nil {
		defer st.Down(context.Background())
	}
	if err != nil {
		b.Fatal(err)
	}
	svc, _ := st.Service("ledger")
	ep := svc.Endpoint()
	wl := &measure.Ledger{Endpoint: ep, Rate: 1, Accounts: 10, Timeout: time.Second, Rand: rand.New(rand.NewPCG(1, 2))}
	if err := wl.Setup(context.Background()); err != nil {
		b.Fatal(err)
	}
	const window = 2 * time.Second
	var baseline float64
	b.Run("baseline-closed-loop", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			baseline = closedLoopRate(b, ep, window, i)
		}
		b.ReportMetric(baseline, "acked/s")
	})
	for _, rate := range []float64{1000, 2000, 5000, 6000} {
		b.Run(fmt.Sprintf("open-loop-%g", rate), func(b *testing.B) {
			var acked float64
			var load measure.Load
			for i := 0; i < b.N; i++ {
				w := *wl
				w.Rate = rate
				h := &measure.History{}
				ctx, cancel := context.WithTimeout(context.Background(), window)
				w.Run(ctx, measure.NewClock(), h)
				cancel()
				load = *h.Load()
				n := 0
				for _, op := range h.Ops() {
					if op.Outcome == measure.OK {
						n++
					}
				}
				acked = float64(n) / window.Seconds()
			}
			b.ReportMetric(acked, "acked/s")
			b.ReportMetric(1000/acked, "ms/write(RPC-resolution)")
			b.ReportMetric(100*load.OnScheduleShare(), "%on-schedule")
			if baseline > 0 {
				b.ReportMetric(acked/baseline, "x-baseline")
			}
		})
	}
}

// closedLoopRate sends transfers one after another for d and returns the acknowledged rate.
func closedLoopRate(b *testing.B, ep string, d time.Duration, round int) float64 {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(d)
	n := 0
	for i := 0; time.Now().Before(deadline); i++ {
		body := fmt.Sprintf(`{"id":"base-%d-%d","from":"a0","to":"a1","amount":1}`, round, i)
		resp, err := client.Post("http://"+ep+"/transfers", "application/json", bytes.NewBufferString(body))
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			n++
		}
	}
	return float64(n) / d.Seconds()
}
