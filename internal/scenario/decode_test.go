package scenario_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.yaml.in/yaml/v3"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

var _ = Describe("Parse and Load", func() {
	It("loads the reference scenario with the values it writes", func() {
		s, err := scenario.Load("testdata/bad-release.yaml", scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Name).To(Equal("bad-release"))
		Expect(s.Objectives.RTO.D()).To(Equal(5 * time.Second))
		Expect(s.Stack.Services).To(HaveLen(1))
		svc := s.Stack.Services[0]
		Expect(svc.Releases[1].Env).To(HaveKeyWithValue("LEDGER_ERROR_RATE", "1.0"))
		Expect(s.Workload.Rate).To(Equal(100.0))
		Expect(s.Change).To(Equal(&scenario.Change{Service: "ledger", Release: "v2"}))
		Expect(s.Rollback.Trigger.Condition).To(Equal("error_rate > 0.5"))
		Expect(s.Verify.FinalRead).To(BeTrue())
	})

	DescribeTable("round-trips through YAML unchanged", func(file string) {
		s, err := scenario.Load(file, scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		out, err := yaml.Marshal(s)
		Expect(err).NotTo(HaveOccurred())
		again, err := scenario.Parse("again.yaml", out, scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(again).To(Equal(s))
	},
		Entry("reference", "testdata/bad-release.yaml"),
		Entry("every key", "testdata/full.yaml"),
	)

	It("reads every key of the full example", func() {
		s, err := scenario.Load("testdata/full.yaml", scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Labels).To(HaveKeyWithValue("tier", "1"))
		Expect(s.Seed).To(Equal(int64(42)))
		Expect(s.Stack.Proxies).To(Equal([]scenario.Proxy{{Name: "api-to-ledger", Upstream: "ledger"}}))
		Expect(s.Faults[0].Params).To(HaveKeyWithValue("latency", "200ms"))
		Expect(s.Faults[0].For.D()).To(Equal(3 * time.Second))
		Expect(s.Probes.HTTP.MaxLatency.D()).To(Equal(300 * time.Millisecond))
		Expect(s.Rollback.Trigger.FailureLimit).To(Equal(2))
		Expect(s.Verify.FinalRead).To(BeFalse())
	})

	It("names the file in errors from Load", func() {
		path := filepath.Join(GinkgoT().TempDir(), "s.yaml")
		_, err := scenario.Load(path, scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		var e *scenario.Error
		Expect(errors.As(err, &e)).To(BeTrue())
		Expect(e.File).To(Equal(path))
		Expect(e.Error()).To(HavePrefix(path + ": read scenario:"))
	})

	DescribeTable("reports a misspelled key at its line with the nearest valid key",
		func(old, new string, line int, msg string) {
			e := firstError(edit(reference(), old, new))
			Expect(e.File).To(Equal("t.yaml"))
			Expect(e.Line).To(Equal(line))
			Expect(e.Msg).To(Equal(msg))
		},
		Entry("top level", "rollback:\n", "rollbak:\n", 26, `unknown key "rollbak" in scenario (did you mean "rollback"?)`),
		Entry("in an inline mapping", "rto: 5s", "rtoo: 5s", 4, `unknown key "rtoo" in objectives (did you mean "rto"?)`),
		Entry("in probes", "  http: {service", "  htpp: {service", 23, `unknown key "htpp" in probes (did you mean "http"?)`),
		Entry("in probes.http", "path: /healthz}", "pth: /healthz}", 23, `unknown key "pth" in probes.http (did you mean "path"?)`),
		Entry("in a list item", "      health: /healthz", "      helth: /healthz", 11, `unknown key "helth" in stack.services[0] (did you mean "health"?)`),
		Entry("in a nested list item", "          env: {LEDGER_DEFECT", "          evn: {LEDGER_DEFECT", 17, `unknown key "evn" in stack.services[0].releases[1] (did you mean "env"?)`),
		Entry("three levels down", "min_samples: 3}", "min_sample: 3}", 28, `unknown key "min_sample" in rollback.trigger (did you mean "min_samples"?)`),
		Entry("case", "verify: {final_read", "verify: {Final_Read", 30, `unknown key "Final_Read" in verify (did you mean "final_read"?)`),
		Entry("far from any key", "warmup: 1s", "zzzzzzzzzz: 1s", 24, `unknown key "zzzzzzzzzz" in scenario (valid keys: version, name, description, labels, objectives, trials, seed, stack, workload, probes, warmup, settle, control, change, faults, rollback, verify, compare, forecast)`),
	)

	It("reports every unknown key, in line order, first line self-sufficient", func() {
		doc := edit(edit(reference(), "warmup: 1s", "warmpu: 1s"), "rollback:\n", "rolback:\n")
		lines := allErrors(doc)
		Expect(lines).To(Equal([]string{
			`t.yaml:24: unknown key "warmpu" in scenario (did you mean "warmup"?)`,
			`t.yaml:26: unknown key "rolback" in scenario (did you mean "rollback"?)`,
		}))
	})

	DescribeTable("reports wrongly typed values at their line",
		func(old, new string, line int, msg string) {
			e := firstError(edit(reference(), old, new))
			Expect(e.Line).To(Equal(line))
			Expect(e.Msg).To(Equal(msg))
		},
		Entry("bare number duration", "warmup: 1s", "warmup: 1", 24, `warmup: duration 1 has no unit: write it like "1ms" or "1s"`),
		Entry("bad duration", "interval: 25ms", "interval: 25 ms", 20, `probes.interval: invalid duration "25 ms": write it like "250ms", "5s" or "1m30s"`),
		Entry("negative duration", "timeout: 30s", "timeout: -30s", 29, `rollback.timeout: duration "-30s" must not be negative`),
		Entry("string for int", "port: 8080", "port: http", 10, `stack.services[0].port must be an integer, got string "http"`),
		Entry("float for int", "trials: 5", "trials: 5.5", 5, `trials must be an integer, got number 5.5`),
		Entry("string for float", "rate: 100", "rate: fast", 18, `workload.rate must be a number, got string "fast"`),
		Entry("string for bool", "final_read: true", "final_read: yes", 30, `verify.final_read must be true or false, got string "yes"`),
		Entry("list for string", "name: bad-release", "name: [a, b]", 2, `name must be a string, got a list`),
		Entry("scalar for mapping", "verify: {final_read: true}", "verify: true", 30, `verify must be a mapping of keys, got boolean true`),
		Entry("mapping for list", "  services:\n", "  services: {}\n  x:\n", 7, `stack.services must be a list, got a mapping`),
		Entry("mapping for env value", "LEDGER_DURABILITY: always", "LEDGER_DURABILITY: {a: b}", 12, `stack.services[0].env.LEDGER_DURABILITY must be a string, got a mapping`),
	)

	It("reports a duplicate key at its second occurrence", func() {
		e := firstError(edit(reference(), "trials: 5\n", "trials: 5\ntrials: 6\n"))
		Expect(e.Line).To(Equal(6))
		Expect(e.Msg).To(Equal(`duplicate key "trials" in scenario (first at line 5)`))
	})

	DescribeTable("reports YAML syntax errors with a line",
		func(doc string, line int, msg string) {
			e := firstError(doc)
			Expect(e.Line).To(BeNumerically(">=", line), "the YAML parser may locate its error a line early, never late")
			Expect(e.Line).To(BeNumerically("<=", 3))
			Expect(e.Msg).To(ContainSubstring(msg))
		},
		Entry("bad indentation", "version: 1\nname: x\n  trials: 3\n", 3, "mapping values are not allowed"),
		Entry("unclosed flow", "version: 1\nobjectives: {rto: 5s\n", 1, "did not find expected"),
		Entry("second document", "version: 1\n---\nname: x\n", 2, "one document"),
	)

	It("rejects an empty file and a non-mapping document", func() {
		Expect(firstError("").Msg).To(Equal("empty scenario file"))
		Expect(firstError("# only a comment\n").Msg).To(Equal("empty scenario file"))
		Expect(firstError("- a\n- b\n").Msg).To(Equal("scenario must be a mapping of keys, got a list"))
	})

	It("accepts anchors and merge keys and still checks merged keys", func() {
		doc := edit(reference(), "stack:\n", "x-base: &base\n  kind: ledger\n  rate: 100\nstack:\n")
		Expect(firstError(doc).Msg).To(ContainSubstring(`unknown key "x-base"`))

		ok := edit(reference(), "workload: {kind: ledger, service: ledger, rate: 100, accounts: 10, timeout: 1s}",
			"workload: &w {kind: ledger, service: ledger, rate: 100, accounts: 10, timeout: 1s}")
		s, err := scenario.Parse("t.yaml", []byte(ok), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Workload.Rate).To(Equal(100.0))

		merged := edit(reference(), "rollback:\n  mechanism: {kind: redeploy, service: ledger}",
			"rollback:\n  <<: {mechanism: {kind: redeploy, service: ledger}, timout: 1s}")
		Expect(firstError(merged).Msg).To(Equal(`unknown key "timout" in rollback (did you mean "timeout"?)`))
	})

	It("stops after a bounded number of problems", func() {
		var b strings.Builder
		for i := range 500 {
			fmt.Fprintf(&b, "k%d: 1\n", i)
		}
		lines := allErrors(b.String())
		Expect(lines).To(HaveLen(50))
		Expect(lines[0]).To(HavePrefix(`t.yaml:1: unknown key "k0" in scenario`))
	})

	It("bounds the work of aliases repeated in lists", func() {
		doc := "version: 1\nname: x\nstack:\n  services: [&s {name: a, port: 1, health: /, fixture: ledger}" +
			strings.Repeat(", *s", 2000) + "]\n"
		lines := allErrors(doc)
		Expect(lines).To(ContainElement(ContainSubstring(`service name "a" is already used`)))
		Expect(len(lines)).To(BeNumerically("<=", 50))
	})
})
