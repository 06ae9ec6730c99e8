// Package drill rehearses rollbacks from Go: it starts a scenario's service stack, makes
// the bad change or injects the fault, lets the scenario's trigger fire the rollback,
// and measures over many trials how long recovery took (RTC, the recovery time
// capability), how many acknowledged writes were lost (RPC, the recovery point
// capability) and whether the data stayed consistent. It then judges the measurements
// against the scenario's objectives (RTO, RPO, success rate) with small-sample
// confidence bounds, into a three-valued Verdict: Pass, Inconclusive or Fail.
//
// This package is what the drill command runs, for Go programs and CI suites:
//
//	sc, err := drill.Load("scenarios/bad-release.yaml") // or build a Scenario in Go and Check it
//	res, err := drill.Run(ctx, sc, drill.WithTrials(5))
//	fmt.Println(res.Verdict, res.RTO.Reason)
//	err = res.Render(os.Stdout, drill.Markdown)            // or HTML, JUnit, JSON
//
// Package drilltest judges a Result with Gomega matchers and runs a drill once per
// Ginkgo container.
//
// # Runtimes
//
// Trials run on a runtime: docker (services in containers built locally FROM scratch,
// Toxiproxy in a container on the stack's network) or process (services as local
// processes on 127.0.0.1, Toxiproxy embedded), as registered in internal/runtimes;
// "auto" picks the first available: docker when an engine answers, else process. drill's demo fixture and its proxy server ship inside the drill binary; a
// program that is not drill (a test binary) runs them from a drill binary found in
// $DRILL_FIXTURE_DIR, which drilltest.BuildDrill prepares.
//
// # Errors and cancellation
//
// A trial that could not run is recorded as Errored, never as a failed rollback. Run
// returns an error only when the run could not start (an option that does not apply, no
// runtime, a scenario the chosen runtime cannot carry out: ErrUnsupported). Cancelling ctx stops the run: the trial in progress reverts its faults and
// tears its stack down, and Run returns the trials done so far with ctx's error.
package drill

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/drillhq/drill/internal/kinds"
	"github.com/drillhq/drill/internal/preflight"
	"github.com/drillhq/drill/internal/runner"
	"github.com/drillhq/drill/internal/runtimes"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/trial"
)

// Load reads a scenario file strictly (an unknown key is an error naming its line and
// the nearest valid key), applies defaults and validates it, fault and rollback
// mechanism parameters included, and what its kinds need of the stack (a hook URL naming
// no service is an error). ForRuntime adds what they need of a runtime.
func Load(path string, opts ...LoadOption) (*Scenario, error) {
	po, err := parseOptions(opts)
	if err != nil {
		return nil, err
	}
	return scenario.Load(path, po...)
}

// Parse is Load for a scenario held in memory; name is used in error messages.
func Parse(name string, data []byte, opts ...LoadOption) (*Scenario, error) {
	po, err := parseOptions(opts)
	if err != nil {
		return nil, err
	}
	return scenario.Parse(name, data, po...)
}

// LoadOption adds a check to Load and Parse.
type LoadOption func(*loadConfig) error

type loadConfig struct {
	runtime string
	kinds   *kinds.Kinds
}

// KindsFrom makes Load and Parse accept the kinds that opts add (WithFault, WithProbe,
// ...: the options the scenario is then run with); opts that add no kind are checked
// and otherwise ignored.
func KindsFrom(opts ...Option) LoadOption {
	return func(c *loadConfig) error {
		o, err := newOptions(opts)
		if err != nil {
			return fmt.Errorf("load scenario: %w", err)
		}
		c.kinds = o.kinds
		return nil
	}
}

// ForRuntime makes Load and Parse also check that the named runtime (process, docker)
// can do what the scenario's kinds need, reporting each problem at its line with what
// would work instead: what Run checks once it has chosen its runtime. "auto" adds
// nothing (no runtime is chosen yet).
func ForRuntime(name string) LoadOption {
	return func(c *loadConfig) error {
		if !runtimes.Default().Valid(name) {
			return fmt.Errorf("load scenario: unknown runtime %q", name)
		}
		if name != stack.Auto {
			c.runtime = name
		}
		return nil
	}
}

// parseOptions are the scenario package's checks of the kinds Load checks with opts.
func parseOptions(opts []LoadOption) ([]scenario.ParseOption, error) {
	var c loadConfig
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("load scenario: nil option")
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	if c.kinds == nil {
		c.kinds = kinds.Default()
	}
	rt := preflight.Runtime{Name: c.runtime, Known: runtimeCapabilities()}
	return append(kindChecks(c.kinds),
		scenario.WithCheck(func(sc *scenario.Scenario) []scenario.Problem { return preflight.Check(sc, rt, c.kinds.Kinds) }),
	), nil
}

// runtimeCapabilities is what each runtime a run can choose can do, by name: the one
// place drill reads the runtimes' capability sets.
func runtimeCapabilities() map[string]stack.Capabilities { return runtimes.Default().Capabilities() }

// ErrUnsupported is wrapped by the error of Run and CheckRuntime when the scenario asks
// what the chosen runtime cannot do (a disconnect fault on the process runtime) or what
// its stack does not hold: a usage error, found before anything started. errors.Is
// finds it.
var ErrUnsupported = errors.New("the runtime cannot carry out the scenario")

// unsupported is ErrUnsupported with the problems, one a line.
type unsupported struct {
	runtime  string
	problems error
}

func (e *unsupported) Error() string {
	return fmt.Sprintf("runtime %s cannot carry out the scenario (nothing started):\n%v", e.runtime, e.problems)
}

func (e *unsupported) Unwrap() []error { return []error{ErrUnsupported, e.problems} }

// CheckRuntime reports what of sc the named runtime cannot carry out, each problem with
// the key it is about and what would work instead, without starting anything: the check
// Run makes once it has chosen its runtime. The error wraps ErrUnsupported.
func CheckRuntime(sc *Scenario, runtime string) error {
	return checkRuntimeOf(sc, runtime, kinds.Default())
}

// checkRuntimeOf is CheckRuntime with the kinds k (a run's, with what its options added).
func checkRuntimeOf(sc *Scenario, runtime string, k *kinds.Kinds) error {
	if sc == nil {
		return errors.New("check runtime: nil scenario")
	}
	known := runtimeCapabilities()
	if _, ok := known[runtime]; !ok {
		return fmt.Errorf("check runtime: unknown runtime %q", runtime)
	}
	if err := scenario.ProblemsError(preflight.Check(sc, preflight.Runtime{Name: runtime, Known: known}, k.Kinds)); err != nil {
		return &unsupported{runtime: runtime, problems: err}
	}
	return nil
}

// checkRuntime is CheckRuntime for Run: the problems are located at their lines of file
// when the scenario was loaded from it.
func checkRuntime(sc *Scenario, runtime, file string, k *kinds.Kinds) error {
	err := checkRuntimeOf(sc, runtime, k)
	var u *unsupported
	if file == "" || !errors.As(err, &u) {
		return err
	}
	if _, lerr := Load(file, ForRuntime(runtime), func(c *loadConfig) error { c.kinds = k; return nil }); lerr != nil {
		u.problems = lerr
	}
	return u
}

// Check prepares a scenario built in Go for Run: it fills every zero-valued field that
// has a default (as Load does for keys a file leaves out) and validates the result,
// fault parameters included. Verify.FinalRead has no default: set it yourself. Options
// that add kinds make those kinds valid, as with Load.
func Check(sc *Scenario, opts ...Option) error {
	if sc == nil {
		return errors.New("check scenario: nil")
	}
	o, err := newOptions(opts)
	if err != nil {
		return fmt.Errorf("check scenario: %w", err)
	}
	k := o.kinds
	sc.ApplyDefaults(scenario.WithWorkloads(k.Workloads))
	errs := []error{sc.Validate(scenario.WithWorkloads(k.Workloads))}
	for i, f := range sc.Faults {
		if _, err := k.Faults.Build(f); err != nil {
			errs = append(errs, fmt.Errorf("faults[%d]: %w", i, err))
		}
	}
	for _, m := range sc.Mechanisms() {
		if _, err := k.Mechanisms.Build(m.Mechanism); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m.Path, err))
		}
	}
	if t := sc.Rollback.Trigger; t.Kind != "" {
		if _, err := k.Triggers.Build(t); err != nil {
			errs = append(errs, fmt.Errorf("rollback.trigger: %w", err))
		}
	}
	if c := sc.Compare; c != nil {
		for i, p := range c.Plans {
			if _, err := k.Triggers.Build(p.Trigger); p.Trigger.Kind != "" && err != nil {
				errs = append(errs, fmt.Errorf("compare.plans[%d].trigger: %w", i, err))
			}
		}
	}
	for i, svc := range sc.Stack.Services {
		if r := svc.Ready; r != nil && r.Kind != "" {
			if _, err := k.Readiness.Build(r.Kind, r.Params); err != nil {
				errs = append(errs, fmt.Errorf("stack.services[%d].ready: %w", i, err))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return scenario.ProblemsError(preflight.Check(sc, preflight.Runtime{}, k.Kinds))
}

// kindChecks validates each fault's, mechanism's, trigger's, probe's, workload's and
// readiness check's kind and parameters with the registries of k while a scenario is decoded, so an error names its line.
func kindChecks(k *kinds.Kinds) []scenario.ParseOption {
	return []scenario.ParseOption{
		scenario.WithFaultCheck(func(f scenario.Fault) error {
			_, err := k.Faults.Build(f)
			return err
		}),
		scenario.WithMechanismCheck(func(m scenario.Mechanism) error {
			_, err := k.Mechanisms.Build(m)
			return err
		}),
		scenario.WithTriggerCheck(func(t scenario.Trigger) error {
			_, err := k.Triggers.Build(t)
			return err
		}),
		scenario.WithProbeCheck(func(kind string, params map[string]any) error {
			_, err := k.Probes.Build(kind, params)
			return err
		}),
		scenario.WithWorkloads(k.Workloads),
		scenario.WithReadyCheck(func(kind string, params map[string]any) error {
			_, err := k.Readiness.Build(kind, params)
			return err
		}),
	}
}

// Run runs the scenario's trials and returns the result. It returns an error without
// starting anything when an option does not apply, no runtime answers, or the chosen
// runtime cannot carry the scenario out (the error wraps ErrUnsupported: CheckRuntime). Trials that
// could not run are recorded in the Result as Errored. A cancelled ctx ends the run after
// the trial in progress has reverted its faults and torn its stack down: Run then returns
// the trials done so far together with ctx's error.
func Run(ctx context.Context, sc *Scenario, opts ...Option) (*Result, error) {
	if sc == nil {
		return nil, errors.New("run drill: nil scenario (use Load, Parse or Check)")
	}
	o, err := newOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("run drill: %w", err)
	}
	rt, notes, err := runtimes.Default().Select(ctx, o.runtime, preflight.StackKind(sc)...)
	for _, n := range notes {
		_, _ = io.WriteString(o.log, n+"\n")
	}
	if err != nil {
		return nil, fmt.Errorf("run drill: %w", err)
	}
	if c, ok := rt.(io.Closer); ok {
		defer c.Close()
	}
	if err := checkRuntime(sc, rt.Name(), o.file, o.kinds); err != nil {
		return nil, fmt.Errorf("run drill: %w", err)
	}
	if o.parallel > 1 && sc.Stack.HasExternal() {
		return nil, fmt.Errorf("run drill: %w", &unsupported{runtime: rt.Name(), problems: fmt.Errorf(
			"parallel %d: external services are shared by every trial, whose changes would meet on them: run one trial at a time (leave out --parallel)", o.parallel)})
	}
	if p, ok := rt.(stack.Preparer); ok {
		// Images and the like, once: a missing one is one error, not one per trial.
		if err := p.Prepare(ctx, sc.Stack); err != nil {
			return nil, fmt.Errorf("run drill: %w", err)
		}
	}
	cfg := runner.Config{Scenario: sc, File: o.file, Runtime: rt, Trials: o.trials, Seed: o.seed,
		RunID: o.runID, KeepRaw: o.keepRaw, AuditPath: o.auditPath, Parallel: o.parallel, RawPath: o.rawPath,
		LogDir: o.logDir, Kinds: o.kinds.Kinds}
	if o.onTrial != nil {
		cfg.OnTrial = func(t trial.Result) { o.onTrial(newTrial(t)) }
	}
	if o.onEvent != nil {
		cfg.OnEvent = func(i int, e trial.Event) {
			o.onEvent(Event{Trial: i, At: e.At.D(), Name: string(e.Name), Detail: e.Detail})
		}
	}
	if o.gameDay != nil {
		stop, err := startGameDay(ctx, o.gameDay, sc, &cfg)
		if err != nil {
			return nil, fmt.Errorf("run drill: %w", err)
		}
		defer stop()
	}
	raw, err := runner.Run(ctx, cfg)
	if raw == nil {
		return nil, err
	}
	if werr := writeDecisions(o.gameDay, raw); werr != nil {
		err = errors.Join(err, werr)
	}
	if err == nil {
		err = ctx.Err()
	}
	res := newResult(raw)
	res.kinds = o.kinds
	return res, err
}
