package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/drillhq/drill"
	"github.com/drillhq/drill/internal/forecast"
	"github.com/drillhq/drill/internal/kinds"
	"github.com/drillhq/drill/internal/outpath"
	"github.com/drillhq/drill/internal/preflight"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/runner"
	"github.com/drillhq/drill/internal/runtimes"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/trial"
)

// cmdCompare runs the scenario's compared plans against the same defect, trials
// interleaved, and prints the comparison table; it writes JSON, Markdown, HTML and
// JUnit, one audit log and each plan's raw records, and exits by the worst of the
// plans' verdicts, as drill run exits by its scenarios'.
func cmdCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	trials := fs.Int("trials", 0, fmt.Sprintf("trials per plan, 1 to %d (default: the scenario's)", scenario.MaxTrials))
	seed := fs.Int64("seed", 0, "seed for every random choice (default: the scenario's, else drawn and recorded)")
	var rtName string
	runtimeFlag(fs, &rtName)
	rtOpts := runtimeFlags(fs)
	out := fs.String("out", "runs", "directory for the comparison's files")
	forecastConfig := forecastFlags(fs)
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return withCode(exitConfig, errors.New("compare: name one scenario file with a compare section"))
	}
	if *trials < 0 || *trials > scenario.MaxTrials {
		return withCode(exitConfig, fmt.Errorf("compare: --trials %d: must be from 1 to %d", *trials, scenario.MaxTrials))
	}
	if err := rtOpts.check("compare", rtName, fs); err != nil {
		return err
	}
	sc, err := load(files[0], forRuntime(rtName)...)
	if err != nil {
		return err
	}
	fcfg, err := forecastConfig(sc.Forecast)
	if err != nil {
		return err
	}
	if sc.Compare == nil {
		return withCode(exitConfig, fmt.Errorf("compare: %s has no compare section: add compare: {plans: [{name, trigger}, ...]}", files[0]))
	}
	rt, closeRuntime, err := compareRuntime(ctx, files[0], rtName, sc, stderr)
	if err != nil {
		return err
	}
	defer closeRuntime()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return withCode(exitInfra, fmt.Errorf("make output directory: %w", err))
	}
	sweepUnfinished(*out, stderr)
	runID := drill.NewRunID()
	base, err := outpath.File(*out, sc.Name+"-compare-"+runID)
	if err != nil {
		return withCode(exitConfig, err)
	}
	k := kinds.Default()
	cmp, err := runner.Compare(ctx, runner.Config{Scenario: sc, File: files[0], Runtime: rt, Trials: *trials, Seed: *seed, RunID: runID,
		Kinds: k.Kinds, AuditPath: base + ".audit.jsonl", RawPath: base + ".raw.json.gz",
		OnPlanTrial: func(plan string, r trial.Result) {
			fmt.Fprintf(stderr, "%s: trial %d: %s\n", plan, r.Index, r.Outcome)
		}})
	if cmp == nil && ctx.Err() != nil {
		return withCode(exitInterrupted, fmt.Errorf("interrupted before the first trial: %w", err))
	}
	if cmp == nil {
		return withCode(exitInfra, err)
	}
	code := exitPass
	for _, p := range cmp.Plans {
		s := p.Results.Summary
		code = worse(code, exitFor(s.Verdict, s.Judged, s.Errors, s.Interrupted))
	}
	if err != nil && ctx.Err() == nil {
		fmt.Fprintln(stderr, "drill:", err)
		code = worse(code, exitInfra)
	}
	cmp.Forecast = &fcfg
	cmp.ForecastPlans()
	if err := k.Formats.WriteAll(base, report.Document{Compare: cmp}); err != nil {
		return withCode(exitInfra, err)
	}
	if err := report.CompareMarkdown(stdout, cmp); err != nil {
		return withCode(exitInfra, err)
	}
	fmt.Fprintf(stdout, "\nComparison: %s.json\nReport:     %s.html\nJUnit:      %s.junit.xml\n", base, base, base)
	if cmp.Audit != nil {
		fmt.Fprintf(stdout, "Audit:      %s.audit.jsonl (digest %s)\n", base, cmp.Audit.Digest)
	}
	if ctx.Err() != nil {
		return withCode(exitInterrupted, errors.New("interrupted: every trial started was torn down"))
	}
	if code != exitPass {
		// Like drill run: the exit code says pass, inconclusive, fail or error, the worst
		// of the plans' verdicts.
		return withCode(code, errors.New(""))
	}
	return nil
}

// forecastFlags declares the flags of the plans' forecast on fs; the function it returns
// lays the flags given over the scenario's forecast section (a flag overrides the
// scenario's value) and reads the incident export, before any stack starts (a bad value
// or export is a config error). Without a deploy rate from either, the forecast states
// no annual downtime.
func forecastFlags(fs *flag.FlagSet) func(*scenario.Forecast) (report.ForecastConfig, error) {
	var given forecast.Rate
	fs.Float64Var(&given.DeploysPerMonth, "deploys-per-month", 0, "deploy rate the forecast's annual downtime assumes (default: the scenario's forecast.deploys_per_month)")
	fs.Float64Var(&given.ChangeFailureRate, "change-failure-rate", 0, "share of deploys that fail in production (DORA), for the forecast (default: the scenario's forecast.change_failure_rate)")
	fs.DurationVar(&given.FailedOutage, "failed-outage", 0, "outage the forecast counts for an incident the rollback does not recover (default: the scenario's forecast.failed_outage, else 4h)")
	incidents := fs.String("incidents", "", "incident export (CSV or JSON status timestamps) that calibrates manual plans' decisions in the forecast")
	return func(sc *scenario.Forecast) (report.ForecastConfig, error) {
		rate, err := flagRate(fs, given, sc)
		if err != nil {
			return report.ForecastConfig{}, withCode(exitConfig, fmt.Errorf("compare: %w", err))
		}
		cfg := report.ForecastConfig{Rate: rate, IncidentsFile: *incidents}
		if *incidents == "" {
			return cfg, nil
		}
		b, err := os.ReadFile(*incidents)
		if err != nil {
			return cfg, withCode(exitConfig, fmt.Errorf("compare: read incident export: %w", err))
		}
		if cfg.Incidents, err = forecast.ParseIncidents(*incidents, b); err != nil {
			return cfg, withCode(exitConfig, err)
		}
		return cfg, nil
	}
}

// flagRate is the scenario's delivery rates (nil: none) with each flag given on fs laid
// over it, naming where they came from; nil when neither gives a rate.
func flagRate(fs *flag.FlagSet, given forecast.Rate, sc *scenario.Forecast) (*forecast.Rate, error) {
	var set []string
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "deploys-per-month" || f.Name == "change-failure-rate" || f.Name == "failed-outage" {
			set = append(set, "--"+f.Name)
		}
	})
	rate := report.RateOf(sc, report.SourceScenario)
	if len(set) == 0 {
		return rate, nil
	}
	if rate == nil {
		rate = &forecast.Rate{FailedOutage: scenario.DefaultFailedOutage, Source: report.SourceFlags}
	} else {
		rate.Source += ", " + strings.Join(set, " and ") + " overriding"
	}
	for _, name := range set {
		switch name {
		case "--deploys-per-month":
			rate.DeploysPerMonth = given.DeploysPerMonth
		case "--change-failure-rate":
			rate.ChangeFailureRate = given.ChangeFailureRate
		case "--failed-outage":
			rate.FailedOutage = given.FailedOutage
		}
	}
	switch {
	case rate.DeploysPerMonth == 0:
		return nil, errors.New("the forecast's annual downtime needs a deploy rate too: give --deploys-per-month or forecast.deploys_per_month in the scenario")
	case rate.ChangeFailureRate == 0:
		return nil, errors.New("the forecast's annual downtime needs a change-failure rate too: give --change-failure-rate or forecast.change_failure_rate in the scenario")
	}
	return rate, rate.Check()
}

// compareRuntime selects the runtime a comparison runs on, refuses what it cannot carry
// out before the first stack and prepares what its stacks need. The returned func
// releases the runtime.
func compareRuntime(ctx context.Context, file, rtName string, sc *scenario.Scenario, stderr io.Writer) (stack.Runtime, func(), error) {
	rt, notes, err := runtimes.Default().Select(ctx, rtName, preflight.StackKind(sc)...)
	for _, n := range notes {
		fmt.Fprintln(stderr, n)
	}
	if err != nil {
		return nil, nil, withCode(exitInfra, fmt.Errorf("compare: %w", err))
	}
	release := func() {
		if c, ok := rt.(io.Closer); ok {
			c.Close()
		}
	}
	// What the runtime auto picked cannot carry out is refused before the first stack.
	if _, err := load(file, drill.ForRuntime(rt.Name())); err != nil {
		release()
		return nil, nil, err
	}
	if p, ok := rt.(stack.Preparer); ok {
		if err := p.Prepare(ctx, sc.Stack); err != nil {
			release()
			return nil, nil, withCode(exitInfra, fmt.Errorf("compare: %w", err))
		}
	}
	return rt, release, nil
}
