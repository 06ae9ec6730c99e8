package stack

import "context"

// effectKey carries the callback WithEffect installs.
type effectKey struct{}

// WithEffect returns a ctx under which a Controller's Kill and Pause and a Stopper's
// Stop call mark at the instant their effect begins for the service's clients (the
// process group stopped, the front switch cut; a kill at its signal, on docker when the
// engine's kill returned, since clients holding connections are served until then), so a trial's timeline dates the fault
// by it and not by when the call returned: a kill also reaps the process tree, or waits
// for the engine, which takes tens of milliseconds on a busy machine. mark is called at
// most once per call, from the calling goroutine; runtimes that cannot observe the
// instant do not call it.
func WithEffect(ctx context.Context, mark func()) context.Context {
	return context.WithValue(ctx, effectKey{}, mark)
}

// MarkEffect calls the mark WithEffect installed in ctx, if any.
func MarkEffect(ctx context.Context) {
	if mark, ok := ctx.Value(effectKey{}).(func()); ok && mark != nil {
		mark()
	}
}
