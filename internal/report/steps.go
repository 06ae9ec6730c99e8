package report

import (
	"fmt"
	"strings"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/trial"
)

// StepSummary is what one step of a multi-step change or rollback cost over the trials
// that ran it: where the time of a rollback goes, step by step.
type StepSummary struct {
	// Phase is "change", "rollback" or "again" (verify.idempotent's second run).
	Phase string `json:"phase"`
	Name  string `json:"name"`
	// Duration is over the runs of the step that finished.
	Duration Spread `json:"duration"`
	// Runs counts the trials in which the step ran; Retried those in which it needed
	// more than one attempt; Failed those in which its last attempt failed; Skipped the
	// undos with nothing to undo.
	Runs    int `json:"runs"`
	Retried int `json:"retried,omitempty"`
	Failed  int `json:"failed,omitempty"`
	Skipped int `json:"skipped,omitempty"`
}

// summarizeSteps aggregates the trials' step records by phase and name, in the order the
// steps first ran.
func summarizeSteps(trials []trial.Result) []StepSummary {
	var out []StepSummary
	index := map[string]int{}
	durations := map[string][]measure.Offset{}
	for _, t := range trials {
		for _, st := range t.Steps {
			key := st.Phase + "\x00" + st.Name
			i, ok := index[key]
			if !ok {
				i = len(out)
				index[key] = i
				out = append(out, StepSummary{Phase: st.Phase, Name: st.Name})
			}
			s := &out[i]
			switch {
			case st.Skipped:
				s.Skipped++
				continue
			case st.Error != "":
				s.Failed++
			}
			s.Runs++
			if st.Attempts > 1 {
				s.Retried++
			}
			if d, ok := st.Duration(); ok {
				durations[key] = append(durations[key], d)
			}
		}
	}
	for i := range out {
		out[i].Duration = spread(durations[out[i].Phase+"\x00"+out[i].Name])
	}
	return out
}

// stepsMarkdown renders the steps' table, "" without steps.
func stepsMarkdown(steps []StepSummary) string {
	if len(steps) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("### Steps\n\nEach step of the change and of the rollback, in the order they ran: what it cost over the trials that ran it.\n\n")
	b.WriteString("| phase | step | runs | median | max | retried | failed | skipped |\n|---|---|---|---|---|---|---|---|\n")
	for _, s := range steps {
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %d | %d | %d |\n", s.Phase, s.Name, s.Runs,
			median(s.Duration), spreadMax(s.Duration), s.Retried, s.Failed, s.Skipped)
	}
	return b.String()
}

// stepRow is one row of the HTML report's steps table.
type stepRow struct {
	Phase, Name, Median, Max       string
	Runs, Retried, Failed, Skipped int
}

func stepRows(steps []StepSummary) []stepRow {
	rows := make([]stepRow, 0, len(steps))
	for _, s := range steps {
		rows = append(rows, stepRow{Phase: s.Phase, Name: s.Name, Median: median(s.Duration), Max: spreadMax(s.Duration),
			Runs: s.Runs, Retried: s.Retried, Failed: s.Failed, Skipped: s.Skipped})
	}
	return rows
}
