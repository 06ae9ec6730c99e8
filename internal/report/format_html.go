package report

import "io"

// HTMLFormat renders a run, a period or a comparison as one self-contained page with
// inline SVG charts.
type HTMLFormat struct{}

// Name implements Renderer.
func (HTMLFormat) Name() string { return "html" }

// Ext implements Renderer.
func (HTMLFormat) Ext() string { return ".html" }

// Render implements Renderer.
func (HTMLFormat) Render(w io.Writer, doc Document) error {
	switch {
	case doc.Run != nil:
		return HTML(w, doc.Run)
	case doc.Period != nil:
		return AggregateHTML(w, *doc.Period)
	case doc.Compare != nil:
		return CompareHTML(w, doc.Compare)
	}
	return ErrUnsupported
}
