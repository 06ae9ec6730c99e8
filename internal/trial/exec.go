package trial

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/drillhq/drill/internal/inject"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// parts are what a trial executes, built before its clock starts from the scenario's
// Plan: the one schedule `drill plan` prints.
type parts struct {
	plan    scenario.Plan
	trigger *rollback.Automated
	decider rollback.Decider
	probe   measure.Prober
	// rollback holds the plan's change actions and rollback steps, built.
	rollback *rollbackPlan
	faults   *faults
}

// schedule returns the plan the trial executes: the scenario's, or a control trial's
// share of it (no fault, no trigger, no rollback). Whether a fault lasts past the
// rollback is its kind's to say.
func (t *run) schedule(faultKinds *inject.Registry) scenario.Plan {
	pl := t.sc.Plan(scenario.WithLasting(faultKinds.Lasts))
	if t.cfg.Control {
		return pl.ForControl()
	}
	return pl
}

// build makes everything the trial runs, so that nothing fails once its clock started.
func (t *run) build(ctx context.Context, st stack.Stack) (*parts, error) {
	sc := t.sc
	faultKinds := t.cfg.Kinds.Faults
	p := &parts{plan: t.schedule(faultKinds)}
	var err error
	if p.trigger, err = rollback.NewAutomated(sc.Rollback.Trigger); err != nil {
		return nil, err
	}
	if p.rollback, err = newRollbackPlan(sc, p.plan, t.cfg.Kinds.Mechanisms); err != nil {
		return nil, err
	}
	if p.decider, err = t.cfg.Kinds.Triggers.Build(sc.Rollback.Trigger); err != nil {
		return nil, err
	}
	if t.cfg.Operator != nil && sc.Rollback.Trigger.Kind != scenario.TriggerAutomated {
		p.decider = rollback.NewInteractive(t.cfg.Operator, sc.Rollback.Trigger.Kind, p.decider)
	}
	if err := t.setupWorkload(ctx, st); err != nil {
		return nil, err
	}
	if p.probe, err = newProber(sc, st, t.cfg.Kinds.Probes); err != nil {
		return nil, err
	}
	if t.env, err = endpointEnv(sc, st); err != nil {
		return nil, err
	}
	if p.faults, err = newFaults(t, st, t.cfg.Runtime.Name(), faultKinds, p.plan); err != nil {
		return nil, err
	}
	return p, nil
}

// exec runs the phases of the trial; probes and workload are stopped before it returns.
func (t *run) exec(ctx context.Context, st stack.Stack) error {
	t.st = st
	p, err := t.build(ctx, st)
	if err != nil {
		return err
	}
	defer func() {
		if ferr := p.faults.close(ctx); ferr != nil && t.res.Error == "" {
			t.res.Error = ferr.Error()
		}
	}()

	sampled, err := firstSample(ctx, p.probe)
	if err != nil {
		return err
	}
	// The trial clock starts once the stack is up: every measure is an offset from here.
	t.clock = measure.NewClock()
	t.res.Started = t.clock.Base().UTC()
	t.event(EventStackUp, fmt.Sprintf("%s runtime, ready in %s%s%s", t.cfg.Runtime.Name(), t.res.Setup, t.stackHow(), sampled))
	stop, err := t.background(ctx, st, p)
	defer stop()
	if err != nil {
		return err
	}

	warm := t.event(EventWarmupStart, steadyRule(t.sc))
	if err := t.warmUp(ctx, warm); err != nil {
		return err
	}
	change, err := t.startChange(ctx, st, p)
	if err != nil {
		return err
	}
	// Run resets once everything of the trial stopped (probes, workload, change, faults).
	t.undo = func(ctx context.Context) { t.reset(ctx, st, p, change) }
	defer change.stop()
	if t.cfg.Control {
		return t.observeControl(ctx, change)
	}
	return t.rollBack(ctx, st, p, change)
}

// FirstSampleTimeout bounds how long a trial waits, once its stack is up, for a probe's
// source to answer its query at all (measure.FirstSampler: a fresh Prometheus's first
// scrape of its targets, every scrape_interval).
const FirstSampleTimeout = 2 * time.Minute

// firstSample waits for the first answer of a probe whose source needs it, before the
// trial clock starts, and says how long it waited ("" for a probe that needs none).
func firstSample(ctx context.Context, probe measure.Prober) (string, error) {
	fs, ok := probe.(measure.FirstSampler)
	if !ok {
		return "", nil
	}
	start := time.Now()
	wctx, cancel := context.WithTimeout(ctx, FirstSampleTimeout)
	defer cancel()
	if err := fs.FirstSample(wctx); err != nil {
		return "", fmt.Errorf("warm up probes: %w (within %s of the stack being up)", err, FirstSampleTimeout)
	}
	return fmt.Sprintf("; the probe's query had its first sample %s later (waited before the warm-up)", time.Since(start).Round(time.Millisecond)), nil
}

// background starts the probes, the workload and the verify section's own workload; the
// function it returns stops them and waits for them, whatever the error.
func (t *run) background(ctx context.Context, st stack.Stack, p *parts) (func(), error) {
	probeCtx, stopProbes := context.WithCancel(ctx)
	wlCtx, stopWorkload := context.WithCancel(ctx)
	var bg sync.WaitGroup
	stop := func() { stopProbes(); stopWorkload(); bg.Wait() }
	bg.Add(1)
	go func() {
		defer bg.Done()
		p.probe.Run(probeCtx, t.clock, func(r measure.ProbeResult) { t.observe(r, p.trigger) })
	}()
	if t.wl != nil {
		bg.Add(1)
		go func() {
			defer bg.Done()
			t.wl.Run(wlCtx, t.clock, t.history)
		}()
	}
	return stop, t.startVerify(wlCtx, st, &bg)
}

// startChange is t_fault: the change starts deploying in the background and the faults'
// schedule from t_fault starts.
func (t *run) startChange(ctx context.Context, st stack.Stack, p *parts) (*changeDeploy, error) {
	// A mechanism that must act before the change does it now, before t_fault: a restore
	// takes its snapshot (the restore point) without delaying the change. A control
	// trial's plan has no rollback step to prepare.
	if err := p.rollback.prepare(ctx, t, st); err != nil {
		return nil, err
	}
	tFault := t.event(EventFault, t.describeChange())
	t.res.Timing.Fault = tFault
	p.trigger.Arm(tFault)
	// The rollback goes back to what ran before the change (the same release when
	// only faults were injected: a redeploy then starts it again).
	if err := p.rollback.remember(st); err != nil {
		return nil, err
	}
	p.faults.start(ctx)
	return t.deployChange(ctx, st, p.plan, p.rollback.actions), nil
}

// awaitDetect waits for the trigger to fire (the change's end meanwhile is on the
// timeline already); false when the rollback's timeout came first (not detected).
func (t *run) awaitDetect(ctx context.Context, change *changeDeploy) (measure.Offset, bool, error) {
	timeout := time.NewTimer(t.sc.Rollback.Timeout.D())
	defer timeout.Stop()
	done := change.done
	for {
		select {
		case detect := <-t.fired:
			return detect, true, nil
		case <-done:
			done = nil // finished (its steps are on the timeline); keep waiting
		case <-timeout.C:
			t.mu.Lock()
			defer t.mu.Unlock()
			if t.triggerErr != nil {
				return 0, false, t.triggerErr
			}
			t.res.Outcome = NotDetected
			return 0, false, nil
		case <-ctx.Done():
			return 0, false, ctx.Err()
		}
	}
}

// rollBack runs the plan from t_detect on: the decision, t_trigger, the rollback's steps
// beside the faults counted from it, and the wait for recovery.
func (t *run) rollBack(ctx context.Context, st stack.Stack, p *parts, change *changeDeploy) error {
	detect, fired, err := t.awaitDetect(ctx, change)
	if err != nil || !fired {
		return err
	}
	t.recordAt(detect, EventDetect, t.sc.Rollback.Trigger.Condition)
	t.res.Timing.Detect = &detect

	// Decide: nothing for an automated plan, a modelled human decision (manual) or an
	// approval gate (hybrid). A gate that aborts is a recorded decision: nothing is rolled
	// back, and the trial did not recover (NotRecovered, with the decision's verdict).
	decision, err := p.decider.Decide(ctx, rollback.DecideInput{Seed: t.res.Seed, Alert: t.alert(p.trigger, t.res.Timing.Fault),
		Step: func(step, detail string) { t.event(EventDecisionPrefix.With(step), detail) }})
	if err != nil {
		return err
	}
	if decision.Kind != scenario.TriggerAutomated {
		t.res.Decision = &decision
	}
	if !decision.Proceed {
		t.res.Outcome = NotRecovered
		return nil
	}
	aborted, err := t.startRollback(ctx, st, p, change, detect)
	if err != nil {
		return err
	}
	var output strings.Builder
	ran, err := p.rollback.run(ctx, t, st, change, aborted, &output, EventRollbackPrefix)
	t.res.RollbackOutput = output.String()
	// Kept for verify.idempotent, which runs the same steps once more after recovery.
	t.again = func(ctx context.Context) error { return p.rollback.again(ctx, t, st, change, ran) }
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// The plan under test failed (a hook exited 1, a release never became ready):
		// a failed rollback, named with its step, not a trial that could not run.
		t.event(EventRollbackFailed, err.Error())
		t.res.Outcome = NotRecovered
		t.res.Error = "rollback failed: " + err.Error()
		return nil
	}
	end := t.event(EventRollbackEnd, "")
	t.res.Timing.RollbackEnd = &end
	t.mu.Lock()
	t.recoveryFrom = &end
	t.mu.Unlock()
	return t.awaitRecovery(ctx)
}

// startRollback is t_trigger. A change still deploying is aborted first (its release
// never takes traffic), unless the scenario waits for it: that wait is a phase of its
// own, never part of the decision time. Then the faults lasting until the rollback are
// reverted and those counted from it start. It reports whether the change was aborted.
func (t *run) startRollback(ctx context.Context, st stack.Stack, p *parts, change *changeDeploy, detect measure.Offset) (bool, error) {
	var tTrigger measure.Offset
	aborted := false
	if change.inFlight() {
		if t.sc.Rollback.WaitForChange {
			t.event(EventWaitStart, "the change is still deploying: wait for it (rollback.wait_for_change)")
			if err := change.wait(ctx); err != nil {
				return false, err
			}
			end := t.event(EventWaitEnd, "")
			wait := end - detect
			t.res.Timing.Wait = &wait
		} else {
			tTrigger = t.event(EventRollbackStart, "abort the change's deploy in flight")
			change.abort()
			if err := change.wait(ctx); err != nil {
				return false, err
			}
			aborted = true
			t.event(EventChangeAborted, "")
		}
	}
	if !aborted {
		tTrigger = t.event(EventRollbackStart, p.rollback.describe(t, st, change))
	}
	t.res.Timing.Trigger = &tTrigger
	p.faults.atRollback(ctx)
	return aborted, nil
}

// awaitRecovery waits for the recovery the plan's recover step describes, then keeps
// probing one probe timeout longer, so every probe that started before the recovery
// streak has reported and a relapse would be seen.
func (t *run) awaitRecovery(ctx context.Context) error {
	timeout := time.NewTimer(t.sc.Rollback.Timeout.D())
	defer timeout.Stop()
	select {
	case <-t.recovered:
		t.res.Outcome = Recovered
	case <-timeout.C:
		t.res.Outcome = NotRecovered
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	return t.wait(ctx, t.sc.Probes.Timeout.D()+t.sc.Probes.Interval.D())
}

// reset leaves services that outlive the trial (stack.Outliver) as they were found when
// the rollback did not complete: it runs the rollback's steps once more (the undo of
// each change step that started), even after cancellation, within rollback.timeout. A
// reset that fails is the trial's error: the services may not be as they were.
func (t *run) reset(ctx context.Context, st stack.Stack, p *parts, change *changeDeploy) {
	if o, ok := st.(stack.Outliver); !ok || !o.Outlives() || t.res.Timing.RollbackEnd != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.sc.Rollback.Timeout.D())
	defer cancel()
	t.event(EventResetRun, "the rollback did not complete and the services outlive the trial: undo the change")
	var output strings.Builder
	if _, err := p.rollback.run(ctx, t, st, change, false, &output, EventResetPrefix); err != nil {
		t.res.AddError("reset: the services may not be as they were found: " + err.Error())
	}
}
