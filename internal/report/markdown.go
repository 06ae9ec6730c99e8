package report

import (
	"fmt"
	"io"
	"math"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/drillhq/drill/internal/check"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/stats"
	"github.com/drillhq/drill/internal/trial"
)

// Markdown renders the run's summary and per-trial table, for terminals and PR comments.
func Markdown(w io.Writer, r *Results) error {
	s := r.Summary
	var b strings.Builder
	fmt.Fprintf(&b, "## drill: %s — %s\n\n", r.Scenario.Name, s.Headline())
	fmt.Fprintf(&b, "%s on the %s runtime%s (seed %d): %s", plural(s.Trials, "trial"), r.Runtime, engineText(r.Engine), r.Seed, countsText(s))
	fmt.Fprintf(&b, ".\nTiming resolution: a probe every %s; recovery is the first of %d consecutive passing probes, so t_impact and t_recovered are each observed up to %s late.\n\n",
		ms(r.ProbeIntervalMs), r.RecoverAfter, ms(r.ProbeIntervalMs))

	o := r.Objectives
	q := fmt.Sprintf("p%g", o.Quantile*100)
	conf := fmt.Sprintf("%g%%", o.Confidence*100)
	b.WriteString("| objective | target | measured | bound | verdict |\n|---|---|---|---|---|\n")
	rtcName, rtc := "RTC", s.RTC
	if s.Decision != nil {
		rtcName, rtc = "modelled RTC", s.Decision.ModelledRTC
	}
	fmt.Fprintf(&b, "| RTO (%s of %s) | ≤ %s | %s | %s | **%s** |\n", q, rtcName, o.RTO.D(),
		spreadText(rtc, s.Incidents), bound("≤", s.RTO.Upper, s.RTO.UpperOK, conf), s.RTO.Verdict)
	fmt.Fprintf(&b, "| RPO (%s of RPC) | ≤ %s | max %s; %d of %d acknowledged writes lost | %s | **%s** |\n", q, o.RPO.D(),
		s.RPC.Max, s.LostWrites, s.AckedWrites, bound("≤", s.RPO.Upper, s.RPO.UpperOK, conf), s.RPO.Verdict)
	fmt.Fprintf(&b, "| success rate | ≥ %g%% | %d of %s recovered | %s | **%s** |\n", o.SuccessRate*100,
		s.Recovered, plural(s.Incidents, "incident"), rateBound(s.SuccessRate, conf), s.SuccessRate.Verdict)
	verdicts := []stats.VerdictResult{s.RTO, s.RPO, s.SuccessRate}
	if fp := s.FalsePositiveRate; fp != nil {
		target, verdict := "not set", "–"
		if o.FalsePositiveRate != nil {
			target, verdict = fmt.Sprintf("≤ %g%%", *o.FalsePositiveRate*100), "**"+fp.Verdict.String()+"**"
			verdicts = append(verdicts, *fp)
		}
		fmt.Fprintf(&b, "| false-positive rate | %s | %d of %d control trials fired | %s | %s |\n", target,
			s.ControlFired, s.ControlTrials, fpBound(*fp, conf), verdict)
	}
	b.WriteString("\n")
	for _, reason := range inconclusiveReasons(verdicts) {
		fmt.Fprintf(&b, "- %s\n", reason)
	}
	if s.ConsistencyChecks > 0 {
		fmt.Fprintf(&b, "Consistency: %s on the serving service, %d failed, %d undecided.%s\n",
			plural(s.ConsistencyChecks, "invariant check"), s.ConsistencyFailures, s.ConsistencyUnknown, consistencyFailures(r))
	}
	if s.Decision != nil {
		b.WriteString(s.Decision.Text(s.RTC) + "\n")
	}
	if s.ChangeGap != nil {
		fmt.Fprintf(&b, "The change's own downtime (recreate deploy, not the defect's): median %s, max %s over %d deploys; the defect's impact is measured from when the change went live.\n",
			s.ChangeGap.Median, s.ChangeGap.Max, s.ChangeGap.N)
	}
	if s.Wait != nil {
		fmt.Fprintf(&b, "The rollback waited for the change's deploy in flight (rollback.wait_for_change): median %s, max %s; not part of TTM.\n",
			s.Wait.Median, s.Wait.Max)
	}
	if f := loadFinding(s); f != "" {
		b.WriteString(f + "\n")
	}
	if f := timingFinding(r); f != "" {
		b.WriteString(f + "\n")
	}
	if f := overlapFinding(r); f != "" {
		b.WriteString(f + "\n")
	}
	fmt.Fprintf(&b, "Medians over the incidents that had each measure: TTD %s · TTM %s · TTR %s · RTC %s (%d recovered of %s).",
		median(s.TTD), median(s.TTM), median(s.TTR), median(s.RTC), s.RTC.N, plural(s.Incidents, "incident"))
	if s.FalsePositives > 0 {
		fmt.Fprintf(&b, " %s: the trigger fired before any impact, so no incident and no RTC; left out of the RTO and the success rate.",
			plural(s.FalsePositives, "false positive"))
	}
	forecastMarkdown(&b, r)
	b.WriteString("\n\n### Trials\n\n| # | outcome | RTC | TTD | TTM | TTR | RPC | lost | acked | unknown | note |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, t := range r.Trials {
		lost, acked, unknown, rpc := "–", "–", "–", "–"
		if t.Loss != nil {
			lost, acked, unknown, rpc = fmt.Sprint(len(t.Loss.Lost)), fmt.Sprint(t.Loss.Acked), fmt.Sprint(t.Loss.Unknown), t.Loss.RPC.String()
		}
		tm := t.Timing
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", t.Index, standingLabel(t),
			measure.Text(tm.RTC), measure.Text(tm.TTD), measure.Text(tm.TTM), measure.Text(tm.TTR), rpc, lost, acked, unknown, mdCell(note(t)))
	}
	if steps := stepsMarkdown(s.Steps); steps != "" {
		b.WriteString("\n" + steps)
	}
	logsSection(&b, r)
	environmentMarkdown(&b, r)
	_, err := io.WriteString(w, b.String())
	return err
}

// environmentMarkdown is the HTML report's environment block (envRows): what was run,
// where and on what machine, which drill's own timing error depends on. Machine paths
// are shortened as everywhere in the Markdown.
func environmentMarkdown(b *strings.Builder, r *Results) {
	b.WriteString("\n### Environment\n\n| | |\n|---|---|\n")
	for _, e := range envRows(r) {
		v := mdCell(machinePaths(e.Value))
		if e.Code && v != "" {
			v = "`" + v + "`"
		}
		fmt.Fprintf(b, "| %s | %s |\n", e.Key, v)
	}
}

// logsSection says where the services' output is and links that of each failed trial.
func logsSection(b *strings.Builder, r *Results) {
	if r.Logs == nil {
		return
	}
	fmt.Fprintf(b, "\n### Service output\n\nEach trial's service output is in `%s/trial-N/` beside this report (one file per service instance).", r.Logs.Dir)
	failed := r.failedWithLogs()
	if len(failed) == 0 {
		b.WriteString(" No trial failed.\n")
		return
	}
	b.WriteString(" The trials that failed:\n\n")
	for _, t := range failed {
		dir, files := r.trialLogs(t)
		links := make([]string, len(files))
		for i, f := range files {
			links[i] = fmt.Sprintf("[%s](%s)", mdText(f.Name), f.Href)
		}
		fmt.Fprintf(b, "- [trial %d](%s) (%s): %s\n", t.Index, dir, failure(t), strings.Join(links, ", "))
	}
}

// failure says in a few words how trial t failed.
func failure(t trial.Result) string {
	parts := []string{strings.ReplaceAll(string(t.Outcome), "_", " ")}
	if t.Loss != nil && len(t.Loss.Lost) > 0 {
		parts = append(parts, fmt.Sprintf("%d acknowledged writes lost", len(t.Loss.Lost)))
	}
	return strings.Join(parts, ", ")
}

// mdText escapes the characters that would end a Markdown link's text.
func mdText(s string) string {
	return strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`).Replace(s)
}

func note(t trial.Result) string {
	n := t.Error
	if t.Reason != "" && t.Reason != t.Error {
		n = strings.TrimSpace(n + " " + t.Reason)
	}
	if t.Control {
		n = strings.TrimSpace("control trial " + n)
	}
	if t.FalsePositive && !t.Control {
		n = strings.TrimSpace(n + " false positive: the trigger fired before any impact")
	}
	if d := decisionNote(t); d != "" {
		n = strings.TrimSpace(n + " " + d)
	}
	if l := loadNote(t); l != "" {
		n = strings.TrimSpace(n + " " + l)
	}
	if o := overlapNote(t); o != "" {
		n = strings.TrimSpace(n + " " + o)
	}
	return machinePaths(n)
}

// absPath matches an absolute path of two or more elements standing as a word (after
// a start, a space, a quote, a bracket, "=" or ":"), never the path of a URL.
var absPath = regexp.MustCompile(`(^|[\s"'(\[=:])(/[^/\s"'()\[\]]+(?:/[^/\s"'()\[\]]+)+)`)

// machinePaths shortens the absolute paths in a note to their last element: a report
// is read on other machines, and the paths of this one (temp dirs, home dirs) say
// nothing there but where it ran. Newlines become spaces: a note is one line.
func machinePaths(s string) string {
	s = absPath.ReplaceAllStringFunc(s, func(m string) string {
		sub := absPath.FindStringSubmatch(m)
		return sub[1] + "…/" + path.Base(sub[2])
	})
	return strings.Join(strings.Fields(s), " ")
}

func ms(v float64) string {
	return time.Duration(v * float64(time.Millisecond)).String()
}

func bound(op string, v float64, ok bool, conf string) string {
	if !ok {
		return "n too small"
	}
	if math.IsInf(v, 1) {
		return "unbounded"
	}
	return fmt.Sprintf("%s %s @%s", op, time.Duration(v*float64(time.Second)).Round(100*time.Microsecond), conf)
}

// fpBound renders a false-positive rate's two-sided reading: estimate and upper bound.
func fpBound(v stats.VerdictResult, conf string) string {
	if !v.UpperOK {
		return "no control trial ran"
	}
	return fmt.Sprintf("%.1f%%, ≤ %.1f%% @%s", v.Estimate*100, v.Upper*100, conf)
}

func rateBound(v stats.VerdictResult, conf string) string {
	if !v.LowerOK {
		return "n too small"
	}
	return fmt.Sprintf("≥ %.1f%% @%s", v.Lower*100, conf)
}

// consistencyFailures lists the failed checks, one per line, for the summary.
func consistencyFailures(r *Results) string {
	var b strings.Builder
	for _, t := range r.Trials {
		for _, f := range t.Consistency {
			if f.Status == check.Fail {
				fmt.Fprintf(&b, "\n- trial %d, %s: %s", t.Index, f.Checker, mdCell(machinePaths(f.Message)))
			}
		}
	}
	return b.String()
}

// spreadText renders the RTC's median and max over the recovered incidents, and how
// many of the incidents those are (the others count as ∞ against the RTO).
func spreadText(sp Spread, incidents int) string {
	if sp.N == 0 {
		return fmt.Sprintf("none of %s recovered", plural(incidents, "incident"))
	}
	return fmt.Sprintf("median %s, max %s (%d recovered of %s)", sp.Median, sp.Max, sp.N, plural(incidents, "incident"))
}

// engineText names the engine a run's runtime drove, when it had one.
func engineText(engine string) string {
	if engine == "" {
		return ""
	}
	return " (engine " + engine + ")"
}

// countsText counts a run's trials by Standing, in the words every report uses.
func countsText(s Summary) string {
	parts := []string{fmt.Sprintf("%d recovered, %d not recovered, %d not detected", s.Recovered, s.NotRecovered, s.NotDetected)}
	if s.FalsePositives > 0 {
		parts = append(parts, plural(s.FalsePositives, "false positive")+" (no incident)")
	}
	if s.ControlTrials > 0 {
		parts = append(parts, fmt.Sprintf("%s (%d fired)", plural(s.ControlTrials, "control trial"), s.ControlFired))
	}
	parts = append(parts, plural(s.Errors, "error"))
	if s.Interrupted > 0 {
		parts = append(parts, fmt.Sprintf("%d interrupted", s.Interrupted))
	}
	return strings.Join(parts, ", ")
}

// inconclusiveReasons are the reasons of the inconclusive verdicts, each once.
func inconclusiveReasons(vs []stats.VerdictResult) []string {
	var out []string
	for _, v := range vs {
		if v.Verdict == stats.Inconclusive && v.Reason != "" && !slices.Contains(out, v.Reason) {
			out = append(out, v.Reason)
		}
	}
	return out
}

func median(sp Spread) string {
	if sp.N == 0 {
		return "–"
	}
	return sp.Median.String()
}
