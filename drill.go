// Package drill is the Go API of drill, for running rollback drills from Go code and
// from Ginkgo suites in CI: Load a scenario file, Run it for some trials, and judge the
// Result (package drilltest has Gomega matchers for that).
//
//	sc, err := drill.Load("scenarios/bad-release.yaml")
//	res, err := drill.Run(ctx, sc, drill.WithTrials(5), drill.WithRuntime("process"))
//	Expect(res).To(drilltest.MeetObjectives())
package drill

import (
	"context"
	"io"

	"github.com/drillhq/drill/internal/inject"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/runner"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/trial"
)

// Scenario is a decoded, validated scenario file.
type Scenario = scenario.Scenario

// Result is everything a run recorded and the verdicts judged from it; it is what the
// results file holds.
type Result = report.Results

// TrialResult is one trial of a run.
type TrialResult = trial.Result

// Load reads a scenario file strictly (an unknown key is an error naming its line and
// the nearest valid key), applies defaults and validates it, fault parameters included.
func Load(path string) (*Scenario, error) {
	return scenario.Load(path, checkFaults())
}

// Parse is Load for a scenario held in memory; name is used in error messages.
func Parse(name string, data []byte) (*Scenario, error) {
	return scenario.Parse(name, data, checkFaults())
}

// checkFaults validates each fault's kind and parameters with the fault registry.
func checkFaults() scenario.ParseOption {
	reg := inject.NewRegistry()
	return scenario.WithFaultCheck(func(f scenario.Fault) error {
		_, err := reg.Build(f)
		return err
	})
}

// Option configures Run.
type Option func(*options)

type options struct {
	trials    int
	seed      int64
	runtime   string
	keepRaw   bool
	file      string
	log       io.Writer
	onTrial   func(TrialResult)
	auditPath string
}

// WithTrials overrides the scenario's number of trials.
func WithTrials(n int) Option { return func(o *options) { o.trials = n } }

// WithSeed fixes the seed every random choice derives from (recorded in the Result).
func WithSeed(seed int64) Option { return func(o *options) { o.seed = seed } }

// WithRuntime picks "auto" (default: docker where an engine answers), "docker" or "process".
func WithRuntime(name string) Option { return func(o *options) { o.runtime = name } }

// WithRawRecords keeps every probe and workload operation in the Result.
func WithRawRecords() Option { return func(o *options) { o.keepRaw = true } }

// WithFile records the scenario's file name and hash in the Result.
func WithFile(path string) Option { return func(o *options) { o.file = path } }

// WithLog writes the runtime choice and cleanup notes to w (default: nowhere).
func WithLog(w io.Writer) Option { return func(o *options) { o.log = w } }

// WithAuditLog writes the run's hash-chained audit log to path (which must not exist)
// and records its final digest in the Result.
func WithAuditLog(path string) Option { return func(o *options) { o.auditPath = path } }

// OnTrial calls f after each trial, e.g. to log progress in a test.
func OnTrial(f func(TrialResult)) Option { return func(o *options) { o.onTrial = f } }

// Run runs the scenario's trials and returns the result. It returns an error only when
// the run could not start (no runtime); trials that could not run are recorded in the
// Result as errors, and a cancelled ctx ends the run after tearing down what it started.
func Run(ctx context.Context, sc *Scenario, opts ...Option) (*Result, error) {
	o := options{runtime: "auto", log: io.Discard}
	for _, opt := range opts {
		opt(&o)
	}
	rt, notes, err := stack.Select(ctx, o.runtime)
	for _, n := range notes {
		_, _ = io.WriteString(o.log, n+"\n")
	}
	if err != nil {
		return nil, err
	}
	if c, ok := rt.(io.Closer); ok {
		defer c.Close()
	}
	return runner.Run(ctx, runner.Config{Scenario: sc, File: o.file, Runtime: rt, Trials: o.trials, Seed: o.seed,
		KeepRaw: o.keepRaw, OnTrial: o.onTrial, AuditPath: o.auditPath})
}
