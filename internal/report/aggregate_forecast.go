package report

import (
	"fmt"
	"strings"

	"github.com/drillhq/drill/internal/scenario"
)

// GroupForecast is a period's forecast for one scenario: every run's incidents pooled
// (as the period's success rate and RTC pool them), or why there is none.
type GroupForecast = ForecastOrWhy

// PooledForecast forecasts a real incident from every incident of runs (one scenario's,
// oldest first) against o, at cfg's rate or else the latest run's scenario rate, seeded
// by the first run's seed; nil when there is no run.
func PooledForecast(runs []*Results, o scenario.Objectives, cfg ForecastConfig) *ForecastOrWhy {
	if len(runs) == 0 {
		return nil
	}
	pooled := &Results{Objectives: o, Seed: runs[0].Seed, Forecast: runs[len(runs)-1].Forecast}
	for _, r := range runs {
		pooled.Trials = append(pooled.Trials, r.Trials...)
	}
	f := forecastOrWhy(pooled, cfg)
	return &f
}

// aggregateForecastRow is one scenario's forecast as the period report's Markdown and
// HTML both show it.
type aggregateForecastRow struct {
	Scenario, P, P90, Tail, Improvement, Downtime string
}

func aggregateForecastRows(a AggregateReport) []aggregateForecastRow {
	var rows []aggregateForecastRow
	for _, g := range a.Groups {
		f := g.Forecast
		if f == nil {
			continue
		}
		row := aggregateForecastRow{Scenario: groupName(g)}
		if f.Error != "" {
			row.P = "no forecast: " + f.Error
		} else {
			row.P = fmt.Sprintf("%s (≤ %s)", PIntervalText(f.P), f.RTO)
			row.P90, row.Tail, row.Improvement = quantileText(f.Quantiles[1]), tailText(f.Tail), SensitivityText(f.Sensitivity)
			row.Downtime = "– (no forecast section in the scenario)"
			if d := f.Downtime; d != nil {
				row.Downtime = fmt.Sprintf("%s at %g deploys a month, %s failing", downtimeText(d), d.DeploysPerMonth, pctText(d.ChangeFailureRate))
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// aggregateForecastNote says what the period's forecast pools and where its rates come from.
const aggregateForecastNote = "Each scenario's incidents in the period pooled; the annual downtime at the delivery rates of the scenario's forecast section (as its latest run recorded them), none where it states none; the method is in each run's report and docs/forecast.md."

// aggregateForecastMarkdown writes the period's forecast table.
func aggregateForecastMarkdown(b *strings.Builder, a AggregateReport) {
	rows := aggregateForecastRows(a)
	if len(rows) == 0 {
		return
	}
	b.WriteString("\n## Forecast: a real incident\n\n" + aggregateForecastNote + "\n\n")
	b.WriteString("| scenario | P(RTC ≤ RTO) [interval] | forecast p90 [interval] | tail dominated by | cheapest improvement | expected downtime a year [interval] |\n|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", mdCell(r.Scenario), r.P, r.P90, r.Tail, r.Improvement, r.Downtime)
	}
}
