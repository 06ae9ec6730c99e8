package rollback

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/drillhq/drill/internal/atomicfile"
	"github.com/drillhq/drill/internal/measure"
)

// DecisionsFormat names the game-day records file format, so a file of another kind is
// refused rather than read as an empty model.
const DecisionsFormat = "drill.decisions/v1"

// DecisionRecord is one decision a real operator made in a game day.
type DecisionRecord struct {
	// Operator is who decided (a flag or the OS user).
	Operator string `json:"operator"`
	// Choice is approve or reject.
	Choice string `json:"choice"`
	// Alerted and Decided are when the alert was shown and when the operator answered (UTC).
	Alerted time.Time `json:"alerted"`
	Decided time.Time `json:"decided"`
	// Decision is the operator's decision time, pauses excluded.
	Decision measure.Offset `json:"decision_ms"`
	// Scenario and Trial say where it was measured.
	Scenario string `json:"scenario,omitempty"`
	Trial    int    `json:"trial"`
}

// Decisions is a game-day records file: the measured human decision times a later CI run
// feeds to the manual trigger's empirical model (samples_file).
type Decisions struct {
	Format  string           `json:"format"`
	Records []DecisionRecord `json:"decisions"`
}

// Times returns the recorded decision times of approvals (a rejection is no rollback
// decision to model).
func (d Decisions) Times() []time.Duration {
	var out []time.Duration
	for _, r := range d.Records {
		if r.Choice == "approve" && r.Decision > 0 {
			out = append(out, r.Decision.D())
		}
	}
	return out
}

// ReadDecisions reads a game-day records file.
func ReadDecisions(path string) (Decisions, error) {
	var d Decisions
	data, err := os.ReadFile(path)
	if err != nil {
		return d, fmt.Errorf("read decisions: %w", err)
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return d, fmt.Errorf("read decisions %s: %w (write it with drill run --interactive --decisions-out)", path, err)
	}
	if d.Format != DecisionsFormat {
		return d, fmt.Errorf("read decisions %s: format %q, want %q (write it with drill run --interactive --decisions-out)", path, d.Format, DecisionsFormat)
	}
	return d, nil
}

// WriteDecisions writes a game-day records file.
func WriteDecisions(path string, recs []DecisionRecord) error {
	data, err := json.MarshalIndent(Decisions{Format: DecisionsFormat, Records: recs}, "", "  ")
	if err != nil {
		return fmt.Errorf("write decisions: %w", err)
	}
	if err := atomicfile.Write(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write decisions: %w", err)
	}
	return nil
}
