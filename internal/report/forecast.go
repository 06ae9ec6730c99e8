package report

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/drillhq/drill/internal/forecast"
)

// ForecastOf forecasts a real incident's recovery from a run's trials, against its RTO
// and at its confidence, seeded by the run's seed so the same results file gives the
// same forecast; rate (nil: none) adds the annual downtime.
func ForecastOf(r *Results, rate *forecast.Rate) (*forecast.Forecast, error) {
	in, err := forecast.FromTrials(r.Objectives.RTO.D(), r.Trials)
	if err != nil {
		return nil, err
	}
	opts := []forecast.Option{forecast.WithSeed(r.Seed)}
	if c := r.Objectives.Confidence; c > 0 && c < 1 {
		opts = append(opts, forecast.WithConfidence(c))
	}
	if rate != nil {
		opts = append(opts, forecast.WithRate(*rate))
	}
	return forecast.Make(in, opts...)
}

// CompareForecastMarkdown renders each plan's forecast side by side: P(RTC ≤ RTO) with
// its interval, p90, the part that dominates the tail, the cheapest improvement and the
// expected annual downtime at rate; then the method. A plan with no judged trial says
// so in its cells.
func CompareForecastMarkdown(w io.Writer, c *Comparison, rate forecast.Rate) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\n### Forecast: a real incident under each plan\n\nAt %g deploys a month and a %s change-failure rate (%.1f bad releases a year; a rollback that does not recover counts as %s of outage).\n\n",
		rate.DeploysPerMonth, pctText(rate.ChangeFailureRate), rate.IncidentsPerYear(), rate.FailedOutage)
	names := make([]string, len(c.Plans))
	fs := make([]*forecast.Forecast, len(c.Plans))
	errs := make([]error, len(c.Plans))
	for i, p := range c.Plans {
		names[i] = p.Name
		fs[i], errs[i] = ForecastOf(p.Results, &rate)
	}
	b.WriteString("| forecast | " + strings.Join(names, " | ") + " |\n|---|" + strings.Repeat("---|", len(names)) + "\n")
	row := func(label string, cell func(*forecast.Forecast) string) {
		cells := make([]string, len(fs))
		for i, f := range fs {
			if errs[i] != nil {
				cells[i] = "no forecast: " + errs[i].Error()
				continue
			}
			cells[i] = cell(f)
		}
		fmt.Fprintf(&b, "| %s | %s |\n", label, strings.Join(cells, " | "))
	}
	conf := c.Objectives.Confidence
	row(fmt.Sprintf("P(RTC ≤ %s) [%s CI]", c.Objectives.RTO.D(), pctText(conf)), func(f *forecast.Forecast) string { return pIntervalText(f.P) })
	row("forecast p50", func(f *forecast.Forecast) string { return quantileText(f.Quantiles[0]) })
	row("forecast p90 [CI]", func(f *forecast.Forecast) string { return quantileText(f.Quantiles[1]) })
	row("tail dominated by", func(f *forecast.Forecast) string { return tailText(f.Tail) })
	row("cheapest improvement", func(f *forecast.Forecast) string { return sensitivityText(f.Sensitivity) })
	row("expected downtime a year [CI]", func(f *forecast.Forecast) string { return downtimeText(f.Downtime) })
	for i, f := range fs {
		if errs[i] == nil {
			fmt.Fprintf(&b, "\n%s: %s\n", names[i], f.Method)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ForecastMarkdown renders one run's forecast as a section.
func ForecastMarkdown(w io.Writer, f *forecast.Forecast) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\n## Forecast: a real incident\n\n")
	fmt.Fprintf(&b, "- P(RTC ≤ %s): %s (%s interval)\n", f.RTO, pIntervalText(f.P), pctText(f.Confidence))
	for _, q := range f.Quantiles {
		fmt.Fprintf(&b, "- forecast p%g: %s\n", q.Q*100, quantileText(q))
	}
	fmt.Fprintf(&b, "- tail dominated by: %s\n", tailText(f.Tail))
	for _, s := range f.Sensitivity {
		fmt.Fprintf(&b, "- halving %s: P %s (%+.2f)\n", s.Part, probText(s.P), s.Delta)
	}
	if d := f.Downtime; d != nil {
		fmt.Fprintf(&b, "- expected downtime a year at %g deploys a month and a %s change-failure rate: %s\n",
			d.DeploysPerMonth, pctText(d.ChangeFailureRate), downtimeText(d))
	}
	fmt.Fprintf(&b, "\nMethod: %s\n", f.Method)
	_, err := io.WriteString(w, b.String())
	return err
}

func probText(p float64) string { return fmt.Sprintf("%.2f", p) }

func pIntervalText(iv forecast.Interval) string {
	return fmt.Sprintf("%.2f [%.2f, %.2f]", iv.Value, iv.Low, iv.High)
}

func pctText(f float64) string { return fmt.Sprintf("%g%%", math.Round(f*1e6)/1e4) }

// forecastDur prints a forecast time at a precision its interval can carry.
func forecastDur(d time.Duration) string {
	switch {
	case d == time.Duration(math.MaxInt64):
		return "not recovered"
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%.1f min", d.Minutes())
	default:
		return fmt.Sprintf("%.1f h", d.Hours())
	}
}

func quantileText(q forecast.Quantile) string {
	if q.Beyond {
		return "beyond rollback (fewer recover)"
	}
	return fmt.Sprintf("%s [%s, %s]", forecastDur(q.Value), forecastDur(q.Low), forecastDur(q.High))
}

func tailText(t forecast.Tail) string {
	if t.Dominant == "" {
		return "none recovered"
	}
	return fmt.Sprintf("%s (%.0f%% of the slowest tenth)", t.Dominant, t.Shares[t.Dominant]*100)
}

func sensitivityText(ss []forecast.Sensitivity) string {
	if len(ss) == 0 {
		return "-"
	}
	s := ss[0]
	return fmt.Sprintf("halving %s: P %s (%+.2f)", s.Part, probText(s.P), s.Delta)
}

func downtimeText(d *forecast.Downtime) string {
	if d == nil {
		return "-"
	}
	return fmt.Sprintf("%s [%s, %s]", forecastDur(d.Expected), forecastDur(d.Low), forecastDur(d.High))
}
