package measure

import "sort"

// Loss is the Jepsen set-checker view of a workload's history against the final read.
// Every write is exactly one of: stable, lost, recovered, failed-but-present, never read;
// the raw history (drill check) gives each write's own outcome.
type Loss struct {
	Attempted int `json:"attempted"`
	// Stable: acknowledged and present in the final read.
	Stable int `json:"stable,omitempty"`
	// NeverRead: not acknowledged (failed or unknown) and absent from the final read.
	NeverRead int `json:"never_read,omitempty"`
	Acked     int `json:"acked"`
	Failed    int `json:"failed"`
	Unknown   int `json:"unknown"`
	// Lost: acknowledged writes absent from the final read.
	Lost []string `json:"lost"`
	// Unexpected: present in the final read but never attempted.
	Unexpected []string `json:"unexpected"`
	// Recovered: writes of unknown outcome that did survive.
	Recovered []string `json:"recovered"`
	// FailedPresent: writes the service refused that are nevertheless present.
	FailedPresent []string `json:"failed_present"`
	// OldestLostAck is when the oldest lost write was acknowledged.
	OldestLostAck *Offset `json:"oldest_lost_ack_ms,omitempty"`
	// RPC is the span from the oldest lost acknowledged write to t_impact: how far back
	// in time acknowledged data was lost. 0 when nothing acknowledged was lost, and
	// also 0 when every lost write was acknowledged after t_impact (see Lost).
	RPC Offset `json:"rpc_ms"`
}

// CheckLoss compares the history with the ids the service holds at the end.
func CheckLoss(ops []Op, final []string, impact Offset) Loss {
	held := make(map[string]bool, len(final))
	for _, id := range final {
		held[id] = true
	}
	attempted := make(map[string]bool, len(ops))
	l := Loss{Attempted: len(ops), Lost: []string{}, Unexpected: []string{}, Recovered: []string{}, FailedPresent: []string{}}
	for _, op := range ops {
		attempted[op.ID] = true
		switch op.Outcome {
		case OK:
			l.Acked++
			if held[op.ID] {
				l.Stable++
			}
			if !held[op.ID] {
				l.Lost = append(l.Lost, op.ID)
				if l.OldestLostAck == nil || op.Complete < *l.OldestLostAck {
					at := op.Complete
					l.OldestLostAck = &at
				}
			}
		case Fail:
			l.Failed++
			if held[op.ID] {
				l.FailedPresent = append(l.FailedPresent, op.ID)
			} else {
				l.NeverRead++
			}
		case Unknown:
			l.Unknown++
			if held[op.ID] {
				l.Recovered = append(l.Recovered, op.ID)
			} else {
				l.NeverRead++
			}
		}
	}
	for _, id := range final {
		if !attempted[id] {
			l.Unexpected = append(l.Unexpected, id)
		}
	}
	if l.OldestLostAck != nil && *l.OldestLostAck < impact {
		l.RPC = impact - *l.OldestLostAck
	}
	for _, s := range [][]string{l.Lost, l.Unexpected, l.Recovered, l.FailedPresent} {
		sort.Strings(s)
	}
	return l
}
