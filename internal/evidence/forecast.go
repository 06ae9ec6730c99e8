package evidence

import (
	"fmt"
	"strings"
	"time"

	"github.com/drillhq/drill/internal/forecast"
	"github.com/drillhq/drill/internal/report"
)

// Forecast is how a real incident of one scenario would fare, from every incident of
// its runs in the period pooled as the period report pools them (docs/forecast.md): the
// expected outcome beside the measured one, and what would improve it. Its figures are
// the forecast's, in milliseconds and hours; Method states how they were made and what
// they assume.
type Forecast struct {
	Scenario string   `json:"scenario"`
	Service  string   `json:"service,omitempty"`
	Runtime  string   `json:"runtime"`
	Runs     []string `json:"runs"`
	// Error says why there is no forecast; the figures are then absent.
	Error      string  `json:"error,omitempty"`
	RTOMs      float64 `json:"rto_ms"`
	Confidence float64 `json:"confidence,omitempty"`
	Incidents  int     `json:"incidents"`
	Recovered  int     `json:"recovered"`
	// DecisionSource says where the human decision's distribution came from.
	DecisionSource string `json:"decision_source,omitempty"`
	// PWithinRTO is P(RTC ≤ RTO) with its interval at Confidence.
	PWithinRTO *forecast.Interval `json:"p_within_rto,omitempty"`
	// Quantiles are the forecast p50, p90, p99 with their bootstrap intervals.
	Quantiles []ForecastQuantile `json:"quantiles,omitempty"`
	// DominantPart is the part (detection, decision, execution) that takes the largest
	// share of the slowest tenth of forecast recoveries.
	DominantPart string `json:"dominant_part,omitempty"`
	// Sensitivity is P(RTC ≤ RTO) with each part halved, largest rise first.
	Sensitivity []forecast.Sensitivity `json:"sensitivity,omitempty"`
	// AnnualDowntime is set only when delivery rates are known (evidence config or
	// scenario): nothing is assumed when they are not.
	AnnualDowntime *AnnualDowntime `json:"annual_downtime,omitempty"`
	Method         string          `json:"method,omitempty"`
}

// ForecastQuantile is one quantile of the forecast recovery time; Beyond says fewer
// incidents than the quantile recover at all (no value then).
type ForecastQuantile struct {
	Q       float64 `json:"q"`
	ValueMs float64 `json:"value_ms,omitempty"`
	LowMs   float64 `json:"low_ms,omitempty"`
	HighMs  float64 `json:"high_ms,omitempty"`
	Beyond  bool    `json:"beyond,omitempty"`
}

// AnnualDowntime is the expected user-visible outage a year from bad releases, with its
// interval, at the stated delivery rates and where they came from.
type AnnualDowntime struct {
	DeploysPerMonth   float64 `json:"deploys_per_month"`
	ChangeFailureRate float64 `json:"change_failure_rate"`
	FailedOutageH     float64 `json:"failed_outage_h"`
	RatesFrom         string  `json:"rates_from"`
	IncidentsPerYear  float64 `json:"incidents_per_year"`
	ExpectedH         float64 `json:"expected_h"`
	LowH              float64 `json:"low_h"`
	HighH             float64 `json:"high_h"`
}

// forecasts forecasts each scenario of the runs, at rate when the config gives one (else
// the scenario's as its latest run recorded it).
func forecasts(runs []Input, rate *forecast.Rate) []Forecast {
	results := make([]*report.Results, len(runs))
	for i, in := range runs {
		results[i] = in.Results
	}
	out := []Forecast{}
	for _, g := range report.ByScenario(results) {
		latest := g.Runs[len(g.Runs)-1]
		f := Forecast{Scenario: g.Scenario, Service: g.Service, Runtime: g.Runtime, RTOMs: msOf(latest.Objectives.RTO.D())}
		for _, r := range g.Runs {
			f.Runs = append(f.Runs, r.RunID)
		}
		fw := report.PooledForecast(g.Runs, latest.Objectives, report.ForecastConfig{Rate: rate})
		if fw.Forecast == nil {
			f.Error = fw.Error
			out = append(out, f)
			continue
		}
		fillForecast(&f, fw.Forecast)
		out = append(out, f)
	}
	return out
}

// fillForecast copies a forecast's figures into the pack's form.
func fillForecast(f *Forecast, fc *forecast.Forecast) {
	f.Confidence, f.Incidents, f.Recovered, f.DecisionSource = fc.Confidence, fc.Trials, fc.Recovered, fc.DecisionSource
	p := fc.P
	f.PWithinRTO = &p
	for _, q := range fc.Quantiles {
		fq := ForecastQuantile{Q: q.Q, Beyond: q.Beyond}
		if !q.Beyond {
			fq.ValueMs, fq.LowMs, fq.HighMs = msOf(q.Value), msOf(q.Low), msOf(q.High)
		}
		f.Quantiles = append(f.Quantiles, fq)
	}
	f.DominantPart, f.Sensitivity, f.Method = fc.Tail.Dominant, fc.Sensitivity, fc.Method
	if d := fc.Downtime; d != nil {
		f.AnnualDowntime = &AnnualDowntime{DeploysPerMonth: d.DeploysPerMonth, ChangeFailureRate: d.ChangeFailureRate,
			FailedOutageH: d.FailedOutage.Hours(), RatesFrom: d.Source, IncidentsPerYear: d.IncidentsPerYear,
			ExpectedH: hours(d.Expected), LowH: hours(d.Low), HighH: hours(d.High)}
	}
}

func hours(d time.Duration) float64 { return d.Hours() }

// forecastP renders P(RTC ≤ RTO) with its interval and the RTO.
func forecastP(f Forecast) string {
	return fmt.Sprintf("%s (≤ %s)", report.PIntervalText(*f.PWithinRTO), msText(f.RTOMs))
}

// forecastQuantiles renders the forecast quantiles, each with its interval.
func forecastQuantiles(f Forecast) string {
	parts := make([]string, len(f.Quantiles))
	for i, q := range f.Quantiles {
		if q.Beyond {
			parts[i] = fmt.Sprintf("p%g beyond rollback", q.Q*100)
			continue
		}
		parts[i] = fmt.Sprintf("p%g %s [%s, %s]", q.Q*100, msText(q.ValueMs), msText(q.LowMs), msText(q.HighMs))
	}
	return strings.Join(parts, " · ")
}

// forecastImprovement names the part whose halving raises P the most, and by how much,
// as the reports do; a forecast without sensitivity moves P by nothing.
func forecastImprovement(f Forecast) string {
	if len(f.Sensitivity) == 0 {
		return "none: halving any part moves P by < 0.005"
	}
	return report.SensitivityText(f.Sensitivity)
}

// forecastDowntime renders the annual downtime with its rates and where they came
// from, or says it is not stated.
func forecastDowntime(f Forecast) string {
	d := f.AnnualDowntime
	if d == nil {
		return "not stated: no deploy rate (forecast: in the evidence config or the scenario)"
	}
	h := func(hours float64) string { return msText(hours * float64(time.Hour/time.Millisecond)) }
	return fmt.Sprintf("%s [%s, %s] at %g deploys a month, %g%% failing (from %s)",
		h(d.ExpectedH), h(d.LowH), h(d.HighH), d.DeploysPerMonth, d.ChangeFailureRate*100, d.RatesFrom)
}

// msText renders the pack's milliseconds as the reports render a forecast time.
func msText(ms float64) string {
	return report.ForecastDuration(time.Duration(ms * float64(time.Millisecond)))
}
