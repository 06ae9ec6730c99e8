package scenario_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

const httpProbe = "  http: {service: ledger, path: /healthz}\n"

var _ = Describe("probe kinds", func() {
	parse := func(probe string) *scenario.Scenario {
		s, err := scenario.Parse("t.yaml", []byte(edit(reference(), httpProbe, probe)), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		return s
	}

	It("reads each kind, with defaults, and names it", func() {
		s := parse("  http: {service: ledger}\n")
		Expect(s.Probes.Kind()).To(Equal("http"))
		Expect(*s.Probes.HTTP).To(Equal(scenario.HTTPProbe{Service: "ledger", Method: "GET", Path: "/healthz", Status: 200, Connection: "keep-alive"}))
		Expect(parse("  http: {service: ledger, connection: fresh}\n").Probes.HTTP.Connection).To(Equal(scenario.ConnectionFresh))

		s = parse("  tcp: {service: ledger}\n")
		Expect(s.Probes.Kind()).To(Equal("tcp"))
		Expect(s.Probes.HTTP).To(BeNil())
		Expect(s.Probes.TCP.Service).To(Equal("ledger"))

		s = parse("  exec: {command: [curl, -fsS, http://127.0.0.1:8080/healthz]}\n")
		Expect(s.Probes.Kind()).To(Equal("exec"))
		Expect(s.Probes.Exec.Command).To(Equal([]string{"curl", "-fsS", "http://127.0.0.1:8080/healthz"}))

		s = parse("  prometheus: {url: \"http://127.0.0.1:9090\", query: 'sum(rate(errors[1m]))', condition: \"value < 0.05\"}\n")
		Expect(s.Probes.Kind()).To(Equal("prometheus"))
		Expect(*s.Probes.Prometheus).To(Equal(scenario.PrometheusProbe{URL: "http://127.0.0.1:9090", Query: "sum(rate(errors[1m]))", Condition: "value < 0.05"}))
	})

	It("describes each kind in the plan's warm-up step", func() {
		warmup := func(probe string) string { return parse(probe).Plan().Steps[1].Description }
		Expect(warmup("  http: {service: ledger}\n")).To(ContainSubstring("probes every 25ms (timeout 500ms): GET /healthz on ledger, expect 200"))
		Expect(warmup("  http: {service: ledger, connection: fresh}\n")).To(ContainSubstring("GET /healthz on ledger, expect 200, a new connection each"))
		Expect(warmup("  tcp: {service: ledger}\n")).To(ContainSubstring("TCP connect to ledger"))
		Expect(warmup("  exec: {command: [./check.sh, x]}\n")).To(ContainSubstring(`exec "./check.sh x", expect exit 0`))
		Expect(warmup("  prometheus: {url: \"http://p:9090\", query: up, condition: value == 1}\n")).
			To(ContainSubstring(`Prometheus query "up" at http://p:9090, pass when value == 1`))
	})

	DescribeTable("rejects a broken probe at the line it concerns",
		func(probe string, line int, msg string) {
			e := firstError(edit(reference(), httpProbe, probe))
			Expect(e.Msg).To(ContainSubstring(msg))
			Expect(e.Line).To(Equal(line))
		},
		Entry("no probe", "", 19, "probes needs one probe: set exactly one of http, tcp, exec, prometheus"),
		Entry("two probes", httpProbe+"  tcp: {service: ledger}\n", 24, "probes sets http and tcp: set exactly one of"),
		Entry("misspelled kind", "  tpc: {service: ledger}\n", 23, `unknown key "tpc" in probes (did you mean "tcp"?)`),
		Entry("http connection", "  http: {service: ledger, connection: close}\n", 23, `unknown probes.http.connection "close" (one of: keep-alive, fresh)`),
		Entry("tcp service", "  tcp: {service: nope}\n", 23, `probes.tcp.service "nope" is not a service (one of: ledger)`),
		Entry("tcp without service", "  tcp: {}\n", 23, `probes.tcp.service is required`),
		Entry("tcp unknown key", "  tcp: {service: ledger, port: 1}\n", 23, `unknown key "port" in probes.tcp`),
		Entry("exec without command", "  exec: {command: []}\n", 23, "probes.exec.command is required"),
		Entry("exec command not a list", "  exec: {command: curl x}\n", 23, "probes.exec.command must be a list"),
		Entry("prometheus url", "  prometheus: {url: \"127.0.0.1:9090\", query: up, condition: value == 1}\n", 23, `probes.prometheus.url must be the Prometheus server's http(s) base URL`),
		Entry("prometheus query", "  prometheus: {url: \"http://p:9090\", condition: value == 1}\n", 23, "probes.prometheus.query is required"),
		Entry("prometheus condition missing", "  prometheus: {url: \"http://p:9090\", query: up}\n", 23, "probes.prometheus.condition is required"),
		Entry("prometheus condition unknown name", "  prometheus: {url: \"http://p:9090\", query: up, condition: val < 1}\n", 23, `probes.prometheus.condition "val < 1": unknown name val`),
		Entry("prometheus condition not bool", "  prometheus: {url: \"http://p:9090\", query: up, condition: value * 2}\n", 23, "expected bool"),
		Entry("prometheus misspelled key", "  prometheus: {url: \"http://p:9090\", query: up, conditon: value < 1}\n", 23, `unknown key "conditon" in probes.prometheus (did you mean "condition"?)`),
	)

	It("compiles probe conditions over value only", func() {
		_, err := scenario.CompileProbeCondition("value < 0.05 || value > 100")
		Expect(err).NotTo(HaveOccurred())
		_, err = scenario.CompileProbeCondition("error_rate < 1")
		Expect(err).To(MatchError(ContainSubstring("unknown name error_rate")))
	})

	It("leaves a Go-built scenario's absent probes alone when defaulting", func() {
		s := &scenario.Scenario{Probes: scenario.Probes{TCP: &scenario.TCPProbe{Service: "x"}}}
		s.ApplyDefaults(scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(s.Probes.HTTP).To(BeNil())
		Expect(s.Probes.Kinds()).To(Equal([]string{"tcp"}))
	})
})
