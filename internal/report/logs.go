package report

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/drillhq/drill/internal/check"
	"github.com/drillhq/drill/internal/trial"
)

// Logs names the service output a run kept in files (the process runtime writes one
// file per service instance), so a report can link the output of the trials that failed.
type Logs struct {
	// Dir is the directory beside the results file (its name: the CLI writes it as
	// <base>.logs next to <base>.json and the reports) holding trial-<i>/ for trial i.
	Dir string `json:"dir"`
	// Trials lists each trial that kept output, with its files (names within trial-<i>/).
	Trials []TrialLogs `json:"trials"`
}

// TrialLogs is the output one trial kept: a file per service instance.
type TrialLogs struct {
	Index int      `json:"index"`
	Files []string `json:"files"`
}

// TrialDir is the directory of trial i's output within a run's log directory.
func TrialDir(i int) string { return "trial-" + strconv.Itoa(i) }

// CollectLogs lists the output files under dir, one directory per trial (TrialDir).
// It returns nil when dir holds none (a run on the docker runtime, which keeps
// container logs instead, or one whose trials all failed before starting a service).
func CollectLogs(dir string) (*Logs, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list service logs: %w", err)
	}
	logs := &Logs{Dir: filepath.Base(dir)}
	for _, e := range entries {
		n, ok := strings.CutPrefix(e.Name(), "trial-")
		i, err := strconv.Atoi(n)
		if !ok || err != nil || !e.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("list service logs: %w", err)
		}
		tl := TrialLogs{Index: i}
		for _, f := range files {
			if f.Type().IsRegular() {
				tl.Files = append(tl.Files, f.Name())
			}
		}
		if len(tl.Files) > 0 {
			logs.Trials = append(logs.Trials, tl)
		}
	}
	if len(logs.Trials) == 0 {
		return nil, nil
	}
	slices.SortFunc(logs.Trials, func(a, b TrialLogs) int { return a.Index - b.Index })
	return logs, nil
}

// failedTrial reports whether t failed, so its service output is worth reading: it did
// not recover, was not detected, errored, fired as a control, broke an invariant, or
// lost acknowledged writes beyond the RPO (a restore that loses writes by design
// within the RPO did what it promised).
func failedTrial(t trial.Result, rpo time.Duration) bool {
	switch t.Outcome {
	case trial.NotRecovered, trial.NotDetected, trial.Errored, trial.ControlFired:
		return true
	}
	if slices.ContainsFunc(t.Consistency, func(f check.Finding) bool { return f.Status == check.Fail }) {
		return true
	}
	return t.Loss != nil && len(t.Loss.Lost) > 0 && rpoSample(*t.Loss) > rpo.Seconds()
}

// logLink is one link to a kept output file, relative to the report beside the results.
type logLink struct {
	Name, Href string
}

// trialLogs are the links to trial t's output files when it failed and kept some (nil
// otherwise), and the link to its directory.
func (r *Results) trialLogs(t trial.Result) (dir string, files []logLink) {
	if r.Logs == nil || !failedTrial(t, r.Objectives.RPO.D()) {
		return "", nil
	}
	for _, tl := range r.Logs.Trials {
		if tl.Index != t.Index {
			continue
		}
		dir = path.Join(url.PathEscape(r.Logs.Dir), TrialDir(t.Index)) + "/"
		for _, f := range tl.Files {
			files = append(files, logLink{Name: f, Href: dir + url.PathEscape(f)})
		}
		return dir, files
	}
	return "", nil
}

// failedWithLogs lists the failed trials that kept output, in trial order.
func (r *Results) failedWithLogs() []trial.Result {
	var out []trial.Result
	for _, t := range r.Trials {
		if dir, _ := r.trialLogs(t); dir != "" {
			out = append(out, t)
		}
	}
	return out
}
