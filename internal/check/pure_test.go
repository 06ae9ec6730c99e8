package check_test

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/check"
)

// cleanState is three accounts of 100 after t-1 (a0→a1, 10) and t-2 (a1→a2, 5).
func cleanState() check.LedgerState {
	return check.LedgerState{
		Balances: map[string]int64{"a0": 90, "a1": 105, "a2": 105},
		IDs:      []string{"t-1", "t-2"},
		Transfers: []check.Transfer{
			{ID: "t-1", From: "a0", To: "a1", Amount: 10},
			{ID: "t-2", From: "a1", To: "a2", Amount: 5},
		},
	}
}

var intended = map[string]int64{"t-1": 10, "t-2": 5, "t-3": 7}

var _ = Describe("Status and Finding", func() {
	It("names statuses in text and JSON and reads them back", func() {
		Expect(check.Pass.String()).To(Equal("pass"))
		Expect(check.Fail.String()).To(Equal("fail"))
		Expect(check.Unknown.String()).To(Equal("unknown"))
		Expect(check.Status(9).String()).To(Equal("status(9)"))
		b, err := json.Marshal(check.Finding{Checker: "x", Status: check.Fail, Message: "m", IDs: []string{"t-1"}})
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(Equal(`{"checker":"x","status":"fail","message":"m","ids":["t-1"]}`))
		var f check.Finding
		Expect(json.Unmarshal(b, &f)).To(Succeed())
		Expect(f.Status).To(Equal(check.Fail))
		Expect(json.Unmarshal([]byte(`{"status":"maybe"}`), &f)).To(MatchError(ContainSubstring(`unknown status "maybe"`)))
		_, err = json.Marshal(check.Finding{Status: check.Status(-1)})
		Expect(err).To(HaveOccurred())
	})
})

var _ = Describe("Conservation", func() {
	It("passes when the sum holds and stored amounts are the requested ones", func() {
		f := check.Conservation(cleanState(), 300, intended)
		Expect(f).To(Equal(check.Finding{Checker: "conservation", Status: check.Pass,
			Message: "3 accounts sum to 300; 2 stored amounts match the requested ones"}))
	})

	It("fails on a sum discrepancy", func() {
		s := cleanState()
		s.Balances["a2"] += 3
		f := check.Conservation(s, 300, nil)
		Expect(f.Status).To(Equal(check.Fail))
		Expect(f.Message).To(Equal("balances sum to 303, want 300 (+3)"))
		Expect(f.IDs).To(BeEmpty())
	})

	It("fails naming the transfers stored with other amounts, even when the sum holds", func() {
		s := cleanState()
		s.Transfers[1].Amount = 6
		s.Balances["a1"], s.Balances["a2"] = 104, 106
		f := check.Conservation(s, 300, intended)
		Expect(f.Status).To(Equal(check.Fail))
		Expect(f.Message).To(Equal("1 transfers stored amounts other than requested: t-2 (6, want 5)"))
		Expect(f.IDs).To(Equal([]string{"t-2"}))
	})
})

var _ = Describe("ExactlyOnce", func() {
	It("passes when each id is listed once and balances show one application each", func() {
		Expect(check.ExactlyOnce(cleanState(), 100)).To(Equal(check.Finding{Checker: "exactly-once", Status: check.Pass,
			Message: "2 transfer ids, each applied once"}))
	})

	It("fails naming ids listed twice", func() {
		s := cleanState()
		s.IDs = append(s.IDs, "t-2", "t-1", "t-2")
		f := check.ExactlyOnce(s, 100)
		Expect(f.Status).To(Equal(check.Fail))
		Expect(f.Message).To(Equal("2 transfer ids applied more than once: t-1 (x2), t-2 (x3)"))
		Expect(f.IDs).To(Equal([]string{"t-1", "t-2"}))
	})

	It("fails naming accounts whose balances show an effect beyond one application", func() {
		s := cleanState()
		s.Balances["a0"], s.Balances["a1"] = 80, 115 // t-1 applied twice, listed once
		f := check.ExactlyOnce(s, 100)
		Expect(f.Status).To(Equal(check.Fail))
		Expect(f.Message).To(Equal("balances of 2 accounts differ from applying each listed transfer once: a0 (80, want 90), a1 (115, want 105)"))
		Expect(f.IDs).To(Equal([]string{"a0", "a1"}))
	})

	It("checks ids alone when amounts were not captured", func() {
		s := cleanState()
		s.Transfers = nil
		Expect(check.ExactlyOnce(s, 0)).To(HaveField("Status", check.Pass))
	})
})

var _ = Describe("LostWrites", func() {
	It("passes when every acknowledged write is held", func() {
		f := check.LostWrites([]string{"t-1", "t-2"}, []string{"t-1", "t-2", "t-3"}, []string{"t-2", "t-1", "t-3"})
		Expect(f.Status).To(Equal(check.Pass))
	})

	It("fails naming lost and unexpected ids", func() {
		f := check.LostWrites([]string{"t-1", "t-2", "t-3"}, []string{"t-1", "t-2", "t-3"}, []string{"t-2", "x-9"})
		Expect(f.Status).To(Equal(check.Fail))
		Expect(f.Message).To(Equal("2 of 3 acknowledged writes lost: t-1, t-3; 1 never attempted but present: x-9"))
		Expect(f.IDs).To(Equal([]string{"t-1", "t-3", "x-9"}))
	})

	It("names the first ten and counts the rest", func() {
		var acked []string
		for _, c := range "abcdefghijkl" {
			acked = append(acked, string(c))
		}
		f := check.LostWrites(acked, nil, nil)
		Expect(f.Message).To(Equal("12 of 12 acknowledged writes lost: a, b, c, d, e, f, g, h, i, j and 2 more"))
		Expect(f.IDs).To(HaveLen(12))
	})
})

var _ = Describe("Schema", func() {
	DescribeTable("compares data, code and expected schema versions",
		func(info check.SchemaInfo, status check.Status, msg string) {
			Expect(check.Schema(info)).To(Equal(check.Finding{Checker: "schema", Status: status, Message: msg}))
		},
		Entry("match", check.SchemaInfo{DataSchema: 2, CodeSchema: 2}, check.Pass, "data and code schema 2"),
		Entry("rollback over migrated data", check.SchemaInfo{Release: "v1", DataSchema: 2, CodeSchema: 1}, check.Fail,
			"data schema 2 does not match running code schema 1 (release v1)"),
		Entry("wrong code for the release", check.SchemaInfo{DataSchema: 1, CodeSchema: 1, Expected: 2}, check.Fail,
			"running code schema 1, want 2"),
		Entry("not reported", check.SchemaInfo{CodeSchema: 1}, check.Unknown, "schema versions not reported: data 0, code 1"),
	)
})
