package measure

import "time"

// ProbeLateness is drill's own timing error in a trial: how much later than its place
// on the open-loop schedule (one probe every interval) the latest probe started. The
// schedule is anchored on the earliest-starting probe relative to its place, so a late
// first probe does not hide the others' lateness. Probes observe t_impact and
// t_recovered up to one interval late by design; a probe that starts later still, on a
// machine too busy (parallel trials), widens that error, and reports say so. It is 0
// with fewer than two probes.
func ProbeLateness(probes []ProbeResult, interval time.Duration) Offset {
	if len(probes) < 2 || interval <= 0 {
		return 0
	}
	place := func(p ProbeResult) Offset { return p.Start - Offset(time.Duration(p.Seq)*interval) }
	anchor := place(probes[0])
	for _, p := range probes[1:] {
		anchor = min(anchor, place(p))
	}
	var late Offset
	for _, p := range probes {
		late = max(late, place(p)-anchor)
	}
	return late
}
