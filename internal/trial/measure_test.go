package trial_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/trial"
)

// probesAt is one probe every 10 ms from start ms: '+' passes, '-' fails.
func probesAt(start int, spec string) []measure.ProbeResult {
	var out []measure.ProbeResult
	for i, c := range spec {
		at := *off(start + i*10)
		out = append(out, measure.ProbeResult{Seq: i, Start: at, End: at + *off(5), OK: c == '+'})
	}
	return out
}

// off is v milliseconds on the trial clock.
func off(v int) *measure.Offset { o := measure.Offset(time.Duration(v) * time.Millisecond); return &o }

var _ = Describe("Measure's outcome and its reason", func() {
	params := trial.Params{RecoverAfter: 3}
	// fired is a trial that failed from 30, detected at 50 and rolled back at 60.
	fired := func(outcome trial.Outcome, probes string) trial.Result {
		return trial.Result{Outcome: outcome, Probes: probesAt(0, probes),
			Timing: measure.Timing{Fault: *off(10), Detect: off(50), Trigger: off(60), RollbackEnd: off(60)}}
	}

	It("turns a recovery that relapsed into not_recovered, naming the relapse and dating it", func() {
		r := fired(trial.Recovered, "+++-----+++-----")
		trial.Measure(&r, params)
		Expect(r.Outcome).To(Equal(trial.NotRecovered))
		Expect(r.Timing.Relapse).To(Equal(off(110)))
		Expect(r.Reason).To(ContainSubstring("relapsed at 110ms"))
	})

	It("keeps a relapse that healed on the timeline of a recovered trial", func() {
		r := fired(trial.Recovered, "+++-----+++-++++")
		trial.Measure(&r, params)
		Expect(r.Outcome).To(Equal(trial.Recovered))
		Expect(r.Timing.Relapse).To(Equal(off(110)))
		Expect(r.Timing.Recovered).To(Equal(off(125)))
		Expect(r.Reason).To(BeEmpty())
	})

	It("names the failed rollback, a decision that did not roll back, and a timeout", func() {
		r := fired(trial.NotRecovered, "+++------")
		r.Events = []trial.Event{{At: *off(70), Name: trial.EventRollbackFailed, Detail: "hook exited 1"}}
		trial.Measure(&r, params)
		Expect(r.Reason).To(Equal("rollback failed: hook exited 1"))

		r = fired(trial.NotRecovered, "+++------")
		r.Timing.Trigger, r.Timing.RollbackEnd = nil, nil
		r.Decision = &rollback.Decision{Kind: "hybrid", Verdict: "timeout_abort"}
		trial.Measure(&r, params)
		Expect(r.Reason).To(Equal("the decision did not roll back (timeout_abort)"))

		r = fired(trial.NotRecovered, "+++------")
		trial.Measure(&r, params)
		Expect(r.Reason).To(Equal("no 3 consecutive passing probes after the rollback before its timeout"))
	})

	It("never takes a recreate's own gap for the defect's impact, in a plain trial as in a control", func() {
		// A good release deployed recreate: the old release stops at 100 ms, the new one
		// is live at 150 ms; the trigger fired on the gap at 120 ms.
		r := fired(trial.Recovered, "++++++++++-----++++++")
		r.Events = []trial.Event{{At: *off(100), Name: trial.EventChangePrefix.With("old_stopping")}}
		r.Timing.Live, r.Timing.Trigger, r.Timing.RollbackEnd = off(150), off(160), off(160)
		r.Timing.Detect = off(120)
		trial.Measure(&r, params)
		Expect(r.Timing.Impact).To(BeNil())
		Expect(r.FalsePositive).To(BeTrue())
		Expect(r.Timing.RTC).To(BeNil())

		// A bad release deployed recreate: the gap is not the impact; the failure once
		// it went live is.
		r = fired(trial.Recovered, "++++++++++--++----++++++")
		r.Events = []trial.Event{{At: *off(100), Name: trial.EventChangePrefix.With("old_stopping")}}
		r.Timing.Live, r.Timing.Detect, r.Timing.Trigger, r.Timing.RollbackEnd = off(120), off(160), off(160), off(170)
		trial.Measure(&r, params)
		Expect(r.Timing.Impact).To(Equal(off(140)))
		Expect(r.FalsePositive).To(BeFalse())
	})

	It("never dates t_impact after the detection it caused: a true positive, not a false one", func() {
		r := fired(trial.Recovered, "+++++-+++")
		r.Probes[5].Resent, r.Probes[5].End = *off(52), *off(55)
		trial.Measure(&r, params)
		Expect(r.Timing.Impact).To(Equal(off(50)))
		Expect(r.FalsePositive).To(BeFalse())
		Expect(*r.Timing.TTD).To(BeZero())
	})
})
