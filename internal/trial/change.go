package trial

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// changeDeploy is the change's deploy, running beside the trigger so that a trigger
// firing meanwhile can abort it.
type changeDeploy struct {
	done     chan struct{} // closed when the deploy returned; nil once consumed by exec
	finished chan struct{} // the same, never set to nil
	cancel   context.CancelFunc
	live     atomic.Bool
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

// isLive reports whether the change's release took traffic.
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

// deployChange starts the change's deploy in the background and returns at once. Its
// steps go on the timeline; the switch to the new release is t_live, and a recreate's
// gap (old told to stop → new live) is the change's own downtime.
func (t *run) deployChange(ctx context.Context, st stack.Stack) *changeDeploy {
	dctx, cancel := context.WithCancel(ctx)
	c := &changeDeploy{finished: make(chan struct{}), cancel: cancel}
	c.done = c.finished
	rel, ok := t.changeRelease()
	if !ok {
		close(c.finished)
		return c
	}
	svc, err := st.Service(t.sc.Change.Service)
	if err != nil {
		t.event(EventChangeFailed, err.Error())
		close(c.finished)
		return c
	}
	var (
		mu       sync.Mutex
		stopping *measure.Offset
	)
	onStep := func(step stack.DeployStep, detail string) {
		at := t.event(EventChangePrefix+string(step), detail)
		mu.Lock()
		defer mu.Unlock()
		switch step {
		case stack.StepStopping:
			stopping = &at
		case stack.StepSwitched:
			c.live.Store(true)
			t.mu.Lock()
			t.res.Timing.Live = &at
			if stopping != nil {
				gap := at - *stopping
				t.res.Timing.ChangeGap = &gap
			}
			t.mu.Unlock()
		}
	}
	go func() {
		defer close(c.finished)
		if err := svc.Deploy(dctx, rel, stack.WithSteps(onStep)); err != nil && dctx.Err() == nil {
			t.event(EventChangeFailed, err.Error())
		}
	}()
	return c
}

// stepper records each step of a deploy on the timeline, named prefix+step.
func (t *run) stepper(prefix string) func(stack.DeployStep, string) {
	return func(step stack.DeployStep, detail string) { t.event(prefix+string(step), detail) }
}
