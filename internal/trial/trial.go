package trial

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// Config is what a trial runs: the scenario, on which runtime, and how to report progress.
type Config struct {
	Scenario *scenario.Scenario
	Runtime  stack.Runtime
	// UpOptions are passed to every Up (labels, data directory).
	UpOptions []stack.UpOption
	// OnEvent, when set, is called with every event as it happens (progress display).
	OnEvent func(index int, e Event)
	// Control makes this a control trial: the same procedure with the scenario's good
	// release (control.release) instead of the change, no faults, and no rollback.
	Control bool
	// Operator, when set, makes the decision of a manual or hybrid trigger a real
	// person's (a game day) instead of the modelled one; a hybrid gate keeps its timeout.
	Operator rollback.Operator
	// OnProbe, when set, is told every probe result as it arrives (a live status page).
	OnProbe func(index int, r measure.ProbeResult)
	// Kinds are the registries the scenario's kinds are built from (required).
	Kinds Kinds
	// Slot, when set (the scenario's stack.reuse), holds the worker's stack between its
	// trials: the trial resets the stack it holds instead of starting one, and leaves its
	// own there when it ended clean and the slot's More says another trial follows.
	Slot *Slot
}

// Run runs trial number index with the given seed. It always returns a Result; a
// trial that could not run has Outcome Errored and an Error, never a measure. A
// teardown that failed is in the Result's Error too: the result is named so that the
// deferred teardown's message reaches the caller (a plain return copies it first).
func Run(ctx context.Context, cfg Config, index int, seed int64) (res Result) {
	t := &run{cfg: cfg, sc: cfg.Scenario, res: Result{Index: index, Seed: seed, Control: cfg.Control, Events: []Event{}},
		history: &measure.History{}, recovered: make(chan struct{}), fired: make(chan measure.Offset, 1)}
	t.clock = measure.NewClock()
	if err := cfg.Kinds.check(); err != nil {
		t.fail(ctx, err)
		return t.res
	}
	setupStart := time.Now()
	opts := append(append([]stack.UpOption(nil), cfg.UpOptions...),
		stack.WithLabels(map[string]string{"dev.drill.trial": strconv.Itoa(index)}), stack.WithReadiness(cfg.Kinds.Readiness))
	st, err := t.startStack(ctx, opts)
	if st != nil {
		defer func() {
			if t.keep(ctx, st) {
				return // the worker's next trial resets it (stack.reuse)
			}
			// A teardown that failed says what it left and how to remove it, beside any
			// error the trial already had.
			if derr := st.Down(context.WithoutCancel(ctx)); derr != nil {
				msg := fmt.Sprintf("tear down stack: %v: run drill clean to remove what it left (drill's containers, networks, processes and temp dirs)", derr)
				t.res.AddError(msg)
				res.Error = t.res.Error
			}
		}()
	}
	// A workload holding connections (a database pool) closes them before the stack goes.
	defer func() {
		if c, ok := t.wl.(io.Closer); ok {
			_ = c.Close()
		}
	}()
	if err != nil {
		t.fail(ctx, fmt.Errorf("start stack: %w", err))
		return t.res
	}
	t.res.Setup = measure.Offset(time.Since(setupStart))
	if err := t.exec(ctx, st); err != nil {
		t.fail(ctx, err)
	} else if err := t.runtimeLost(ctx, st); err != nil {
		t.fail(ctx, err)
	} else {
		t.reap(ctx, st)
	}
	if t.undo != nil {
		t.undo(ctx)
	}
	t.derive(ctx)
	return t.res
}

// reap stops the releases the trial's deploys replaced (stack.Reaper) once its hold
// ended, before its checks: inside the window the engine's work to stop them would
// delay the probes measuring recovery, and the checks then see the data as after a
// finished deploy. A trial that errored or was interrupted leaves them to Down (an
// engine that stopped answering would only make it wait). A reap that failed is said
// beside the trial's error, as a teardown's is: the measures were taken before it.
func (t *run) reap(ctx context.Context, st stack.Stack) {
	r, ok := st.(stack.Reaper)
	if !ok || ctx.Err() != nil {
		return
	}
	if err := r.Reap(ctx); err != nil {
		t.res.AddError(err.Error() + ": the teardown removes what it left")
	}
}

// runtimeLost asks a stack whose runtime can fail on its own (stack.Healthier) whether
// it still answers once the plan has run. If not, whatever the change, the rollback or
// a fault did in the meantime failed with it: the trial is an error, never judged (an
// engine lost during the change's deploy is not a defect nobody detected).
func (t *run) runtimeLost(ctx context.Context, st stack.Stack) error {
	h, ok := st.(stack.Healthier)
	if !ok || ctx.Err() != nil {
		return nil
	}
	err := h.Healthy(ctx)
	if err == nil {
		return nil
	}
	var failed []string
	t.mu.Lock()
	events := slices.Clone(t.events)
	t.mu.Unlock()
	for _, e := range events {
		switch e.Name {
		case EventChangeFailed, EventRollbackFailed, EventFaultError:
			failed = append(failed, string(e.Name)+": "+e.Detail)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("runtime failed during the trial (%s): %w", strings.Join(failed, "; "), err)
	}
	return fmt.Errorf("runtime failed during the trial: %w", err)
}

// run is the state of one trial while it runs.
type run struct {
	cfg     Config
	sc      *scenario.Scenario
	res     Result
	clock   measure.Clock
	wl      measure.Workload
	ledger  *measure.Ledger // the workload when it is the ledger fixture's, else nil
	history *measure.History
	fired   chan measure.Offset
	verify  *verifier // the verify section's workload and checks, once started

	mu           sync.Mutex
	probes       []measure.ProbeResult
	events       []Event
	recoveryFrom *measure.Offset
	// again runs the trial's rollback once more (verify.idempotent); nil before it ran.
	again func(context.Context) error
	// undo resets services that outlive the trial (reset); nil before the change started.
	undo func(context.Context)
	// env is DRILL_ENDPOINT_<SERVICE>=host:port of every service, for mechanisms.
	env        []string
	st         stack.Stack   // the running stack, for the checks after recovery
	recovered  chan struct{} // closed once k consecutive probes passed after recoveryFrom
	triggerErr error
}

// observeControl watches a control trial: the good change deploys and the trigger must
// stay silent for control.observe after it went live. Nothing is rolled back.
func (t *run) observeControl(ctx context.Context, change *changeDeploy) error {
	if err := change.wait(ctx); err != nil && ctx.Err() != nil {
		return err
	}
	select {
	case detect := <-t.fired:
		return t.controlFired(detect)
	default:
	}
	t.event(EventControlWatch, fmt.Sprintf("the trigger must stay silent for %s", t.sc.Control.Observe.D()))
	timer := time.NewTimer(t.sc.Control.Observe.D())
	defer timer.Stop()
	select {
	case detect := <-t.fired:
		return t.controlFired(detect)
	case <-timer.C:
		t.mu.Lock()
		defer t.mu.Unlock()
		if t.triggerErr != nil {
			return t.triggerErr
		}
		t.res.Outcome = ControlQuiet
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (t *run) controlFired(detect measure.Offset) error {
	t.recordAt(detect, EventDetect, t.sc.Rollback.Trigger.Condition+" (a false positive: the change was good)")
	t.res.Timing.Detect = &detect
	t.res.Outcome = ControlFired
	return nil
}

// describeChange says what t_fault starts: the change (or the control trial's good
// change) and the faults.
func (t *run) describeChange() string {
	sc := t.sc
	var parts []string
	if steps := t.changeSteps(); sc.MultiStep() && len(steps) > 0 {
		names := make([]string, len(steps))
		for i, st := range steps {
			names[i] = st.Name
		}
		parts = append(parts, fmt.Sprintf("change in %d steps: %s", len(steps), strings.Join(names, ", ")))
	} else if rel, ok := t.changeRelease(); ok && !sc.MultiStep() {
		what := "deploy"
		if t.cfg.Control {
			what = "control: deploy"
		}
		parts = append(parts, fmt.Sprintf("%s %s %s (%s)", what, sc.Change.Service, rel, t.strategy()))
	} else if t.cfg.Control {
		parts = append(parts, "control: no change")
	}
	if !t.cfg.Control {
		for _, f := range sc.Faults {
			parts = append(parts, fmt.Sprintf("fault %s on %s at +%s", f.Kind, f.Target, f.At.D()))
		}
	}
	return strings.Join(parts, "; ")
}

// steadyRule states the warm-up's steady-state rule for the timeline and the report.
func steadyRule(sc *scenario.Scenario) string {
	rule := fmt.Sprintf("%s; every probe must pass, and at least %d", sc.Warmup.D(), sc.Probes.RecoverAfter)
	if sc.Settle > 0 {
		rule = fmt.Sprintf("%s; probes started in the first %s are not judged (settle); every later probe must pass, and at least %d",
			sc.Warmup.D(), sc.Settle.D(), sc.Probes.RecoverAfter)
	}
	return rule
}

// observe records a probe, feeds the trigger, and signals recovery once k consecutive
// probes passed after the rollback started.
func (t *run) observe(r measure.ProbeResult, trigger *rollback.Automated) {
	at, err := trigger.Observe(r)
	if t.cfg.OnProbe != nil {
		t.cfg.OnProbe(t.res.Index, r)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.probes = append(t.probes, r)
	if err != nil && t.triggerErr == nil {
		t.triggerErr = err
	}
	if at != nil {
		t.fired <- *at
	}
	if t.recoveryFrom == nil {
		return
	}
	select {
	case <-t.recovered:
	default:
		if measure.FirstRecovery(t.probes, *t.recoveryFrom, t.sc.Probes.RecoverAfter) != nil {
			close(t.recovered)
		}
	}
}

// errTooFewProbes: the warm-up ended before enough of its probes were answered.
var errTooFewProbes = errors.New("steady state not established in the warm-up")

// warmUp lets the warm-up run, then judges it. A warm-up that ends with too few probes
// answered yet (a loaded machine answers slowly) is judged again at every probe
// interval, for at most one probe timeout more: probes in flight are waited for, not
// counted as missing. The change comes after, so no measure includes that wait.
func (t *run) warmUp(ctx context.Context, warm measure.Offset) error {
	if err := t.wait(ctx, t.sc.Warmup.D()); err != nil {
		return err
	}
	judged := warm + measure.Offset(t.sc.Settle.D())
	deadline := time.Now().Add(t.sc.Probes.Timeout.D())
	for {
		err := t.steadyState(judged)
		if !errors.Is(err, errTooFewProbes) || !time.Now().Before(deadline) {
			return err
		}
		if err := t.wait(ctx, t.sc.Probes.Interval.D()); err != nil {
			return err
		}
	}
}

// steadyState requires every warm-up probe started from judged on to have passed, and
// enough of them (probes before judged fall in the settle and are not judged).
func (t *run) steadyState(judged measure.Offset) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	failed, n := 0, 0
	for _, p := range t.probes {
		if p.Start < judged {
			continue
		}
		n++
		if !p.OK {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("steady state did not hold in the warm-up: %d of %d probes failed (a target that needs time first: set settle)", failed, n)
	}
	if n < t.sc.Probes.RecoverAfter {
		return fmt.Errorf("%w: %d probes answered, need %d (lengthen warmup)", errTooFewProbes, n, t.sc.Probes.RecoverAfter)
	}
	return nil
}

// wait lets a phase of the schedule run for d (a timer, not a synchronization).
func (t *run) wait(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (t *run) event(name EventName, detail string) measure.Offset {
	at := t.clock.Now()
	t.recordAt(at, name, detail)
	return at
}

func (t *run) recordAt(at measure.Offset, name EventName, detail string) {
	e := Event{At: at, Name: name, Detail: detail}
	t.mu.Lock()
	t.events = append(t.events, e)
	t.mu.Unlock()
	if t.cfg.OnEvent != nil {
		t.cfg.OnEvent(t.res.Index, e)
	}
}

func (t *run) fail(ctx context.Context, err error) {
	t.res.Outcome = Errored
	if ctx.Err() != nil {
		t.res.Outcome = Interrupted
	}
	t.res.Error = err.Error()
}

// derive captures what the measures need from the live stack (the final read, the
// ledger's state) and computes them with Measure, after everything stopped.
func (t *run) derive(ctx context.Context) {
	t.mu.Lock()
	t.res.Probes = append([]measure.ProbeResult(nil), t.probes...)
	t.mu.Unlock()
	t.res.History, t.res.Load = t.history.Ops(), t.history.Load()
	if t.res.Outcome != Errored && t.res.Outcome != Interrupted && t.res.Outcome != "" {
		// The outcome first: a recovery that relapsed is no recovery, and the outcome
		// decides what can still be read back and checked on the live service. Measure
		// runs again below, over everything captured.
		Measure(&t.res, t.params())
		if t.wl != nil && t.sc.Verify.FinalRead {
			t.finalRead(ctx)
		}
		t.captureState(ctx)
		t.finishVerify(ctx)
		t.checkIdempotent(ctx)
		Measure(&t.res, t.params())
	}
	if t.res.Decision != nil {
		t.res.Decision.Correct(t.res.Timing)
	}
	t.mu.Lock()
	t.res.Events = append([]Event(nil), t.events...)
	t.mu.Unlock()
	// Events are recorded as they are learnt; t_detect is learnt when the trigger's
	// evaluation ends, after events that happened later: the record is in time order.
	sort.SliceStable(t.res.Events, func(i, j int) bool { return t.res.Events[i].At < t.res.Events[j].At })
}

// finalRead reads every write back, retrying briefly: the service just recovered.
func (t *run) finalRead(ctx context.Context) {
	var ids []string
	err := errors.New("not attempted")
	for attempt := 0; attempt < 3 && err != nil && ctx.Err() == nil; attempt++ {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		ids, err = t.wl.FinalRead(rctx)
		cancel()
	}
	if err != nil {
		if t.res.Outcome != Recovered {
			// The service never came back: there is nothing to read back from, and that
			// is the finding. The rollback's failure stays the outcome.
			t.res.AddError("final read impossible: " + err.Error())
			return
		}
		t.fail(ctx, fmt.Errorf("final read: %w", err))
		return
	}
	if ids == nil {
		ids = []string{}
	}
	t.res.FinalRead = ids
	t.event(EventFinalRead, fmt.Sprintf("%d writes held", len(ids)))
}
