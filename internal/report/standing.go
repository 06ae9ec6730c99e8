package report

import (
	"math"
	"strings"

	"github.com/drillhq/drill/internal/trial"
)

// Standing is how one trial counts in every figure drill reports. It is the one
// definition the run summary, every page, tile and caption, JUnit and the period report
// use, so a trial is never "recovered" in one place and "never recovered" in another.
type Standing int

const (
	// StandingError: the trial could not run; counted apart, never judged.
	StandingError Standing = iota
	// StandingInterrupted: the run was cancelled during the trial; counted apart.
	StandingInterrupted
	// StandingControl: a control trial (a good change); it counts in the false-positive
	// rate, and what it lost counts against the RPO, but it is no incident.
	StandingControl
	// StandingFalsePositive: the trigger fired before the defect had any impact, so the
	// trial never counted as an incident: it has no RTC, neither recovered nor ∞ in the
	// RTO statistics, and is left out of the success rate. What it lost still counts
	// against the RPO.
	StandingFalsePositive
	// StandingRecovered, StandingNotRecovered and StandingNotDetected are incidents: the
	// defect had an impact, and the RTO and the success rate are judged on them.
	StandingRecovered
	StandingNotRecovered
	StandingNotDetected
)

// StandingOf classifies a trial.
func StandingOf(t trial.Result) Standing {
	switch t.Outcome {
	case trial.Interrupted:
		return StandingInterrupted
	case trial.ControlQuiet, trial.ControlFired:
		return StandingControl
	case trial.Recovered, trial.NotRecovered, trial.NotDetected:
	default:
		return StandingError
	}
	if t.Control {
		return StandingError // a control trial ends quiet or fired, or it did not run
	}
	if t.FalsePositive {
		return StandingFalsePositive
	}
	switch t.Outcome {
	case trial.Recovered:
		return StandingRecovered
	case trial.NotRecovered:
		return StandingNotRecovered
	}
	return StandingNotDetected
}

// Incident reports whether the trial counts as an incident: the RTO, the success rate
// and the timing medians rest on incidents only.
func (s Standing) Incident() bool {
	return s == StandingRecovered || s == StandingNotRecovered || s == StandingNotDetected
}

// Judged reports whether the trial ran to a judgement (an incident or a false positive):
// its lost writes count against the RPO.
func (s Standing) Judged() bool { return s.Incident() || s == StandingFalsePositive }

// Label is the word every output uses for the trial.
func (s Standing) Label() string {
	return [...]string{"error", "interrupted", "control", "false positive (no incident)", "recovered", "not recovered", "not detected"}[s]
}

// standingLabel is the trial's word: its Standing's, with a control trial's own outcome.
func standingLabel(t trial.Result) string {
	if s := StandingOf(t); s != StandingControl {
		return s.Label()
	}
	return strings.ReplaceAll(string(t.Outcome), "_", " ")
}

// rtoSample is an incident's RTC in seconds as the RTO judges it (the modelled RTC for a
// modelled decision; +Inf when it never recovered); false for a trial that is no incident.
func rtoSample(t trial.Result) (float64, bool) {
	if !StandingOf(t).Incident() {
		return 0, false
	}
	if StandingOf(t) != StandingRecovered {
		return math.Inf(1), true
	}
	return seconds(decisionRTC(t)), true
}
