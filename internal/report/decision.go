package report

import (
	"fmt"
	"strings"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/trial"
)

// DecisionSummary is what the manual or hybrid plan's decisions cost over the judged
// trials: the modelled decision time, the real (compressed) wait, and the modelled TTM and
// RTC. With a decision model the RTO is judged on the modelled RTC: the measured RTC of a
// compressed run is shorter than the plan would take.
type DecisionSummary struct {
	// Kind is the trigger kind (manual, hybrid).
	Kind string `json:"kind"`
	// Compression is the factor real waits were shortened by (1: real time).
	Compression float64 `json:"compression"`
	// Model describes the decision's parts and their models, as the first trial recorded them.
	Model    string `json:"model"`
	Decision Spread `json:"decision"`
	RealWait Spread `json:"real_wait"`
	// ModelledTTM and ModelledRTC are the measured TTM and RTC with the real wait
	// replaced by the modelled decision time.
	ModelledTTM Spread `json:"modelled_ttm"`
	ModelledRTC Spread `json:"modelled_rtc"`
	// Verdicts counts the decisions by verdict (decided, approved, timeout_proceed,
	// timeout_abort); a gate abort rolls nothing back and counts as not recovered.
	Verdicts map[string]int `json:"verdicts"`
}

// summarizeDecisions summarizes the judged trials' decisions; nil when no trial decided.
func summarizeDecisions(trials []trial.Result) *DecisionSummary {
	var d *DecisionSummary
	var dec, wait, ttm, rtc []measure.Offset
	for _, t := range trials {
		if t.Decision == nil || !StandingOf(t).Incident() {
			continue
		}
		x := t.Decision
		if d == nil {
			d = &DecisionSummary{Kind: x.Kind, Compression: max(x.Compression, 1), Model: partsText(x.Parts), Verdicts: map[string]int{}}
		}
		d.Verdicts[x.Verdict]++
		dec, wait = append(dec, x.Modelled), append(wait, x.RealWait)
		ttm, rtc = appendSet(ttm, x.ModelledTTM), appendSet(rtc, x.ModelledRTC)
	}
	if d != nil {
		d.Decision, d.RealWait, d.ModelledTTM, d.ModelledRTC = spread(dec), spread(wait), spread(ttm), spread(rtc)
	}
	return d
}

// partsText describes a decision's parts: "decide: lognormal median 5m0s p95 20m0s".
func partsText(parts []rollback.DecisionPart) string {
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		out = append(out, p.Role+": "+p.Model)
	}
	return strings.Join(out, "; ")
}

// decisionRTC is the RTC the RTO is judged on: the modelled RTC when the trial's decision
// was modelled, else the measured one.
func decisionRTC(t trial.Result) *measure.Offset {
	if t.Decision != nil {
		return t.Decision.ModelledRTC
	}
	return t.Timing.RTC
}

// Text says plainly what the decision cost and whether it was compressed, for the
// Markdown and HTML reports; measured is the run's measured RTC.
func (d *DecisionSummary) Text(measured Spread) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Rollback plan: %s (%s). ", d.Kind, d.Model)
	if d.Compression > 1 {
		fmt.Fprintf(&b, "Compressed ×%g: modelled RTC median %s, max %s; modelled TTM median %s (decision median %s, waited %s for real); the measured RTC (median %s) is the compressed run's. ",
			d.Compression, median(d.ModelledRTC), spreadMax(d.ModelledRTC), median(d.ModelledTTM), median(d.Decision), median(d.RealWait), median(measured))
	} else {
		fmt.Fprintf(&b, "Not compressed: decision median %s, max %s; modelled RTC median %s. ", median(d.Decision), spreadMax(d.Decision), median(d.ModelledRTC))
	}
	b.WriteString("The RTO is judged on the modelled RTC.")
	if g := d.gateText(); g != "" {
		b.WriteString(" " + g)
	}
	return b.String()
}

// gateText counts a hybrid gate's outcomes.
func (d *DecisionSummary) gateText() string {
	if d.Kind != "hybrid" {
		return ""
	}
	return fmt.Sprintf("Approval gate: %d approved in time, %d timed out and proceeded, %d timed out and aborted (nothing rolled back: counted as not recovered).",
		d.Verdicts[rollback.VerdictApproved], d.Verdicts[rollback.VerdictTimeoutProceed], d.Verdicts[rollback.VerdictTimeoutAbort])
}

// decisionNote is a trial's decision for the trials table: "decision 4m12s modelled, 252ms waited".
func decisionNote(t trial.Result) string {
	d := t.Decision
	if d == nil {
		return ""
	}
	if d.Operator != "" && d.Decided != nil { // a game day: a person's real decision
		return fmt.Sprintf("game day: %s by %s at %s after %s", strings.ReplaceAll(d.Verdict, "_", " "), d.Operator,
			d.Decided.UTC().Format("2006-01-02 15:04:05Z"), d.Modelled)
	}
	n := fmt.Sprintf("%s %s, decision %s modelled", d.Kind, strings.ReplaceAll(d.Verdict, "_", " "), d.Modelled)
	if d.Compressed() {
		n += fmt.Sprintf(" (%s waited, ×%g)", d.RealWait, d.Compression)
	}
	if d.ModelledRTC != nil {
		n += ", modelled RTC " + d.ModelledRTC.String()
	}
	return n
}

// decisionMarkers are the timeline's markers for a manual or hybrid decision's parts
// (a checkpoint starting, the gate opening and closing), from the trial's events.
func decisionMarkers(events []trial.Event) []marker {
	var ms []marker
	for _, e := range events {
		if part, ok := e.Name.Step(trial.EventDecisionPrefix); ok {
			ms = append(ms, marker{strings.ReplaceAll(part, "_", " "), e.At, amberColor})
		}
	}
	return ms
}
