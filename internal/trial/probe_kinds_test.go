package trial_test

import (
	"context"
	"github.com/drillhq/drill/internal/kinds"
	"os/exec"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/trial"
)

// withProbe is a drill of the ledger on the process runtime with the given probe
// settings and breakage (a change or faults).
func withProbe(probe, breakage string) *scenario.Scenario {
	doc := `
version: 1
name: probe-kinds
objectives: {rto: 5s}
trials: 1
stack:
  services:
    - name: ledger
      fixture: ledger
      port: 8080
      health: /version
      release: v1
      releases:
        - name: v1
        - name: v2
          env: {LEDGER_DEFECT: errors, LEDGER_ERROR_RATE: "1.0"}
workload: {kind: none}
probes: {recover_after: 3, ` + probe + `}
warmup: 300ms
` + breakage + `
rollback:
  mechanism: {kind: redeploy, service: ledger}
  trigger: {kind: automated, condition: "consecutive_failures >= 3", window: 200ms, min_samples: 3}
  timeout: 10s
`
	sc, err := scenario.Parse("probe-kinds.yaml", []byte(doc), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
	Expect(err).NotTo(HaveOccurred())
	return sc
}

func runOne(sc *scenario.Scenario) trial.Result {
	return trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New(),
		UpOptions: []stack.UpOption{stack.WithDataDir(GinkgoT().TempDir())}}, 1, 7)
}

var _ = Describe("probe kinds in a trial on the process runtime", func() {
	It("tcp: sees a killed service through its front proxy, and its return after the redeploy", func() {
		res := runOne(withProbe("interval: 20ms, timeout: 400ms, tcp: {service: ledger}", "faults: [{kind: kill, target: ledger, at: 50ms}]"))
		Expect(res.Error).To(BeEmpty())
		Expect(res.Outcome).To(Equal(trial.Recovered))
		Expect(res.Timing.Impact).NotTo(BeNil())
		Expect(res.ProbeFailures).To(BeNumerically(">=", 3))
	})

	It("exec: runs the command with the services' endpoints, detecting the bad release", func() {
		if _, err := exec.LookPath("curl"); err != nil {
			Skip("curl is not installed")
		}
		// Each probe forks curl: a gentler schedule and a longer timeout keep a loaded
		// machine from failing probes in the warm-up.
		sc := withProbe(`interval: 50ms, timeout: 1s, exec: {command: [sh, -c, 'curl -fsS -o /dev/null "http://$DRILL_ENDPOINT_LEDGER/healthz"']}`,
			"change: {service: ledger, release: v2}")
		sc.Warmup = scenario.Duration(1500 * time.Millisecond) // probes complete after a stall of a second too
		res := runOne(sc)
		for _, p := range res.Probes { // shown when the spec fails
			if !p.OK {
				GinkgoWriter.Println("failed probe", p.Seq, p.Start, p.End, p.Err)
			}
		}
		Expect(res.Error).To(BeEmpty())
		Expect(res.Outcome).To(Equal(trial.Recovered))
		Expect(res.Timing.Impact).NotTo(BeNil())
		Expect(*res.Timing.Impact).To(BeNumerically(">=", res.Timing.Fault))
	})

	It("names each service's endpoint variable for exec probes", func() {
		Expect(trial.EndpointEnvName("ledger")).To(Equal("DRILL_ENDPOINT_LEDGER"))
		Expect(trial.EndpointEnvName("api-to-db.v2")).To(Equal("DRILL_ENDPOINT_API_TO_DB_V2"))
	})
})
