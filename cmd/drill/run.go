package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/runner"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stats"
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
	scs := make([]*scenario.Scenario, len(files))
	for i, f := range files {
		if scs[i], err = load(f); err != nil {
			return err
		}
	}
	rt, err := pickRuntime(ctx, *rtName, stderr)
	if err != nil {
		return err
	}
	if c, ok := rt.(io.Closer); ok {
		defer c.Close()
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return withCode(exitInfra, fmt.Errorf("make output directory: %w", err))
	}
	worst := exitPass
	for i, sc := range scs {
		n := sc.Trials
		if *trials > 0 {
			n = *trials
		}
		progress := newProgress(stderr, sc.Name, n, *quiet)
		runID := runner.NewRunID()
		base := filepath.Join(*out, sc.Name+"-"+runID)
		res, err := runner.Run(ctx, runner.Config{Scenario: sc, File: files[i], Runtime: rt, Trials: *trials, Seed: *seed,
			RunID: runID, KeepRaw: *keepRaw, RawPath: base + ".raw.json.gz", AuditPath: base + ".audit.jsonl", OnEvent: progress.event, OnTrial: progress.trial})
		if res == nil {
			return withCode(exitInfra, err)
		}
		if err != nil {
			fmt.Fprintln(stderr, "drill:", err)
			worst = worse(worst, exitInfra)
		}
		progress.done()
		md, err := writeReports(base, res)
		if err != nil {
			return withCode(exitInfra, err)
		}
		fmt.Fprintln(stdout, md)
		fmt.Fprintf(stdout, "Results: %s.json\nReport:  %s.html\n", base, base)
		if res.Audit != nil {
			fmt.Fprintf(stdout, "Audit:   %s.audit.jsonl (digest %s)\n", base, res.Audit.Digest)
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

// writeReports writes the results file and every rendering of it beside it (Markdown,
// HTML, JUnit XML) and returns the Markdown.
func writeReports(base string, res *report.Results) (string, error) {
	if err := res.WriteRaw(base + ".raw.json.gz"); err != nil {
		return "", err
	}
	if err := res.Write(base + ".json"); err != nil {
		return "", err
	}
	var md, html, junit bytes.Buffer
	for _, r := range []struct {
		render func(io.Writer, *report.Results) error
		buf    *bytes.Buffer
		ext    string
	}{{report.Markdown, &md, ".md"}, {report.HTML, &html, ".html"}, {report.JUnit, &junit, ".junit.xml"}} {
		if err := r.render(r.buf, res); err != nil {
			return "", fmt.Errorf("render %s: %w", r.ext, err)
		}
		if err := os.WriteFile(base+r.ext, r.buf.Bytes(), 0o644); err != nil {
			return "", fmt.Errorf("write %s: %w", base+r.ext, err)
		}
	}
	return md.String(), nil
}

// exitCode maps a run's verdict to the process exit code.
func exitCode(r *report.Results) int {
	s := r.Summary
	switch {
	case s.Interrupted > 0:
		return exitInterrupted
	case s.Verdict == stats.Fail && s.Judged > 0:
		return exitFail
	case s.Errors > 0:
		return exitInfra
	case s.Verdict == stats.Inconclusive:
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

// pickRuntime resolves --runtime and says on stderr what it picked.
func pickRuntime(ctx context.Context, name string, stderr io.Writer) (stack.Runtime, error) {
	rt, notes, err := stack.Select(ctx, name)
	for _, n := range notes {
		fmt.Fprintln(stderr, n)
	}
	switch {
	case err != nil && rt == nil && (name == "auto" || name == "docker" || name == "process"):
		return nil, withCode(exitInfra, err)
	case err != nil:
		return nil, withCode(exitConfig, err)
	}
	return rt, nil
}
