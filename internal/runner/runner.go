// Package runner runs a scenario's trials on a runtime, one after another or several at
// once (Config.Parallel), and gathers them into a run's results.
package runner

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/trial"
)

// Config is one run.
type Config struct {
	Scenario *scenario.Scenario
	// File is the scenario file's path, recorded with its hash.
	File    string
	Runtime stack.Runtime
	// Trials overrides the scenario's trial count when > 0.
	Trials int
	// Seed overrides the scenario's seed when != 0; with neither, one is drawn and recorded.
	Seed int64
	// RunID names the run; one is made when empty.
	RunID string
	// KeepRaw keeps every probe and workload operation in the results.
	KeepRaw bool
	// RawPath, when set, is where each trial's raw records are written as the trial
	// ends (report.StreamRaw), so memory stays flat in the number of trials; without it
	// they are kept in the results' Raw for the caller to write.
	RawPath string
	// UpOptions are passed to the runtime for every trial.
	UpOptions []stack.UpOption
	// LogDir, when set, keeps the output of every service instance of trial i in files
	// under LogDir/trial-<i> (on docker, each container's output when it is removed).
	LogDir string
	// AuditPath, when set, is where the run's hash-chained audit log is written; its
	// final digest is recorded in the results.
	AuditPath string
	// Parallel is how many trials run at once, each on its own stack (1 or less: one
	// after another). Every trial records its probes' lateness (trial.Result.ProbeLate),
	// so a machine too busy for the parallelism shows in the report as timing error.
	Parallel int
	// OnEvent and OnTrial report progress; they are never called concurrently.
	OnEvent func(index int, e trial.Event)
	OnTrial func(r trial.Result)
	// OnPlanTrial reports each trial of a comparison (Compare) with its plan's name.
	OnPlanTrial func(plan string, r trial.Result)
	// Operator, when set, makes a game day: a manual or hybrid trigger's decision is this
	// person's (trial.Config.Operator), and the audit log records their answers as theirs.
	// OperatorName names them in the audit log. A game day runs its trials one at a time.
	Operator     rollback.Operator
	OperatorName string
	// OnProbe, when set, is told every probe result (a live status page).
	OnProbe func(index int, r measure.ProbeResult)
	// Kinds are the registries every trial builds its scenario's kinds from (required:
	// internal/kinds.Default().Kinds holds the built-in ones).
	Kinds trial.Kinds
}

// Run runs every trial and returns the results. A cancelled ctx stops after the trial
// in progress has torn down; the results then hold the trials done so far. The error
// is about the audit log or the raw file: the run's results are returned with it when
// they exist.
func Run(ctx context.Context, cfg Config) (*report.Results, error) {
	sc := cfg.Scenario
	n, seed, runID := cfg.settle()
	machine := measure.ReadMachine()
	res := &report.Results{
		Schema: report.SchemaVersion, DrillVersion: DrillVersion(), RunID: runID,
		Scenario:        report.ScenarioRef{Name: sc.Name, File: cfg.File, SHA256: fileHash(cfg.File)},
		Labels:          sc.Labels,
		Objectives:      sc.Objectives,
		Forecast:        sc.Forecast,
		Runtime:         cfg.Runtime.Name(),
		Seed:            seed,
		Started:         time.Now().UTC(),
		ProbeIntervalMs: float64(sc.Probes.Interval.D()) / float64(time.Millisecond),
		RecoverAfter:    sc.Probes.RecoverAfter,
		Params:          trial.ParamsOf(sc),
		Trials:          []trial.Result{},
	}
	if e, ok := cfg.Runtime.(stack.EngineNamer); ok {
		res.Engine = e.EngineHost()
	}
	raws, err := openRawSink(res, cfg.RawPath)
	if err != nil {
		return nil, err
	}
	trail, err := openAudit(cfg.AuditPath, res)
	if err != nil {
		return nil, err
	}
	var eventMu sync.Mutex // trials running in parallel report events at once
	onEvent := func(i int, e trial.Event) {
		eventMu.Lock()
		defer eventMu.Unlock()
		trail.event(i, e)
		if cfg.OnEvent != nil {
			cfg.OnEvent(i, e)
		}
	}
	tc := trial.Config{Scenario: sc, Runtime: cfg.Runtime, OnEvent: onEvent, Kinds: cfg.Kinds,
		UpOptions: append(append([]stack.UpOption(nil), cfg.UpOptions...),
			stack.WithLabels(map[string]string{"dev.drill.run": runID, "dev.drill.scenario": sc.Name}))}
	if cfg.Operator != nil {
		tc.Operator, tc.OnProbe = cfg.Operator, cfg.OnProbe
		cfg.Parallel = 1 // one operator answers one alert at a time
		trail.setOperator(cfg.OperatorName)
	}
	controls := sc.ControlTrials()
	total := n + controls
	hand := &handout{total: total}
	slots := newSlots(sc, total, cfg.Parallel, hand)
	runTrials(ctx, total, cfg.Parallel, func(w, i int) trial.Result {
		hand.take(i)
		tc := tc
		tc.Control = IsControl(i, n, controls)
		if slots != nil {
			tc.Slot = slots[w]
		}
		if cfg.LogDir != "" {
			tc.UpOptions = append(slices.Clone(tc.UpOptions), stack.WithOutputDir(filepath.Join(cfg.LogDir, "trial-"+strconv.Itoa(i))))
		}
		return trial.Run(ctx, tc, i, TrialSeed(seed, i))
	}, func(r trial.Result) {
		ownProbeError(&r, sc.Probes.Interval.D())
		raws.add(r.Raw())
		if !cfg.KeepRaw {
			r.StripRaw()
		}
		res.Trials = append(res.Trials, r)
		trail.trial(r)
		if cfg.OnTrial != nil {
			cfg.OnTrial(r)
		}
	})
	slotsErr := closeSlots(ctx, slots, res)
	slices.SortFunc(res.Trials, func(a, b trial.Result) int { return a.Index - b.Index })
	res.Finished = time.Now().UTC()
	res.Machine = &report.MachineCondition{Start: machine, End: measure.ReadMachine()}
	res.Summary = report.Summarize(res.Trials, sc.Objectives, report.WithResolution(sc.Probes.ErrorBound()))
	var logsErr error
	if cfg.LogDir != "" {
		res.Logs, logsErr = report.CollectLogs(cfg.LogDir) // the reports link failed trials' output
	}
	if err := errors.Join(raws.close(), trail.close(res), logsErr, slotsErr); err != nil {
		return res, err
	}
	return res, nil
}

// newSlots makes one stack slot per worker when the scenario reuses stacks
// (stack.reuse), else nil; a trial keeps its stack only while hand has trials left.
func newSlots(sc *scenario.Scenario, total, parallel int, hand *handout) []*trial.Slot {
	if !sc.Stack.Reuse {
		return nil
	}
	slots := make([]*trial.Slot, workers(total, parallel))
	for w := range slots {
		slots[w] = &trial.Slot{More: hand.more}
	}
	return slots
}

// closeSlots tears down the stacks still kept once no trial is left (a worker whose
// last trial was not sure to be last, or a run interrupted between two trials): nothing
// of the run stays. A teardown that failed is said in the error and beside the error
// of the trial that kept the stack.
func closeSlots(ctx context.Context, slots []*trial.Slot, res *report.Results) error {
	var errs []error
	for _, s := range slots {
		by := s.KeptBy()
		err := s.Close(ctx)
		if err == nil {
			continue
		}
		errs = append(errs, err)
		for i := range res.Trials {
			if res.Trials[i].Index == by {
				res.Trials[i].AddError(err.Error())
			}
		}
	}
	return errors.Join(errs...)
}

// settle resolves what a run's config leaves open: the trial count (the scenario's
// unless overridden), the seed (the config's, else the scenario's, else a new one that
// the results record) and the run id.
func (cfg Config) settle() (trials int, seed int64, runID string) {
	trials = cfg.Scenario.Trials
	if cfg.Trials > 0 {
		trials = cfg.Trials
	}
	seed = cfg.Seed
	if seed == 0 {
		seed = cfg.Scenario.Seed
	}
	if seed == 0 {
		seed = randomSeed()
	}
	runID = cfg.RunID
	if runID == "" {
		runID = NewRunID()
	}
	return trials, seed, runID
}

// IsControl says whether trial i (from 1) of a run of n trials and controls control
// trials is a control trial: they are spread evenly among the others, so both kinds
// meet the same machine conditions.
func IsControl(i, n, controls int) bool {
	total := n + controls
	if controls <= 0 || i < 1 || i > total {
		return false
	}
	return i*controls/total > (i-1)*controls/total
}

// TrialSeed derives trial i's seed from the run's seed (splitmix64), so one recorded
// seed reproduces every trial.
func TrialSeed(seed int64, i int) int64 {
	z := uint64(seed) + uint64(i)*0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return int64(z ^ (z >> 31))
}

// NewRunID returns a sortable, unique run id: UTC time plus random bits.
func NewRunID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

func randomSeed() int64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return int64(binary.LittleEndian.Uint64(b[:]) >> 1)
}

func fileHash(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return fmt.Sprintf("%x", sum)
}

// ownProbeError records, from a finished trial's probes, drill's own error in it: how
// late its latest probe started (ProbeLate) and how many probes were in flight at once
// before the fault (ProbeOverlap, ProbeSlowest). Run and Compare call it on every
// trial, before its raw records may be stripped.
func ownProbeError(r *trial.Result, interval time.Duration) {
	r.ProbeLate = measure.ProbeLateness(r.Probes, interval)
	r.ProbeOverlap, r.ProbeSlowest = measure.ProbeOverlap(r.Probes, r.Timing.Fault)
}
