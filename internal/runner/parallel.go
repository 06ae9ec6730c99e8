package runner

import (
	"context"
	"sync"
)

// runTrials runs trials 1..n, at most parallel at a time (1 or less: one after another,
// in order), each on its own stack, and hands every result to done as the trial ends,
// one at a time. run is told its worker (0 .. workers(n, parallel)-1): a worker runs one
// trial at a time. No trial starts once ctx is done; the trials in progress then end
// (and tear down) before it returns.
func runTrials[R any](ctx context.Context, n, parallel int, run func(worker, i int) R, done func(R)) {
	if parallel <= 1 {
		for i := 1; i <= n && ctx.Err() == nil; i++ {
			done(run(0, i))
		}
		return
	}
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		next = make(chan int)
	)
	for w := range workers(n, parallel) {
		wg.Go(func() {
			for i := range next {
				r := run(w, i)
				mu.Lock()
				done(r)
				mu.Unlock()
			}
		})
	}
	for i := 1; i <= n && ctx.Err() == nil; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
}

// workers is how many workers runTrials runs n trials on, parallel at a time.
func workers(n, parallel int) int {
	return max(1, min(parallel, n))
}

// handout counts the trials handed to workers, for the stack slots' More: whether a
// trial still waits for a worker. Trials are handed out in order, 1 first.
type handout struct {
	mu    sync.Mutex
	taken int
	total int
}

// take records that trial i went to a worker.
func (h *handout) take(i int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.taken = max(h.taken, i)
}

// more reports whether a trial has not gone to a worker yet. One being handed out at
// that moment may count as waiting: the stack kept for it is then torn down at the end.
func (h *handout) more() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.taken < h.total
}
