package report

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/drillhq/drill/internal/forecast"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

// ForecastConfig is what a forecast takes beyond the run: a deploy rate for the annual
// downtime (nil: the scenario's the run recorded, if any), and an incident export that
// calibrates manual plans' decisions.
type ForecastConfig struct {
	Rate *forecast.Rate `json:"rate,omitempty"`
	// Incidents (from the export named IncidentsFile) replace the decision distribution
	// of a manual plan; an automated plan's is its own, and a hybrid plan keeps its
	// model: its gate's timeout bounds the approver, which an export does not record.
	Incidents     []forecast.Incident `json:"-"`
	IncidentsFile string              `json:"incidents_file,omitempty"`
}

// ForecastOf forecasts a real incident's recovery from a run's incidents (StandingOf),
// against its RTO and at its confidence, seeded by the run's seed so the same results
// file gives the same forecast.
func ForecastOf(r *Results, cfg ForecastConfig) (*forecast.Forecast, error) {
	var incidents []trial.Result
	for _, t := range r.Trials {
		if StandingOf(t).Incident() {
			incidents = append(incidents, t)
		}
	}
	in, err := forecast.FromTrials(r.Objectives.RTO.D(), incidents)
	if err != nil {
		return nil, err
	}
	if len(cfg.Incidents) > 0 && in.Decision != nil && manualOnly(incidents) {
		if in, err = forecast.Calibrate(in, cfg.IncidentsFile, cfg.Incidents); err != nil {
			return nil, err
		}
	}
	opts := []forecast.Option{forecast.WithSeed(r.Seed)}
	if c := r.Objectives.Confidence; c > 0 && c < 1 {
		opts = append(opts, forecast.WithConfidence(c))
	}
	if rate := cmp.Or(cfg.Rate, RateOf(r.Forecast, SourceScenario)); rate != nil {
		opts = append(opts, forecast.WithRate(*rate))
	}
	return forecast.Make(in, opts...)
}

// Where a forecast's delivery rates came from, as its method and the reports say.
const (
	SourceScenario = "the scenario's forecast section"
	SourceConfig   = "the evidence config's forecast section"
	SourceFlags    = "the command's flags"
)

// RateOf is a forecast section's delivery rates, from source; nil when f is.
func RateOf(f *scenario.Forecast, source string) *forecast.Rate {
	if f == nil {
		return nil
	}
	return &forecast.Rate{DeploysPerMonth: f.DeploysPerMonth, ChangeFailureRate: f.ChangeFailureRate,
		FailedOutage: cmp.Or(f.FailedOutage.D(), scenario.DefaultFailedOutage), Source: source}
}

// ForecastOrWhy is a forecast, or why there is none.
type ForecastOrWhy struct {
	*forecast.Forecast
	Error string `json:"error,omitempty"`
}

func forecastOrWhy(r *Results, cfg ForecastConfig) ForecastOrWhy {
	f, err := ForecastOf(r, cfg)
	if err != nil {
		return ForecastOrWhy{Error: err.Error()}
	}
	return ForecastOrWhy{Forecast: f}
}

// manualOnly reports whether every trial's decision was a manual trigger's.
func manualOnly(ts []trial.Result) bool {
	for _, t := range ts {
		if t.Decision == nil || t.Decision.Kind != scenario.TriggerManual {
			return false
		}
	}
	return len(ts) > 0
}

// PlanForecast is one plan's forecast in a comparison, or why it has none.
type PlanForecast struct {
	Plan string `json:"plan"`
	ForecastOrWhy
}

// ForecastPlans forecasts each plan from its incidents at the comparison's forecast
// config and records the figures in c.Forecasts, which the comparison's JSON carries
// and its Markdown and HTML show.
func (c *Comparison) ForecastPlans() {
	cfg := ForecastConfig{}
	if c.Forecast != nil {
		cfg = *c.Forecast
	}
	c.Forecasts = make([]PlanForecast, len(c.Plans))
	for i, p := range c.Plans {
		c.Forecasts[i] = PlanForecast{Plan: p.Name, ForecastOrWhy: forecastOrWhy(p.Results, cfg)}
	}
}

// CompareForecastMarkdown renders each plan's forecast side by side at cfg: P(RTC ≤
// RTO) with its interval, p90, the part that dominates the tail, the cheapest
// improvement and the expected annual downtime when a rate is known; then the method,
// once. A plan with no incident says so in its cells.
func CompareForecastMarkdown(w io.Writer, c *Comparison, cfg ForecastConfig) error {
	withCfg := *c
	withCfg.Forecast = &cfg
	withCfg.ForecastPlans()
	var b strings.Builder
	compareForecast(&b, &withCfg)
	_, err := io.WriteString(w, b.String())
	return err
}

// compareForecast writes the plans' forecasts (c.Forecasts; see CompareForecastMarkdown) to b.
func compareForecast(b *strings.Builder, c *Comparison) {
	b.WriteString("\n### Forecast: a real incident under each plan\n\n")
	var rate *forecast.Rate
	for _, f := range c.Forecasts {
		if f.Forecast != nil && f.Downtime != nil {
			rate = &f.Downtime.Rate
			break
		}
	}
	if rate != nil {
		fmt.Fprintf(b, "At %g deploys a month and a %s change-failure rate (%.1f bad releases a year; a rollback that does not recover counts as %s of outage), rates from %s.\n\n",
			rate.DeploysPerMonth, pctText(rate.ChangeFailureRate), rate.IncidentsPerYear(), rate.FailedOutage, cmp.Or(rate.Source, "the caller"))
	} else {
		b.WriteString("No deploy rate given, so no annual downtime: set forecast: {deploys_per_month, change_failure_rate} in the scenario, or --deploys-per-month and --change-failure-rate.\n\n")
	}
	names := make([]string, len(c.Forecasts))
	for i, f := range c.Forecasts {
		names[i] = f.Plan
	}
	b.WriteString("| forecast | " + strings.Join(names, " | ") + " |\n|---|" + strings.Repeat("---|", len(names)) + "\n")
	row := func(label string, cell func(*forecast.Forecast) string) {
		cells := make([]string, len(c.Forecasts))
		for i, f := range c.Forecasts {
			if f.Forecast == nil {
				cells[i] = "no forecast: " + f.Error
				continue
			}
			cells[i] = cell(f.Forecast)
		}
		fmt.Fprintf(b, "| %s | %s |\n", label, strings.Join(cells, " | "))
	}
	conf := c.Objectives.Confidence
	row(fmt.Sprintf("P(RTC ≤ %s) [%s CI]", c.Objectives.RTO.D(), pctText(conf)), func(f *forecast.Forecast) string { return PIntervalText(f.P) })
	row("forecast p50", func(f *forecast.Forecast) string { return quantileText(f.Quantiles[0]) })
	row("forecast p90 [CI]", func(f *forecast.Forecast) string { return quantileText(f.Quantiles[1]) })
	row("tail dominated by", func(f *forecast.Forecast) string { return tailText(f.Tail) })
	row("cheapest improvement", func(f *forecast.Forecast) string { return SensitivityText(f.Sensitivity) })
	if rate != nil {
		row("expected downtime a year [CI]", func(f *forecast.Forecast) string { return downtimeText(f.Downtime) })
	}
	first := ""
	for _, f := range c.Forecasts {
		if f.Forecast == nil {
			continue
		}
		if first == "" {
			first = f.Plan
			fmt.Fprintf(b, "\nMethod (as stated for %s; the other plans differ only in their data and where their decision comes from, below): %s\n", f.Plan, f.Method)
		}
		fmt.Fprintf(b, "\n%s: %d incidents (%d recovered); decision from %s.\n", f.Plan, f.Trials, f.Recovered, f.DecisionSource)
	}
}

// forecastRow is one figure of a run's forecast, as Markdown and HTML both show it.
type forecastRow struct{ Name, Value string }

// forecastView is a run's forecast section: its figures and method, or why there is none.
type forecastView struct {
	Rows   []forecastRow
	Method string
	Empty  string
}

// runForecast is the forecast section of a run's report, with the annual downtime when
// the scenario states its delivery rates.
func runForecast(r *Results) *forecastView {
	f, err := ForecastOf(r, ForecastConfig{})
	if err != nil {
		return &forecastView{Empty: "No forecast: " + err.Error() + "."}
	}
	v := &forecastView{Method: f.Method, Rows: []forecastRow{
		{fmt.Sprintf("P(RTC ≤ %s) [%s interval]", f.RTO, pctText(f.Confidence)), PIntervalText(f.P)}}}
	for _, q := range f.Quantiles {
		v.Rows = append(v.Rows, forecastRow{fmt.Sprintf("forecast p%g [interval]", q.Q*100), quantileText(q)})
	}
	v.Rows = append(v.Rows, forecastRow{"tail dominated by", tailText(f.Tail)})
	for _, s := range f.Sensitivity {
		v.Rows = append(v.Rows, forecastRow{"halving " + s.Part, fmt.Sprintf("P %s (%+.2f)", probText(s.P), s.Delta)})
	}
	if d := f.Downtime; d != nil {
		v.Rows = append(v.Rows, forecastRow{fmt.Sprintf("expected downtime a year at %g deploys a month, %s failing (from %s)",
			d.DeploysPerMonth, pctText(d.ChangeFailureRate), d.Source), downtimeText(d)})
	} else {
		v.Rows = append(v.Rows, forecastRow{"expected downtime a year", "not stated: the scenario gives no deploy rate (forecast: {deploys_per_month, change_failure_rate})"})
	}
	return v
}

// forecastMarkdown writes a run's forecast section.
func forecastMarkdown(b *strings.Builder, r *Results) {
	v := runForecast(r)
	b.WriteString("\n\n### Forecast: a real incident\n\n")
	if v.Empty != "" {
		b.WriteString(v.Empty)
		return
	}
	b.WriteString("| forecast | value |\n|---|---|\n")
	for _, row := range v.Rows {
		fmt.Fprintf(b, "| %s | %s |\n", row.Name, row.Value)
	}
	fmt.Fprintf(b, "\nMethod: %s", v.Method)
}

func probText(p float64) string { return fmt.Sprintf("%.2f", p) }

// PIntervalText renders a probability with its interval, "0.82 [0.61, 0.94]": every
// report and the evidence pack's pages print P(RTC ≤ RTO) so.
func PIntervalText(iv forecast.Interval) string {
	return fmt.Sprintf("%.2f [%.2f, %.2f]", iv.Value, iv.Low, iv.High)
}

func pctText(f float64) string { return fmt.Sprintf("%g%%", math.Round(f*1e6)/1e4) }

// ForecastDuration prints a forecast time at a precision its interval can carry (the
// reports' and the evidence pack's pages alike).
func ForecastDuration(d time.Duration) string {
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
	return fmt.Sprintf("%s [%s, %s]", ForecastDuration(q.Value), ForecastDuration(q.Low), ForecastDuration(q.High))
}

func tailText(t forecast.Tail) string {
	if t.Dominant == "" {
		return "none recovered"
	}
	return fmt.Sprintf("%s (%.0f%% of the slowest tenth)", t.Dominant, t.Shares[t.Dominant]*100)
}

// SensitivityText names the part whose halving raises P the most, and by how much, or
// says no part moves P by 0.005; "-" when there is no sensitivity.
func SensitivityText(ss []forecast.Sensitivity) string {
	if len(ss) == 0 {
		return "-"
	}
	s := ss[0]
	if s.Delta < 0.005 {
		return "none: halving any part moves P by < 0.005"
	}
	return fmt.Sprintf("halving %s: P %s (%+.2f)", s.Part, probText(s.P), s.Delta)
}

func downtimeText(d *forecast.Downtime) string {
	if d == nil {
		return "-"
	}
	return fmt.Sprintf("%s [%s, %s]", ForecastDuration(d.Expected), ForecastDuration(d.Low), ForecastDuration(d.High))
}
