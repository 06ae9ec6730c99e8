package scenario_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

// minimal is the smallest valid scenario: everything else comes from defaults.
const minimal = `version: 1
name: minimal
objectives: {rto: 5s}
stack:
  services:
    - {name: ledger, fixture: ledger, port: 8080, health: /healthz, release: v1, releases: [{name: v1}, {name: v2}]}
workload: {kind: ledger, service: ledger}
probes: {http: {service: ledger}}
change: {service: ledger, release: v2}
rollback:
  mechanism: {kind: redeploy}
  trigger: {kind: automated, condition: error_rate > 0.5}
`

var _ = Describe("defaults", func() {
	It("fills every unset key", func() {
		s, err := scenario.Parse("m.yaml", []byte(minimal), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Trials).To(Equal(5))
		Expect(s.Objectives).To(Equal(scenario.Objectives{RTO: scenario.Duration(5 * time.Second), Quantile: 0.9, Confidence: 0.95, SuccessRate: 1}))
		Expect(s.Probes.Interval.D()).To(Equal(25 * time.Millisecond))
		Expect(s.Probes.Timeout.D()).To(Equal(500 * time.Millisecond))
		Expect(s.Probes.RecoverAfter).To(Equal(3))
		Expect(s.Probes.HTTP.Method).To(Equal("GET"))
		Expect(s.Probes.HTTP.Status).To(Equal(200))
		Expect(s.Probes.HTTP.Path).To(Equal("/healthz"), "the probed service's health path")
		Expect(s.Warmup.D()).To(Equal(time.Second))
		Expect(s.Workload).To(Equal(scenario.Workload{Kind: "ledger", Service: "ledger", Rate: 50, Accounts: 10, Timeout: scenario.Duration(time.Second)}))
		Expect(s.Rollback.Timeout.D()).To(Equal(30 * time.Second))
		Expect(s.Rollback.Trigger.Window.D()).To(Equal(250 * time.Millisecond))
		Expect(s.Rollback.Trigger.FailureLimit).To(Equal(1))
		Expect(s.Rollback.Trigger.MinSamples).To(Equal(3))
		Expect(s.Stack.Services[0].StartTimeout.D()).To(Equal(15 * time.Second))
		Expect(s.Rollback.Mechanism.Service).To(Equal("ledger"), "the change's service")
		Expect(s.Verify.FinalRead).To(BeTrue(), "a ledger workload is read back")
	})

	It("keeps explicit values, including false and zero that are valid", func() {
		doc := minimal + "verify: {final_read: false}\nwarmup: 0s\nseed: 0\n"
		s, err := scenario.Parse("m.yaml", []byte(doc), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Verify.FinalRead).To(BeFalse())
		Expect(s.Warmup).To(BeZero())
	})

	It("does not default an explicit zero into a valid value", func() {
		e := firstError(edit(minimal, "objectives: {rto: 5s}", "objectives: {rto: 5s, success_rate: 0}"))
		Expect(e.Msg).To(ContainSubstring("objectives.success_rate must be in (0, 1], got 0"))
		Expect(e.Line).To(Equal(3))
	})

	It("treats an empty value as unset", func() {
		s, err := scenario.Parse("m.yaml", []byte(minimal+"trials:\n"), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Trials).To(Equal(5))
	})

	It("uses workload none and no final read when the workload is left out", func() {
		s, err := scenario.Parse("m.yaml", []byte(edit(minimal, "workload: {kind: ledger, service: ledger}\n", "")), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Workload).To(Equal(scenario.Workload{Kind: "none"}))
		Expect(s.Verify.FinalRead).To(BeFalse())
	})

	It("fills zero fields of a scenario built in Go", func() {
		s := &scenario.Scenario{Workload: scenario.Workload{Kind: "ledger"}}
		s.ApplyDefaults(scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(s.Trials).To(Equal(5))
		Expect(s.Workload.Accounts).To(Equal(10))
		Expect(s.Verify.FinalRead).To(BeFalse(), "a Go caller decides final_read")
	})
})
