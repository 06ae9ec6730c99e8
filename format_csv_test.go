package drill_test

import (
	"fmt"
	"io"

	"github.com/drillhq/drill"
)

// csvFormat is a report format a program adds to drill (kinds_test.go registers it with
// drill.WithFormat): one line per trial of a run, for a spreadsheet.
type csvFormat struct{}

func (csvFormat) Name() string { return "csv" }

func (csvFormat) Ext() string { return ".trials.csv" }

func (csvFormat) Render(w io.Writer, doc drill.Document) error {
	if doc.Run == nil {
		return drill.ErrFormatUnsupported
	}
	if _, err := fmt.Fprintln(w, "trial,outcome,rtc_ms"); err != nil {
		return err
	}
	for _, t := range doc.Run.Trials {
		rtc := ""
		if t.Timing.RTC != nil {
			rtc = fmt.Sprintf("%.1f", float64(t.Timing.RTC.D().Microseconds())/1000)
		}
		if _, err := fmt.Fprintf(w, "%d,%s,%s\n", t.Index, t.Outcome, rtc); err != nil {
			return err
		}
	}
	return nil
}
