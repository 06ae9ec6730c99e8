package report

import (
	"fmt"
	"time"

	"github.com/drillhq/drill/internal/trial"
)

// pileUp is how many probes in flight at once before the fault make a finding: one
// probe outlasting two intervals. Two at once is a single slow answer (a busy moment of
// the machine, which the timing error already reports); three is drill asking faster
// than the healthy service answers.
const pileUp = 3

// overlapFinding is the report's sentence about drill's own probes piling up on the
// service they measure, "" when no trial had pileUp probes in flight at once before its
// fault. Probes run on an open-loop schedule: a probe slower than the interval runs
// beside the next, and each adds its own load (an exec probe: a process) to the service
// and the machine drill measures, which drill must not cause. A slow probe after the
// fault is the outage's, so only those that ended before it count.
func overlapFinding(r *Results) string {
	// Every trial that probed before its fault counts, an errored one too: probes piling
	// up are a likely reason its warm-up failed.
	over, probed := 0, 0
	var worst trial.Result
	for _, t := range r.Trials {
		if t.ProbeOverlap == 0 {
			continue
		}
		probed++
		if t.ProbeOverlap >= pileUp {
			over++
			if t.ProbeOverlap > worst.ProbeOverlap {
				worst = t
			}
		}
	}
	if over == 0 {
		return ""
	}
	interval := time.Duration(r.ProbeIntervalMs * float64(time.Millisecond))
	return fmt.Sprintf("Probe overlap: in %d of %d trials a probe took longer than two probe intervals (%s each) before the fault, "+
		"so drill's own probes piled up on the service they measure (worst: %d in flight at once, the slowest taking %s, trial %d); "+
		"a longer probes.interval or a lighter probe would keep them apart.", over, probed, interval, worst.ProbeOverlap, worst.ProbeSlowest, worst.Index)
}

// overlapNote is a trial's table note about its probes piling up before the fault, ""
// when fewer than pileUp were in flight at once.
func overlapNote(t trial.Result) string {
	if t.ProbeOverlap < pileUp {
		return ""
	}
	return fmt.Sprintf("probes overlapped: %d in flight", t.ProbeOverlap)
}
