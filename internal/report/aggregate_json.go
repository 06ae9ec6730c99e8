package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// AggregateJSON writes the period report as indented JSON ("drill.aggregate/v1"), for
// dashboards and for archiving next to the Markdown and HTML.
func AggregateJSON(w io.Writer, a AggregateReport) error {
	return writeJSON(w, a, "aggregate")
}

// writeJSON writes v as indented JSON and a newline; what names v in errors.
func writeJSON(w io.Writer, v any, what string) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", what, err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	return nil
}
