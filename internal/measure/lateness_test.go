package measure_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
)

var _ = Describe("ProbeLateness", func() {
	at := func(seq int, start time.Duration) measure.ProbeResult {
		return measure.ProbeResult{Seq: seq, Start: measure.Offset(start)}
	}

	It("is the latest start after the probe's place on the schedule", func() {
		probes := []measure.ProbeResult{at(0, 5*time.Millisecond), at(1, 30*time.Millisecond), at(2, 62*time.Millisecond), at(3, 80*time.Millisecond)}
		Expect(measure.ProbeLateness(probes, 25*time.Millisecond)).To(Equal(measure.Offset(7 * time.Millisecond)))
	})

	It("anchors the schedule on the earliest probe, so a late first probe hides nothing", func() {
		probes := []measure.ProbeResult{at(2, 50*time.Millisecond), at(0, 9*time.Millisecond), at(1, 25*time.Millisecond)}
		Expect(measure.ProbeLateness(probes, 25*time.Millisecond)).To(Equal(measure.Offset(9 * time.Millisecond)))
	})

	It("is 0 for probes on schedule and for fewer than two probes", func() {
		Expect(measure.ProbeLateness([]measure.ProbeResult{at(0, 0), at(1, 25*time.Millisecond)}, 25*time.Millisecond)).To(BeZero())
		Expect(measure.ProbeLateness([]measure.ProbeResult{at(4, time.Second)}, 25*time.Millisecond)).To(BeZero())
		Expect(measure.ProbeLateness(nil, 25*time.Millisecond)).To(BeZero())
	})
})
