package trial

import (
	"context"
	"errors"
	"fmt"
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
}

// Run runs trial number index with the given seed. It always returns a Result; a
// trial that could not run has Outcome Errored and an Error, never a measure.
func Run(ctx context.Context, cfg Config, index int, seed int64) Result {
	t := &run{cfg: cfg, sc: cfg.Scenario, res: Result{Index: index, Seed: seed, Events: []Event{}},
		history: &measure.History{}, recovered: make(chan struct{}), fired: make(chan measure.Offset, 1)}
	t.clock = measure.NewClock()
	setupStart := time.Now()
	opts := append(append([]stack.UpOption(nil), cfg.UpOptions...),
		stack.WithLabels(map[string]string{"dev.drill.trial": strconv.Itoa(index)}))
	st, err := cfg.Runtime.Up(ctx, cfg.Scenario.Stack, opts...)
	if st != nil {
		defer func() {
			if derr := st.Down(context.WithoutCancel(ctx)); derr != nil && t.res.Error == "" {
				t.res.Error = fmt.Sprintf("tear down stack: %v", derr)
			}
		}()
	}
	if err != nil {
		t.fail(ctx, fmt.Errorf("start stack: %w", err))
		return t.res
	}
	t.res.Setup = measure.Offset(time.Since(setupStart))
	if err := t.exec(ctx, st); err != nil {
		t.fail(ctx, err)
	}
	t.derive(ctx)
	return t.res
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
	recovered    chan struct{} // closed once k consecutive probes passed after recoveryFrom
	triggerErr   error
}

// exec runs the phases of the trial; probes and workload are stopped before it returns.
func (t *run) exec(ctx context.Context, st stack.Stack) error {
	sc := t.sc
	trigger, err := rollback.NewAutomated(sc.Rollback.Trigger)
	if err != nil {
		return err
	}
	if err := t.setupWorkload(ctx, st); err != nil {
		return err
	}
	probe, err := newProber(sc, st)
	if err != nil {
		return err
	}
	mechSvc, err := st.Service(sc.Rollback.Mechanism.Service)
	if err != nil {
		return err
	}
	fs, err := newFaults(t, st, t.cfg.Runtime.Name(), sc.Faults)
	if err != nil {
		return err
	}
	defer func() {
		if ferr := fs.close(ctx); ferr != nil && t.res.Error == "" {
			t.res.Error = ferr.Error()
		}
	}()

	// The trial clock starts once the stack is up: every measure is an offset from here.
	t.clock = measure.NewClock()
	t.res.Started = t.clock.Base().UTC()
	t.event("stack_up", fmt.Sprintf("%s runtime, ready in %s", t.cfg.Runtime.Name(), t.res.Setup))
	probeCtx, stopProbes := context.WithCancel(ctx)
	wlCtx, stopWorkload := context.WithCancel(ctx)
	var bg sync.WaitGroup
	defer func() { stopProbes(); stopWorkload(); bg.Wait() }()
	bg.Add(1)
	go func() {
		defer bg.Done()
		probe.Run(probeCtx, t.clock, func(r measure.ProbeResult) { t.observe(r, trigger) })
	}()
	if t.wl != nil {
		bg.Add(1)
		go func() {
			defer bg.Done()
			t.wl.Run(wlCtx, t.clock, t.history)
		}()
	}
	if err := t.startVerify(wlCtx, st, &bg); err != nil {
		return err
	}

	t.event("warmup_start", sc.Warmup.D().String())
	if err := t.wait(ctx, sc.Warmup.D()); err != nil {
		return err
	}
	if err := t.steadyState(); err != nil {
		return err
	}

	// t_fault: the change is deployed and the faults' schedule starts.
	tFault := t.event("t_fault", describeChange(sc))
	t.res.Timing.Fault = tFault
	trigger.Arm(tFault)
	// The rollback goes back to what ran before the change (the same release when
	// only faults were injected: a redeploy then restarts it).
	previous := mechSvc.Release()
	fs.start(ctx)
	if sc.Change != nil {
		changeSvc, err := st.Service(sc.Change.Service)
		if err != nil {
			return err
		}
		if sc.Change.Service == sc.Rollback.Mechanism.Service {
			previous = changeSvc.Release()
		}
		if err := changeSvc.Deploy(ctx, sc.Change.Release); err != nil {
			return fmt.Errorf("deploy change: %w", err)
		}
		t.event("change_deployed", sc.Change.Service+" "+sc.Change.Release)
	}

	timeout := time.NewTimer(sc.Rollback.Timeout.D())
	defer timeout.Stop()
	var detect measure.Offset
	select {
	case detect = <-t.fired:
	case <-timeout.C:
		t.mu.Lock()
		defer t.mu.Unlock()
		if t.triggerErr != nil {
			return t.triggerErr
		}
		t.res.Outcome = NotDetected
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	t.recordAt(detect, "detect", sc.Rollback.Trigger.Condition)
	t.res.Timing.Detect = &detect

	mech := rollback.Redeploy{Service: sc.Rollback.Mechanism.Service, Release: previous}
	tTrigger := t.event("rollback_start", fmt.Sprintf("redeploy %s %s", mech.Service, mech.Release))
	t.res.Timing.Trigger = &tTrigger
	t.mu.Lock()
	t.recoveryFrom = &tTrigger
	t.mu.Unlock()
	fs.atRollback(ctx)
	if err := mech.Rollback(ctx, st); err != nil {
		return fmt.Errorf("roll back: %w", err)
	}
	t.event("rollback_end", "")

	timeout.Reset(sc.Rollback.Timeout.D())
	select {
	case <-t.recovered:
		t.res.Outcome = Recovered
	case <-timeout.C:
		t.res.Outcome = NotRecovered
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	// Verify: keep probing one probe timeout longer, so every probe that started before
	// the recovery streak has reported and a relapse would be seen.
	return t.wait(ctx, sc.Probes.Timeout.D()+sc.Probes.Interval.D())
}

// observe records a probe, feeds the trigger, and signals recovery once k consecutive
// probes passed after the rollback started.
func (t *run) observe(r measure.ProbeResult, trigger *rollback.Automated) {
	at, err := trigger.Observe(r)
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

// steadyState requires every warm-up probe to have passed, and enough of them.
func (t *run) steadyState() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	failed := 0
	for _, p := range t.probes {
		if !p.OK {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("steady state did not hold in the warm-up: %d of %d probes failed", failed, len(t.probes))
	}
	if len(t.probes) < t.sc.Probes.RecoverAfter {
		return fmt.Errorf("steady state not established in the warm-up: %d probes, need %d (lengthen warmup)", len(t.probes), t.sc.Probes.RecoverAfter)
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

func (t *run) event(name, detail string) measure.Offset {
	at := t.clock.Now()
	t.recordAt(at, name, detail)
	return at
}

func (t *run) recordAt(at measure.Offset, name, detail string) {
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
	t.res.History = t.history.Ops()
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
		Measure(&t.res, t.params())
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
			t.res.Error = fmt.Sprintf("final read impossible: %v", err)
			return
		}
		t.fail(ctx, fmt.Errorf("final read: %w", err))
		return
	}
	if ids == nil {
		ids = []string{}
	}
	t.res.FinalRead = ids
	t.event("final_read", fmt.Sprintf("%d writes held", len(ids)))
}

func describeChange(sc *scenario.Scenario) string {
	var parts []string
	if sc.Change != nil {
		parts = append(parts, fmt.Sprintf("deploy %s %s", sc.Change.Service, sc.Change.Release))
	}
	for _, f := range sc.Faults {
		parts = append(parts, fmt.Sprintf("fault %s on %s at +%s", f.Kind, f.Target, f.At.D()))
	}
	return strings.Join(parts, "; ")
}
