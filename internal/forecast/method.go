package forecast

import (
	"fmt"
	"strings"
)

// method states how f was made and what it assumes, for the report.
func method(f *Forecast, in Input) string {
	var b strings.Builder
	fmt.Fprintf(&b, "A real incident is taken to be like a trial: its detection and execution are one of the %d incidents' "+
		"(trials where the defect had an impact; %d recovered; a trial that did not recover, or whose trigger never fired, is an incident rollback does not fix), ", f.Trials, f.Recovered)
	if in.Decision == nil {
		b.WriteString("with that trial's own measured decision. ")
	} else {
		fmt.Fprintf(&b, "and its decision is drawn independently from %s. ", f.DecisionSource)
	}
	fmt.Fprintf(&b, "P(RTC ≤ RTO) is the mean over trials of each trial's chance of recovering within %s, the decision integrated exactly; "+
		"its %s interval is Clopper–Pearson at the fractional count (conservative: a chance in [0, 1] varies no more than a success does", f.RTO, pct(f.Confidence))
	if in.Decision != nil && in.Decision.Draws() > 0 {
		fmt.Fprintf(&b, "; the %d decisions' own sampling error counts as n_eff = 1/(1/n + 1/m)", in.Decision.Draws())
	}
	fmt.Fprintf(&b, "). The quantiles' intervals are percentile bootstraps over trials%s (%d resamples, seed %d). ",
		map[bool]string{true: " and decisions", false: ""}[isEmpirical(in.Decision)], f.Resamples, f.Seed)
	b.WriteString("The tail is the slowest tenth of simulated recoveries, each part's share of their mean; sensitivity halves one part in every incident. ")
	if d := f.Downtime; d != nil {
		from := ""
		if d.Source != "" {
			from = " (rates from " + d.Source + ")"
		}
		fmt.Fprintf(&b, "Annual downtime%s: %g deploys a month × 12 × a %s change-failure rate = %.1f bad releases a year, each costing the forecast "+
			"recovery time, or %s when rollback does not recover; the interval is the bootstrap's over the mean per incident. ",
			from, d.DeploysPerMonth, pct(d.ChangeFailureRate), d.IncidentsPerYear, d.FailedOutage)
	}
	b.WriteString("Assumed: trials are independent and like real incidents (the same defect class, staging like production); " +
		"detection and execution are unaffected by how long the decision takes.")
	return b.String()
}

func isEmpirical(d Decision) bool { _, ok := d.(*Empirical); return ok }

func pct(f float64) string { return fmt.Sprintf("%g%%", f*100) }
