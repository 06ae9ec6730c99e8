package drill

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

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

// Formats lists every format Render knows.
var Formats = []Format{Markdown, HTML, JUnit, JSON}

// Render writes the result in the given format.
func (r *Result) Render(w io.Writer, f Format) error {
	if r == nil || r.raw == nil {
		return fmt.Errorf("render %s: no result (use the *Result that Run or ReadResult returned)", f)
	}
	var err error
	switch f {
	case Markdown:
		err = report.Markdown(w, r.raw)
	case HTML:
		err = report.HTML(w, r.raw)
	case JUnit:
		err = report.JUnit(w, r.raw)
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(r.raw)
	default:
		return fmt.Errorf("render %q: unknown format (one of %v)", f, Formats)
	}
	if err != nil {
		return fmt.Errorf("render %s: %w", f, err)
	}
	return nil
}

// WriteFiles writes the results file base+".json", its raw records base+".raw.json.gz"
// and every rendering beside it (.md, .html, .junit.xml), as drill run does.
func (r *Result) WriteFiles(base string) error {
	if r == nil || r.raw == nil {
		return fmt.Errorf("write results %s: no result (use the *Result that Run returned)", base)
	}
	if err := r.raw.WriteRaw(base + ".raw.json.gz"); err != nil {
		return err
	}
	if err := r.raw.Write(base + ".json"); err != nil {
		return err
	}
	for _, x := range []struct {
		f   Format
		ext string
	}{{Markdown, ".md"}, {HTML, ".html"}, {JUnit, ".junit.xml"}} {
		if err := writeFile(base+x.ext, func(w io.Writer) error { return r.Render(w, x.f) }); err != nil {
			return err
		}
	}
	return nil
}

// writeFile renders into memory first, so a failed rendering leaves no partial file.
func writeFile(path string, render func(io.Writer) error) error {
	var b bytes.Buffer
	if err := render(&b); err != nil {
		return err
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
