package scenario_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

// externalStack is a stack of one external ledger, whose change and rollback are hooks.
const externalStack = `version: 1
name: ext
objectives: {rto: 5s}
stack:
  services:
    - name: ledger
      external: 127.0.0.1:18080
      health: /version
workload: {kind: none}
probes: {http: {service: ledger, path: /healthz}}
change:
  steps:
    - name: deploy-v2
      kind: hook
      params: {command: [deploy, v2]}
      undo: {kind: hook, params: {command: [deploy, v1]}}
rollback:
  trigger: {kind: automated, condition: failures > 0}
`

var _ = Describe("external services", func() {
	It("accept an endpoint, a readiness check and a release name, and nothing that starts them", func() {
		sc, err := scenario.Parse("t.yaml", []byte(externalStack), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(sc.Stack.HasExternal()).To(BeTrue())
		Expect(sc.Stack.Services[0].ExternalAddr()).To(Equal("127.0.0.1:18080"))
	})

	DescribeTable("reject what would start, configure or deploy them, at its line",
		func(old, new string, line int, msg string) {
			e := firstError(edit(externalStack, old, new))
			Expect(e.Msg).To(ContainSubstring(msg))
			Expect(e.Line).To(Equal(line))
		},
		Entry("a port", "      health: /version\n", "      health: /version\n      port: 8080\n", 9, "stack.services[0].port does not apply to an external service"),
		Entry("releases", "      health: /version\n", "      health: /version\n      releases: [{name: v2}]\n", 9, "stack.services[0].releases does not apply"),
		Entry("a command beside it", "      health: /version\n", "      health: /version\n      command: [x]\n", 6, "must set exactly one of fixture, image, command or external (it sets 2)"),
		Entry("an endpoint without a port", "127.0.0.1:18080", "127.0.0.1", 7, `endpoint "127.0.0.1": want host:port or an http:// URL`),
		Entry("an https endpoint", "127.0.0.1:18080", "https://staging.example", 7, "give a TLS service's host:port and probe it with tcp"),
		Entry("a log readiness check", "      health: /version\n", "      ready: {log: ready}\n", 8, "ready of an external service is asked of its endpoint"),
		Entry("a deploy of a release it does not have", "change:\n  steps:\n    - name: deploy-v2\n      kind: hook\n      params: {command: [deploy, v2]}\n      undo: {kind: hook, params: {command: [deploy, v1]}}\n",
			"change: {service: ledger, release: v2}\n", 11, `service "ledger" has no release "v2"`),
	)

	DescribeTable("take the host and port of an http URL",
		func(endpoint, addr string) {
			Expect(scenario.Service{Name: "s", External: endpoint}.ExternalAddr()).To(Equal(addr))
		},
		Entry("with a port", "http://10.0.0.7:8080/api", "10.0.0.7:8080"),
		Entry("without", "http://staging.example", "staging.example:80"),
		Entry("host:port", "staging.example:9000", "staging.example:9000"),
	)
})
