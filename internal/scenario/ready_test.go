package scenario_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/params"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

var _ = Describe("readiness and depends_on", func() {
	const health = "      health: /healthz\n"

	DescribeTable("reads every kind of readiness check",
		func(ready string, want scenario.Ready, describe string) {
			s, err := scenario.Parse("t.yaml", []byte(edit(reference(), health, "      ready: "+ready+"\n")), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
			Expect(err).NotTo(HaveOccurred())
			svc := s.Stack.Services[0]
			Expect(svc.Readiness()).To(Equal(want))
			Expect(svc.Readiness().Describe()).To(Equal(describe))
		},
		Entry("http on a health port", "{http: {path: /ready, port: 9090, status: 204}}",
			scenario.Ready{HTTP: &scenario.ReadyHTTP{Path: "/ready", Port: 9090, Status: 204}}, "GET /ready on port 9090 answers 204"),
		Entry("tcp", "{tcp: {}}", scenario.Ready{TCP: &scenario.ReadyTCP{}}, "a TCP connection to the service port opens"),
		Entry("exec", "{exec: [pg_isready, -p, '${PORT}']}", scenario.Ready{Exec: []string{"pg_isready", "-p", "${PORT}"}}, `"pg_isready -p ${PORT}" exits 0`),
		Entry("log", `{log: "ready to accept connections"}`, scenario.Ready{Log: "ready to accept connections"}, `its output shows "ready to accept connections"`),
	)

	It("keeps health: /path as the shorthand of an HTTP check on the service port", func() {
		s, err := scenario.Parse("t.yaml", []byte(reference()), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		r := s.Stack.Services[0].Readiness()
		Expect(r).To(Equal(scenario.Ready{HTTP: &scenario.ReadyHTTP{Path: "/healthz"}}))
		Expect(r.HealthPort(8080)).To(Equal(0))
	})

	DescribeTable("rejects a readiness check that cannot be run, at its line",
		func(old, new string, line int, msg string) {
			e := firstError(edit(reference(), old, new))
			Expect(e.Msg).To(ContainSubstring(msg))
			Expect(e.Line).To(Equal(line))
		},
		Entry("both health and ready", health, health+"      ready: {tcp: {}}\n", 12, `sets both health and ready`),
		Entry("neither", health, "", 8, `health must be an HTTP path starting with "/", got "" (or set ready:`),
		Entry("two kinds", health, "      ready: {tcp: {}, log: up}\n", 11, `must set exactly one of http, tcp, exec, log and kind (it sets 2)`),
		Entry("http path", health, "      ready: {http: {path: ready}}\n", 11, `ready.http.path must be an HTTP path`),
		Entry("http status", health, "      ready: {http: {path: /r, status: 42}}\n", 11, `ready.http.status must be an HTTP status`),
		Entry("unknown key", health, "      ready: {tpc: {}}\n", 11, `tpc`),
		Entry("depends on an unknown service", health, health+"      depends_on: [db]\n", 12, `service "ledger" depends on "db", which is not a service`),
		Entry("unknown stop signal", health, health+"      stop_signal: SIGSTOP\n", 12, `unknown stop_signal "SIGSTOP" (one of: SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2)`),
		Entry("depends on itself", health, health+"      depends_on: [ledger]\n", 12, `service "ledger" depends on itself`),
		Entry("a kind no program registered", health, "      ready: {kind: greets, params: {n: 1}}\n", 11, `stack.services[0].ready: unknown readiness kind "greets" (no readiness kinds are registered`),
		Entry("params without kind", health, "      ready: {tcp: {}, params: {n: 1}}\n", 11, `ready.params configures a registered readiness kind: set kind too`),
	)

	It("reads a registered kind with its params, which the kind's check judges at their line", func() {
		doc := edit(reference(), health, "      ready: {kind: greets, params: {word: hi}}\n")
		s, err := scenario.Parse("t.yaml", []byte(doc), scenario.WithReadyCheck(func(kind string, p map[string]any) error { return nil }), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		r := s.Stack.Services[0].Readiness()
		Expect(r).To(Equal(scenario.Ready{Kind: "greets", Params: map[string]any{"word": "hi"}}))
		Expect(r.Describe()).To(Equal("its readiness check greets passes"))
		_, err = scenario.Parse("t.yaml", []byte(doc), scenario.WithReadyCheck(func(kind string, p map[string]any) error {
			return params.Decode("readiness", kind, p, &struct {
				Greeting string `param:"greeting"`
			}{})
		}), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).To(MatchError(And(ContainSubstring("t.yaml:11: stack.services[0].ready:"), ContainSubstring(`"word"`))))
	})

	Describe("a Prometheus probe of a service of the stack", func() {
		const probe = "  http: {service: ledger, path: /healthz}\n"
		withURL := func(url string) string {
			return edit(reference(), probe, "  prometheus: {url: \""+url+"\", query: up, condition: value == 1}\n")
		}

		It("names it ${ENDPOINT_<SERVICE>}, which the runtime's address of the service replaces", func() {
			s, err := scenario.Parse("t.yaml", []byte(withURL("http://${ENDPOINT_LEDGER}/prom")), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
			Expect(err).NotTo(HaveOccurred())
			url := s.Stack.ExpandEndpoints(s.Probes.Prometheus.URL, func(svc string) string { return svc + ".host:1234" })
			Expect(url).To(Equal("http://ledger.host:1234/prom"))
		})

		It("rejects a name that is no service", func() {
			Expect(firstError(withURL("http://${ENDPOINT_PROM}")).Msg).To(
				ContainSubstring("probes.prometheus.url names ${ENDPOINT_PROM}, which is no service of the stack (one of: ledger)"))
		})
	})

	It("plans the start in depends_on order, each with its readiness check", func() {
		// db is declared after ledger, which depends on it.
		doc := edit(reference(), "\nworkload:", "\n    - {name: db, command: [redis-server], port: 6379, ready: {log: Ready}, release: v1, releases: [{name: v1}]}\nworkload:")
		doc = edit(doc, "      health: /healthz\n", "      health: /healthz\n      depends_on: [db]\n")
		s, err := scenario.Parse("t.yaml", []byte(doc), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		steps := s.Plan().Steps
		Expect(steps[0].Description).To(ContainSubstring(`ready when its output shows "Ready"`))
		Expect(steps[1].Description).To(ContainSubstring("behind its front proxy after db; ready when GET /healthz on the service port answers 2xx"))
	})

	It("orders services after those they depend on, else as declared, and names a cycle", func() {
		svc := func(name string, deps ...string) scenario.Service {
			return scenario.Service{Name: name, DependsOn: deps}
		}
		names := func(svcs []scenario.Service) (out []string) {
			for _, s := range svcs {
				out = append(out, s.Name)
			}
			return out
		}
		order, err := scenario.StartOrder([]scenario.Service{svc("app", "cache", "db"), svc("cache", "db"), svc("db"), svc("other")})
		Expect(err).NotTo(HaveOccurred())
		Expect(names(order)).To(Equal([]string{"db", "cache", "app", "other"}))
		_, err = scenario.StartOrder([]scenario.Service{svc("a", "b"), svc("b", "c"), svc("c", "a")})
		Expect(err).To(MatchError(ContainSubstring("depends_on makes a cycle a → b → c → a")))
	})
})
