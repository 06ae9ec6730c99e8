package trial_test

import (
	"encoding/json"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/check"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

// withVerify is a fault-only drill of the ledger (killed, then redeployed with the same
// release v1) whose v1 has the given environment, with the given verify section.
func withVerify(v1Env, verify string) *scenario.Scenario {
	doc := `
version: 1
name: verify-checks
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
        - {name: v1, env: ` + v1Env + `}
workload: {kind: none}
probes: {interval: 20ms, timeout: 400ms, recover_after: 3, http: {service: ledger}}
warmup: 400ms
faults: [{kind: kill, target: ledger, at: 100ms}]
rollback:
  mechanism: {kind: redeploy, service: ledger}
  trigger: {kind: automated, condition: "consecutive_failures >= 3", window: 200ms, min_samples: 3}
  timeout: 10s
` + verify
	sc, err := scenario.Parse("verify-checks.yaml", []byte(doc), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
	Expect(err).NotTo(HaveOccurred())
	return sc
}

// finding returns the finding of the named checker.
func finding(res trial.Result, name string) check.Finding {
	for _, f := range res.Consistency {
		if f.Checker == name {
			return f
		}
	}
	Fail("no finding of checker " + name)
	return check.Finding{}
}

// remeasured is the result re-derived from its raw records after a JSON round trip,
// as drill check does.
func remeasured(res trial.Result, p trial.Params) trial.Result {
	b, err := json.Marshal(res.Raw())
	Expect(err).NotTo(HaveOccurred())
	var raw trial.Raw
	Expect(json.Unmarshal(b, &raw)).To(Succeed())
	stripped := res
	stripped.StripRaw()
	again := stripped.WithRaw(raw)
	trial.Measure(&again, p)
	return again
}

var _ = Describe("the verify section in a trial on the process runtime", func() {
	It("checks a clean ledger's key-value history linearizable, runs the user checks, and re-derives both", func() {
		sc := withVerify("{}", `verify:
  linearizable: {service: ledger, clients: 4, keys: 4, rate: 100, timeout: 5s}
  checks:
    - {name: endpoint-set, command: [sh, -c, 'echo "ledger at $DRILL_ENDPOINT_LEDGER"; test -n "$DRILL_ENDPOINT_LEDGER"'], timeout: 5s}
    - {name: books-balance, command: [sh, -c, 'echo books off by 3; exit 1'], timeout: 5s}
    - {name: health-json, service: ledger, path: /healthz, timeout: 2s}
`)
		res := runOne(sc)
		Expect(res.Error).To(BeEmpty())
		Expect(res.Outcome).To(Equal(trial.Recovered))

		Expect(len(res.KV)).To(BeNumerically(">", 20), "operations were recorded through the trial")
		var writes, reads, clients = 0, 0, map[int]bool{}
		for _, op := range res.KV {
			clients[op.ClientID] = true
			if op.Kind == check.Write {
				seq, err := strconv.Atoi(op.Value)
				Expect(err).NotTo(HaveOccurred(), "a write's value is its unique seq")
				Expect(op.ClientID).To(Equal(seq%4), "clients take turns")
				writes++
			} else {
				reads++
			}
		}
		Expect(writes).To(BeNumerically(">", 0))
		Expect(reads).To(BeNumerically(">", 0))
		Expect(clients).To(HaveLen(4))

		lin := finding(res, check.NameLinearizable)
		Expect(lin.Status).To(Equal(check.Pass), lin.Message)
		Expect(lin.Message).To(ContainSubstring("linearizable"))

		Expect(res.UserChecks).To(HaveLen(3))
		ok := finding(res, "endpoint-set")
		Expect(ok.Status).To(Equal(check.Pass))
		Expect(ok.Message).To(MatchRegexp(`^ledger at 127\.0\.0\.1:\d+$`))
		bad := finding(res, "books-balance")
		Expect(bad.Status).To(Equal(check.Fail))
		Expect(bad.Message).To(Equal("books off by 3"))
		health := finding(res, "health-json")
		Expect(health.Status).To(Equal(check.Unknown), "/healthz answers JSON without \"pass\"")
		Expect(health.Message).To(ContainSubstring(`want {"pass":bool`))
		Expect(res.Consistency).To(HaveLen(4), "the linearizable finding and each user check, once")

		again := remeasured(res, trial.Params{RecoverAfter: 3, LinearizableTimeout: 5 * 1e9})
		Expect(again.Consistency).To(Equal(res.Consistency))
		Expect(again.Timing).To(Equal(res.Timing))
	})

	It("fails a ledger whose reads are stale, naming the keys", func() {
		sc := withVerify("{LEDGER_DEFECT: stale}", `verify:
  linearizable: {service: ledger, clients: 4, keys: 4, rate: 100, timeout: 5s}
`)
		res := runOne(sc)
		Expect(res.Error).To(BeEmpty())
		Expect(res.Outcome).To(Equal(trial.Recovered))
		lin := finding(res, check.NameLinearizable)
		Expect(lin.Status).To(Equal(check.Fail), lin.Message)
		Expect(lin.IDs).NotTo(BeEmpty())
		for _, k := range lin.IDs {
			Expect(k).To(MatchRegexp(`^k[0-3]$`))
			Expect(lin.Message).To(ContainSubstring(k))
		}
		Expect(res.UserChecks).To(BeEmpty())
		Expect(res.Consistency).To(HaveLen(1))
		Expect(remeasured(res, trial.Params{RecoverAfter: 3, LinearizableTimeout: 5 * 1e9}).Consistency).To(Equal(res.Consistency))
	})
})
