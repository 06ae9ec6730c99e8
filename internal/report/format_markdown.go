package report

import "io"

// MarkdownFormat renders the summary tables of a run, a period or a comparison as
// Markdown, for terminals and PR comments.
type MarkdownFormat struct{}

// Name implements Renderer.
func (MarkdownFormat) Name() string { return "markdown" }

// Ext implements Renderer.
func (MarkdownFormat) Ext() string { return ".md" }

// Render implements Renderer.
func (MarkdownFormat) Render(w io.Writer, doc Document) error {
	switch {
	case doc.Run != nil:
		return Markdown(w, doc.Run)
	case doc.Period != nil:
		return AggregateMarkdown(w, *doc.Period)
	case doc.Compare != nil:
		return CompareMarkdown(w, doc.Compare)
	}
	return ErrUnsupported
}
