package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// AggregateJSON writes the period report as indented JSON ("drill.aggregate/v1"), for
// dashboards and for archiving next to the Markdown and HTML.
func AggregateJSON(w io.Writer, a AggregateReport) error {
	b, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		return fmt.Errorf("encode aggregate: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write aggregate: %w", err)
	}
	return nil
}
