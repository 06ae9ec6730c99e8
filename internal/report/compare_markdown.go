package report

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/drillhq/drill/internal/stats"
)

// CompareMarkdown renders a comparison: the plans side by side (measures, rates and a
// verdict per objective), then every pair's tests.
func CompareMarkdown(w io.Writer, c *Comparison) error {
	var b strings.Builder
	names := make([]string, len(c.Plans))
	for i, p := range c.Plans {
		names[i] = p.Name
	}
	fmt.Fprintf(&b, "## drill compare: %s — %s\n\n", c.Scenario.Name, strings.Join(names, " vs "))
	fmt.Fprintf(&b, "The same defect under each plan, trials interleaved with the same seeds (seed %d, %s runtime). Bounds are %g%% order-statistic bounds; intervals %g%% Clopper–Pearson.\n",
		c.Seed, c.Runtime, compareConf*100, compareConf*100)
	for _, p := range c.Plans {
		if p.Stats.Compression > 1 {
			fmt.Fprintf(&b, "- %s: compressed ×%g: its RTC and TTM are the modelled ones (measured + modelled decision − real wait).\n", p.Name, p.Stats.Compression)
		} else if d := p.Results.Summary.Decision; d != nil {
			fmt.Fprintf(&b, "- %s: its RTC and TTM include the modelled decision (%s).\n", p.Name, d.Model)
		}
	}
	b.WriteString("\n| measure | " + strings.Join(names, " | ") + " |\n|---|" + strings.Repeat("---|", len(names)) + "\n")
	row := func(label string, cell func(PlanResults) string) {
		cells := make([]string, len(c.Plans))
		for i, p := range c.Plans {
			cells[i] = cell(p)
		}
		fmt.Fprintf(&b, "| %s | %s |\n", label, strings.Join(cells, " | "))
	}
	row("plan", func(p PlanResults) string { return p.Kind })
	row("incidents judged", func(p PlanResults) string { return fmt.Sprint(p.Stats.Judged) })
	for _, m := range []struct {
		name string
		get  func(PlanStats) QuantileRow
	}{{"RTC", func(s PlanStats) QuantileRow { return s.RTC }}, {"TTD", func(s PlanStats) QuantileRow { return s.TTD }},
		{"TTM", func(s PlanStats) QuantileRow { return s.TTM }}, {"TTR", func(s PlanStats) QuantileRow { return s.TTR }}} {
		row(m.name+" p50", func(p PlanResults) string { return secText(m.get(p.Stats).P50) })
		row(m.name+" p90 [bounds]", func(p PlanResults) string { return p90Text(m.get(p.Stats)) })
	}
	row("success rate [95% CI]", func(p PlanResults) string { return rateRowText(p.Stats.Success) })
	row(StandingFalsePositive.Label(), func(p PlanResults) string { return fmt.Sprint(p.Stats.FalsePositives) })
	row("control trials fired (false-positive rate)", func(p PlanResults) string {
		if p.Stats.ControlsFired == nil {
			return "no control trials"
		}
		return rateRowText(*p.Stats.ControlsFired)
	})
	row("RPC p90 · lost writes", func(p PlanResults) string {
		return fmt.Sprintf("%s · %d of %d", secText(p.Stats.RPC.P90), p.Stats.LostWrites, p.Stats.AckedWrites)
	})
	o := c.Objectives
	row(fmt.Sprintf("verdict RTO ≤ %s", o.RTO.D()), func(p PlanResults) string { return "**" + p.Results.Summary.RTO.Verdict.String() + "**" })
	row(fmt.Sprintf("verdict RPO ≤ %s", o.RPO.D()), func(p PlanResults) string { return "**" + p.Results.Summary.RPO.Verdict.String() + "**" })
	row(fmt.Sprintf("verdict success ≥ %g%%", o.SuccessRate*100), func(p PlanResults) string {
		return "**" + p.Results.Summary.SuccessRate.Verdict.String() + "**"
	})
	if o.FalsePositiveRate != nil {
		row(fmt.Sprintf("verdict false positives ≤ %g%%", *o.FalsePositiveRate*100), func(p PlanResults) string {
			if fp := p.Results.Summary.FalsePositiveRate; fp != nil {
				return "**" + fp.Verdict.String() + "**"
			}
			return "–"
		})
	}
	row("overall", func(p PlanResults) string { return "**" + p.Results.Summary.Verdict.String() + "**" })

	b.WriteString("\n### Pairwise: RTC\n\n| A vs B | shift B − A [95% CI] | Mann–Whitney (two-sided) | Cliff's δ | finding |\n|---|---|---|---|---|\n")
	for _, p := range c.Pairs {
		fmt.Fprintf(&b, "| %s vs %s | %s [%s, %s] | %s | %+.2f (%s) | %s |\n", p.A, p.B, signedText(p.ShiftS),
			signedText(p.ShiftLoS), signedText(p.ShiftHiS), pText(float64(p.PTwoSided)), float64(p.Delta), p.Magnitude, pairFinding(p))
	}
	if c.Forecast != nil {
		if c.Forecasts == nil {
			c.ForecastPlans()
		}
		compareForecast(&b, c)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// pairFinding says in words what a pair's tests found.
func pairFinding(p PlanPair) string {
	slower, faster := p.B, p.A
	if p.Delta < 0 {
		slower, faster = p.A, p.B
	}
	switch {
	case p.Large:
		return fmt.Sprintf("**large difference (p < %g)**: %s recovers faster than %s", LargeAlpha, faster, slower)
	case p.Different:
		return fmt.Sprintf("%s recovers faster than %s (%s effect)", faster, slower, p.Magnitude)
	default:
		return "no significant difference"
	}
}

// secText renders seconds at a precision that suits their size: minutes to the tenth of
// a second, seconds to the millisecond.
func secText(f stats.Float) string {
	x := float64(f)
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return fmtSeconds(x)
	case math.Abs(x) >= 60:
		return time.Duration(x * float64(time.Second)).Round(100 * time.Millisecond).String()
	case math.Abs(x) >= 1:
		return time.Duration(x * float64(time.Second)).Round(time.Millisecond).String()
	}
	return fmtSeconds(x)
}

// signedText is secText with its sign.
func signedText(f stats.Float) string {
	x := float64(f)
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return signedSeconds(x)
	case x < 0:
		return "−" + secText(stats.Float(-x))
	}
	return "+" + secText(f)
}

func p90Text(q QuantileRow) string {
	if q.N == 0 {
		return "–"
	}
	lo, hi := "?", "?"
	if !math.IsNaN(float64(q.P90Low)) {
		lo = secText(q.P90Low)
	}
	if !math.IsNaN(float64(q.P90High)) {
		hi = secText(q.P90High)
	}
	return fmt.Sprintf("%s [%s, %s]", secText(q.P90), lo, hi)
}

func rateRowText(r RateRow) string {
	if r.N == 0 {
		return "–"
	}
	return fmt.Sprintf("%d of %d [%.0f%%, %.0f%%]", r.K, r.N, float64(r.Lo)*100, float64(r.Hi)*100)
}
