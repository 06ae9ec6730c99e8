package measure

import "sort"

// Timing is where a trial's events fell on its clock, and the measures between them.
// A nil field was not observed (e.g. no recovery within the rollback timeout).
type Timing struct {
	Fault Offset `json:"t_fault_ms"`
	// Live is when the change went live: the front switch moved traffic to the new
	// release (nil without a change, or when the change never went live). The impact is
	// looked for from here, so a recreate's own gap is not taken for the defect's.
	Live *Offset `json:"t_live_ms,omitempty"`
	// ChangeGap is the change's own downtime: from a recreate telling the old release to
	// stop until the new one went live (nil for start-first: no gap).
	ChangeGap *Offset `json:"change_gap_ms,omitempty"`
	Impact    *Offset `json:"t_impact_ms,omitempty"`
	Detect    *Offset `json:"t_detect_ms,omitempty"`
	// Wait is how long the rollback waited for the change's in-flight deploy to finish
	// (rollback.wait_for_change), between detect and trigger: its own phase, not TTM.
	Wait    *Offset `json:"wait_ms,omitempty"`
	Trigger *Offset `json:"t_trigger_ms,omitempty"`
	// RollbackEnd is when the rollback's last step ended; only probes started from here
	// count towards recovery (nil when the trial recorded none: then t_trigger).
	RollbackEnd *Offset `json:"t_rollback_end_ms,omitempty"`
	Recovered   *Offset `json:"t_recovered_ms,omitempty"`
	// Relapse is when the service failed again after its first recovery after the
	// rollback (nil: no relapse). A relapse that never healed makes the trial
	// not_recovered; one that healed moves t_recovered to the streak that held.
	Relapse *Offset `json:"t_relapse_ms,omitempty"`

	// TTD = detect − impact; TTM = trigger − detect − wait; TTR = recovered − trigger;
	// RTC = recovered − impact.
	TTD *Offset `json:"ttd_ms,omitempty"`
	TTM *Offset `json:"ttm_ms,omitempty"`
	TTR *Offset `json:"ttr_ms,omitempty"`
	RTC *Offset `json:"rtc_ms,omitempty"`
}

// FirstFailure is when the first failing probe at or after from was sent (Sent).
func FirstFailure(probes []ProbeResult, from Offset) *Offset {
	for _, p := range byStart(probes) {
		if p.Start >= from && !p.OK {
			at := p.Sent()
			return &at
		}
	}
	return nil
}

// Impact is t_impact: the first failing probe of the failure episode the trigger
// detected. Probes from `from` up to detect are scanned; a run of k consecutive passing
// probes ends an episode (the same rule that defines recovery), so a brief blip during
// the change (a recreate deploy's gap) that healed before the real failure is not the
// impact. Without a detection it is the first failure at or after from.
//
// A probe dates its failure by Sent: when a probe that started before detect was resent
// after it, the trigger already held evidence of the failure (it fired on it), so the
// impact is dated no later than detect: t_impact never follows detection for a trigger
// that fired on a failure (a true positive's TTD is ≥ 0).
func Impact(probes []ProbeResult, from Offset, detect *Offset, k int) *Offset {
	if detect == nil {
		return FirstFailure(probes, from)
	}
	var impact *Offset
	passes := 0
	for _, p := range byStart(probes) {
		if p.Start < from || p.Start > *detect {
			continue
		}
		if !p.OK {
			if impact == nil {
				at := min(p.Sent(), *detect)
				impact = &at
			}
			passes = 0
			continue
		}
		if passes++; passes >= k {
			impact = nil
		}
	}
	return impact
}

// FirstRecovery is when the first of k consecutive passing probes, all started at or
// after from, got its answer. A passing probe is dated by its answer, not its request:
// a request sent while the service was still down may wait in a queue and pass once the
// service is back, and only its answer proves service at that instant.
func FirstRecovery(probes []ProbeResult, from Offset, k int) *Offset {
	run := 0
	var first Offset
	for _, p := range byStart(probes) {
		if p.Start < from {
			continue
		}
		if !p.OK {
			run = 0
			continue
		}
		if run == 0 {
			first = p.End
		}
		if run++; run >= k {
			return &first
		}
	}
	return nil
}

// Derive fills the measures from the observed events.
func (t *Timing) Derive() {
	t.TTD = span(t.Impact, t.Detect)
	t.TTM = span(t.Detect, t.Trigger)
	if t.TTM != nil && t.Wait != nil {
		*t.TTM -= *t.Wait
	}
	t.TTR = span(t.Trigger, t.Recovered)
	t.RTC = span(t.Impact, t.Recovered)
}

func span(from, to *Offset) *Offset {
	if from == nil || to == nil {
		return nil
	}
	d := *to - *from
	return &d
}

func byStart(probes []ProbeResult) []ProbeResult {
	s := append([]ProbeResult(nil), probes...)
	sort.Slice(s, func(i, j int) bool { return s[i].Start < s[j].Start })
	return s
}

// Relapse is when the first failing probe after the first recovery streak (k passing
// probes started at or after from) was sent: the service recovered, then failed
// again. Nil when no streak formed or none failed after it.
func Relapse(probes []ProbeResult, from Offset, k int) *Offset {
	k = max(k, 1)
	run := 0
	for _, p := range byStart(probes) {
		if p.Start < from {
			continue
		}
		if run >= k && !p.OK {
			at := p.Sent()
			return &at
		}
		if run >= k {
			continue
		}
		if !p.OK {
			run = 0
			continue
		}
		run++
	}
	return nil
}

// StableRecovery is t_recovered as drill reports it: the answer of the first passing
// probe, started at or after from, from which every later probe passed, provided that
// streak holds at least k probes (a passing probe is dated by its answer, see
// FirstRecovery). A streak that relapsed before the trial ended was not a
// recovery. With no relapse it equals FirstRecovery.
func StableRecovery(probes []ProbeResult, from Offset, k int) *Offset {
	s := byStart(probes)
	run := 0
	var first Offset
	for _, p := range s {
		if p.Start < from {
			continue
		}
		if !p.OK {
			run = 0
			continue
		}
		if run == 0 {
			first = p.End
		}
		run++
	}
	if run < k || run == 0 {
		return nil
	}
	return &first
}
