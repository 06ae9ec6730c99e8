package measure

import (
	"cmp"
	"slices"
)

// ProbeOverlap is how many probes were in flight at once, at most, among those that
// ended by cutoff (a trial's fault: the service still as it started), and how long the
// slowest of them took. Probes run on an open-loop schedule, one every interval
// whatever the ones before are doing, so a probe slower than the interval runs beside
// the next: a service that answers a healthy probe slower than drill asks piles drill's
// own probes (an exec probe each a process) onto the service and the machine it
// measures. 1 means no two overlapped; 0 that no probe ended by cutoff. A cutoff of 0
// or less takes every probe (a trial without a fault).
func ProbeOverlap(probes []ProbeResult, cutoff Offset) (most int, slowest Offset) {
	type edge struct {
		at    Offset
		delta int
	}
	edges := make([]edge, 0, 2*len(probes))
	for _, p := range probes {
		if cutoff > 0 && p.End > cutoff {
			continue
		}
		edges = append(edges, edge{p.Start, 1}, edge{p.End, -1})
		slowest = max(slowest, p.End-p.Start)
	}
	slices.SortFunc(edges, func(a, b edge) int {
		if c := cmp.Compare(a.at, b.at); c != 0 {
			return c
		}
		return a.delta - b.delta // one ending as the next starts: not in flight together
	})
	n := 0
	for _, e := range edges {
		n += e.delta
		most = max(most, n)
	}
	return most, slowest
}
