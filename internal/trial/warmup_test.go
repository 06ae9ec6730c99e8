package trial_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

var _ = Describe("the warm-up on the process runtime", func() {
	It("waits for the probes still in flight when it ends: a slow answer is not a missing one", func() {
		sc := withProbe("interval: 20ms, timeout: 1s, http: {service: ledger, path: /healthz}", "change: {service: ledger, release: v2}")
		sc.Warmup = scenario.Duration(100 * time.Millisecond)
		// v1 answers every probe, each 300 ms late: none is answered when the warm-up ends.
		sc.Stack.Services[0].Releases[0].Env = map[string]string{"LEDGER_DEFECT": "latency", "LEDGER_LATENCY": "300ms"}
		res := runOne(sc)
		Expect(res.Error).To(BeEmpty())
		Expect(res.Outcome).To(Equal(trial.Recovered))
		warm, fault := eventAt(res, trial.EventWarmupStart), eventAt(res, trial.EventFault)
		Expect(warm).NotTo(BeNil())
		Expect(fault).NotTo(BeNil())
		Expect(fault.At-warm.At).To(BeNumerically(">=", measure.Offset(300*time.Millisecond)), "the change waited for the first answers")
	})

	It("still fails a warm-up whose probes are not answered within their timeout, saying so", func() {
		sc := withProbe("interval: 20ms, timeout: 150ms, http: {service: ledger, path: /healthz}", "change: {service: ledger, release: v2}")
		sc.Warmup = scenario.Duration(100 * time.Millisecond)
		sc.Stack.Services[0].Releases[0].Env = map[string]string{"LEDGER_DEFECT": "latency", "LEDGER_LATENCY": "300ms"}
		res := runOne(sc)
		Expect(res.Outcome).To(Equal(trial.Errored))
		Expect(res.Error).To(ContainSubstring("steady state did not hold in the warm-up"))
		Expect(eventAt(res, trial.EventFault)).To(BeNil(), "no change after a failed warm-up")
	})
})
