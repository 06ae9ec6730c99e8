package report

import "io"

// JSONFormat writes the versioned JSON of a run's results (raw records excluded), a
// period report or a comparison: what drill check, drill report and dashboards read.
type JSONFormat struct{}

// Name implements Renderer.
func (JSONFormat) Name() string { return "json" }

// Ext implements Renderer.
func (JSONFormat) Ext() string { return ".json" }

// Render implements Renderer.
func (JSONFormat) Render(w io.Writer, doc Document) error {
	switch {
	case doc.Run != nil:
		return writeJSON(w, doc.Run, "results")
	case doc.Period != nil:
		return AggregateJSON(w, *doc.Period)
	case doc.Compare != nil:
		return writeJSON(w, doc.Compare, "comparison")
	}
	return ErrUnsupported
}
