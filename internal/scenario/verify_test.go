package scenario_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

// withVerify replaces the reference scenario's verify line (line 30) with the given
// verify section, which starts on line 30.
func withVerify(section string) string {
	return edit(reference(), "verify: {final_read: true}\n", section)
}

const verifySection = `verify:
  final_read: true
  linearizable:
    service: ledger
  checks:
    - {name: books-balance, service: ledger, path: /healthz, timeout: 5s}
    - {name: fsck, command: [sh, -c, 'test -n "$DRILL_ENDPOINT_LEDGER"']}
`

var _ = Describe("the verify section", func() {
	It("decodes the linearizable workload and the checks, with defaults", func() {
		s, err := scenario.Parse("t.yaml", []byte(withVerify(verifySection)), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Verify.FinalRead).To(BeTrue())
		Expect(s.Verify.Linearizable).To(Equal(&scenario.Linearizable{Service: "ledger", Clients: 4, Keys: 8, Rate: 50,
			Timeout: scenario.Duration(10 * time.Second)}))
		Expect(s.Verify.Checks).To(Equal([]scenario.VerifyCheck{
			{Name: "books-balance", Service: "ledger", Path: "/healthz", Timeout: scenario.Duration(5 * time.Second)},
			{Name: "fsck", Command: []string{"sh", "-c", `test -n "$DRILL_ENDPOINT_LEDGER"`}, Timeout: scenario.Duration(10 * time.Second)},
		}))
	})

	It("keeps written values", func() {
		s, err := scenario.Parse("t.yaml", []byte(withVerify(
			"verify:\n  linearizable: {service: ledger, clients: 2, keys: 3, rate: 20, timeout: 2s}\n")), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(*s.Verify.Linearizable).To(Equal(scenario.Linearizable{Service: "ledger", Clients: 2, Keys: 3, Rate: 20,
			Timeout: scenario.Duration(2 * time.Second)}))
	})

	It("fills the defaults of scenarios built in Go", func() {
		s, err := scenario.Load("testdata/bad-release.yaml", scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		s.Verify.Linearizable = &scenario.Linearizable{Service: "ledger"}
		s.Verify.Checks = []scenario.VerifyCheck{{Name: "c", Command: []string{"true"}}}
		s.ApplyDefaults(scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(s.Verify.Linearizable.Clients).To(Equal(scenario.DefaultLinearizableClients))
		Expect(s.Verify.Linearizable.Timeout.D()).To(Equal(scenario.DefaultLinearizableTimeout))
		Expect(s.Verify.Checks[0].Timeout.D()).To(Equal(scenario.DefaultCheckTimeout))
		Expect(s.Validate(scenario.WithWorkloads(trial.NewWorkloadRegistry()))).To(Succeed())
	})

	DescribeTable("rejects a broken verify key at its line",
		func(old, new string, line int, msg string) {
			e := firstError(edit(withVerify(verifySection), old, new))
			Expect(e.File).To(Equal("t.yaml"))
			Expect(e.Msg).To(ContainSubstring(msg))
			Expect(e.Line).To(Equal(line))
		},
		Entry("misspelled key, with a suggestion", "  linearizable:", "  linearizible:", 32,
			`unknown key "linearizible" in verify (did you mean "linearizable"?)`),
		Entry("misspelled linearizable key", "    service: ledger\n", "    servce: ledger\n", 33,
			`unknown key "servce" in verify.linearizable (did you mean "service"?)`),
		Entry("misspelled check key", "{name: fsck, command:", "{name: fsck, comand:", 36,
			`unknown key "comand" in verify.checks[1] (did you mean "command"?)`),
		Entry("wrongly typed clients", "    service: ledger\n", "    service: ledger\n    clients: many\n", 34,
			`verify.linearizable.clients must be an integer, got string "many"`),
		Entry("timeout without unit", "timeout: 5s}", "timeout: 5}", 35, `verify.checks[0].timeout`),
		Entry("linearizable service missing", "    service: ledger\n", "    keys: 3\n", 32,
			`verify.linearizable.service is required: the name of a service (one of: ledger)`),
		Entry("linearizable service unknown", "    service: ledger\n", "    service: ledgr\n", 33,
			`verify.linearizable.service "ledgr" is not a service (one of: ledger)`),
		Entry("clients zero", "    service: ledger\n", "    service: ledger\n    clients: 0\n", 34,
			`verify.linearizable.clients must be at least 1, got 0`),
		Entry("keys zero", "    service: ledger\n", "    service: ledger\n    keys: 0\n", 34,
			`verify.linearizable.keys must be at least 1, got 0`),
		Entry("rate zero", "    service: ledger\n", "    service: ledger\n    rate: 0\n", 34,
			`verify.linearizable.rate must be greater than 0`),
		Entry("timeout zero", "    service: ledger\n", "    service: ledger\n    timeout: 0s\n", 34,
			`verify.linearizable.timeout must be greater than 0`),
		Entry("check name missing", "{name: fsck, command:", "{command:", 36, `verify.checks[1].name is required`),
		Entry("check name repeated", "{name: fsck, command:", "{name: books-balance, command:", 36,
			`check name "books-balance" is already used by verify.checks[0]`),
		Entry("check with path and command", "path: /healthz, timeout: 5s}", "path: /healthz, command: [x], timeout: 5s}", 35,
			`verify.checks[0] sets path and command: set exactly one`),
		Entry("check with neither", "service: ledger, path: /healthz, timeout: 5s}", "timeout: 5s}", 35,
			`verify.checks[0] needs path (with service) or command`),
		Entry("http check without service", "books-balance, service: ledger, path", "books-balance, path", 35,
			`verify.checks[0].service is required: the name of a service`),
		Entry("http check service unknown", "books-balance, service: ledger, path", "books-balance, service: nope, path", 35,
			`verify.checks[0].service "nope" is not a service (one of: ledger)`),
		Entry("http check path without slash", "path: /healthz, timeout", "path: healthz, timeout", 35,
			`verify.checks[0].path must be an HTTP path starting with "/"`),
		Entry("command check with service", "{name: fsck, command:", "{name: fsck, service: ledger, command:", 36,
			`verify.checks[1].service applies to HTTP checks (with path) only`),
		Entry("empty program", `command: [sh, -c, 'test -n "$DRILL_ENDPOINT_LEDGER"']`, `command: [""]`, 36,
			`verify.checks[1].command[0] must name the program to run`),
		Entry("check timeout zero", "timeout: 5s}", "timeout: 0s}", 35, `verify.checks[0].timeout must be greater than 0`),
	)

	It("requires the linearizable service to run the ledger fixture", func() {
		doc := edit(withVerify(verifySection), "workload:", "    - {name: web, command: [web], port: 80, health: /}\nworkload:")
		doc = edit(doc, "    service: ledger\n", "    service: web\n")
		Expect(allErrors(doc)).To(ContainElement(
			`t.yaml:34: verify.linearizable.service "web" must be a service with fixture: ledger (the workload drives its PUT and GET /kv/{key} API) (one of: ledger)`))
	})
})
