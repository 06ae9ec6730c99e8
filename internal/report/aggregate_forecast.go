package report

import (
	"fmt"
	"strings"

	"github.com/drillhq/drill/internal/forecast"
)

// GroupForecast is a period's forecast for one scenario: every run's incidents pooled
// (as the period's success rate and RTC pool them), or why there is none.
type GroupForecast struct {
	*forecast.Forecast
	Error string `json:"error,omitempty"`
}

// groupForecast forecasts from the runs of one group, against the latest objectives,
// seeded by the first run's seed; nil when the group had no run in the period.
func groupForecast(g GroupAggregate, runs []*Results) *GroupForecast {
	if len(runs) == 0 {
		return nil
	}
	pooled := &Results{Objectives: g.Objectives, Seed: runs[0].Seed}
	for _, r := range runs {
		pooled.Trials = append(pooled.Trials, r.Trials...)
	}
	f, err := ForecastOf(pooled, ForecastConfig{})
	if err != nil {
		return &GroupForecast{Error: err.Error()}
	}
	return &GroupForecast{Forecast: f}
}

// aggregateForecastRow is one scenario's forecast as the period report's Markdown and
// HTML both show it.
type aggregateForecastRow struct {
	Scenario, P, P90, Tail, Improvement string
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
			row.P = fmt.Sprintf("%s (≤ %s)", pIntervalText(f.P), f.RTO)
			row.P90, row.Tail, row.Improvement = quantileText(f.Quantiles[1]), tailText(f.Tail), sensitivityText(f.Sensitivity)
		}
		rows = append(rows, row)
	}
	return rows
}

// aggregateForecastMarkdown writes the period's forecast table.
func aggregateForecastMarkdown(b *strings.Builder, a AggregateReport) {
	rows := aggregateForecastRows(a)
	if len(rows) == 0 {
		return
	}
	b.WriteString("\n## Forecast: a real incident\n\nEach scenario's incidents in the period pooled; the method is in each run's report and docs/forecast.md.\n\n")
	b.WriteString("| scenario | P(RTC ≤ RTO) [interval] | forecast p90 [interval] | tail dominated by | cheapest improvement |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", mdCell(r.Scenario), r.P, r.P90, r.Tail, r.Improvement)
	}
}
