// Package evidence turns a period's runs into an evidence pack an auditor accepts: the
// fields DORA, SOC 2, ISO 22301, PCI DSS and NIST SP 800-84 ask of a recovery test,
// each tagged with the clauses it serves (regimes.go), what drill cannot know taken from
// an evidence config (config.go), every required field that is still missing named with
// the reason, findings with stable ids (findings.go), and a DSSE-signed in-toto
// Statement over the results, the audit logs and the pack that Verify checks offline
// (sign.go, verify.go).
package evidence

import (
	"time"
)

// SchemaVersion names the pack format (schema/evidence.schema.json).
const SchemaVersion = "drill.evidence/v1"

// Pack is the evidence of the recovery tests of one period. Every figure is copied from
// the runs' results files, which the signature covers by digest: the pack restates,
// never recomputes.
type Pack struct {
	Schema    string    `json:"schema"`
	Generated Generated `json:"generated"`
	Period    Period    `json:"period"`
	// Organisation, System and BIARef come from the evidence config: what the tests are
	// of, and the risk or business-impact analysis they serve.
	Organisation string `json:"organisation,omitempty"`
	System       string `json:"system,omitempty"`
	BIARef       string `json:"bia_ref,omitempty"`
	// TestType is "simulation", "game-day" or "live-switchover".
	TestType string `json:"test_type"`
	// Verdict is the worst verdict of the period's runs.
	Verdict      string        `json:"verdict"`
	Runs         []Run         `json:"runs"`
	Scope        []ScopeItem   `json:"scope"`
	Conditions   []Conditions  `json:"conditions"`
	Outcomes     []Outcome     `json:"outcomes"`
	Timeline     []TimedEvent  `json:"timeline"`
	Participants []Participant `json:"participants"`
	Approver     *Person       `json:"approver,omitempty"`
	Findings     []Finding     `json:"findings"`
	// Forecasts are each scenario's forecast of a real incident: the expected outcome
	// and the risk beside the measured outcomes (forecast.go).
	Forecasts []Forecast `json:"forecasts"`
	// Clauses maps each field of the pack to the clauses of the regimes it serves.
	Clauses map[string][]string `json:"clauses"`
	// Missing names each field a regime requires that the pack lacks, and why.
	Missing []Missing `json:"missing"`
	// Regimes sums up, per regime, how many of the fields it asks for the pack has.
	Regimes []Regime `json:"regimes"`
}

// Regime is one regime's coverage: the fields its clauses ask for, and those missing.
type Regime struct {
	Name    string   `json:"name"`
	Fields  int      `json:"fields"`
	Missing []string `json:"missing"`
}

// Generated is what made the pack.
type Generated struct {
	Tool    string `json:"tool"`
	Version string `json:"version"`
	// BinarySHA256 is the digest of the drill binary that wrote the pack.
	BinarySHA256 string    `json:"binary_sha256,omitempty"`
	At           time.Time `json:"at"`
}

// Period is the span the pack covers.
type Period struct {
	Label string `json:"label"`
	// Start is the first instant in the period, End the first after it.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Span is the period's inclusive days, "2026-10-01 – 2026-12-31".
	Span string `json:"span"`
}

// Run is one run of a scenario in the period.
type Run struct {
	RunID    string `json:"run_id"`
	Scenario string `json:"scenario"`
	// ResultsFile and ResultsSHA256 pin the results file the run wrote.
	ResultsFile   string    `json:"results_file"`
	ResultsSHA256 string    `json:"results_sha256"`
	AuditFile     string    `json:"audit_file,omitempty"`
	AuditDigest   string    `json:"audit_digest,omitempty"`
	Started       time.Time `json:"started"`
	Finished      time.Time `json:"finished"`
	DurationS     float64   `json:"duration_s"`
	Runtime       string    `json:"runtime"`
	DrillVersion  string    `json:"drill_version"`
	TestType      string    `json:"test_type"`
	Verdict       string    `json:"verdict"`
	Trials        int       `json:"trials"`
	Judged        int       `json:"judged"`
	Errors        int       `json:"errors"`
	ControlTrials int       `json:"control_trials"`
	ControlFired  int       `json:"control_fired"`
}

// ScopeItem is one thing the tests covered or rest on, pinned by its digest.
type ScopeItem struct {
	// Kind is "scenario", "system" (an image or binary in scope, from the config).
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Digest string `json:"digest"`
}

// Conditions are a scenario's conditions that activate its plan (the trigger) and
// those that declare a successful execution (the objectives).
type Conditions struct {
	Scenario   string     `json:"scenario"`
	Activation Activation `json:"activation"`
	Success    Success    `json:"success"`
}

// Activation is the trigger that starts the rollback.
type Activation struct {
	Trigger   string  `json:"trigger"`
	Condition string  `json:"condition,omitempty"`
	WindowMs  float64 `json:"window_ms,omitempty"`
}

// Success is what the run must show to pass.
type Success struct {
	RTOMs       float64 `json:"rto_ms"`
	RPOMs       float64 `json:"rpo_ms"`
	SuccessRate float64 `json:"success_rate"`
	Quantile    float64 `json:"quantile"`
	Confidence  float64 `json:"confidence"`
	Integrity   string  `json:"integrity"`
}

// Outcome is one objective of one run: expected against measured, with the bound the
// verdict rests on and the number of trials.
type Outcome struct {
	RunID     string  `json:"run_id"`
	Objective string  `json:"objective"` // rto, rpo, success_rate, integrity
	Expected  string  `json:"expected"`
	Measured  string  `json:"measured"`
	Bound     string  `json:"bound,omitempty"`
	N         int     `json:"n"`
	Verdict   string  `json:"verdict"`
	Reason    string  `json:"reason,omitempty"`
	Estimate  float64 `json:"estimate"`
}

// TimedEvent is one dated step of a run: what happened before and during the
// disruption, from the trials' recorded timings.
type TimedEvent struct {
	RunID string    `json:"run_id"`
	Trial int       `json:"trial"`
	Event string    `json:"event"`
	At    time.Time `json:"at"`
}

// Person is someone named in the evidence, with their role.
type Person struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// Participant is a person who took part, with the game-day decisions they made.
type Participant struct {
	Person
	Decisions int `json:"decisions"`
	// DecisionMedianMs is the median of their decision times: the human part of RTO.
	DecisionMedianMs float64 `json:"decision_median_ms,omitempty"`
}

// Missing is a field a regime requires that the pack lacks.
type Missing struct {
	Field   string   `json:"field"`
	Clauses []string `json:"clauses"`
	Reason  string   `json:"reason"`
}
