package scenario

import (
	"encoding/json"
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"
)

// String renders the duration as Go does ("250ms", "5s"), the form scenario files use.
func (d Duration) String() string { return time.Duration(d).String() }

// parseDuration reads a scenario duration: a string with a unit, never a bare number,
// because "5" could mean seconds or nanoseconds and a misread RTO is a wrong verdict.
func parseDuration(n *yaml.Node) (Duration, string) {
	if n.Kind != yaml.ScalarNode {
		return 0, "duration must be a string like \"250ms\" or \"5s\""
	}
	switch n.ShortTag() {
	case "!!null":
		return 0, ""
	case "!!int", "!!float":
		return 0, fmt.Sprintf("duration %s has no unit: write it like \"%sms\" or \"%ss\"", n.Value, n.Value, n.Value)
	case "!!str":
	default:
		return 0, fmt.Sprintf("duration must be a string like \"250ms\" or \"5s\", got %s", n.ShortTag())
	}
	d, err := time.ParseDuration(n.Value)
	if err != nil {
		return 0, fmt.Sprintf("invalid duration %q: write it like \"250ms\", \"5s\" or \"1m30s\"", n.Value)
	}
	if d < 0 {
		return 0, fmt.Sprintf("duration %q must not be negative", n.Value)
	}
	return Duration(d), ""
}

// UnmarshalYAML reads "250ms", "5s" and rejects bare numbers and negative durations.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, msg := parseDuration(n)
	if msg != "" {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %s", n.Line, msg)}}
	}
	*d = v
	return nil
}

// MarshalYAML writes the duration as a string, so a decoded scenario round-trips.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// MarshalJSON writes the duration as a string ("250ms"), as in scenario files.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a duration string ("250ms").
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("decode duration: want a string like \"5s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("decode duration: %w", err)
	}
	*d = Duration(v)
	return nil
}
