package report

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("chart tick labels", func() {
	labels := func(lo, hi float64) []string {
		var out []string
		for _, t := range (cleanTicks{}).Ticks(lo, hi) {
			if t.Label != "" {
				out = append(out, t.Label)
			}
		}
		return out
	}

	It("write a half-step tick with its decimal (2.5 s is not \"2\")", func() {
		Expect(labels(0, 5.2)).To(ContainElement("2.5"))
		Expect(labels(0, 5.2)).NotTo(ContainElement("2"))
	})

	It("write whole ticks without decimals and keep the decimals a fine spacing needs", func() {
		Expect(labels(0, 1000)).To(Equal([]string{"0", "500", "1000"}))
		Expect(labels(0, 0.3)).To(Equal([]string{"0.00", "0.15", "0.30"})) // one precision per axis
		Expect(tickDecimals([]float64{0, 0.25, 0.5})).To(Equal(2))
		Expect(tickDecimals([]float64{0, 250, 500})).To(Equal(0))
	})
})
