package check_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/drillhq/drill/internal/check"
)

// syntheticLedger is a clean 100-account ledger after n transfers, with the workload's
// intended amounts and id lists.
func syntheticLedger(n int) (check.LedgerState, map[string]int64, []string) {
	const accts = 100
	s := check.LedgerState{Balances: make(map[string]int64, accts), IDs: make([]string, n), Transfers: make([]check.Transfer, n)}
	for a := range accts {
		s.Balances[fmt.Sprintf("a%d", a)] = opening
	}
	intended := make(map[string]int64, n)
	for i := range n {
		t := check.Transfer{ID: fmt.Sprintf("t-%d", i), From: fmt.Sprintf("a%d", i%accts), To: fmt.Sprintf("a%d", (i*7+1)%accts), Amount: int64(1 + i%100)}
		s.IDs[i], s.Transfers[i], intended[t.ID] = t.ID, t, t.Amount
		s.Balances[t.From] -= t.Amount
		s.Balances[t.To] += t.Amount
	}
	return s, intended, s.IDs
}

// BenchmarkCheckers100k runs each checker on a 100,000-operation history: the ledger
// checks on 100k transfers, porcupine on 100k key-value ops over 1,000 and over 100 keys
// from 100 concurrent clients (timeout 30s).
func BenchmarkCheckers100k(b *testing.B) {
	const n = 100_000
	s, intended, ids := syntheticLedger(n)
	b.Run("conservation", func(b *testing.B) {
		for b.Loop() {
			if f := check.Conservation(s, 100*opening, intended); f.Status != check.Pass {
				b.Fatal(f.Message)
			}
		}
	})
	b.Run("exactly-once", func(b *testing.B) {
		for b.Loop() {
			if f := check.ExactlyOnce(s, opening); f.Status != check.Pass {
				b.Fatal(f.Message)
			}
		}
	})
	b.Run("lost-writes", func(b *testing.B) {
		for b.Loop() {
			if f := check.LostWrites(ids, ids, ids); f.Status != check.Pass {
				b.Fatal(f.Message)
			}
		}
	})
	for _, keys := range []int{1000, 100} {
		h := concurrentHistory(3, 100, n/100, keys)
		b.Run(fmt.Sprintf("linearizable-%dkeys", keys), func(b *testing.B) {
			for b.Loop() {
				if f := check.Linearizable(h, 30*time.Second); f.Status != check.Pass {
					b.Fatal(f.Message)
				}
			}
		})
	}
}
