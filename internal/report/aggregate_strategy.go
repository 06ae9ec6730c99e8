package report

import (
	"fmt"

	"github.com/drillhq/drill/internal/stats"
)

// StrategyComparison compares the recovery times of two scenarios drilled against the
// same service in the period: two rollback strategies (triggers, mechanisms) for one
// failure, side by side. Mann–Whitney (two-sided) says whether they differ, the
// Hodges–Lehmann shift by how much (B − A), Cliff's δ whether it matters.
type StrategyComparison struct {
	Service   string      `json:"service"`
	A         string      `json:"a"`
	B         string      `json:"b"`
	AN        int         `json:"a_n"`
	BN        int         `json:"b_n"`
	AMedianMs stats.Float `json:"a_median_ms"`
	BMedianMs stats.Float `json:"b_median_ms"`
	ShiftMs   stats.Float `json:"shift_ms"`
	ShiftLoMs stats.Float `json:"shift_lower_ms"`
	ShiftHiMs stats.Float `json:"shift_upper_ms"`
	PTwoSided stats.Float `json:"p_two_sided"`
	Delta     stats.Float `json:"cliffs_delta"`
	Magnitude string      `json:"magnitude"`
	Different bool        `json:"different"`
	Summary   string      `json:"summary"`
}

// compareStrategies compares every pair of scenarios that share a service label and a
// runtime and both have judged trials in the period.
func compareStrategies(groups []GroupAggregate) []StrategyComparison {
	out := []StrategyComparison{}
	for i, a := range groups {
		for _, b := range groups[i+1:] {
			if a.Service == "" || a.Service != b.Service || a.Runtime != b.Runtime || a.Scenario == b.Scenario || a.RTC.N == 0 || b.RTC.N == 0 {
				continue
			}
			out = append(out, compareStrategy(a, b))
		}
	}
	return out
}

func compareStrategy(a, b GroupAggregate) StrategyComparison {
	x, y := samplesSeconds(a.RTC.SamplesMs), samplesSeconds(b.RTC.SamplesMs)
	mw := stats.MannWhitney(y, x)
	shift, lo, hi := stats.HodgesLehmann(y, x, trendConf)
	delta, mag := stats.CliffsDelta(y, x)
	c := StrategyComparison{Service: a.Service, A: a.Scenario, B: b.Scenario, AN: len(x), BN: len(y),
		AMedianMs: a.RTC.MedianMs, BMedianMs: b.RTC.MedianMs, ShiftMs: msFloat(shift), ShiftLoMs: msFloat(lo),
		ShiftHiMs: msFloat(hi), PTwoSided: stats.Float(mw.PTwoSided), Delta: stats.Float(delta), Magnitude: mag}
	c.Different = mw.PTwoSided < TrendAlpha-pEps && mag != "negligible" && mag != "undefined"
	faster, slower := a.Scenario, b.Scenario
	if delta < 0 {
		faster, slower = b.Scenario, a.Scenario
	}
	numbers := fmt.Sprintf("median RTC %s vs %s, shift %s (95%% CI %s to %s), Mann–Whitney %s (two-sided), Cliff's δ = %+.2f (%s), n = %d vs %d",
		msText(a.RTC.MedianMs), msText(b.RTC.MedianMs), signedSeconds(shift), signedSeconds(lo), signedSeconds(hi),
		pText(mw.PTwoSided), delta, mag, len(x), len(y))
	if c.Different {
		c.Summary = fmt.Sprintf("On %s, %s recovers faster than %s: %s.", a.Service, faster, slower, numbers)
	} else {
		c.Summary = fmt.Sprintf("No significant difference between %s and %s on %s: %s.", a.Scenario, b.Scenario, a.Service, numbers)
	}
	return c
}

// samplesSeconds converts pooled millisecond samples (+Inf for trials that never
// recovered, which stays +Inf) to seconds.
func samplesSeconds(ms []stats.Float) []float64 {
	out := make([]float64, len(ms))
	for i, v := range ms {
		out[i] = float64(v) / 1000
	}
	return out
}
