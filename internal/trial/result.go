// Package trial runs one trial of a scenario: start the stack, hold steady state
// through the warm-up, make the change, let the trigger fire the rollback, wait for
// recovery, read back every write, and derive the measures. Everything is recorded
// first on the trial's clock and judged afterwards.
package trial

import (
	"strings"
	"time"

	"github.com/drillhq/drill/internal/check"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/rollback"
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
	// ControlQuiet: a control trial (a good change) whose trigger stayed silent.
	ControlQuiet Outcome = "control_quiet"
	// ControlFired: a control trial whose trigger fired: a false positive.
	ControlFired Outcome = "control_fired"
)

// Event is one thing that happened during a trial, on its clock.
type Event struct {
	At     measure.Offset `json:"at_ms"`
	Name   EventName      `json:"name"`
	Detail string         `json:"detail,omitempty"`
}

// StepRecord is one step of a multi-step change or rollback, on the trial's clock.
type StepRecord struct {
	// Phase is "change" or "rollback".
	Phase string `json:"phase"`
	// Name is the step's name: the change step's, or "undo <change step>".
	Name  string         `json:"name"`
	Start measure.Offset `json:"start_ms"`
	// End is when its last attempt returned (nil: the trial ended first).
	End *measure.Offset `json:"end_ms,omitempty"`
	// Attempts is how many times it ran: more than one only for an idempotent step.
	Attempts int `json:"attempts"`
	// Skipped: an undo whose change step never ran, or whose release never went live.
	Skipped bool `json:"skipped,omitempty"`
	// Error is why its last attempt failed.
	Error string `json:"error,omitempty"`
}

// Duration is how long the step took; false when it did not finish.
func (s StepRecord) Duration() (measure.Offset, bool) {
	if s.End == nil {
		return 0, false
	}
	return *s.End - s.Start, true
}

// Result is everything one trial recorded and what was derived from it.
type Result struct {
	Index   int     `json:"index"`
	Seed    int64   `json:"seed"`
	Outcome Outcome `json:"outcome"`
	// Control marks a control trial: a good change (or none), no faults, no rollback.
	Control bool   `json:"control,omitempty"`
	Error   string `json:"error,omitempty"`
	// Reason says why a not_recovered trial did not recover (the rollback failed, a
	// decision did not roll back, a relapse, no stable recovery in time): derived by
	// Measure, so every not_recovered trial names one.
	Reason string `json:"reason,omitempty"`
	// Started is the trial clock's base as a UTC wall time.
	Started time.Time `json:"started"`
	// SetupMs is how long starting the stack took (not part of any measure).
	Setup measure.Offset `json:"setup_ms"`
	// Stack says how the stack was set up when the scenario reuses stacks (stack.reuse):
	// StackNew or StackReused (the previous trial's, reset and verified equal to a new
	// one). Empty without stack.reuse.
	Stack string `json:"stack,omitempty"`
	// ResetError says why the previous trial's stack could not be reset, or proved equal
	// to a new one: this trial ran on a new stack instead.
	ResetError    string         `json:"reset_error,omitempty"`
	Timing        measure.Timing `json:"timing"`
	FalsePositive bool           `json:"false_positive,omitempty"`
	// Decision is what a manual or hybrid trigger decided after the alert: the modelled
	// and the real (compressed) decision time, its parts, the gate, and the modelled TTM
	// and RTC (nil for an automated trigger, which decides nothing).
	Decision *rollback.Decision `json:"decision,omitempty"`
	Loss     *measure.Loss      `json:"loss,omitempty"`
	// Consistency holds the findings of the invariant checks run after recovery.
	Consistency []check.Finding `json:"consistency,omitempty"`
	// Steps are the steps of a multi-step change and of its rollback, in the order they
	// ran, each with its own duration (none for a one-step change).
	Steps         []StepRecord `json:"steps,omitempty"`
	ProbeCount    int          `json:"probe_count"`
	ProbeFailures int          `json:"probe_failures"`
	Events        []Event      `json:"events"`
	// CaptureError says why the live state could not be captured for the checks.
	CaptureError string `json:"capture_error,omitempty"`
	// Load is what the workload's open-loop schedule achieved against the rate asked
	// (nil without a workload); a shortfall means the trial ran under a lighter or
	// later load than the scenario states, and reports say so.
	Load *measure.Load `json:"load,omitempty"`
	// ProbeLate is drill's own timing error in this trial: how much later than its place
	// on the schedule the latest probe started (measure.ProbeLateness). Past the probe
	// interval the trial's timing resolution is worse than the scenario states.
	ProbeLate measure.Offset `json:"probe_late_ms,omitempty"`
	// ProbeOverlap is how many of the trial's probes were in flight at once, at most,
	// before its fault (measure.ProbeOverlap): above 1, the service answered a probe
	// slower than the probe interval while nothing was wrong with it, so drill's own
	// probes piled up on what they measure. ProbeSlowest is the slowest of those probes.
	ProbeOverlap int            `json:"probe_overlap,omitempty"`
	ProbeSlowest measure.Offset `json:"probe_slowest_ms,omitempty"`

	// Raw records, from which Measure derives every measure above. The results file
	// carries them only with --keep-raw; they are always stored beside it, compressed.
	Probes    []measure.ProbeResult `json:"probes,omitempty"`
	History   []measure.Op          `json:"history,omitempty"`
	FinalRead []string              `json:"final_read,omitempty"`
	Ledger    *check.LedgerState    `json:"ledger,omitempty"`
	Schema    *check.SchemaInfo     `json:"schema,omitempty"`
	// KV is the linearizable workload's key-value history (nil when it did not run).
	KV []check.KVOp `json:"kv,omitempty"`
	// UserChecks are the findings of the scenario's user-defined checks, run live after
	// recovery: Measure copies them into Consistency, since they cannot be re-run offline.
	UserChecks []check.Finding `json:"user_checks,omitempty"`
	// RollbackOutput is what the rollback mechanism's command printed or its HTTP call
	// answered (a hook, a feature flag's API), capped; empty for mechanisms without one.
	RollbackOutput string `json:"rollback_output,omitempty"`
}

// Raw is the part of a Result that only the raw records hold.
type Raw struct {
	Index     int                   `json:"index"`
	Probes    []measure.ProbeResult `json:"probes"`
	History   []measure.Op          `json:"history"`
	FinalRead []string              `json:"final_read"`
	Ledger    *check.LedgerState    `json:"ledger,omitempty"`
	Schema    *check.SchemaInfo     `json:"schema,omitempty"`
	// KV is null when the linearizable workload did not run, [] when it recorded nothing.
	KV         []check.KVOp    `json:"kv"`
	UserChecks []check.Finding `json:"user_checks,omitempty"`
	// RollbackOutput is the mechanism's command output or HTTP answer.
	RollbackOutput string `json:"rollback_output,omitempty"`
}

// AddError appends msg to the trial's error, "; " between: a later failure (a teardown,
// a reset, a final read) is said beside the one the trial already had.
func (r *Result) AddError(msg string) {
	r.Error = strings.TrimPrefix(r.Error+"; "+msg, "; ")
}

// Raw returns the trial's raw records.
func (r *Result) Raw() Raw {
	return Raw{Index: r.Index, Probes: r.Probes, History: r.History, FinalRead: r.FinalRead, Ledger: r.Ledger, Schema: r.Schema,
		KV: r.KV, UserChecks: r.UserChecks, RollbackOutput: r.RollbackOutput}
}

// StripRaw drops the raw records (kept in the raw file instead).
func (r *Result) StripRaw() {
	r.Probes, r.History, r.FinalRead, r.Ledger, r.Schema, r.KV, r.UserChecks = nil, nil, nil, nil, nil, nil, nil
	r.RollbackOutput = ""
}

// WithRaw returns a copy of the result holding raw's records.
func (r Result) WithRaw(raw Raw) Result {
	r.Probes, r.History, r.FinalRead, r.Ledger, r.Schema = raw.Probes, raw.History, raw.FinalRead, raw.Ledger, raw.Schema
	r.KV, r.UserChecks, r.RollbackOutput = raw.KV, raw.UserChecks, raw.RollbackOutput
	return r
}

// EventNames lists the names of the trial's events in order: its timeline at a glance.
func (r Result) EventNames() []EventName {
	out := make([]EventName, 0, len(r.Events))
	for _, e := range r.Events {
		out = append(out, e.Name)
	}
	return out
}
