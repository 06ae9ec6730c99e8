package measure

import (
	"context"
	"sync"
	"time"
)

// Prober is a steady-state probe of any kind (HTTP, TCP, exec, Prometheus): it probes
// on an open-loop schedule and hands every result to emit as it completes, returning
// once ctx is done and every probe in flight has reported.
type Prober interface {
	Run(ctx context.Context, clock Clock, emit func(ProbeResult))
}

// OpenLoop calls op(seq) for seq = 0, 1, 2, ...: the first at once, then one every
// interval, each in its own goroutine, so a slow operation never delays the schedule (a
// stalled service shows as latency and failures, never as missing samples). It stops
// starting operations when ctx is done and returns once every started one has returned.
func OpenLoop(ctx context.Context, interval time.Duration, op func(seq int)) {
	var wg sync.WaitGroup
	defer wg.Wait()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for seq := 0; ; seq++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			op(seq)
		}()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// probeLoop runs check on the open-loop schedule, each under its own timeout, and emits
// one result per check: passing when check returns nil. A check cut short by ctx ending
// still reports (it runs to its own timeout), so the last probes are never dropped.
func probeLoop(ctx context.Context, clock Clock, interval, timeout time.Duration, emit func(ProbeResult),
	check func(ctx context.Context) (status int, err error)) {
	OpenLoop(ctx, interval, func(seq int) {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
		r := ProbeResult{Seq: seq, Start: clock.Now()}
		status, err := check(cctx)
		r.End, r.Status = clock.Now(), status
		if err != nil {
			r.Err = err.Error()
		} else {
			r.OK = true
		}
		emit(r)
	})
}
