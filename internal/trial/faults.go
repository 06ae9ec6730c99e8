package trial

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/drillhq/drill/internal/inject"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// faults applies a scenario's faults on schedule and reverts every one of them: at the
// end of its duration, when the rollback starts (a fault that lasts "until the
// rollback"), and in any case when the trial ends, however it ends.
type faults struct {
	t       *run
	st      stack.Stack
	runtime string
	specs   []scenario.Fault
	built   []inject.Fault

	mu      sync.Mutex
	reverts map[int]inject.Revert
	untilRB []int
	// rolledBack is set once the rollback started.
	rolledBack bool
	firstErr   error
	wg         sync.WaitGroup
	stop       chan struct{}
}

func newFaults(t *run, st stack.Stack, runtime string, specs []scenario.Fault) (*faults, error) {
	reg := inject.NewRegistry()
	f := &faults{t: t, st: st, runtime: runtime, specs: specs, reverts: map[int]inject.Revert{}, stop: make(chan struct{})}
	for i, spec := range specs {
		b, err := reg.Build(spec)
		if err != nil {
			return nil, fmt.Errorf("faults[%d]: %w", i, err)
		}
		f.built = append(f.built, b)
	}
	return f, nil
}

// start schedules every fault that counts from the change relative to now (t_fault).
func (f *faults) start(ctx context.Context) {
	f.schedule(ctx, false)
}

// schedule starts the faults counting from the rollback (rollback) or from the change.
func (f *faults) schedule(ctx context.Context, rollback bool) {
	for i, spec := range f.specs {
		if (spec.From == scenario.FromRollback) == rollback {
			f.wg.Add(1)
			go f.run(ctx, i)
		}
	}
}

func (f *faults) run(ctx context.Context, i int) {
	defer f.wg.Done()
	spec := f.specs[i]
	if !f.sleep(ctx, spec.At.D()) {
		return
	}
	if f.missed(spec) {
		f.t.event(EventFaultSkipped, spec.Kind+" "+spec.Target+": due after the rollback started, and it lasts only until then")
		return
	}
	target := inject.Target{Stack: f.st, Name: spec.Target, Runtime: f.runtime}
	// A fault whose runtime sees the instant it takes effect (a kill's signal) is dated
	// by it; any other by when Apply returned.
	var effect atomic.Int64
	effect.Store(-1)
	actx := stack.WithEffect(ctx, func() { effect.CompareAndSwap(-1, int64(f.t.clock.Now())) })
	revert, err := f.built[i].Apply(actx, target)
	if err != nil {
		f.record(fmt.Errorf("apply fault %s on %s: %w", spec.Kind, spec.Target, err))
		return
	}
	if at := effect.Load(); at >= 0 {
		f.t.recordAt(measure.Offset(at), EventFaultApplied, spec.Kind+" "+spec.Target)
	} else {
		f.t.event(EventFaultApplied, spec.Kind+" "+spec.Target)
	}
	f.mu.Lock()
	f.reverts[i] = revert
	late := f.rolledBack
	// A lasting fault (a kill) is not undone when the rollback starts: what brings the
	// service back is the rollback itself, or the supervisor the fault declares. One
	// applied from the rollback on lasts until the trial ends.
	l, lasting := f.built[i].(inject.Lasting)
	lasting = lasting && l.LastsPastRollback()
	untilRB := spec.For == 0 && !lasting && spec.From != scenario.FromRollback
	if untilRB {
		f.untilRB = append(f.untilRB, i)
	}
	f.mu.Unlock()
	if untilRB && late {
		// The rollback started while it was being applied: it ends with the rollback.
		f.revert(ctx, i)
		return
	}
	if spec.For > 0 && f.sleep(ctx, spec.For.D()) {
		f.revert(ctx, i)
	}
}

// sleep waits d on a timer as the schedule says, or returns false when the trial
// ends first.
func (f *faults) sleep(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
	case <-f.stop:
	}
	return false
}

func (f *faults) revert(ctx context.Context, i int) {
	f.mu.Lock()
	rv, ok := f.reverts[i]
	delete(f.reverts, i)
	f.mu.Unlock()
	if !ok {
		return
	}
	if err := rv(ctx); err != nil {
		f.record(fmt.Errorf("revert fault %s on %s: %w", f.specs[i].Kind, f.specs[i].Target, err))
		return
	}
	f.t.event(EventFaultReverted, f.specs[i].Kind+" "+f.specs[i].Target)
}

// missed reports whether a fault lasting until the rollback came due after the rollback
// started: its whole span is over, so it is not applied at all.
func (f *faults) missed(spec scenario.Fault) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rolledBack && spec.For == 0 && spec.From != scenario.FromRollback
}

// atRollback reverts the faults that last until the rollback (in reverse order of
// application), then starts the schedule of those that count from it.
func (f *faults) atRollback(ctx context.Context) {
	f.mu.Lock()
	f.rolledBack = true
	ids := append([]int(nil), f.untilRB...)
	f.mu.Unlock()
	for k := len(ids) - 1; k >= 0; k-- {
		f.revert(ctx, ids[k])
	}
	f.schedule(ctx, true)
}

// close stops the schedule and reverts whatever is still applied, even after ctx ended.
func (f *faults) close(ctx context.Context) error {
	close(f.stop)
	f.wg.Wait()
	for i := range f.specs {
		f.revert(context.WithoutCancel(ctx), i)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.firstErr
}

func (f *faults) record(err error) {
	f.mu.Lock()
	f.firstErr = errors.Join(f.firstErr, err)
	f.mu.Unlock()
	f.t.event(EventFaultError, err.Error())
}
