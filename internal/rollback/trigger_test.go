package rollback_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/scenario"
)

const ms = measure.Offset(time.Millisecond)

// feed sends probes 10ms apart from start ('+' pass, '-' fail, latency lat) and returns
// the detection time, if the trigger fired.
func feed(a *rollback.Automated, start int, spec string, lat measure.Offset) *measure.Offset {
	var fired *measure.Offset
	for i, c := range spec {
		s := measure.Offset(start+i*10) * ms
		at, err := a.Observe(measure.ProbeResult{Seq: i, Start: s, End: s + lat, OK: c == '+'})
		Expect(err).NotTo(HaveOccurred())
		if at != nil {
			Expect(fired).To(BeNil(), "a trigger fires once")
			fired = at
		}
	}
	return fired
}

func trigger(cond string, window time.Duration, minSamples, limit int) *rollback.Automated {
	a, err := rollback.NewAutomated(scenario.Trigger{Kind: "automated", Condition: cond,
		Window: scenario.Duration(window), MinSamples: minSamples, FailureLimit: limit})
	Expect(err).NotTo(HaveOccurred())
	return a
}

var _ = Describe("the automated trigger", func() {
	It("ignores everything before it is armed", func() {
		a := trigger("failures >= 1", 100*time.Millisecond, 1, 1)
		Expect(feed(a, 0, "----", ms)).To(BeNil())
		a.Arm(100 * ms)
		Expect(feed(a, 100, "+-", ms)).To(Equal(ptr(111 * ms)))
	})

	It("evaluates the condition over the window only, at each probe's completion", func() {
		a := trigger("error_rate > 0.5", 50*time.Millisecond, 3, 1)
		a.Arm(0)
		// The window holds the probes that completed in the last 50ms (5 of them). At
		// 61ms it holds "+++--" (0.4), at 71ms "++--+" (0.4), at 81ms "+--+-" (0.6): fire.
		fired := feed(a, 0, "+++++--+---", ms)
		Expect(fired).To(Equal(ptr(81 * ms)))
	})

	It("waits for min_samples and for failure_limit consecutive evaluations", func() {
		a := trigger("consecutive_failures >= 1", time.Second, 4, 1)
		a.Arm(0)
		Expect(feed(a, 0, "---", ms)).To(BeNil())
		b := trigger("consecutive_failures >= 1", time.Second, 1, 3)
		b.Arm(0)
		Expect(feed(b, 0, "--+--", ms)).To(BeNil())
		Expect(feed(b, 50, "-", ms)).To(Equal(ptr(51 * ms)))
	})

	It("sees probe latency quantiles", func() {
		a := trigger("p95_ms > 100", time.Second, 3, 1)
		a.Arm(0)
		Expect(feed(a, 0, "+++", 20*ms)).To(BeNil())
		Expect(feed(a, 30, "+", 150*ms)).To(Equal(ptr(180 * ms)))
	})

	It("refuses a condition that does not compile", func() {
		_, err := rollback.NewAutomated(scenario.Trigger{Condition: "error_rat > 1"})
		Expect(err).To(MatchError(ContainSubstring("error_rat")))
	})
})

func ptr(o measure.Offset) *measure.Offset { return &o }
