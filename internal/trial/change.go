package trial

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// changeDeploy is the change's deploy (every step of it), running beside the trigger
// so that a trigger firing meanwhile can abort it.
type changeDeploy struct {
	done     chan struct{} // closed when the deploy returned; nil once consumed by exec
	finished chan struct{} // the same, never set to nil
	cancel   context.CancelFunc
	live     atomic.Bool

	mu    sync.Mutex
	steps []stepState // per change step, what the rollback needs to undo it
}

// stepState is what a change step did, for its undo.
type stepState struct {
	started bool
	live    bool   // a deploy step's release took traffic
	before  string // the release its service ran when it started
}

// step returns what change step i did.
func (c *changeDeploy) step(i int) stepState {
	c.mu.Lock()
	defer c.mu.Unlock()
	if i < 0 || i >= len(c.steps) {
		return stepState{}
	}
	return c.steps[i]
}

func (c *changeDeploy) setStep(i int, f func(*stepState)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(&c.steps[i])
}

// inFlight reports whether the deploy is still running.
func (c *changeDeploy) inFlight() bool {
	select {
	case <-c.finished:
		return false
	default:
		return true
	}
}

// isLive reports whether a release of the change took traffic.
func (c *changeDeploy) isLive() bool { return c.live.Load() }

// abort cancels the deploy in flight (the new release is removed, the old one serves).
func (c *changeDeploy) abort() { c.cancel() }

// wait waits until the deploy returned; only the trial's end is an error here (a failed
// or aborted deploy is on the timeline, and what it did to the service is for the probes
// to say).
func (c *changeDeploy) wait(ctx context.Context) error {
	select {
	case <-c.finished:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stop aborts the deploy if it still runs and waits for it: nothing of a trial may go
// on after the trial.
func (c *changeDeploy) stop() {
	c.cancel()
	<-c.finished
}

// changeRelease is the release t_fault deploys: the change's, or in a control trial the
// good release (control.release; the running one by default); false when none is deployed.
func (t *run) changeRelease() (string, bool) {
	sc := t.sc
	if sc.Change == nil {
		return "", false
	}
	if !t.cfg.Control {
		return sc.Change.Release, true
	}
	switch rel := sc.Control.Release; rel {
	case scenario.ControlNone:
		return "", false
	case "":
		if svc := sc.Service(sc.Change.Service); svc != nil {
			return svc.Release, true
		}
		return "", false
	default:
		return rel, true
	}
}

// strategy names how the change's service deploys.
func (t *run) strategy() string {
	if svc := t.sc.Service(t.sc.Change.Service); svc != nil && svc.Strategy != "" {
		return svc.Strategy
	}
	return scenario.StrategyStartFirst
}

// changeSteps returns the steps t_fault runs: the scenario's, or in a control trial the
// one deploy of the good release (none with control.release: none).
func (t *run) changeSteps() []scenario.ChangeStep {
	steps := t.sc.ChangeSteps()
	switch {
	case !t.cfg.Control:
		return steps
	case t.sc.MultiStep(): // validation allows only control.release: none here
		return nil
	}
	rel, ok := t.changeRelease()
	if !ok {
		return nil
	}
	steps[0].Release = rel
	return steps
}

// deployChange starts the plan's change steps in the background, one after another, and
// returns at once. Each step's own steps go on the timeline; the first switch to a new
// release is t_live, and a recreate's gap (old told to stop → new live) is the change's
// own downtime. A step that fails (after the attempts an idempotent step may make) ends
// the change: the steps after it never run.
func (t *run) deployChange(ctx context.Context, st stack.Stack, pl scenario.Plan, actions map[int]rollback.Mechanism) *changeDeploy {
	dctx, cancel := context.WithCancel(ctx)
	planned, _ := pl.Of(scenario.PhaseChange)
	steps := t.changeSteps()
	c := &changeDeploy{finished: make(chan struct{}), cancel: cancel, steps: make([]stepState, len(t.sc.ChangeSteps()))}
	c.done = c.finished
	if len(planned) == 0 {
		close(c.finished)
		return c
	}
	go func() {
		defer close(c.finished)
		for _, ps := range planned {
			if dctx.Err() != nil || ps.Change >= len(steps) {
				return
			}
			if err := t.changeStep(dctx, st, c, ps.Change, steps[ps.Change], actions[ps.Change]); err != nil {
				if dctx.Err() == nil {
					t.event(EventChangeFailed, err.Error())
				}
				return
			}
		}
	}()
	return c
}

// changeStep runs change step i: a deploy of a release, or a mechanism used as an action.
func (t *run) changeStep(ctx context.Context, st stack.Stack, c *changeDeploy, i int, step scenario.ChangeStep, action rollback.Mechanism) error {
	svc, err := st.Service(step.Service)
	if err != nil {
		return err
	}
	before := svc.Release()
	c.setStep(i, func(s *stepState) { s.started, s.before = true, before })
	var do func(context.Context) error
	if step.Kind == scenario.StepDeploy {
		do = func(ctx context.Context) error {
			return svc.Deploy(ctx, step.Release, stack.WithSteps(t.onChangeDeploy(c, i)))
		}
	} else {
		target := rollback.Target{Stack: st, Service: step.Service, Previous: before, Env: t.env,
			Step: func(name, detail string) { t.event(EventChangePrefix.With(name), detail) }}
		do = func(ctx context.Context) error { return action.Rollback(ctx, target) }
	}
	if !t.sc.MultiStep() {
		return do(ctx)
	}
	name := step.Name
	return t.runStep(ctx, stepRun{phase: scenario.PhaseChange, name: name, what: fmt.Sprintf("%s: %s %s", name, step.Kind, step.Service),
		start: EventChangeStepStart, retry: EventChangeStepRetry, end: EventChangeStepEnd,
		attempts: scenario.Attempts(step.Idempotent, step.Retries), do: do})
}

// onChangeDeploy records the steps of change step i's deploy: its switch is the change
// going live (the first one is t_live), and a recreate's stop before it the start of
// the change's own gap.
func (t *run) onChangeDeploy(c *changeDeploy, i int) func(stack.DeployStep, string) {
	var stopping *measure.Offset
	return func(step stack.DeployStep, detail string) {
		at := t.event(EventChangePrefix.With(string(step)), detail)
		switch step {
		case stack.StepStopping:
			stopping = &at
		case stack.StepSwitched:
			c.setStep(i, func(s *stepState) { s.live = true })
			if c.live.Swap(true) {
				return
			}
			t.mu.Lock()
			t.res.Timing.Live = &at
			if stopping != nil {
				gap := at - *stopping
				t.res.Timing.ChangeGap = &gap
			}
			t.mu.Unlock()
		}
	}
}

// stepRun is one step of a multi-step change or rollback: what it does and the events
// that frame it.
type stepRun struct {
	phase, name, what string
	start, retry, end EventName
	// quiet: only retries are events (the one mechanism of a one-step plan, whose
	// rollback_start and rollback_end already frame it).
	quiet    bool
	attempts int
	do       func(context.Context) error
}

// runStep runs a step of a multi-step change or rollback as events on the timeline and a
// StepRecord in the result, trying it again after a failure while it has attempts left
// (more than one only for a step declared idempotent).
func (t *run) runStep(ctx context.Context, s stepRun) error {
	var rec StepRecord
	if !s.quiet {
		rec = StepRecord{Phase: s.phase, Name: s.name, Start: t.event(s.start, s.what)}
	}
	var err error
	for rec.Attempts = 1; ; rec.Attempts++ {
		if err = s.do(ctx); err == nil || rec.Attempts >= s.attempts || ctx.Err() != nil {
			break
		}
		t.event(s.retry, fmt.Sprintf("%s: attempt %d of %d failed: %v", s.name, rec.Attempts, s.attempts, err))
	}
	if s.quiet {
		return err
	}
	if ctx.Err() == nil {
		end := t.event(s.end, s.name)
		rec.End = &end
	}
	if err != nil {
		rec.Error = err.Error()
		err = fmt.Errorf("step %s: %w", s.name, err)
	}
	t.mu.Lock()
	t.res.Steps = append(t.res.Steps, rec)
	t.mu.Unlock()
	return err
}
