// Package report turns recorded trials into drill's outputs: the versioned JSON
// results file of a run (the source every other format is rendered from), its
// aggregate summary with verdicts against the objectives, and the Markdown summary.
package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/drillhq/drill/internal/atomicfile"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

// SchemaVersion names the results file format; readers refuse other versions.
const SchemaVersion = "drill.results/v1"

// Results is one run of one scenario: every trial and the summary judged from them.
type Results struct {
	Schema       string      `json:"schema"`
	DrillVersion string      `json:"drill_version"`
	RunID        string      `json:"run_id"`
	Scenario     ScenarioRef `json:"scenario"`
	// Labels are the scenario's labels (team, service), for grouping in period reports.
	Labels     map[string]string   `json:"labels,omitempty"`
	Objectives scenario.Objectives `json:"objectives"`
	// Forecast is the scenario's delivery rates (deploys a month, change-failure rate),
	// from which the forecast costs a year of bad releases (nil: the scenario gives none).
	Forecast *scenario.Forecast `json:"forecast,omitempty"`
	Runtime  string             `json:"runtime"`
	// Engine is the address of the engine the runtime drove (docker: DOCKER_HOST or the
	// local socket); empty for runtimes without one.
	Engine   string    `json:"engine,omitempty"`
	Seed     int64     `json:"seed"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// Machine is the machine's condition (load, CPUs, steal) at the start and the end of
	// the run (nil in results written before it was recorded).
	Machine *MachineCondition `json:"machine,omitempty"`
	// ProbeInterval is the timing resolution: t_impact and t_recovered are each
	// observed up to one interval late.
	ProbeIntervalMs float64 `json:"probe_interval_ms"`
	RecoverAfter    int     `json:"recover_after"`
	// Params are what drill check needs to re-derive every measure from the raw file.
	Params  trial.Params   `json:"params"`
	Trials  []trial.Result `json:"trials"`
	Summary Summary        `json:"summary"`
	// RawFile names the compressed file beside this one holding every trial's raw
	// records (probes, history, final read, captured state).
	RawFile string `json:"raw_file,omitempty"`
	// Raw holds the raw records in memory until WriteRaw stores them (nil when they
	// were streamed to RawFile as the run went, see StreamRaw).
	Raw []trial.Raw `json:"-"`
	// rawStreamed: RawFile was written by StreamRaw, trial by trial.
	rawStreamed bool
	// Audit names the run's audit log and its final digest (drill audit verify --digest).
	Audit *AuditRef `json:"audit,omitempty"`
	// Logs names the services' output kept beside this file, per trial (nil: none kept).
	Logs *Logs `json:"logs,omitempty"`
}

// AuditRef is the evidence that ties a results file to its audit log.
type AuditRef struct {
	File   string `json:"file"`
	Digest string `json:"sha256_digest"`
}

// ScenarioRef identifies the scenario file a run used.
type ScenarioRef struct {
	Name   string `json:"name"`
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
}

// Write stores the results as indented JSON at path.
func (r *Results) Write(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	if err := atomicfile.Write(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}

// Read loads a results file and checks its schema version.
func Read(path string) (*Results, error) {
	r, _, err := ReadPinned(path)
	return r, err
}

// ReadPinned is Read with the SHA-256 (hex) of the bytes it decoded: the digest that
// pins exactly the run it returns, never a second read of a file that may have changed.
func ReadPinned(path string) (*Results, string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("read results: %w", err)
	}
	return Decode(path, b)
}

// Decode decodes the results file named path from b and checks its schema version; it
// returns the SHA-256 (hex) of b with the run.
func Decode(path string, b []byte) (*Results, string, error) {
	var r Results
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, "", fmt.Errorf("decode results %s: %w", path, err)
	}
	if r.Schema != SchemaVersion {
		return nil, "", fmt.Errorf("decode results %s: schema %q, this drill reads %q", path, r.Schema, SchemaVersion)
	}
	sum := sha256.Sum256(b)
	return &r, hex.EncodeToString(sum[:]), nil
}
