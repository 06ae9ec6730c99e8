package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/drillhq/drill"
	"github.com/drillhq/drill/internal/runner"
	"github.com/drillhq/drill/internal/scenario"
)

var version = runner.Version

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	trials := fs.Int("trials", 0, fmt.Sprintf("number of trials, 1 to %d (default: the scenario's)", scenario.MaxTrials))
	seed := fs.Int64("seed", 0, "seed for every random choice (default: the scenario's, else drawn and recorded)")
	rtName := fs.String("runtime", "auto", "auto, docker or process")
	out := fs.String("out", "runs", "directory for results files")
	keepRaw := fs.Bool("keep-raw", false, "keep every probe and write in the results file")
	quiet := fs.Bool("quiet", false, "print only the summary")
	parallel := fs.Int("parallel", 1, "trials run at once, each on its own stack; the report says when the machine was too busy to keep the probes' schedule")
	interactive := fs.Bool("interactive", false, "game day: a manual or hybrid trigger's decision is yours, at this terminal or on the local page it prints")
	operator := fs.String("operator", "", "with --interactive: who decides, for the audit log (default: the OS user)")
	decisionsOut := fs.String("decisions-out", "", "with --interactive: write the measured decision times to this file, for a manual trigger's empirical model (samples_file)")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return withCode(exitConfig, errors.New("run: name at least one scenario file"))
	}
	trialsSet := false
	fs.Visit(func(f *flag.Flag) { trialsSet = trialsSet || f.Name == "trials" })
	if trialsSet && (*trials < 1 || *trials > scenario.MaxTrials) {
		return withCode(exitConfig, fmt.Errorf("run: --trials %d: must be from 1 to %d (leave it out to run the scenario's own trials)", *trials, scenario.MaxTrials))
	}
	if !*interactive && (*operator != "" || *decisionsOut != "") {
		return withCode(exitConfig, errors.New("run: --operator and --decisions-out belong to a game day: add --interactive"))
	}
	if *interactive && len(files) > 1 {
		return withCode(exitConfig, errors.New("run: --interactive runs one scenario: name one file (a game day has one operator at one terminal)"))
	}
	if *interactive && *parallel > 1 {
		return withCode(exitConfig, errors.New("run: --interactive runs one trial at a time: leave out --parallel"))
	}
	if *parallel < 1 {
		return withCode(exitConfig, fmt.Errorf("run: --parallel %d: must be at least 1 (1 runs the trials one after another)", *parallel))
	}
	switch *rtName {
	case "auto", "docker", "process":
	default:
		return withCode(exitConfig, fmt.Errorf("run: --runtime %q: unknown runtime (auto, docker or process)", *rtName))
	}
	scs := make([]*scenario.Scenario, len(files))
	for i, f := range files {
		if scs[i], err = load(f); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return withCode(exitInfra, fmt.Errorf("make output directory: %w", err))
	}
	worst := exitPass
	for i, sc := range scs {
		n := sc.Trials
		if trialsSet {
			n = *trials
		}
		progress := newProgress(stderr, sc.Name, n, *quiet)
		runID := drill.NewRunID()
		base := filepath.Join(*out, sc.Name+"-"+runID)
		opts := []drill.Option{drill.WithRuntime(*rtName), drill.WithLog(stderr), drill.WithFile(files[i]),
			drill.WithRunID(runID), drill.WithAuditLog(base + ".audit.jsonl"), drill.WithRawFile(base + ".raw.json.gz"),
			drill.WithServiceLogs(base + ".logs"),
			drill.WithParallel(*parallel), drill.OnEvent(progress.event), drill.OnTrial(progress.trial)}
		if trialsSet {
			opts = append(opts, drill.WithTrials(*trials))
		}
		if *seed != 0 {
			opts = append(opts, drill.WithSeed(*seed))
		}
		if *keepRaw {
			opts = append(opts, drill.WithRawRecords())
		}
		if *interactive {
			opts = append(opts, drill.WithGameDay(drill.GameDay{Operator: *operator, In: os.Stdin, Out: stderr, DecisionsOut: *decisionsOut}))
		}
		res, err := drill.Run(ctx, sc, opts...)
		if res == nil {
			return withCode(exitInfra, err)
		}
		if err != nil && ctx.Err() == nil {
			fmt.Fprintln(stderr, "drill:", err)
			worst = worse(worst, exitInfra)
		}
		progress.done()
		if err := res.WriteFiles(base); err != nil {
			return withCode(exitInfra, err)
		}
		if err := res.Render(stdout, drill.Markdown); err != nil {
			return withCode(exitInfra, err)
		}
		fmt.Fprintf(stdout, "\nResults: %s.json\nReport:  %s.html\n", base, base)
		if res.AuditDigest != "" {
			fmt.Fprintf(stdout, "Audit:   %s.audit.jsonl (digest %s)\n", base, res.AuditDigest)
		}
		if fi, err := os.Stat(base + ".logs"); err == nil && fi.IsDir() {
			fmt.Fprintf(stdout, "Logs:    %s.logs/ (each trial's service output)\n", base)
		}
		worst = worse(worst, exitCode(res))
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

// exitCode maps a run's verdict to the process exit code.
func exitCode(r *drill.Result) int {
	switch {
	case r.Interrupted > 0:
		return exitInterrupted
	case r.Verdict == drill.Fail && r.Judged > 0:
		return exitFail
	case r.Errors > 0:
		return exitInfra
	case r.Verdict == drill.Inconclusive:
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
