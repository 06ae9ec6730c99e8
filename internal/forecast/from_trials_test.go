package forecast_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/forecast"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/trial"
)

func off(d time.Duration) *measure.Offset { o := measure.Offset(d); return &o }

var _ = Describe("the parts of a run's trials", func() {
	It("keep each trial's detection and execution and pool the modelled decisions", func() {
		recovered := func(i int) trial.Result {
			modelled := time.Duration(i+1) * time.Minute
			return trial.Result{Index: i, Outcome: trial.Recovered,
				Timing: measure.Timing{TTD: off(2 * time.Second), TTM: off(time.Second), RTC: off(8 * time.Second)},
				Decision: &rollback.Decision{Kind: "manual", Proceed: true, Modelled: measure.Offset(modelled),
					ModelledRTC: off(8*time.Second - time.Second + modelled)}}
		}
		trials := []trial.Result{recovered(0), recovered(1),
			{Index: 2, Outcome: trial.NotRecovered, Timing: measure.Timing{TTD: off(time.Second)},
				Decision: &rollback.Decision{Kind: "hybrid", Proceed: false, Modelled: measure.Offset(10 * time.Minute)}},
			{Index: 3, Outcome: trial.Errored},
			{Index: 4, Outcome: trial.ControlQuiet, Control: true},
			{Index: 5, Outcome: trial.Recovered, FalsePositive: true},
		}
		in, err := forecast.FromTrials(15*time.Minute, trials)
		Expect(err).NotTo(HaveOccurred())
		Expect(in.Trials).To(HaveLen(3), "errored, control and false-positive trials are not incidents")
		Expect(in.Trials[0]).To(Equal(forecast.Trial{Recovered: true, Detect: 2 * time.Second, Decide: time.Minute,
			Execute: 5 * time.Second}))
		Expect(in.Trials[2].Recovered).To(BeFalse())
		Expect(in.Decision.Draws()).To(Equal(2), "the aborted decision does not join the pool")
		Expect(in.DecisionSource).To(ContainSubstring("2 modelled decisions"))
	})

	It("keep an automated trial's own measured decision", func() {
		in, err := forecast.FromTrials(time.Minute, []trial.Result{{Outcome: trial.Recovered,
			Timing: measure.Timing{TTD: off(time.Second), TTM: off(0), RTC: off(3 * time.Second)}}})
		Expect(err).NotTo(HaveOccurred())
		Expect(in.Decision).To(BeNil())
		Expect(in.Trials).To(Equal([]forecast.Trial{{Recovered: true, Detect: time.Second, Execute: 2 * time.Second}}))
	})
})
