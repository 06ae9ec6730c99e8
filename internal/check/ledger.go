package check

import (
	"fmt"
	"slices"
	"strings"
)

// Transfer is one applied transfer as the ledger stored it.
type Transfer struct {
	ID     string `json:"id"`
	From   string `json:"from"`
	To     string `json:"to"`
	Amount int64  `json:"amount"`
}

// LedgerState is a ledger's final state as captured after recovery: every account's
// balance and the applied transfers in apply order (an id applied twice listed twice).
// Transfers may be empty when only ids were captured; checkers that need amounts then
// check what they can.
type LedgerState struct {
	Balances  map[string]int64 `json:"balances"`
	IDs       []string         `json:"ids"`
	Transfers []Transfer       `json:"transfers,omitempty"`
}

// Checker names of the ledger checks.
const (
	NameConservation = "conservation"
	NameExactlyOnce  = "exactly-once"
)

// Conservation checks that the ledger's money is conserved: the balances sum to
// expectedTotal (accounts × opening balance), and, when intended (the workload's
// transfer id → requested amount) is given, that no stored transfer moved an amount
// other than the one requested. A Fail names the discrepancy and the transfer ids
// whose amounts differ.
func Conservation(s LedgerState, expectedTotal int64, intended map[string]int64) Finding {
	var total int64
	for _, b := range s.Balances {
		total += b
	}
	var wrong []string
	var details []string
	seen := map[string]bool{}
	for _, t := range s.Transfers {
		want, ok := intended[t.ID]
		if !ok || want == t.Amount || seen[t.ID] {
			continue
		}
		seen[t.ID] = true
		wrong = append(wrong, t.ID)
		if len(details) < maxListed {
			details = append(details, fmt.Sprintf("%s (%d, want %d)", t.ID, t.Amount, want))
		}
	}
	var problems []string
	if total != expectedTotal {
		problems = append(problems, fmt.Sprintf("balances sum to %d, want %d (%+d)", total, expectedTotal, total-expectedTotal))
	}
	if len(wrong) > 0 {
		more := ""
		if len(wrong) > len(details) {
			more = fmt.Sprintf(" and %d more", len(wrong)-len(details))
		}
		problems = append(problems, fmt.Sprintf("%d transfers stored amounts other than requested: %s%s",
			len(wrong), strings.Join(details, ", "), more))
	}
	if len(problems) > 0 {
		return fail(NameConservation, strings.Join(problems, "; "), wrong)
	}
	msg := fmt.Sprintf("%d accounts sum to %d", len(s.Balances), total)
	if intended != nil && len(s.Transfers) > 0 {
		msg += fmt.Sprintf("; %d stored amounts match the requested ones", len(s.Transfers))
	}
	return pass(NameConservation, msg)
}

// ExactlyOnce checks that no transfer id was applied twice: none is listed twice, and,
// when the stored transfers were captured, the balances are exactly those of applying
// each listed transfer once to accounts that each opened with opening. A Fail names
// the duplicated ids, or the accounts whose balances show an effect beyond one
// application.
func ExactlyOnce(s LedgerState, opening int64) Finding {
	ids := s.IDs
	if len(ids) == 0 {
		for _, t := range s.Transfers {
			ids = append(ids, t.ID)
		}
	}
	counts := make(map[string]int, len(ids))
	var dups []string
	for _, id := range ids {
		counts[id]++
		if counts[id] == 2 {
			dups = append(dups, id)
		}
	}
	if len(dups) > 0 {
		slices.Sort(dups)
		named := make([]string, 0, min(len(dups), maxListed))
		for _, id := range dups[:min(len(dups), maxListed)] {
			named = append(named, fmt.Sprintf("%s (x%d)", id, counts[id]))
		}
		more := ""
		if len(dups) > maxListed {
			more = fmt.Sprintf(" and %d more", len(dups)-maxListed)
		}
		return fail(NameExactlyOnce, fmt.Sprintf("%d transfer ids applied more than once: %s%s",
			len(dups), strings.Join(named, ", "), more), dups)
	}
	if len(s.Transfers) == 0 {
		return pass(NameExactlyOnce, fmt.Sprintf("%d transfer ids, none repeated (balance effects not captured)", len(ids)))
	}
	want := make(map[string]int64, len(s.Balances))
	for acct := range s.Balances {
		want[acct] = opening
	}
	for _, t := range s.Transfers {
		want[t.From] -= t.Amount
		want[t.To] += t.Amount
	}
	var off []string
	for acct, b := range s.Balances {
		if want[acct] != b {
			off = append(off, acct)
		}
	}
	for acct := range want {
		if _, ok := s.Balances[acct]; !ok {
			off = append(off, acct)
		}
	}
	if len(off) > 0 {
		slices.Sort(off)
		named := make([]string, 0, min(len(off), maxListed))
		for _, acct := range off[:min(len(off), maxListed)] {
			named = append(named, fmt.Sprintf("%s (%d, want %d)", acct, s.Balances[acct], want[acct]))
		}
		more := ""
		if len(off) > maxListed {
			more = fmt.Sprintf(" and %d more", len(off)-maxListed)
		}
		return fail(NameExactlyOnce, fmt.Sprintf("balances of %d accounts differ from applying each listed transfer once: %s%s",
			len(off), strings.Join(named, ", "), more), off)
	}
	return pass(NameExactlyOnce, fmt.Sprintf("%d transfer ids, each applied once", len(ids)))
}
