package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/drillhq/drill/internal/kinds"
	"github.com/drillhq/drill/internal/report"
)

const reportUsage = "report: usage: drill report DIR... [--quarter 2026Q4 | --since 2026-10-01 --until 2026-12-31] [--out DIR]"

// cmdReport handles `drill report DIR...`: it reads every results file in the DIRs,
// pools the runs of the period (by default the quarter of the latest run) per
// scenario, compares them with the previous period, and writes the period report as
// Markdown, HTML and JSON into --out (default: the first DIR). A report describes:
// it exits 0 whatever it finds, 2 on invalid input, 4 when a file cannot be read.
func cmdReport(ctx context.Context, args []string, stdout io.Writer) error {
	fset := flag.NewFlagSet("report", flag.ContinueOnError)
	quarter := fset.String("quarter", "", "UTC calendar quarter, e.g. 2026Q4")
	since := fset.String("since", "", "first day of the period (YYYY-MM-DD, UTC)")
	until := fset.String("until", "", "last day of the period (YYYY-MM-DD, UTC, inclusive)")
	out := fset.String("out", "", "directory for the report files (default: the first DIR)")
	dirs, err := parse(fset, args)
	if err != nil {
		return err
	}
	if len(dirs) == 0 {
		return withCode(exitConfig, errors.New(reportUsage))
	}
	period, explicit, err := reportPeriod(*quarter, *since, *until)
	if err != nil {
		return err
	}
	runs, err := readRuns(ctx, dirs, stdout)
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		return withCode(exitConfig, fmt.Errorf("report: no results files in %s", strings.Join(dirs, ", ")))
	}
	if !explicit {
		period = report.QuarterOf(latest(runs))
	}
	agg := report.Aggregate(report.SelectRuns(runs, period), period, report.SelectRuns(runs, period.Previous()))

	dir := cmp.Or(*out, dirs[0])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return withCode(exitInfra, fmt.Errorf("make output directory: %w", err))
	}
	base := filepath.Join(dir, "drill-report-"+period.FileLabel())
	var md bytes.Buffer
	if err := report.AggregateMarkdown(&md, agg); err != nil {
		return withCode(exitInfra, err)
	}
	if err := kinds.Default().Formats.WriteAll(base, report.Document{Period: &agg}); err != nil {
		return withCode(exitInfra, err)
	}
	fmt.Fprintln(stdout, md.String())
	fmt.Fprintf(stdout, "Report: %s.md\nHTML:   %s.html\nJSON:   %s.json\n", base, base, base)
	return nil
}

// reportPeriod reads the period flags; explicit is false when none was given.
func reportPeriod(quarter, since, until string) (p report.Period, explicit bool, err error) {
	switch {
	case quarter != "" && (since != "" || until != ""):
		return p, false, withCode(exitConfig, errors.New("report: give --quarter or --since/--until, not both"))
	case quarter != "":
		p, err = report.ParseQuarter(quarter)
	case since != "" || until != "":
		if since == "" || until == "" {
			return p, false, withCode(exitConfig, errors.New("report: --since and --until go together"))
		}
		p, err = report.ParseRange(since, until)
	default:
		return p, false, nil
	}
	if err != nil {
		return p, false, withCode(exitConfig, fmt.Errorf("report: %w", err))
	}
	return p, true, nil
}

// readRuns reads every results file (*.json) in dirs, in name order, each run once.
// JSON files of another kind are skipped with a warning (aggregate reports silently:
// drill wrote them); a results file that does not decode is an error naming it.
func readRuns(ctx context.Context, dirs []string, stdout io.Writer) ([]*report.Results, error) {
	files, err := readRunFiles(ctx, dirs, stdout)
	runs := make([]*report.Results, len(files))
	for i, f := range files {
		runs[i] = f.res
	}
	return runs, err
}

// runFile is a results file, the run it holds and the SHA-256 of the bytes it was
// decoded from (what an evidence pack pins).
type runFile struct {
	path   string
	res    *report.Results
	sha256 string
}

// readRunFiles is readRuns with the file each run was read from.
func readRunFiles(ctx context.Context, dirs []string, stdout io.Writer) ([]runFile, error) {
	var runs []runFile
	seen := map[string]string{} // run id → the file it was read from
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, withCode(exitConfig, fmt.Errorf("report: %w", err))
		case err != nil:
			return nil, withCode(exitInfra, fmt.Errorf("report: read directory: %w", err))
		}
		for _, e := range entries {
			if err := ctx.Err(); err != nil {
				return nil, withCode(exitInterrupted, fmt.Errorf("report: %w", err))
			}
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
				continue
			}
			path := filepath.Join(d, e.Name())
			r, sum, skip, err := readRun(path)
			if err != nil {
				return nil, err
			}
			if skip != "" {
				fmt.Fprintf(stdout, "drill: warning: skipped %s: %s\n", path, skip)
			}
			if r == nil {
				continue
			}
			if first, dup := seen[r.RunID]; dup {
				// The same run copied into two DIRs must not count twice.
				fmt.Fprintf(stdout, "drill: warning: skipped %s: run %s already read from %s\n", path, r.RunID, first)
				continue
			}
			seen[r.RunID] = path
			runs = append(runs, runFile{path: path, res: r, sha256: sum})
		}
	}
	return runs, nil
}

// readRun reads one JSON file once: a results file with the SHA-256 of its bytes, or
// (r == nil) why it is skipped.
func readRun(path string) (r *report.Results, sum, skip string, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", "", withCode(exitInfra, fmt.Errorf("report: read %s: %w", path, err))
	}
	var head struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		if resultsMark.Match(b) {
			// A results file cut short or edited: its numbers cannot be trusted or skipped.
			return nil, "", "", withCode(exitConfig, fmt.Errorf("report: corrupt results file %s: %w", path, err))
		}
		return nil, "", "not a drill results file", nil
	}
	switch {
	case head.Schema == report.AggregateSchemaVersion:
		return nil, "", "", nil
	case head.Schema == report.SchemaVersion:
		r, sum, err := report.Decode(path, b)
		if err != nil {
			return nil, "", "", withCode(exitConfig, fmt.Errorf("report: corrupt results file %s: %w", path, err))
		}
		return r, sum, "", nil
	case strings.HasPrefix(head.Schema, "drill.results/"):
		return nil, "", "", withCode(exitConfig, fmt.Errorf("report: results file %s has schema %q; this drill reads %q", path, head.Schema, report.SchemaVersion))
	}
	return nil, "", "not a drill results file (no \"schema\": \"" + report.SchemaVersion + "\")", nil
}

// resultsMark finds a results file's schema key in a file that does not decode.
var resultsMark = regexp.MustCompile(`"schema"\s*:\s*"drill\.results/`)

// latest is the start of the most recent run.
func latest(runs []*report.Results) time.Time {
	return slices.MaxFunc(runs, func(a, b *report.Results) int { return a.Started.Compare(b.Started) }).Started
}
