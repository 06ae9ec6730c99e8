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

// faults applies the plan's faults on schedule and reverts every one of them as the
// plan says (scenario.Lasts): at the end of its duration, when the rollback starts (a
// fault that lasts "until the rollback"), and in any case when the trial ends, however
// it ends.
type faults struct {
	t       *run
	st      stack.Stack
	runtime string
	// steps are the plan's fault steps, in the plan's order; specs, built and after are
	// by the same index: the scenario's fault, built, and for a fault reverted after its
	// for, how long after its application the plan's revert step comes.
	steps []scenario.Step
	specs []scenario.Fault
	built []inject.Fault
	after []time.Duration

	mu      sync.Mutex
	reverts map[int]inject.Revert
	untilRB []int
	// rolledBack is set once the rollback started.
	rolledBack bool
	firstErr   error
	wg         sync.WaitGroup
	stop       chan struct{}
}

// newFaults builds the faults of the plan's fault steps with the given kinds.
func newFaults(t *run, st stack.Stack, runtime string, kinds *inject.Registry, pl scenario.Plan) (*faults, error) {
	steps, at := pl.Of(scenario.PhaseFault)
	reverts, _ := pl.Of(scenario.PhaseRevert)
	f := &faults{t: t, st: st, runtime: runtime, steps: steps, after: make([]time.Duration, len(steps)),
		reverts: map[int]inject.Revert{}, stop: make(chan struct{})}
	for k, step := range steps {
		spec := t.sc.Faults[step.Fault]
		b, err := kinds.Build(spec)
		if err != nil {
			return nil, fmt.Errorf("faults[%d]: %w", step.Fault, err)
		}
		f.specs, f.built = append(f.specs, spec), append(f.built, b)
		for _, rv := range reverts {
			if rv.Undoes == at[k] && step.Lasts == scenario.LastsFor {
				f.after[k] = rv.At - step.At
			}
		}
	}
	return f, nil
}

// start schedules every fault that counts from t_fault relative to now (t_fault).
func (f *faults) start(ctx context.Context) {
	f.schedule(ctx, scenario.AnchorFault)
}

// schedule starts the faults that count from anchor (t_fault or t_trigger).
func (f *faults) schedule(ctx context.Context, anchor scenario.Anchor) {
	for k, step := range f.steps {
		if step.Anchor == anchor {
			f.wg.Add(1)
			go f.run(ctx, k)
		}
	}
}

func (f *faults) run(ctx context.Context, i int) {
	defer f.wg.Done()
	spec, step := f.specs[i], f.steps[i]
	if !f.sleep(ctx, step.At) {
		return
	}
	if f.missed(step) {
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
	untilRB := step.Lasts == scenario.LastsUntilRollback
	if untilRB {
		f.untilRB = append(f.untilRB, i)
	}
	f.mu.Unlock()
	if untilRB && late {
		// The rollback started while it was being applied: it ends with the rollback.
		f.revert(ctx, i)
		return
	}
	if step.Lasts == scenario.LastsFor && f.sleep(ctx, f.after[i]) {
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

// missed reports whether a fault came due after the rollback started and the plan says
// it is then not applied at all (scenario.Step.SkippedOnceRolledBack).
func (f *faults) missed(step scenario.Step) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rolledBack && step.SkippedOnceRolledBack()
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
	f.schedule(ctx, scenario.AnchorTrigger)
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
