package report

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stats"
)

// AggregateMarkdown renders the period report for compliance owners: an overview
// table, then per scenario the pooled numbers, the verdicts, the trend in words, the
// errors kept apart, and the audit evidence.
func AggregateMarkdown(w io.Writer, a AggregateReport) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# drill period report: %s\n\n", a.Period.Label)
	fmt.Fprintf(&b, "Period %s (UTC): %s, %s over %s; compared with %s (%s).\n\n",
		a.Period.Span(), plural(a.Runs, "run"), plural(a.Trials, "trial"), plural(drilled(a), "scenario"),
		a.Previous.Label, plural(a.PreviousRuns, "run"))
	if len(a.Groups) > 0 {
		b.WriteString("**" + periodHeadline(a) + "**: " + verdictLine(a) + "\n\n")
	}
	b.WriteString(regressionLine(a) + "\n\n")
	if len(a.Groups) == 0 {
		fmt.Fprintf(&b, "No drills ran in %s or %s.\n", a.Period.Label, a.Previous.Label)
		_, err := io.WriteString(w, b.String())
		return err
	}
	header := rtcHeader(a.Groups)
	fmt.Fprintf(&b, "| scenario | runs | trials | success rate | %s | RTO | RPO | lost writes | trend |\n|---|---|---|---|---|---|---|---|---|\n", header)
	for _, g := range a.Groups {
		rto, rpo, lost := verdictName(g.RTC.RTO.Verdict), verdictName(g.RPC.RPO.Verdict), fmt.Sprintf("%d of %d", g.RPC.LostWrites, g.RPC.AckedWrites)
		if g.Runs == 0 {
			rto, rpo, lost = "–", "–", "–"
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s | %s | %s | %s | %s |\n", mdCell(groupName(g)), g.Runs, g.Counts.Trials,
			rateText(g.SuccessRate), rtcCompact(g.RTC, g.Objectives.Quantile, header), rto, rpo, lost, trendWord(g.Trend))
	}
	if len(a.Strategies) > 0 {
		b.WriteString("\n## Strategies compared\n\n")
		for _, c := range a.Strategies {
			fmt.Fprintf(&b, "- %s\n", c.Summary)
		}
	}
	aggregateForecastMarkdown(&b, a)
	for _, g := range a.Groups {
		b.WriteString("\n")
		groupMarkdown(&b, g, a.Previous.Label)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func groupMarkdown(b *strings.Builder, g GroupAggregate, prevLabel string) {
	o, c := g.Objectives, g.Counts
	fmt.Fprintf(b, "## %s\n\n", groupName(g))
	fmt.Fprintf(b, "Objectives: %s.", objectivesText(o))
	if g.ObjectivesChanged {
		b.WriteString(" The objectives changed during the period; the latest run's are shown and judge the pooled trials.")
	}
	if len(g.ScenarioSHA256) > 1 {
		fmt.Fprintf(b, " The scenario file changed during the period (%d versions).", len(g.ScenarioSHA256))
	}
	b.WriteString("\n\n")
	if g.Runs == 0 {
		fmt.Fprintf(b, "**Trend vs %s**: %s\n", prevLabel, g.Trend.Summary)
		return
	}
	fmt.Fprintf(b, "- **Trials**: %d in %s; %s: %d recovered, %d not recovered, %d not detected. %s",
		c.Trials, plural(g.Runs, "run"), plural(c.Incidents, "incident"), c.Recovered, c.NotRecovered, c.NotDetected, apartText(c))
	q := g.SuccessRate
	fmt.Fprintf(b, "\n- **Success rate**: %s, %g%% Clopper–Pearson interval %s – %s — **%s**: %s\n",
		rateText(q), q.Confidence*100, pct(float64(q.Lower)), pct(float64(q.Upper)), verdictName(q.Verdict.Verdict), q.Verdict.Reason)
	fmt.Fprintf(b, "- **RTC**: %s — **%s**: %s\n", rtcText(g.RTC, o.Quantile),
		verdictName(g.RTC.RTO.Verdict), g.RTC.RTO.Reason)
	r := g.RPC
	fmt.Fprintf(b, "- **RPC**: median %s · max %s; %d of %d acknowledged writes lost in %s — **%s**: %s\n",
		msText(r.MedianMs), msText(r.MaxMs), r.LostWrites, r.AckedWrites, plural(r.TrialsWithLoss, "trial"),
		verdictName(r.RPO.Verdict), r.RPO.Reason)
	fmt.Fprintf(b, "\n**Trend vs %s**: %s\n", prevLabel, g.Trend.Summary)

	b.WriteString("\n### Errors\n\n")
	if len(g.ErrorMessages) == 0 {
		b.WriteString("None.\n")
	} else {
		b.WriteString("| trials | error |\n|---|---|\n")
		for _, e := range g.ErrorMessages {
			fmt.Fprintf(b, "| %d | %s |\n", e.Count, mdCell(e.Message))
		}
	}
	b.WriteString("\n### Consistency findings\n\n")
	fmt.Fprintf(b, "%s run after recovery: %d failed, %d could not decide.\n", plural(c.ConsistencyChecks, "check"),
		c.ConsistencyFailures, c.ConsistencyUnknown)
	if len(g.Findings) > 0 {
		b.WriteString("\n| run | trial | checker | status | message |\n|---|---|---|---|---|\n")
		for _, f := range g.Findings {
			fmt.Fprintf(b, "| `%s` | %d | %s | **%s** | %s |\n", f.RunID, f.Trial, mdCell(f.Checker), f.Status, mdCell(f.Message))
		}
	}
	b.WriteString("\n### Evidence\n\n| run | started (UTC) | runtime | trials | verdict | audit log | SHA-256 digest |\n|---|---|---|---|---|---|---|\n")
	for _, e := range g.Evidence {
		file, digest := "–", "–"
		if e.AuditFile != "" {
			file, digest = "`"+e.AuditFile+"`", "`"+e.AuditDigest+"`"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %d | %s | %s | %s |\n", e.RunID, utcTime(e.Started), e.Runtime, e.Trials, e.Verdict, file, digest)
	}
	fmt.Fprintf(b, "\nCheck a log against its digest with `drill audit verify --digest DIGEST FILE`.\n")
}

// drilled counts the groups with runs in the period.
func drilled(a AggregateReport) int {
	n := 0
	for _, g := range a.Groups {
		if g.Runs > 0 {
			n++
		}
	}
	return n
}

// periodHeadline is the period report's one word: the worst verdict of the period in
// capitals, NO DRILLS when nothing ran in it.
func periodHeadline(a AggregateReport) string {
	if drilled(a) == 0 {
		return "NO DRILLS"
	}
	return strings.ToUpper(verdictName(a.Verdict))
}

// verdictLine says which scenarios carry the headline's verdict.
func verdictLine(a AggregateReport) string {
	if drilled(a) == 0 {
		return fmt.Sprintf("no drill ran in %s.", a.Period.Label)
	}
	var fail, inconclusive []string
	for _, g := range a.Groups {
		switch {
		case g.Runs == 0:
		case g.Verdict == stats.Fail:
			fail = append(fail, groupName(g))
		case g.Verdict == stats.Inconclusive:
			inconclusive = append(inconclusive, groupName(g))
		}
	}
	switch {
	case len(fail) > 0:
		return fmt.Sprintf("the worst verdict of the period; failed: %s.", strings.Join(fail, ", "))
	case len(inconclusive) > 0:
		return fmt.Sprintf("the worst verdict of the period; inconclusive: %s.", strings.Join(inconclusive, ", "))
	}
	return fmt.Sprintf("every scenario drilled in %s met its objectives.", a.Period.Label)
}

// regressionLine names the regressed scenarios, says there are none, or says there is
// nothing to compare with (no run in the previous period).
func regressionLine(a AggregateReport) string {
	if a.PreviousRuns == 0 {
		return fmt.Sprintf("Nothing to compare with: no run in %s, so no trend.", a.Previous.Label)
	}
	var names, missing []string
	for _, g := range a.Groups {
		switch g.Trend.Status {
		case TrendRegression:
			names = append(names, groupName(g))
		case TrendNotDrilled:
			missing = append(missing, groupName(g))
		}
	}
	line := "No recovery-time regression against " + a.Previous.Label + "."
	if len(names) > 0 {
		line = fmt.Sprintf("**REGRESSION**: recovery time got significantly worse than in %s for %s.", a.Previous.Label, strings.Join(names, ", "))
	}
	if len(missing) > 0 {
		line += fmt.Sprintf(" **Not drilled** this period (drilled in %s): %s.", a.Previous.Label, strings.Join(missing, ", "))
	}
	return line
}

func groupName(g GroupAggregate) string {
	name := g.Scenario
	if g.Service != "" {
		name = g.Service + " / " + g.Scenario
	}
	if g.Runtime != "" {
		name += " (" + g.Runtime + ")"
	}
	return name
}

func objectivesText(o scenario.Objectives) string {
	return fmt.Sprintf("RTO %s and RPO %s at p%g; success rate ≥ %g%%; confidence %g%%",
		o.RTO.D(), o.RPO.D(), o.Quantile*100, o.SuccessRate*100, o.Confidence*100)
}

func trendWord(t Trend) string {
	switch t.Status {
	case TrendRegression:
		return "**REGRESSION**"
	case TrendImprovement:
		return "improved"
	case TrendNoChange:
		return "no significant change"
	case TrendNotDrilled:
		return "**not drilled**"
	}
	return "no previous data"
}

func rateText(r RateSummary) string {
	if r.N == 0 {
		return "–"
	}
	return fmt.Sprintf("%s (%d/%d)", pct(float64(r.Estimate)), r.Successes, r.N)
}

func rtcText(r RTCSummary, q float64) string {
	if r.N == 0 {
		return "–"
	}
	return fmt.Sprintf("median %s over %d recovered · p%g %s · max %s over %s (never recovered = ∞)", msText(r.MedianMs),
		r.Recovered, q*100, msText(r.QuantileMs), msText(r.MaxMs), plural(r.N, "incident"))
}

// apartText says which trials are kept apart from the incidents, in the words every
// report uses for them (see Standing).
func apartText(c Counts) string {
	parts := []string{fmt.Sprintf("Errors %d and interrupted %d are kept apart from the verdicts.", c.Errors, c.Interrupted)}
	if c.FalsePositives > 0 {
		parts = append(parts, fmt.Sprintf("%s (the trigger fired before any impact: no incident, no RTC) are left out of the RTC and the success rate.",
			plural(c.FalsePositives, "false positive")))
	}
	if c.ControlTrials > 0 {
		parts = append(parts, fmt.Sprintf("%s ran, %d fired.", plural(c.ControlTrials, "control trial"), c.ControlFired))
	}
	return strings.Join(parts, " ")
}

// msText renders JSON milliseconds as a duration; NaN as "–", +Inf as "∞".
func msText(v stats.Float) string { return fmtSeconds(float64(v) / 1000) }

func pct(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", v*100)
}

// mdCell escapes a value for a Markdown table cell: one line (newlines and runs of
// blanks become one space) with its pipes escaped.
func mdCell(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", "\\|")
}
