package measure_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
)

func probes(spec string) []measure.ProbeResult {
	// spec: one char per probe, 10 units apart: '+' pass, '-' fail.
	var out []measure.ProbeResult
	for i, c := range spec {
		out = append(out, measure.ProbeResult{Seq: i, Start: measure.Offset(i * 10), End: measure.Offset(i*10 + 5), OK: c == '+'})
	}
	return out
}

func at(v int) *measure.Offset { o := measure.Offset(v); return &o }

var _ = Describe("timing from probes", func() {
	It("takes t_impact from the failure episode the trigger detected, not an earlier healed blip", func() {
		ps := probes("++-+++--+--+++")
		Expect(measure.FirstFailure(ps, 0)).To(Equal(at(20)))
		Expect(measure.Impact(ps, 0, at(100), 3)).To(Equal(at(60)))
		Expect(measure.Impact(ps, 0, at(100), 4)).To(Equal(at(20)))
		Expect(measure.Impact(ps, 0, nil, 3)).To(Equal(at(20)))
		Expect(measure.Impact(probes("++++"), 0, at(30), 3)).To(BeNil())
	})

	It("takes t_recovered as the answer to the first of k passes, and only a streak that held to the end", func() {
		ps := probes("--+++-++++")
		Expect(measure.FirstRecovery(ps, 0, 3)).To(Equal(at(25)))
		Expect(measure.StableRecovery(ps, 0, 3)).To(Equal(at(65)))
		Expect(measure.StableRecovery(ps, 0, 5)).To(BeNil())
		Expect(measure.FirstRecovery(probes("--++-"), 0, 3)).To(BeNil())
	})

	It("dates t_impact no later than detection when the failing probe was resent after it", func() {
		ps := probes("++-+")
		ps[2].Resent, ps[2].End = 27, 29
		Expect(measure.Impact(ps, 0, at(24), 3)).To(Equal(at(24)))
		Expect(measure.Impact(ps, 0, at(28), 3)).To(Equal(at(27)))
	})

	It("dates a relapse by the first failure after the first recovery streak", func() {
		Expect(measure.Relapse(probes("--+++-++++"), 0, 3)).To(Equal(at(50)))
		Expect(measure.Relapse(probes("--+++-"), 0, 3)).To(Equal(at(50)))
		Expect(measure.Relapse(probes("--++-+++"), 0, 3)).To(BeNil())
		Expect(measure.Relapse(probes("-+++"), 0, 0)).To(BeNil())
	})

	It("derives TTD, TTM, TTR and RTC, leaving unobserved parts empty", func() {
		tm := measure.Timing{Impact: at(100), Detect: at(150), Trigger: at(160), Recovered: at(400)}
		tm.Derive()
		Expect(tm.TTD).To(Equal(at(50)))
		Expect(tm.TTM).To(Equal(at(10)))
		Expect(tm.TTR).To(Equal(at(240)))
		Expect(tm.RTC).To(Equal(at(300)))
		Expect(*tm.TTD + *tm.TTM + *tm.TTR).To(Equal(*tm.RTC))

		nr := measure.Timing{Impact: at(100), Detect: at(150), Trigger: at(160)}
		nr.Derive()
		Expect(nr.TTR).To(BeNil())
		Expect(nr.RTC).To(BeNil())
	})
})
