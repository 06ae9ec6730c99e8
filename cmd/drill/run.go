package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/drillhq/drill"
	"github.com/drillhq/drill/internal/atomicfile"
	"github.com/drillhq/drill/internal/outpath"
	"github.com/drillhq/drill/internal/runner"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stats"
)

var version = runner.DrillVersion()

// runFlags are drill run's options.
type runFlags struct {
	trials       int
	trialsSet    bool
	seed         int64
	runtime      string
	out          string
	keepRaw      bool
	quiet        bool
	parallel     int
	interactive  bool
	operator     string
	decisionsOut string
}

// parseRunFlags parses drill run's arguments into its options and scenario files, and
// checks the options against each other.
func parseRunFlags(args []string) (runFlags, []string, error) {
	var f runFlags
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.IntVar(&f.trials, "trials", 0, fmt.Sprintf("number of trials, 1 to %d (default: the scenario's)", scenario.MaxTrials))
	fs.Int64Var(&f.seed, "seed", 0, "seed for every random choice (default: the scenario's, else drawn and recorded)")
	runtimeFlag(fs, &f.runtime)
	rtOpts := runtimeFlags(fs)
	fs.StringVar(&f.out, "out", "runs", "directory for results files")
	fs.BoolVar(&f.keepRaw, "keep-raw", false, "keep every probe and write in the results file")
	fs.BoolVar(&f.quiet, "quiet", false, "print only the summary")
	fs.IntVar(&f.parallel, "parallel", 1, "trials run at once, each on its own stack; the report says when the machine was too busy to keep the probes' schedule")
	fs.BoolVar(&f.interactive, "interactive", false, "game day: a manual or hybrid trigger's decision is yours, at this terminal or on the local page it prints")
	fs.StringVar(&f.operator, "operator", "", "with --interactive: who decides, for the audit log (default: the OS user)")
	fs.StringVar(&f.decisionsOut, "decisions-out", "", "with --interactive: write the measured decision times to this file, for a manual trigger's empirical model (samples_file)")
	files, err := parse(fs, args)
	if err != nil {
		return f, nil, err
	}
	if len(files) == 0 {
		return f, nil, withCode(exitConfig, errors.New("run: name at least one scenario file"))
	}
	fs.Visit(func(fl *flag.Flag) { f.trialsSet = f.trialsSet || fl.Name == "trials" })
	if err := f.check(len(files)); err != nil {
		return f, files, err
	}
	return f, files, rtOpts.check("run", f.runtime, fs)
}

// check refuses options that contradict each other or the number of files.
func (f runFlags) check(files int) error {
	var err error
	switch {
	case f.trialsSet && (f.trials < 1 || f.trials > scenario.MaxTrials):
		err = fmt.Errorf("run: --trials %d: must be from 1 to %d (leave it out to run the scenario's own trials)", f.trials, scenario.MaxTrials)
	case !f.interactive && (f.operator != "" || f.decisionsOut != ""):
		err = errors.New("run: --operator and --decisions-out belong to a game day: add --interactive")
	case f.interactive && files > 1:
		err = errors.New("run: --interactive runs one scenario: name one file (a game day has one operator at one terminal)")
	case f.interactive && f.parallel > 1:
		err = errors.New("run: --interactive runs one trial at a time: leave out --parallel")
	case f.parallel < 1:
		err = fmt.Errorf("run: --parallel %d: must be at least 1 (1 runs the trials one after another)", f.parallel)
	}
	err = cmp.Or(err, checkRuntime("run", f.runtime))
	if err != nil {
		return withCode(exitConfig, err)
	}
	return nil
}

// options are the drill.Run options of one scenario's run, its files under base.
func (f runFlags) options(file, runID, base string, p *progress, stderr io.Writer) []drill.Option {
	opts := []drill.Option{drill.WithRuntime(f.runtime), drill.WithLog(stderr), drill.WithFile(file),
		drill.WithRunID(runID), drill.WithAuditLog(base + ".audit.jsonl"), drill.WithRawFile(base + ".raw.json.gz"),
		drill.WithServiceLogs(base + ".logs"),
		drill.WithParallel(f.parallel), drill.OnEvent(p.event), drill.OnTrial(p.trial)}
	if f.trialsSet {
		opts = append(opts, drill.WithTrials(f.trials))
	}
	if f.seed != 0 {
		opts = append(opts, drill.WithSeed(f.seed))
	}
	if f.keepRaw {
		opts = append(opts, drill.WithRawRecords())
	}
	if f.interactive {
		opts = append(opts, drill.WithGameDay(drill.GameDay{Operator: f.operator, In: os.Stdin, Out: stderr, DecisionsOut: f.decisionsOut}))
	}
	return opts
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, files, err := parseRunFlags(args)
	if err != nil {
		return err
	}
	// Every file is checked, against the runtime when it is named, before the first
	// stack starts: what it cannot carry out is a usage error, not a failed rollback
	// (drill.Run checks the runtime auto picks).
	scs := make([]*scenario.Scenario, len(files))
	for i, file := range files {
		if scs[i], err = load(file, forRuntime(f.runtime)...); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return withCode(exitInfra, fmt.Errorf("make output directory: %w", err))
	}
	sweepUnfinished(f.out, stderr)
	worst := exitPass
	for i, sc := range scs {
		code, err := runScenario(ctx, f, sc, files[i], stdout, stderr)
		if err != nil {
			return err
		}
		worst = worse(worst, code)
		if ctx.Err() != nil {
			break
		}
	}
	if ctx.Err() != nil {
		return withCode(exitInterrupted, errors.New("interrupted: every trial started was torn down"))
	}
	if worst != exitPass {
		return withCode(worst, errors.New(""))
	}
	return nil
}

// sweepUnfinished removes the unfinished results files that killed runs left in out, as
// a run removes dead runs' other leftovers before it starts, and says so; a failure to
// is a warning, not a reason not to run.
func sweepUnfinished(out string, stderr io.Writer) {
	removed, err := atomicfile.Sweep(out)
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "warning: %v\n", err)
	case len(removed) > 0:
		fmt.Fprintf(stderr, "removed leftovers of dead drill runs: %d unfinished results files in %s\n", len(removed), out)
	}
}

// runScenario runs one scenario file, writes its results and prints its report; it
// returns the run's exit code, or an error that ends drill run.
func runScenario(ctx context.Context, f runFlags, sc *scenario.Scenario, file string, stdout, stderr io.Writer) (int, error) {
	n := sc.Trials
	if f.trialsSet {
		n = f.trials
	}
	progress := newProgress(stderr, sc.Name, n, f.quiet)
	runID := drill.NewRunID()
	base, err := outpath.File(f.out, sc.Name+"-"+runID)
	if err != nil {
		return 0, withCode(exitConfig, err)
	}
	res, err := drill.Run(ctx, sc, f.options(file, runID, base, progress, stderr)...)
	switch {
	case res == nil && errors.Is(err, drill.ErrUnsupported):
		return 0, withCode(exitConfig, err)
	case res == nil && ctx.Err() != nil:
		// Interrupted before any trial ran (engine check, image build, first stack):
		// what started was torn down; that is an interrupted run, not an error.
		return 0, withCode(exitInterrupted, fmt.Errorf("interrupted before the first trial: %w", err))
	case res == nil:
		return 0, withCode(exitInfra, err)
	}
	code := exitCode(res)
	if err != nil && ctx.Err() == nil {
		fmt.Fprintln(stderr, "drill:", err)
		code = worse(code, exitInfra)
	}
	progress.done()
	if err := res.WriteFiles(base); err != nil {
		return 0, withCode(exitInfra, err)
	}
	if err := res.Render(stdout, drill.Markdown); err != nil {
		return 0, withCode(exitInfra, err)
	}
	fmt.Fprintf(stdout, "\nResults: %s.json\nReport:  %s.html\n", base, base)
	if res.AuditDigest != "" {
		fmt.Fprintf(stdout, "Audit:   %s.audit.jsonl (digest %s)\n", base, res.AuditDigest)
	}
	if fi, err := os.Stat(base + ".logs"); err == nil && fi.IsDir() {
		fmt.Fprintf(stdout, "Logs:    %s.logs/ (each trial's service output)\n", base)
	}
	return code, nil
}

// exitCode maps a run's verdict to the process exit code.
func exitCode(r *drill.Result) int {
	return exitFor(stats.Verdict(r.Verdict), r.Judged, r.Errors, r.Interrupted)
}

// exitFor maps a verdict and its trial counts to the process exit code: drill run and
// drill compare exit by this one rule.
func exitFor(v stats.Verdict, judged, errs, interrupted int) int {
	switch {
	case interrupted > 0:
		return exitInterrupted
	case v == stats.Fail && judged > 0:
		return exitFail
	case errs > 0:
		return exitInfra
	case v == stats.Inconclusive:
		return exitInconclusive
	}
	return exitPass
}

// worse orders exit codes by how much attention they need.
func worse(a, b int) int {
	rank := map[int]int{exitPass: 0, exitInconclusive: 1, exitFail: 2, exitInfra: 3, exitInterrupted: 4}
	if rank[b] > rank[a] {
		return b
	}
	return a
}
