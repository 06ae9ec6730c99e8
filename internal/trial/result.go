// Package trial runs one trial of a scenario: start the stack, hold steady state
// through the warm-up, make the change, let the trigger fire the rollback, wait for
// recovery, read back every write, and derive the measures. Everything is recorded
// first on the trial's clock and judged afterwards.
package trial

import (
	"time"

	"github.com/drillhq/drill/internal/measure"
)

// Outcome classifies how a trial ended.
type Outcome string

const (
	// Recovered: the rollback fired and k consecutive probes passed afterwards.
	Recovered Outcome = "recovered"
	// NotRecovered: the rollback fired but service did not recover within the timeout.
	NotRecovered Outcome = "not_recovered"
	// NotDetected: the trigger never fired within the rollback timeout.
	NotDetected Outcome = "not_detected"
	// Errored: the trial could not run (a service would not start, steady state did not
	// hold in the warm-up). An error is not a failed rollback; reports keep them apart.
	Errored Outcome = "error"
	// Interrupted: the run was cancelled during this trial.
	Interrupted Outcome = "interrupted"
)

// Event is one thing that happened during a trial, on its clock.
type Event struct {
	At     measure.Offset `json:"at_ms"`
	Name   string         `json:"name"`
	Detail string         `json:"detail,omitempty"`
}

// Result is everything one trial recorded and what was derived from it.
type Result struct {
	Index   int     `json:"index"`
	Seed    int64   `json:"seed"`
	Outcome Outcome `json:"outcome"`
	Error   string  `json:"error,omitempty"`
	// Started is the trial clock's base as a UTC wall time.
	Started time.Time `json:"started"`
	// SetupMs is how long starting the stack took (not part of any measure).
	Setup         measure.Offset        `json:"setup_ms"`
	Timing        measure.Timing        `json:"timing"`
	FalsePositive bool                  `json:"false_positive,omitempty"`
	Loss          *measure.Loss         `json:"loss,omitempty"`
	ProbeCount    int                   `json:"probe_count"`
	ProbeFailures int                   `json:"probe_failures"`
	Events        []Event               `json:"events"`
	Probes        []measure.ProbeResult `json:"probes,omitempty"`
	History       []measure.Op          `json:"history,omitempty"`
}
