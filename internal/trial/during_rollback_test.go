package trial_test

import (
	"context"
	"fmt"
	"github.com/drillhq/drill/internal/kinds"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/trial"
)

// degradedRollbackYAML is the bad release rolled back while the service's front proxy adds
// latency, from the rollback's start on.
func degradedRollbackYAML(latency string) string {
	return badReleaseYAML("degraded-rollback", failingV2, "2s", `objectives: {rto: 5s, rpo: 0s}
faults: [{kind: latency, target: ledger, from: rollback, params: {latency: `+latency+`}}]
rollback:
  mechanism: {kind: redeploy, service: ledger}
  trigger: {kind: automated, condition: "error_rate > 0.5", window: 200ms, min_samples: 3}
  timeout: 10s
`)
}

var _ = Describe("a fault scheduled from the rollback's start", func() {
	It("applies while the rollback runs, and the recovery it delays grows with it", func() {
		median := func(latency string) time.Duration {
			sc, err := scenario.Parse("degraded.yaml", []byte(degradedRollbackYAML(latency)), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
			Expect(err).NotTo(HaveOccurred())
			var rtcs []time.Duration
			for i := 1; i <= 3; i++ {
				res := trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New()}, i, int64(i))
				Expect(res.Error).To(BeEmpty())
				Expect(res.Outcome).To(Equal(trial.Recovered))
				names := eventNames(res)
				start := slices.Index(names, trial.EventRollbackStart)
				applied := slices.Index(names, trial.EventFaultApplied)
				Expect(applied).To(BeNumerically(">", start), "applied after the rollback started: %v", names)
				rtcs = append(rtcs, res.Timing.RTC.D())
			}
			slices.Sort(rtcs)
			return rtcs[1]
		}
		low, high := median("100ms"), median("300ms")
		AddReportEntry("RTC with latency from the rollback on", fmt.Sprintf("100ms: median %s; 300ms: median %s", low, high))
		// The first passing probes' answers come through the slowed proxy: 200ms more
		// latency must show as at least half of it in RTC, and never as more than all.
		Expect(high - low).To(BeNumerically(">", 100*time.Millisecond))
		Expect(high - low).To(BeNumerically("<", 300*time.Millisecond))
	})
})
