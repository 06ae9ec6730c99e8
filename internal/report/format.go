package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/drillhq/drill/internal/atomicfile"
)

// Renderer is one report format: a run's results, a period report and a comparison are
// all written through it. Adding a format is one file with its Renderer and one
// Register line where the formats are made (internal/kinds.Default, or a library
// user's drill.WithFormat).
type Renderer interface {
	// Name is the format's name, as drill.Result.Render and messages take it.
	Name() string
	// Ext is what a file of the format ends with, dot included (".md", ".junit.xml").
	Ext() string
	// Render writes doc; a format that has nothing to say about the document's kind
	// returns ErrUnsupported, and no file of it is written.
	Render(w io.Writer, doc Document) error
}

// ErrUnsupported is a Renderer's answer for a kind of document it does not render
// (JUnit has no period report).
var ErrUnsupported = errors.New("format does not render this kind of report")

// Document is what a Renderer writes: exactly one of its fields is set.
type Document struct {
	// Run is one run's results (drill run).
	Run *Results
	// Period is the report over a period's runs (drill report).
	Period *AggregateReport
	// Compare is the comparison of rollback plans (drill compare).
	Compare *Comparison
}

// Formats is the ordered set of report formats a run writes. It is constructed, not
// global, so each engine and each test owns its set.
type Formats struct {
	list []Renderer
}

// NewFormats returns an empty set of formats.
func NewFormats() *Formats { return &Formats{} }

// Register adds r, replacing an earlier format of the same name in its place. It panics
// on a nil Renderer or an empty name or extension, which are programming errors.
func (f *Formats) Register(r Renderer) {
	if r == nil || r.Name() == "" || r.Ext() == "" {
		panic("report: Register needs a format with a name and an extension")
	}
	if i := slices.IndexFunc(f.list, func(x Renderer) bool { return x.Name() == r.Name() }); i >= 0 {
		f.list[i] = r
		return
	}
	f.list = append(f.list, r)
}

// Lookup returns the format named name, or an error listing the formats there are.
func (f *Formats) Lookup(name string) (Renderer, error) {
	for _, r := range f.list {
		if r.Name() == name {
			return r, nil
		}
	}
	return nil, fmt.Errorf("look up format %q: unknown format (one of %s)", name, strings.Join(f.Names(), ", "))
}

// All lists the formats in the order they were registered.
func (f *Formats) All() []Renderer { return slices.Clone(f.list) }

// Names lists the formats' names in the order they were registered.
func (f *Formats) Names() []string {
	names := make([]string, 0, len(f.list))
	for _, r := range f.list {
		names = append(names, r.Name())
	}
	return names
}

// WriteAll writes doc in every format that renders it, each to base plus the format's
// extension. Each is rendered into memory first and written whole or not at all
// (atomicfile), so neither a failed rendering nor a full disk leaves a partial file.
func (f *Formats) WriteAll(base string, doc Document) error {
	for _, r := range f.list {
		var b bytes.Buffer
		err := r.Render(&b, doc)
		if errors.Is(err, ErrUnsupported) {
			continue
		}
		if err != nil {
			return fmt.Errorf("render %s: %w", r.Name(), err)
		}
		if err := atomicfile.Write(base+r.Ext(), b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", base+r.Ext(), err)
		}
	}
	return nil
}
