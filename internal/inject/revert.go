package inject

import (
	"context"
	"sync"
	"time"
)

// newRevert wraps undo into a Revert that detaches from the caller's cancellation, bounds
// itself with timeout, and becomes a no-op once it has succeeded (a failed revert may be
// retried).
func newRevert(timeout time.Duration, undo func(context.Context) error) Revert {
	var (
		mu   sync.Mutex
		done bool
	)
	return func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		if done {
			return nil
		}
		if ctx == nil {
			ctx = context.Background()
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
		if err := undo(ctx); err != nil {
			return err
		}
		done = true
		return nil
	}
}

// noRevert is the Revert of one-shot faults: there is nothing to undo.
func noRevert(context.Context) error { return nil }

// await runs call, which cannot take a context (the Toxiproxy client), and returns its
// error, or ctx's error when ctx ends first (call then finishes in the background).
func await(ctx context.Context, call func() error) error {
	ch := make(chan error, 1)
	go func() { ch <- call() }()
	select {
	case err := <-ch:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
