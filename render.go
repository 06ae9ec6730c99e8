package drill

import (
	"fmt"
	"io"

	"github.com/drillhq/drill/internal/kinds"
	"github.com/drillhq/drill/internal/report"
)

// Format is a report format Render writes.
type Format string

const (
	// Markdown is the summary and per-trial table, for terminals and PR comments.
	Markdown Format = "markdown"
	// HTML is a self-contained page with inline SVG charts (ECDF of RTC, timelines).
	HTML Format = "html"
	// JUnit is JUnit XML: one test case per objective, for CI test reports.
	JUnit Format = "junit"
	// JSON is the versioned results file drill run writes (raw records excluded).
	JSON Format = "json"
)

// Formats lists the built-in formats; WithFormat adds others.
var Formats = []Format{Markdown, HTML, JUnit, JSON}

// Renderer is a report format: WithFormat adds one, and Render and WriteFiles then write
// it beside the built-in ones. Its Render gets a Document with Run set for a run's
// results (a period report or a comparison for drill report and drill compare), and
// returns ErrFormatUnsupported for a kind of document it does not render.
type Renderer = report.Renderer

// Document is what a Renderer writes: a run's results, a period report or a comparison.
type Document = report.Document

// ErrFormatUnsupported is what a Renderer returns for a kind of document it does not
// render (JUnit has no period report): no file of that format is written for it.
var ErrFormatUnsupported = report.ErrUnsupported

// Render writes the result in the given format: a built-in one or one WithFormat added
// to the run.
func (r *Result) Render(w io.Writer, f Format) error {
	if r == nil || r.raw == nil {
		return fmt.Errorf("render %s: no result (use the *Result that Run or ReadResult returned)", f)
	}
	rd, err := r.formats().Lookup(string(f))
	if err != nil {
		return fmt.Errorf("render %q: %w", f, err)
	}
	if err := rd.Render(w, report.Document{Run: r.raw}); err != nil {
		return fmt.Errorf("render %s: %w", f, err)
	}
	return nil
}

// formats are the run's formats, or the built-in ones for a result read from a file.
func (r *Result) formats() *report.Formats {
	if r.kinds == nil {
		r.kinds = kinds.Default()
	}
	return r.kinds.Formats
}

// WriteFiles writes the results file base+".json", its raw records base+".raw.json.gz"
// and every other format beside it (.md, .html, .junit.xml and those WithFormat added),
// as drill run does.
func (r *Result) WriteFiles(base string) error {
	if r == nil || r.raw == nil {
		return fmt.Errorf("write results %s: no result (use the *Result that Run returned)", base)
	}
	if err := r.raw.WriteRaw(base + ".raw.json.gz"); err != nil {
		return err
	}
	return r.formats().WriteAll(base, report.Document{Run: r.raw})
}
