package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/trial"
)

// cmdCheck re-derives every measure of stored runs from their raw records and says
// whether the stored results are reproduced exactly: `drill check RESULTS.json...`.
func cmdCheck(_ context.Context, args []string, stdout io.Writer) error {
	files, err := parse(flag.NewFlagSet("check", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return withCode(exitConfig, errors.New("check: name at least one results file"))
	}
	failed := 0
	for _, f := range files {
		res, err := report.Read(f)
		if err != nil {
			return withCode(exitConfig, err)
		}
		if err := res.ReadRaw(f); err != nil {
			return withCode(exitConfig, err)
		}
		diffs, err := recheck(res)
		if err != nil {
			return withCode(exitInfra, fmt.Errorf("check %s: %w", f, err))
		}
		if len(diffs) == 0 {
			fmt.Fprintf(stdout, "%s: reproduced exactly (%d trials, verdict %s)\n", f, len(res.Trials), res.Summary.Verdict)
			continue
		}
		failed++
		fmt.Fprintf(stdout, "%s: NOT reproduced:\n", f)
		for _, d := range diffs {
			fmt.Fprintf(stdout, "  %s\n", d)
		}
	}
	if failed > 0 {
		return withCode(exitFail, fmt.Errorf("check: %d of %d results not reproduced from their raw records", failed, len(files)))
	}
	return nil
}

// derived is what Measure computes for a trial: the part drill check compares.
type derived struct {
	Outcome       trial.Outcome
	Reason        string
	Timing        any
	FalsePositive bool
	Loss          any
	Consistency   any
	ProbeCount    int
	ProbeFailures int
}

func derivedOf(t trial.Result) derived {
	return derived{t.Outcome, t.Reason, t.Timing, t.FalsePositive, t.Loss, t.Consistency, t.ProbeCount, t.ProbeFailures}
}

// recheck re-derives each trial and the summary and lists every difference.
func recheck(res *report.Results) ([]string, error) {
	raws := map[int]trial.Raw{}
	for _, r := range res.Raw {
		raws[r.Index] = r
	}
	var diffs []string
	again := make([]trial.Result, 0, len(res.Trials))
	for _, t := range res.Trials {
		raw, ok := raws[t.Index]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("trial %d: no raw records", t.Index))
			again = append(again, t)
			continue
		}
		r := t.WithRaw(raw)
		if t.Outcome != trial.Errored && t.Outcome != trial.Interrupted {
			trial.Measure(&r, res.Params)
		}
		if d, err := differ(derivedOf(t), derivedOf(r)); err != nil || d != "" {
			if err != nil {
				return nil, err
			}
			diffs = append(diffs, fmt.Sprintf("trial %d: %s", t.Index, d))
		}
		again = append(again, r)
	}
	sum := report.Summarize(again, res.Objectives, report.WithResolution(res.Resolution()))
	if d, err := differ(res.Summary, sum); err != nil || d != "" {
		if err != nil {
			return nil, err
		}
		diffs = append(diffs, "summary: "+d)
	}
	return diffs, nil
}

// differ compares two values by their JSON and describes the first difference.
func differ(stored, again any) (string, error) {
	a, err := json.Marshal(stored)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(again)
	if err != nil {
		return "", err
	}
	if bytes.Equal(a, b) {
		return "", nil
	}
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-60)
	return fmt.Sprintf("stored …%s… re-derived …%s…", clip(a, lo, i+60), clip(b, lo, i+60)), nil
}

func clip(b []byte, lo, hi int) string { return string(b[lo:min(hi, len(b))]) }
