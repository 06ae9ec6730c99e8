package measure_test

import (
	"math"
	"runtime"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
)

const procStat = `cpu  10132153 290696 3084719 46828483 16683 0 25195 175628 0 0
cpu0 1393280 32966 572056 13366730 5011 0 17483 88062 0 0
intr 199292 0 0 0 0 0 0 0 0 0 0 0
`

var _ = Describe("the machine's condition", func() {
	It("reads the load averages and the stolen CPU time as /proc shows them", func() {
		l1, l5, l15, ok := measure.ParseLoadavg("11.87 13.02 14.42 3/1234 5678\n")
		Expect(ok).To(BeTrue())
		Expect([]float64{l1, l5, l15}).To(Equal([]float64{11.87, 13.02, 14.42}))
		steal, total, ok := measure.ParseStat(procStat)
		Expect(ok).To(BeTrue())
		Expect(steal).To(Equal(uint64(175628)))
		Expect(total).To(Equal(uint64(10132153 + 290696 + 3084719 + 46828483 + 16683 + 0 + 25195 + 175628)))
	})

	It("refuses text that is not what /proc shows", func() {
		Expect(loads("high")).To(BeEmpty())
		Expect(loads("NaN 1 1")).To(BeEmpty())
		Expect(loads("-1 1 1")).To(BeEmpty())
		_, _, ok := measure.ParseStat("cpu0 1 2 3 4 5 6 7 8\n")
		Expect(ok).To(BeFalse())
		_, _, ok = measure.ParseStat("cpu 1 2 x 4 5 6 7 8\n")
		Expect(ok).To(BeFalse())
		_, _, ok = measure.ParseStat("cpu 18446744073709551615 2 3 4 5 6 7 8\n")
		Expect(ok).To(BeFalse())
	})

	It("states the share stolen between two readings", func() {
		start := measure.Machine{StealTicks: 100, TotalTicks: 1000}
		end := measure.Machine{StealTicks: 150, TotalTicks: 2000}
		Expect(end.StealShare(start)).To(BeNumerically("~", 0.05, 1e-12))
		Expect(start.StealShare(start)).To(BeZero())
	})

	It("reads this machine", func() {
		m := measure.ReadMachine()
		Expect(m.CPUs).To(Equal(runtime.NumCPU()))
		if runtime.GOOS == "linux" {
			Expect(m.Known).To(BeTrue())
			Expect(m.TotalTicks).To(BeNumerically(">", 0))
			Expect(m.String()).To(MatchRegexp(`^load \d+\.\d\d \d+\.\d\d \d+\.\d\d on \d+ CPUs$`))
		}
	})
})

// loads is what ParseLoadavg accepts of s (nothing when it refuses it).
func loads(s string) []float64 {
	if l1, l5, l15, ok := measure.ParseLoadavg(s); ok {
		return []float64{l1, l5, l15}
	}
	return nil
}

func FuzzParseMachine(f *testing.F) {
	f.Add("11.87 13.02 14.42 3/1234 5678\n")
	f.Add(procStat)
	f.Add("cpu 1 2 3 4 5 6 7 18446744073709551615 0\n")
	f.Fuzz(func(t *testing.T, s string) {
		for _, l := range loads(s) {
			if !(l >= 0) || math.IsInf(l, 1) {
				t.Fatalf("load %g from %q", l, s)
			}
		}
		if steal, total, ok := measure.ParseStat(s); ok && steal > total {
			t.Fatalf("steal %d over total %d from %q", steal, total, s)
		}
	})
}
