package report

import (
	"fmt"
	"time"

	"github.com/drillhq/drill/internal/trial"
)

// timingFinding is the report's sentence about drill's own timing error, "" when every
// judged trial's probes kept their schedule within the probe interval. Probes observe
// t_impact and t_recovered up to one interval late by design (the stated resolution); a
// probe that started later than one more interval after its place on the schedule (a
// machine too busy, e.g. for parallel trials) makes the resolution worse than stated.
func timingFinding(r *Results) string {
	bound := time.Duration(r.ProbeIntervalMs * float64(time.Millisecond))
	if bound <= 0 {
		return ""
	}
	over, judged := 0, 0
	var worst trial.Result
	for _, t := range r.Trials {
		if t.Outcome == trial.Errored || t.Outcome == trial.Interrupted {
			continue
		}
		judged++
		if t.ProbeLate.D() > bound {
			over++
			if t.ProbeLate > worst.ProbeLate {
				worst = t
			}
		}
	}
	if over == 0 {
		return ""
	}
	return fmt.Sprintf("Timing error: in %d of %d trials a probe started more than one probe interval (%s) after its place on the schedule "+
		"(worst: %s late, trial %d), so t_impact and t_recovered may be observed later than the stated resolution; "+
		"run fewer trials at once (--parallel) or on a quieter machine.", over, judged, bound, worst.ProbeLate, worst.Index)
}
