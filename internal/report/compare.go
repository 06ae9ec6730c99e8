package report

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/drillhq/drill/internal/atomicfile"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stats"
	"github.com/drillhq/drill/internal/trial"
)

// ComparisonSchema names the comparison file format; readers refuse other versions.
const ComparisonSchema = "drill.compare/v1"

// compareConf is the confidence of the comparison's intervals and bounds.
const compareConf = 0.95

// LargeAlpha is the p-value under which a large effect is flagged: the difference
// between two plans is both large (Cliff's |δ| ≥ 0.474) and hardly chance.
const LargeAlpha = 0.01

// Comparison is one drill compare: the same defect under several rollback plans, trials
// interleaved, and what each plan measured, side by side, with the pairwise tests.
type Comparison struct {
	Schema       string              `json:"schema"`
	DrillVersion string              `json:"drill_version"`
	RunID        string              `json:"run_id"`
	Scenario     ScenarioRef         `json:"scenario"`
	Objectives   scenario.Objectives `json:"objectives"`
	Runtime      string              `json:"runtime"`
	Seed         int64               `json:"seed"`
	Started      time.Time           `json:"started"`
	Finished     time.Time           `json:"finished"`
	Plans        []PlanResults       `json:"plans"`
	// Pairs compares every pair of plans' RTC (the modelled RTC where a plan's decision
	// is modelled; a trial that never recovered is +∞).
	Pairs []PlanPair `json:"pairs"`
	// Audit names the comparison's audit log (every plan's trials) and its final digest.
	Audit *AuditRef `json:"audit,omitempty"`
	// Forecast is what the plans' forecasts assume beyond the trials (the deploy rate,
	// the incident export); nil: no forecast section.
	Forecast *ForecastConfig `json:"forecast,omitempty"`
	// Forecasts are each plan's forecast figures at Forecast (ForecastPlans).
	Forecasts []PlanForecast `json:"forecasts,omitempty"`
}

// PlanResults is one plan of a comparison: its trials and what they measured.
type PlanResults struct {
	Name    string    `json:"name"`
	Kind    string    `json:"kind"`
	Stats   PlanStats `json:"stats"`
	Results *Results  `json:"results"`
}

// PlanStats are a plan's measures as the comparison table shows them.
type PlanStats struct {
	// Judged counts the plan's incidents (see Standing): the trials its RTC and success
	// rate rest on.
	Judged int `json:"judged"`
	// RTC, TTD, TTM and TTR: p50 and p90 with their order-statistic bounds. RTC and TTM
	// are the modelled ones where the plan's decision is modelled.
	RTC QuantileRow `json:"rtc"`
	TTD QuantileRow `json:"ttd"`
	TTM QuantileRow `json:"ttm"`
	TTR QuantileRow `json:"ttr"`
	RPC QuantileRow `json:"rpc"`
	// Success is recovered of judged with its Clopper–Pearson interval.
	Success RateRow `json:"success"`
	// FalsePositives counts the fault trials whose trigger fired before the defect had
	// any impact (StandingFalsePositive), as the run's summary does.
	FalsePositives int `json:"false_positives"`
	// ControlsFired is control trials fired of control trials run, the false-positive
	// rate (nil without controls).
	ControlsFired *RateRow `json:"controls_fired,omitempty"`
	LostWrites    int      `json:"lost_writes"`
	AckedWrites   int      `json:"acked_writes"`
	// Compression is the factor the plan's real decision waits were shortened by (1: none).
	Compression float64 `json:"compression"`
	// RTCSeconds are the judged trials' RTC in seconds (+Inf: never recovered), what the
	// pairwise tests and the ECDF use.
	RTCSeconds []stats.Float `json:"rtc_seconds"`
}

// QuantileRow is p50 and p90 of a measure in seconds, with the p90's two-sided bounds
// (conf 95%, each side; NaN where n is too small to bound it).
type QuantileRow struct {
	N       int         `json:"n"`
	P50     stats.Float `json:"p50_s"`
	P90     stats.Float `json:"p90_s"`
	P90Low  stats.Float `json:"p90_lower_s"`
	P90High stats.Float `json:"p90_upper_s"`
}

// RateRow is k of n with its Clopper–Pearson interval.
type RateRow struct {
	K  int         `json:"k"`
	N  int         `json:"n"`
	Lo stats.Float `json:"lower"`
	Hi stats.Float `json:"upper"`
}

// PlanPair compares two plans' RTC: Mann–Whitney (two-sided), the Hodges–Lehmann shift
// of B against A with its 95% interval, and Cliff's δ (B against A: +1 means B always
// took longer).
type PlanPair struct {
	A         string      `json:"a"`
	B         string      `json:"b"`
	PTwoSided stats.Float `json:"p_two_sided"`
	ShiftS    stats.Float `json:"shift_s"`
	ShiftLoS  stats.Float `json:"shift_lower_s"`
	ShiftHiS  stats.Float `json:"shift_upper_s"`
	Delta     stats.Float `json:"cliffs_delta"`
	Magnitude string      `json:"magnitude"`
	// Large flags a large effect (Cliff's |δ| large) with p < LargeAlpha.
	Large bool `json:"large"`
	// Different: p < 0.05 and not negligible.
	Different bool `json:"different"`
}

// Compare fills every plan's Stats and the pairwise comparisons from the plans' trials.
func (c *Comparison) Compare() error {
	if len(c.Plans) < 2 {
		return fmt.Errorf("compare: %d plans, need at least two", len(c.Plans))
	}
	for i := range c.Plans {
		c.Plans[i].Stats = planStats(c.Plans[i].Results)
	}
	c.Pairs = []PlanPair{}
	for i, a := range c.Plans {
		for _, b := range c.Plans[i+1:] {
			c.Pairs = append(c.Pairs, comparePair(a, b))
		}
	}
	return nil
}

func planStats(r *Results) PlanStats {
	var rtc, ttd, ttm, ttr, rpc []float64
	ps := PlanStats{Compression: 1}
	for _, t := range r.Trials {
		sample, ok := rtoSample(t)
		if !ok {
			continue // no incident: an error, an interruption, a control or a false positive
		}
		ps.Judged++
		rtc = append(rtc, sample)
		ttm = appendFinite(ttm, decisionTTM(t))
		ttd, ttr = appendFinite(ttd, t.Timing.TTD), appendFinite(ttr, t.Timing.TTR)
		if t.Loss != nil {
			rpc = append(rpc, t.Loss.RPC.D().Seconds())
			ps.LostWrites += len(t.Loss.Lost)
			ps.AckedWrites += t.Loss.Acked
		}
		if t.Decision != nil {
			ps.Compression = max(ps.Compression, t.Decision.Compression)
		}
	}
	ps.RTC, ps.TTD, ps.TTM, ps.TTR, ps.RPC = quantileRow(rtc), quantileRow(ttd), quantileRow(ttm), quantileRow(ttr), quantileRow(rpc)
	for _, x := range rtc {
		ps.RTCSeconds = append(ps.RTCSeconds, stats.Float(x))
	}
	s := r.Summary
	ps.Success = rateRow(s.Recovered, s.Incidents)
	ps.FalsePositives = s.FalsePositives
	if s.ControlTrials > 0 {
		fp := rateRow(s.ControlFired, s.ControlTrials)
		ps.ControlsFired = &fp
	}
	return ps
}

// decisionTTM is the TTM a plan is compared on: the modelled TTM where the decision was
// modelled, else the measured one.
func decisionTTM(t trial.Result) *measure.Offset {
	if t.Decision != nil {
		return t.Decision.ModelledTTM
	}
	return t.Timing.TTM
}

func appendFinite(xs []float64, o *measure.Offset) []float64 {
	if o == nil {
		return xs
	}
	return append(xs, o.D().Seconds())
}

func quantileRow(xs []float64) QuantileRow {
	sort.Float64s(xs)
	q := QuantileRow{N: len(xs), P50: stats.Float(math.NaN()), P90: stats.Float(math.NaN()),
		P90Low: stats.Float(math.NaN()), P90High: stats.Float(math.NaN())}
	if len(xs) == 0 {
		return q
	}
	q.P50, q.P90 = stats.Float(stats.Quantile(xs, 0.5)), stats.Float(stats.Quantile(xs, 0.9))
	if hi, ok := stats.QuantileUpperBound(xs, 0.9, compareConf); ok {
		q.P90High = stats.Float(hi)
	}
	if lo, ok := stats.QuantileLowerBound(xs, 0.9, compareConf); ok {
		q.P90Low = stats.Float(lo)
	}
	return q
}

func rateRow(k, n int) RateRow {
	r := RateRow{K: k, N: n, Lo: stats.Float(math.NaN()), Hi: stats.Float(math.NaN())}
	if n > 0 {
		lo, hi := stats.ClopperPearson(k, n, compareConf)
		r.Lo, r.Hi = stats.Float(lo), stats.Float(hi)
	}
	return r
}

func comparePair(a, b PlanResults) PlanPair {
	x, y := floats(a.Stats.RTCSeconds), floats(b.Stats.RTCSeconds)
	mw := stats.MannWhitney(y, x)
	shift, lo, hi := stats.HodgesLehmann(y, x, compareConf)
	delta, mag := stats.CliffsDelta(y, x)
	p := PlanPair{A: a.Name, B: b.Name, PTwoSided: stats.Float(mw.PTwoSided), ShiftS: stats.Float(shift),
		ShiftLoS: stats.Float(lo), ShiftHiS: stats.Float(hi), Delta: stats.Float(delta), Magnitude: mag}
	p.Different = mw.PTwoSided < TrendAlpha-pEps && mag != "negligible" && mag != "undefined"
	p.Large = mw.PTwoSided < LargeAlpha && mag == "large"
	return p
}

func floats(fs []stats.Float) []float64 {
	out := make([]float64, len(fs))
	for i, f := range fs {
		out[i] = float64(f)
	}
	return out
}

// Write stores the comparison as indented JSON at path.
func (c *Comparison) Write(path string) error {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("write comparison: %w", err)
	}
	if err := atomicfile.Write(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write comparison: %w", err)
	}
	return nil
}
