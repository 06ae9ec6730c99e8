package scenario

import (
	"fmt"
	"time"
)

// PacerTolerance is how late after its slot drill's open-loop pacer may start a probe
// or an operation and still count it on schedule (measure.OnScheduleTolerance, which a
// spec keeps equal): the runtime's and the kernel's timers are not finer on a busy
// machine. A timing drill states is never finer than it.
const PacerTolerance = time.Millisecond

// PacerWake is the least time between two of the pacer's wake-ups (measure's minWake,
// a tenth of PacerTolerance): it wakes at most 10,000 times a second.
const PacerWake = PacerTolerance / 10

// MaxWorkloadRate is the most operations a second drill's workload is asked for: the
// pacer wakes at most every PacerWake, and at 10,000 real HTTP writes a second on a
// 2-core machine it kept only 92–98 % of them within PacerTolerance (client and server
// needing 1.4–1.9 cores between them). A higher rate is not delivered: its trial ends
// with a load far short of what was asked, or not recovered.
const MaxWorkloadRate = float64(time.Second / PacerWake)

// limits refuses, at their line, a probe interval finer than the pacer keeps and a
// workload rate beyond what drill can deliver, stating the limit.
func (v *validator) limits() {
	if iv := v.s.Probes.Interval.D(); iv > 0 && iv < PacerTolerance {
		v.errf("probes.interval", "probes.interval %s is finer than drill can keep: its pacer starts a probe up to %s after its slot "+
			"(waking at most every %s), so use at least %s", iv, PacerTolerance, PacerWake, PacerTolerance)
	}
	if r := v.s.Workload.Rate; r > MaxWorkloadRate {
		v.errf("workload.rate", "workload.rate %s is beyond what drill can deliver: its pacer wakes at most every %s and keeps "+
			"at most %s operations a second on schedule (measured with HTTP writes on 2 cores), so use at most %s",
			rateText(r), PacerWake, rateText(MaxWorkloadRate), rateText(MaxWorkloadRate))
	}
}

// rateText renders a rate as a scenario would write it (1000000000, not 1e+09).
func rateText(r float64) string { return fmt.Sprintf("%.10g", r) }
