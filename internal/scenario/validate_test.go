package scenario_test

import (
	"errors"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

var _ = Describe("validation", func() {
	DescribeTable("rejects a broken rule at the line it concerns",
		func(old, new string, line int, msg string) {
			e := firstError(edit(reference(), old, new))
			Expect(e.Msg).To(ContainSubstring(msg))
			Expect(e.Line).To(Equal(line))
		},
		Entry("version missing", "version: 1\n", "", 1, `version is required`),
		Entry("version unsupported", "version: 1\n", "version: 2\n", 1, `unsupported version 2`),
		Entry("name missing", "name: bad-release\n", "", 1, `name is required`),
		Entry("trials zero", "trials: 5", "trials: 0", 5, `trials must be at least 1, got 0`),
		Entry("rto zero", "rto: 5s", "rto: 0s", 4, `objectives.rto is required and must be greater than 0`),
		Entry("quantile 1", "quantile: 0.9", "quantile: 1", 4, `objectives.quantile must be between 0 and 1`),
		Entry("confidence 0", "confidence: 0.95", "confidence: 0", 4, `objectives.confidence must be between 0 and 1`),
		Entry("forecast deploys 0", "trials: 5\n", "trials: 5\nforecast:\n  deploys_per_month: 0\n  change_failure_rate: 0.05\n", 7,
			`forecast.deploys_per_month must be a positive number of deploys a month, got 0`),
		Entry("forecast failure rate as a percentage", "trials: 5\n", "trials: 5\nforecast:\n  deploys_per_month: 40\n  change_failure_rate: 5\n", 8,
			`forecast.change_failure_rate must be in (0, 1] (a share of deploys, 0.05 for 5%), got 5`),
		Entry("forecast failed outage negative", "trials: 5\n", "trials: 5\nforecast: {deploys_per_month: 40, change_failure_rate: 0.05, failed_outage: 0s}\n", 6,
			`forecast.failed_outage must be greater than 0 (default 4h0m0s)`),
		Entry("success_rate above 1", "success_rate: 1.0", "success_rate: 1.5", 4, `objectives.success_rate must be in (0, 1]`),
		Entry("two of fixture/image/command", "      fixture: ledger\n", "      fixture: ledger\n      image: x\n", 8, `must set exactly one of fixture, image, command or external (it sets 2)`),
		Entry("none of fixture/image/command", "      fixture: ledger\n", "", 8, `(it sets 0)`),
		Entry("unknown fixture", "fixture: ledger", "fixture: bank", 9, `unknown fixture "bank" (one of: ledger, writes)`),
		Entry("port out of range", "port: 8080", "port: 70000", 10, `port must be between 1 and 65535, got 70000`),
		Entry("health without slash", "health: /healthz\n      env", "health: healthz\n      env", 11, `health must be an HTTP path starting with "/"`),
		Entry("service release unknown", "      release: v1\n", "      release: v3\n", 13, `service "ledger" has no release "v3" (one of: v1, v2)`),
		Entry("duplicate release", "        - name: v2\n", "        - name: v1\n", 16, `release name "v1" is repeated`),
		Entry("release image on a fixture", "        - name: v1\n", "        - name: v1\n          image: x\n", 16, `release "v1" sets image but service "ledger" is not image-based`),
		Entry("workload kind", "kind: ledger, service", "kind: bank, service", 18, `unknown workload.kind "bank" (one of: http, ledger, none, redis, sql)`),
		Entry("workload service", "kind: ledger, service: ledger", "kind: ledger, service: ledgr", 18, `workload.service "ledgr" is not a service (one of: ledger)`),
		Entry("workload accounts", "accounts: 10", "accounts: 1", 18, `workload.accounts must be at least 2`),
		Entry("workload rate", "rate: 100", "rate: 0", 18, `workload.rate must be greater than 0`),
		Entry("probe interval zero", "interval: 25ms", "interval: 0s", 20, `probes.interval must be greater than 0`),
		Entry("probe interval finer than the pacer keeps", "interval: 25ms", "interval: 100us", 20,
			`probes.interval 100µs is finer than drill can keep: its pacer starts a probe up to 1ms after its slot (waking at most every 100µs), so use at least 1ms`),
		Entry("workload rate beyond what drill delivers", "rate: 100", "rate: 1000000000", 18,
			`workload.rate 1000000000 is beyond what drill can deliver: its pacer wakes at most every 100µs and keeps at most 10000 operations a second on schedule`),
		Entry("probe interval beyond rto", "interval: 25ms", "interval: 6s", 20, `probes.interval 6s must be shorter than objectives.rto 5s`),
		Entry("recover_after zero", "recover_after: 3", "recover_after: 0", 22, `probes.recover_after must be at least 1`),
		Entry("probe service", "http: {service: ledger", "http: {service: nope", 23, `probes.http.service "nope" is not a service`),
		Entry("probe path", "path: /healthz}", "path: healthz}", 23, `probes.http.path must start with "/"`),
		Entry("probe method", "path: /healthz}", "path: /healthz, method: FETCH}", 23, `unknown probes.http.method "FETCH"`),
		Entry("probe status", "path: /healthz}", "path: /healthz, status: 42}", 23, `probes.http.status must be an HTTP status`),
		Entry("change service", "change: {service: ledger", "change: {service: nope", 25, `change.service "nope" is not a service`),
		Entry("change release", "release: v2}", "release: v9}", 25, `service "ledger" has no release "v9"`),
		Entry("change to the running release", "release: v2}", "release: v1}", 25, `the change changes nothing`),
		Entry("neither change nor fault", "change: {service: ledger, release: v2}\n", "", 1, `needs a change or at least one fault`),
		Entry("fault target", "change: {service: ledger, release: v2}\n", "faults: [{kind: kill, target: nope}]\n", 25, `faults[0].target "nope" is not a service or proxy (one of: ledger)`),
		Entry("fault kind missing", "change: {service: ledger, release: v2}\n", "faults:\n  - target: ledger\n", 26, `faults[0].kind is required`),
		Entry("mechanism kind missing", "{kind: redeploy, service: ledger}", "{service: ledger}", 27, `rollback.mechanism.kind is required`),
		Entry("mechanism service", "kind: redeploy, service: ledger", "kind: redeploy, service: nope", 27, `rollback.mechanism.service "nope" is not a service`),
		Entry("trigger kind missing", "kind: automated, ", "", 28, `rollback.trigger.kind is required (one of: automated, manual, hybrid)`),
		Entry("condition unknown variable", `"error_rate > 0.5"`, `"eror_rate > 0.5"`, 28, `rollback.trigger.condition "eror_rate > 0.5": unknown name eror_rate`),
		Entry("condition not bool", `"error_rate > 0.5"`, `"error_rate * 2"`, 28, `expected bool`),
		Entry("condition syntax", `"error_rate > 0.5"`, `"error_rate >"`, 28, `rollback.trigger.condition "error_rate >"`),
		Entry("condition missing", `condition: "error_rate > 0.5", `, ``, 28, `rollback.trigger.condition is required`),
		Entry("window too short for min_samples", "window: 250ms", "window: 50ms", 28, `holds fewer than min_samples 3 probes at probes.interval 25ms`),
		Entry("min_samples zero", "min_samples: 3", "min_samples: 0", 28, `rollback.trigger.min_samples must be at least 1`),
		Entry("failure_limit zero", "min_samples: 3", "min_samples: 3, failure_limit: 0", 28, `rollback.trigger.failure_limit must be at least 1`),
		Entry("rollback timeout zero", "timeout: 30s", "timeout: 0s", 29, `rollback.timeout must be greater than 0`),
		Entry("final read without a writing workload", "workload: {kind: ledger, service: ledger, rate: 100, accounts: 10, timeout: 1s}", "workload: {kind: none}", 30, `verify.final_read needs a workload that writes`),
	)

	It("leaves the mechanism's kind and params to the mechanism check, reported at their line", func() {
		var seen []scenario.Mechanism
		check := scenario.WithMechanismCheck(func(m scenario.Mechanism) error {
			seen = append(seen, m)
			if _, ok := m.Params["relase"]; ok {
				return paramError{"relase", `mechanism "redeploy": unknown parameter "relase" (did you mean "release"?)`}
			}
			if len(m.Params) > 0 {
				return errors.New(`mechanism "redeploy": something about the mechanism as a whole`)
			}
			return nil
		})
		doc := edit(reference(), "mechanism: {kind: redeploy, service: ledger}",
			"mechanism:\n    kind: redeploy\n    service: ledger\n    params:\n      strategy: recreate\n      relase: v1")
		_, err := scenario.Parse("t.yaml", []byte(doc), check, scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).To(MatchError(`t.yaml:32: rollback.mechanism: mechanism "redeploy": unknown parameter "relase" (did you mean "release"?)`),
			"an error naming a parameter is reported at that parameter's line")
		Expect(seen).To(ConsistOf(scenario.Mechanism{Kind: "redeploy", Service: "ledger", Params: map[string]any{"strategy": "recreate", "relase": "v1"}}))
		_, err = scenario.Parse("t.yaml", []byte(strings.Replace(doc, "relase", "release", 1)), check, scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).To(MatchError(`t.yaml:28: rollback.mechanism: mechanism "redeploy": something about the mechanism as a whole`),
			"any other at the kind's")
		_, err = scenario.Parse("t.yaml", []byte(edit(reference(), "kind: redeploy", "kind: pray")), check, scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred(), "the kind is the registry's to refuse")
	})

	It("rejects names used twice among services and proxies", func() {
		doc := edit(reference(), "workload:", "  proxies: [{name: ledger, upstream: ledger}, {name: p, upstream: nope}]\nworkload:")
		Expect(allErrors(doc)).To(ContainElements(
			`t.yaml:18: proxy name "ledger" is already used by stack.services[0]`,
			`t.yaml:18: stack.proxies[1].upstream "nope" is not a service (one of: ledger)`,
		))
	})

	It("requires at least one service", func() {
		doc := "version: 1\nname: x\nobjectives: {rto: 5s}\nstack:\n  services: []\n" +
			"probes: {http: {service: a}}\nfaults: [{kind: kill, target: a}]\n" +
			"rollback: {mechanism: {kind: redeploy, service: a}, trigger: {kind: automated, condition: failures > 0}}\n"
		Expect(allErrors(doc)[0]).To(Equal("t.yaml:4: stack.services must list at least one service"))
	})

	It("requires the workload kind when the workload is written", func() {
		doc := edit(reference(), "workload: {kind: ledger, service: ledger, rate: 100, accounts: 10, timeout: 1s}", "workload: {service: ledger}")
		Expect(firstError(doc).Msg).To(HavePrefix("workload.kind is required"))
	})

	It("validates scenarios built in Go", func() {
		s, err := scenario.Load("testdata/bad-release.yaml", scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Validate(scenario.WithWorkloads(trial.NewWorkloadRegistry()))).To(Succeed())
		s.Stack.Services[0].Port = 0
		Expect(s.Validate(scenario.WithWorkloads(trial.NewWorkloadRegistry()))).To(MatchError("stack.services[0].port must be between 1 and 65535, got 0"))
	})

	It("compiles conditions over exactly the trigger variables", func() {
		for name := range scenario.TriggerEnv() {
			_, err := scenario.CompileCondition(name + " >= 0")
			Expect(err).NotTo(HaveOccurred(), name)
		}
		prog, err := scenario.CompileCondition("error_rate > 0.05 || p95_ms > 800")
		Expect(err).NotTo(HaveOccurred())
		Expect(prog).NotTo(BeNil())
		_, err = scenario.CompileCondition("latency > 1")
		Expect(err).To(MatchError(ContainSubstring("unknown name latency")))
	})
})

// paramError is an error about one parameter, as the params package makes them.
type paramError struct{ param, msg string }

func (e paramError) Error() string     { return e.msg }
func (e paramError) ParamName() string { return e.param }

var _ = Describe("the forecast section", func() {
	It("defaults a failed rollback's outage to 4h, and is absent when not written", func() {
		sc, err := scenario.Parse("s.yaml", []byte(edit(reference(), "trials: 5\n", "trials: 5\nforecast: {deploys_per_month: 40, change_failure_rate: 0.05}\n")), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(*sc.Forecast).To(Equal(scenario.Forecast{DeploysPerMonth: 40, ChangeFailureRate: 0.05, FailedOutage: scenario.Duration(4 * time.Hour)}))
		sc, err = scenario.Parse("s.yaml", []byte(reference()), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(sc.Forecast).To(BeNil())
	})
})
