package report

import (
	"bufio"
	"fmt"
	"html/template"
	"io"
)

// htmlPage is parsed once; html/template escapes every value by context.
var htmlPage = template.Must(template.New("report").Parse(htmlTemplate))

// HTML renders the run as one self-contained page (inline CSS and SVG charts, no
// scripts, no network) for the people who read drills after the fact: the SRE
// checking what happened and the auditor checking that objectives are met.
func HTML(w io.Writer, r *Results) error {
	v, err := buildView(r)
	if err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := htmlPage.Execute(bw, v); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	return nil
}
