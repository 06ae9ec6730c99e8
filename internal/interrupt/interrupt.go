// Package interrupt catches drill's SIGINT and SIGTERM from the first moment it can:
// its init, which runs before the heavy packages' (an engine client, schema compilers)
// on a loaded machine a run spends most of its first second in. Before any handler is
// installed Go's runtime lets such a signal kill the process; a run interrupted then
// died by the signal instead of exiting 130 (bench/soak: 2 of 100 interrupts under a
// load of 25). A signal caught here before main asked for it is not lost: Context
// returns a context already cancelled.
package interrupt

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// caught receives the signals from init on; one is kept until Context reads it.
var caught = make(chan os.Signal, 1)

func init() { signal.Notify(caught, os.Interrupt, syscall.SIGTERM) }

// Context returns a context cancelled by the first SIGINT or SIGTERM the process
// received, since its init. stop ends the handling: a signal after it has its default
// effect again.
func Context() (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-caught:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(caught)
		cancel()
	}
}

// Release gives SIGINT and SIGTERM back their default effect, for the services drill's
// binary runs as subcommands (fixtures, the proxy server), which handle them
// themselves. A signal caught before is sent again and has that effect now: the process
// dies by it, as it did before this package caught anything (or, where the signal was
// ignored when the process started, goes on).
func Release() {
	signal.Stop(caught)
	select {
	case sig := <-caught:
		signal.Reset(sig)
		_ = syscall.Kill(os.Getpid(), sig.(syscall.Signal))
	default:
	}
}
