package runner

import (
	"context"
	"sync"
)

// runTrials runs trials 1..n, at most parallel at a time (1 or less: one after another,
// in order), each on its own stack, and hands every result to done as the trial ends,
// one at a time. No trial starts once ctx is done; the trials in progress then end (and
// tear down) before it returns.
func runTrials[R any](ctx context.Context, n, parallel int, run func(i int) R, done func(R)) {
	if parallel <= 1 {
		for i := 1; i <= n && ctx.Err() == nil; i++ {
			done(run(i))
		}
		return
	}
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		next = make(chan int)
	)
	for range min(parallel, n) {
		wg.Go(func() {
			for i := range next {
				r := run(i)
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
