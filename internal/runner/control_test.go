package runner_test

import (
	"context"
	"fmt"
	"github.com/drillhq/drill/internal/kinds"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/runner"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/testenv/dockerenv"
	"github.com/drillhq/drill/internal/testenv/kubeenv"
	"github.com/drillhq/drill/internal/trial"
)

// controlScenario deploys a release identical to the good one (v1b) under the given
// strategy, with the bad-release trigger: every firing is a false positive.
func controlScenario(strategy string, controls int, adapt func(string) string) *scenario.Scenario {
	doc := `
version: 1
name: control
objectives: {rto: 5s, rpo: 0s, false_positive_rate: 0.2}
trials: 1
stack:
  services:
    - name: ledger
      fixture: ledger
      port: 8080
      health: /version
      strategy: ` + strategy + `
      env: {LEDGER_DURABILITY: always}
      release: v1
      releases:
        - name: v1
        - name: v1b
        - name: v2
          env: {LEDGER_DEFECT: errors, LEDGER_ERROR_RATE: "1.0"}
workload: {kind: ledger, service: ledger, rate: 100, accounts: 5, timeout: 500ms}
# a 2 s probe timeout: under make test's load (2 cores, -race, docker, compiles) drill's own
# process stalls for over 500 ms at times, which is the machine's gap, not the deploy's
probes: {interval: 25ms, timeout: 2s, recover_after: 3, http: {service: ledger, path: /healthz}}
warmup: 1s # room for 3 answered probes on docker while make test loads the machine
change: {service: ledger, release: v2}
control: {trials: ` + strconv.Itoa(controls) + `, release: v1b, observe: 600ms}
rollback:
  mechanism: {kind: redeploy, service: ledger}
  trigger: {kind: automated, condition: "error_rate > 0.5", window: 250ms, min_samples: 3}
  timeout: 10s
`
	if adapt != nil {
		doc = adapt(doc)
	}
	sc, err := scenario.Parse("control.yaml", []byte(doc), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
	Expect(err).NotTo(HaveOccurred())
	return sc
}

// controlSpecs run control trials of a good release: the trigger must stay silent
// under start-first; under recreate the gap is the change's own, and reported so.
// startFirst decorates the start-first spec (Pending where a runtime's known defect
// fails it).
func controlSpecs(newRuntime func() stack.Runtime, adapt func(string) string, startFirst ...any) {
	It("fires the trigger in none of 20 control trials deploying the good release start-first, and loses nothing", append(startFirst, func() {
		sc := controlScenario(scenario.StrategyStartFirst, 20, adapt)
		res, err := runner.Run(context.Background(), runner.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: newRuntime(), Trials: 1, Seed: 7, KeepRaw: true})
		Expect(err).NotTo(HaveOccurred())
		s := res.Summary
		var errs []string
		for _, t := range res.Trials {
			if t.Error != "" {
				errs = append(errs, fmt.Sprintf("trial %d (%s): %s", t.Index, t.Outcome, t.Error))
			}
		}
		Expect(s.ControlTrials).To(Equal(20), "every control trial ran: %v", errs)
		Expect(s.ControlFired).To(BeZero())
		Expect(s.FalsePositiveRate).NotTo(BeNil())
		Expect(s.FalsePositiveRate.Upper).To(BeNumerically("<", 0.15), "20 quiet controls bound the rate at 95%")
		for _, t := range res.Trials {
			if !t.Control {
				continue
			}
			Expect(t.Outcome).To(Equal(trial.ControlQuiet), "trial %d: %s", t.Index, t.Error)
			Expect(t.Timing.ChangeGap).To(BeNil())
			Expect(t.ProbeFailures).To(BeZero(), "trial %d: a good start-first deploy fails no probe; failed: %v; events: %v", t.Index, failedProbes(t), t.Events)
			Expect(t.Loss).NotTo(BeNil())
			Expect(t.Loss.Lost).To(BeEmpty(), "trial %d: the deploy lost acknowledged writes", t.Index)
		}
	})...)

	It("reports a recreate's gap as the change's own downtime, apart from the defect's", func() {
		sc := controlScenario(scenario.StrategyRecreate, 3, adapt)
		res, err := runner.Run(context.Background(), runner.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: newRuntime(), Trials: 1, Seed: 7})
		Expect(err).NotTo(HaveOccurred())
		s := res.Summary
		Expect(s.ControlTrials).To(Equal(3))
		Expect(s.ChangeGap).NotTo(BeNil())
		Expect(s.ChangeGap.N).To(BeNumerically(">=", 3), "every recreate deploy has its gap measured")
		Expect(s.ChangeGap.Max).To(BeNumerically(">", 0))
		for _, t := range res.Trials {
			if t.Control {
				continue
			}
			// The bad release's impact is looked for once it is live, after the gap; a
			// trigger that fired in the gap itself (docker's gap is long) aborted the
			// change, which then never went live.
			if t.Timing.Live == nil {
				Expect(t.Events).To(ContainElement(HaveField("Name", trial.EventChangeAborted)), "trial %d", t.Index)
				continue
			}
			if t.Timing.Impact != nil && t.Timing.Detect != nil && *t.Timing.Detect >= *t.Timing.Live {
				Expect(*t.Timing.Impact).To(BeNumerically(">=", *t.Timing.Live))
			}
		}
		var md strings.Builder
		Expect(report.Markdown(&md, res)).To(Succeed())
		Expect(md.String()).To(ContainSubstring("The change's own downtime (recreate deploy, not the defect's)"))
		Expect(md.String()).To(ContainSubstring("false-positive rate"))
	})
}

var _ = Describe("control trials", func() {
	It("are spread evenly among the trials", func() {
		var got []int
		for i := 1; i <= 10; i++ {
			if runner.IsControl(i, 6, 4) {
				got = append(got, i)
			}
		}
		Expect(got).To(Equal([]int{3, 5, 8, 10}))
		Expect(runner.IsControl(1, 5, 0)).To(BeFalse())
	})

	Context("on the process runtime", func() {
		controlSpecs(func() stack.Runtime { return process.New() }, nil)
	})

	Context("on the docker runtime", Label("docker"), func() {
		controlSpecs(func() stack.Runtime {
			return dockerenv.Runtime()
		}, nil)
	})

	Context("on the kubernetes runtime", Label("kubernetes"), func() {
		controlSpecs(func() stack.Runtime { return kubeenv.Runtime() }, kubeenv.Slower)
	})
})

// failedProbes lists a trial's failed probes, for a spec's failure message.
func failedProbes(t trial.Result) []string {
	var out []string
	for _, p := range t.Probes {
		if !p.OK {
			out = append(out, fmt.Sprintf("#%d sent %v ended %v status %d: %s", p.Seq, p.Sent(), p.End, p.Status, p.Err))
		}
	}
	return out
}
