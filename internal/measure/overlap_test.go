package measure_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
)

var _ = Describe("ProbeOverlap", func() {
	ms := func(d int) measure.Offset { return measure.Offset(time.Duration(d) * time.Millisecond) }
	probe := func(start, end int) measure.ProbeResult { return measure.ProbeResult{Start: ms(start), End: ms(end)} }

	It("is 1 when each probe ended before the next started, touching included", func() {
		probes := []measure.ProbeResult{probe(0, 2), probe(25, 50), probe(50, 51), probe(75, 90)}
		most, slowest := measure.ProbeOverlap(probes, 0)
		Expect(most).To(Equal(1))
		Expect(slowest).To(Equal(ms(25)))
	})

	It("counts the probes in flight at once when one outlasts the interval", func() {
		// Every 25 ms a probe taking 80 ms: at 75 ms four have started and none has ended.
		probes := []measure.ProbeResult{probe(0, 80), probe(25, 105), probe(50, 130), probe(75, 155), probe(100, 101)}
		most, slowest := measure.ProbeOverlap(probes, 0)
		Expect(most).To(Equal(4))
		Expect(slowest).To(Equal(ms(80)))
	})

	It("takes only the probes that ended by the cutoff: a slow probe after the fault is the outage's", func() {
		probes := []measure.ProbeResult{probe(0, 3), probe(25, 28), probe(50, 550), probe(75, 575), probe(100, 600)}
		most, slowest := measure.ProbeOverlap(probes, ms(40))
		Expect(most).To(Equal(1))
		Expect(slowest).To(Equal(ms(3)))
		most, _ = measure.ProbeOverlap(probes, 0)
		Expect(most).To(Equal(3), "without a cutoff every probe counts")
	})

	It("is 0 when no probe ended by the cutoff", func() {
		most, slowest := measure.ProbeOverlap([]measure.ProbeResult{probe(0, 100)}, ms(50))
		Expect(most).To(BeZero())
		Expect(slowest).To(BeZero())
		most, _ = measure.ProbeOverlap(nil, 0)
		Expect(most).To(BeZero())
	})
})
