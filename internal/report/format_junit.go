package report

import "io"

// JUnitFormat renders a run as JUnit XML (one test case per objective) for CI test
// reports, and a comparison as one testsuite per plan; periods have no JUnit form.
type JUnitFormat struct{}

// Name implements Renderer.
func (JUnitFormat) Name() string { return "junit" }

// Ext implements Renderer.
func (JUnitFormat) Ext() string { return ".junit.xml" }

// Render implements Renderer.
func (JUnitFormat) Render(w io.Writer, doc Document) error {
	switch {
	case doc.Run != nil:
		return JUnit(w, doc.Run)
	case doc.Compare != nil:
		return CompareJUnit(w, doc.Compare)
	}
	return ErrUnsupported
}
