package check_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/fixtures/ledger/truth"
	"github.com/drillhq/drill/internal/check"
)

const accounts = 5

// finalIDs returns the ids the ledger holds.
func finalIDs(l *check.Ledger) []string {
	GinkgoHelper()
	s, err := l.State(context.Background())
	Expect(err).NotTo(HaveOccurred())
	return s.IDs
}

var _ = Describe("against the real ledger fixture", func() {
	ctx := context.Background()

	It("passes every checker on a clean release", func() {
		p := startLedger(GinkgoT().TempDir(), "LEDGER_RELEASE=v1")
		p.openAccounts(accounts)
		var w workload
		p.transfers(&w, accounts, 0, 60)
		kv := check.NewKVClient(p.endpoint, time.Now())
		kvWorkload(kv, 4, 3, 15)

		fetch := check.NewLedger(p.endpoint, check.WithTimeout(5*time.Second))
		state, err := fetch.State(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(state.Transfers).To(HaveLen(60))
		Expect(check.Conservation(state, accounts*opening, w.intended)).To(HaveField("Status", check.Pass))
		Expect(check.ExactlyOnce(state, opening)).To(HaveField("Status", check.Pass))
		Expect(check.LostWrites(w.acked, w.attempted, state.IDs)).To(HaveField("Status", check.Pass))
		Expect(check.Linearizable(kv.History(), 10*time.Second)).To(HaveField("Status", check.Pass))
		Expect(kv.History()).To(HaveLen(4 * 15 * 2))

		schema := check.Live(check.NameSchema, fetch.Schema, check.Schema)
		Expect(schema.Check(ctx)).To(Equal(check.Finding{Checker: "schema", Status: check.Pass, Message: "data and code schema 1 (release v1)"}))
	})

	It("conservation catches corrupt, naming the transfers whose amounts differ", func() {
		p := startLedger(GinkgoT().TempDir(), "LEDGER_DEFECT=corrupt")
		p.openAccounts(accounts)
		var w workload
		p.transfers(&w, accounts, 0, 20)
		fetch := check.NewLedger(p.endpoint)
		c := check.Live(check.NameConservation, fetch.State, func(s check.LedgerState) check.Finding {
			return check.Conservation(s, accounts*opening, w.intended)
		})
		f := c.Check(ctx)
		Expect(f.Status).To(Equal(check.Fail))
		Expect(f.IDs).To(ConsistOf(w.acked))
		Expect(f.Message).To(HavePrefix("20 transfers stored amounts other than requested: t-"))
		Expect(f.Message).To(ContainSubstring("t-3 (5, want 4)"))
	})

	It("exactly-once catches duplicate, naming the ids applied twice", func() {
		p := startLedger(GinkgoT().TempDir(), "LEDGER_DEFECT=duplicate", "LEDGER_DUP_RATE=0.3", "LEDGER_SEED=11")
		p.openAccounts(accounts)
		var w workload
		p.transfers(&w, accounts, 0, 40)
		fetch := check.NewLedger(p.endpoint)
		state, err := fetch.State(ctx)
		Expect(err).NotTo(HaveOccurred())
		var twice []string
		for _, id := range w.acked {
			if n := len(slices.DeleteFunc(slices.Clone(state.IDs), func(s string) bool { return s != id })); n > 1 {
				twice = append(twice, id)
			}
		}
		Expect(twice).NotTo(BeEmpty())

		f := check.ExactlyOnce(state, opening)
		Expect(f.Status).To(Equal(check.Fail))
		Expect(f.IDs).To(ConsistOf(twice))
		Expect(f.Message).To(ContainSubstring(twice[0] + " (x2)"))
		Expect(check.Conservation(state, accounts*opening, w.intended)).To(HaveField("Status", check.Pass),
			"a duplicate moves money twice but conserves it")
	})

	It("lost-writes catches droptail after a kill, naming what the truth file says was lost", func() {
		dir := GinkgoT().TempDir()
		p := startLedger(dir, "LEDGER_DEFECT=droptail", "LEDGER_DROP_WINDOW=1s", "LEDGER_DURABILITY=always")
		p.openAccounts(accounts)
		fetch := check.NewLedger(p.endpoint)
		var w workload
		p.transfers(&w, accounts, 0, 10)
		Eventually(func() (string, error) { // the first ten are durable
			b, err := os.ReadFile(filepath.Join(dir, "wal.log"))
			return string(b), err
		}).WithTimeout(5 * time.Second).Should(ContainSubstring(`"id":"t-9"`))
		p.transfers(&w, accounts, 10, 10)
		Expect(check.LostWrites(w.acked, w.attempted, finalIDs(fetch))).To(HaveField("Status", check.Pass), "acknowledged and visible")
		p.kill()

		q := startLedger(dir)
		after := check.NewLedger(q.endpoint)
		f := check.LostWrites(w.acked, w.attempted, finalIDs(after))
		Expect(f.Status).To(Equal(check.Fail))
		events, err := truth.Read(filepath.Join(dir, "truth.jsonl"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.IDs).To(HaveLen(10))
		Expect(f.IDs).To(Equal(truth.Lost(events)))
		Expect(f.Message).To(ContainSubstring("acknowledged writes lost: " + f.IDs[0]))
	})

	It("schema catches a rollback over data a newer release migrated", func() {
		dir := GinkgoT().TempDir()
		v2 := startLedger(dir, "LEDGER_RELEASE=v2", "LEDGER_SCHEMA=2")
		v2.openAccounts(accounts)
		v2.kill()
		v1 := startLedger(dir, "LEDGER_RELEASE=v1", "LEDGER_SCHEMA=1")
		c := check.Live(check.NameSchema, check.NewLedger(v1.endpoint).Schema, check.Schema)
		Expect(c.Check(ctx)).To(Equal(check.Finding{Checker: "schema", Status: check.Fail,
			Message: "data schema 2 does not match running code schema 1 (release v1)"}))
	})

	It("linearizable catches stale reads, naming the keys", func() {
		p := startLedger(GinkgoT().TempDir(), "LEDGER_DEFECT=stale", "LEDGER_STALE_RATE=0.5", "LEDGER_SEED=7")
		kv := check.NewKVClient(p.endpoint, time.Now())
		kvWorkload(kv, 2, 2, 30)
		f := check.Linearizable(kv.History(), 10*time.Second)
		Expect(f.Status).To(Equal(check.Fail))
		Expect(f.IDs).NotTo(BeEmpty())
		Expect(f.IDs).To(ContainElements(BeElementOf("k0", "k1")))
		Expect(f.Message).To(HavePrefix("%d of 2 keys not linearizable: %s", len(f.IDs), f.IDs[0]))
	})

	It("answers Unknown when the ledger cannot be reached", func() {
		p := startLedger(GinkgoT().TempDir())
		fetch := check.NewLedger(p.endpoint, check.WithTimeout(2*time.Second))
		p.kill()
		f := check.Live("exactly-once", fetch.State, func(s check.LedgerState) check.Finding { return check.ExactlyOnce(s, opening) }).Check(ctx)
		Expect(f.Status).To(Equal(check.Unknown))
		Expect(f.Checker).To(Equal("exactly-once"))
		Expect(f.Message).To(HavePrefix("get /accounts: "))
	})
})
