package trial

import (
	"github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
)

// An internal spec; ginkgo is not dot-imported because its DSL has a Measure of its own.
var _ = ginkgo.Describe("the linearizable workload's plan", func() {
	cfg := scenario.Linearizable{Service: "ledger", Clients: 3, Keys: 5, Rate: 50}
	plans := func(seed int64) []string {
		k := newKVWorkload(cfg, nil, seed)
		var out []string
		for seq := range 200 {
			c, key, w := k.plan(seq)
			Expect(c).To(Equal(seq % 3))
			out = append(out, key+map[bool]string{true: " write", false: " read"}[w])
		}
		return out
	}

	ginkgo.It("is a function of the seed and seq alone, spreading over every key and both kinds", func() {
		a := plans(42)
		Expect(plans(42)).To(Equal(a))
		Expect(plans(43)).NotTo(Equal(a))
		Expect(a).To(ContainElements("k0 read", "k4 write", "k0 write", "k4 read"))
		for _, p := range a {
			Expect(p).To(MatchRegexp(`^k[0-4] (read|write)$`))
		}
	})
})
