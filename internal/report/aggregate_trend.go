package report

import (
	"fmt"
	"math"
	"slices"

	"github.com/drillhq/drill/internal/stats"
)

// TrendAlpha is the one-sided significance level at which RTC counts as changed.
const TrendAlpha = 0.05

// pEps absorbs rounding in exact p-values (sums of probabilities): a p equal to
// TrendAlpha up to rounding is not below it.
const pEps = 1e-12

// trendConf is the confidence of the Hodges–Lehmann shift interval.
const trendConf = 0.95

// Trend statuses.
const (
	TrendRegression  = "regression"
	TrendImprovement = "improvement"
	TrendNoChange    = "no_change"
	// TrendNoPrevious: no judged trials of the scenario in the previous period.
	TrendNoPrevious = "no_previous_data"
	// TrendNotDrilled: drilled in the previous period but not in this one.
	TrendNotDrilled = "not_drilled"
)

// Trend compares the period's pooled RTC with the previous period's: Mann–Whitney U
// for whether it got slower, the Hodges–Lehmann shift for by how much, and Cliff's δ
// for whether the change matters. A REGRESSION needs both: one-sided p < TrendAlpha
// (current slower) and |δ| at least "small".
type Trend struct {
	Status string `json:"status"`
	// Regression is Status == "regression", for readers that only check a flag.
	Regression bool `json:"regression"`
	// Summary says the result in words.
	Summary          string      `json:"summary"`
	PreviousN        int         `json:"previous_n"`
	CurrentN         int         `json:"current_n"`
	PreviousMedianMs stats.Float `json:"previous_median_ms"`
	CurrentMedianMs  stats.Float `json:"current_median_ms"`
	// ShiftMs is the Hodges–Lehmann estimate of current − previous RTC, with its
	// two-sided 95% interval.
	ShiftMs      stats.Float `json:"shift_ms"`
	ShiftLowerMs stats.Float `json:"shift_lower_ms"`
	ShiftUpperMs stats.Float `json:"shift_upper_ms"`
	// PSlower and PFaster are the one-sided Mann–Whitney p-values for "current RTC
	// tends to be larger" and "smaller"; Exact says they come from the exact null.
	PSlower     stats.Float `json:"p_slower"`
	PFaster     stats.Float `json:"p_faster"`
	Exact       bool        `json:"exact"`
	CliffsDelta stats.Float `json:"cliffs_delta"`
	Magnitude   string      `json:"magnitude"`
	// PreviousSamplesMs are the previous period's pooled samples, ascending.
	PreviousSamplesMs []stats.Float `json:"previous_samples_ms"`
}

// compareRTC judges the trend of cur against the previous period's runs.
func compareRTC(cur RTCSummary, prevRuns []*Results, prevLabel string) Trend {
	prev := judgedRTC(prevRuns)
	slices.Sort(prev)
	x := make([]float64, len(cur.SamplesMs))
	for i, v := range cur.SamplesMs {
		x[i] = float64(v) / 1000
	}
	t := Trend{PreviousN: len(prev), CurrentN: len(x), PreviousSamplesMs: make([]stats.Float, len(prev)),
		PreviousMedianMs: msFloat(stats.Quantile(prev, 0.5)), CurrentMedianMs: cur.MedianMs,
		ShiftMs: msFloat(math.NaN()), ShiftLowerMs: msFloat(math.Inf(-1)), ShiftUpperMs: msFloat(math.Inf(1)),
		PSlower: 1, PFaster: 1, CliffsDelta: stats.Float(math.NaN()), Magnitude: "undefined"}
	for i, v := range prev {
		t.PreviousSamplesMs[i] = msFloat(v)
	}
	switch {
	case len(x) == 0 && len(prev) > 0:
		t.Status = TrendNotDrilled
		t.Summary = fmt.Sprintf("NOT DRILLED in this period, after %d judged trials in %s.", len(prev), prevLabel)
		return t
	case len(prev) == 0:
		t.Status = TrendNoPrevious
		t.Summary = fmt.Sprintf("No judged trials in %s: no trend.", prevLabel)
		return t
	}
	mw := stats.MannWhitney(x, prev)
	shift, lo, hi := stats.HodgesLehmann(x, prev, trendConf)
	delta, mag := stats.CliffsDelta(x, prev)
	t.PSlower, t.PFaster, t.Exact = stats.Float(mw.PGreater), stats.Float(mw.PLess), mw.Exact
	t.ShiftMs, t.ShiftLowerMs, t.ShiftUpperMs = msFloat(shift), msFloat(lo), msFloat(hi)
	t.CliffsDelta, t.Magnitude = stats.Float(delta), mag
	matters := mag != "negligible" && mag != "undefined"
	numbers := func(p float64, dir string) string {
		return fmt.Sprintf("median RTC %s → %s, shift %s (95%% CI %s to %s); Mann–Whitney %s (one-sided, H₁ %s); Cliff's δ = %+.2f (%s); n = %d vs %d.",
			fmtSeconds(stats.Quantile(prev, 0.5)), fmtSeconds(float64(cur.MedianMs)/1000),
			signedSeconds(shift), signedSeconds(lo), signedSeconds(hi), pText(p), dir, delta, mag, len(x), len(prev))
	}
	switch {
	case mw.PGreater < TrendAlpha-pEps && delta > 0 && matters:
		t.Status, t.Regression = TrendRegression, true
		t.Summary = fmt.Sprintf("REGRESSION: recovery got significantly slower than in %s: %s", prevLabel, numbers(mw.PGreater, "slower"))
	case mw.PLess < TrendAlpha-pEps && delta < 0 && matters:
		t.Status = TrendImprovement
		t.Summary = fmt.Sprintf("Improvement: recovery got significantly faster than in %s: %s", prevLabel, numbers(mw.PLess, "faster"))
	default:
		t.Status = TrendNoChange
		p, dir := mw.PGreater, "slower"
		if delta < 0 {
			p, dir = mw.PLess, "faster"
		}
		t.Summary = fmt.Sprintf("No significant change in recovery time since %s: %s", prevLabel, numbers(p, dir))
	}
	return t
}

// signedSeconds renders a shift with its sign; infinite ends read as ±∞.
func signedSeconds(s float64) string {
	switch {
	case math.IsNaN(s):
		return "–"
	case math.IsInf(s, 1):
		return "+∞"
	case math.IsInf(s, -1):
		return "−∞"
	case s < 0:
		return "−" + fmtSeconds(-s)
	}
	return "+" + fmtSeconds(s)
}

// pText renders "p = 0.012" with two significant digits, small ones as "p < 0.0001".
func pText(p float64) string {
	if p < 1e-4 {
		return "p < 0.0001"
	}
	return fmt.Sprintf("p = %.2g", p)
}
