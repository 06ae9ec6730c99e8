package scenario_test

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

// composeScenario writes compose as compose.yaml beside a scenario whose stack reads it
// and adds overlay to its services, and parses the scenario.
func composeScenario(compose, overlay string) (*scenario.Scenario, error) {
	dir := GinkgoT().TempDir()
	Expect(os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(compose), 0o644)).To(Succeed())
	doc := "version: 1\nname: c\nobjectives: {rto: 5s}\nstack:\n  compose: compose.yaml\n  services:\n" + overlay +
		"workload: {kind: none}\nprobes: {tcp: {service: app}}\nfaults: [{kind: down, target: app, at: 1s}]\n" +
		"rollback: {mechanism: {kind: restart, service: app}, trigger: {kind: automated, condition: failures > 0}}\n"
	path := filepath.Join(dir, "scenario.yaml")
	Expect(os.WriteFile(path, []byte(doc), 0o644)).To(Succeed())
	return scenario.Load(path)
}

var _ = Describe("a compose stack", func() {
	It("gives the reference scenario's stack from the reference compose file", func() {
		native, err := scenario.Load("../../scenarios/bad-release.yaml", scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		compose, err := scenario.Load("../../scenarios/compose-bad-release.yaml", scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(compose.Stack.Services[0].Releases[1].Compose).To(Equal("compose/ledger.v2.yaml"))
		compose.Stack.Services[0].Releases[1].Compose = "" // the only difference: where v2 came from
		Expect(compose.Stack.Services).To(Equal(native.Stack.Services))
		Expect(compose.Stack.Compose).To(Equal("compose/ledger.compose.yaml"))
	})

	It("maps image, environment, port, healthcheck, depends_on, stop_signal and user; the scenario's keys win", func() {
		sc, err := composeScenario(`
services:
  app:
    image: registry.example/app:1.4
    ports: ["18080:8080"]
    environment: {MODE: staging, DB: db:5432}
    depends_on: [db]
    healthcheck: {test: "curl -fs localhost:8080/ready"}
    stop_signal: SIGINT
  db:
    image: postgres:15
    expose: ["5432"]
    user: postgres
    healthcheck: {test: [CMD, pg_isready, -U, postgres]}
    volumes: [pg:/data]
volumes: {pg: {}}
`, "    - {name: app, env: {MODE: drill}, release: v1, releases: [{name: v1}, {name: v2, image: registry.example/app:1.5}]}\n")
		Expect(err).NotTo(HaveOccurred())
		Expect(sc.Stack.Services).To(HaveLen(2))
		app, db := sc.Stack.Services[0], sc.Stack.Services[1]
		Expect(app.Name).To(Equal("app"), "the scenario's services first, in its order")
		Expect(app.Image).To(Equal("registry.example/app:1.4"))
		Expect(app.Port).To(Equal(8080))
		Expect(app.Env).To(Equal(map[string]string{"MODE": "drill", "DB": "db:5432"}))
		Expect(app.DependsOn).To(Equal([]string{"db"}))
		Expect(app.Ready).To(Equal(&scenario.Ready{Exec: []string{"sh", "-c", "curl -fs localhost:8080/ready"}}))
		Expect(app.StopSignal).To(Equal("SIGINT"))
		Expect(app.Releases[1].Image).To(Equal("registry.example/app:1.5"), "a release as an image tag")
		Expect(db.Name).To(Equal("db"))
		Expect(db.Port).To(Equal(5432))
		Expect(db.User).To(Equal("postgres"))
		Expect(db.Ready).To(Equal(&scenario.Ready{Exec: []string{"pg_isready", "-U", "postgres"}}))
	})

	It("makes a release of a compose override file: the image and the environment it changes", func() {
		dir := GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(dir, "v2.yaml"), []byte("services:\n  app:\n    image: registry.example/app:1.5\n    environment: {MODE: staging, NEW_PATH: \"on\"}\n"), 0o644)).To(Succeed())
		sc, err := composeScenario(
			"services:\n  app:\n    image: registry.example/app:1.4\n    expose: [8080]\n    environment: {MODE: staging}\n",
			"    - {name: app, release: v1, releases: [{name: v1}, {name: v2, compose: "+filepath.Join(dir, "v2.yaml")+"}]}\n")
		Expect(err).NotTo(HaveOccurred())
		v2 := sc.Stack.Services[0].Releases[1]
		Expect(v2.Image).To(Equal("registry.example/app:1.5"))
		Expect(v2.Env).To(Equal(map[string]string{"NEW_PATH": "on"}), "MODE is the base file's: not the release's")
	})

	It("takes the services of the compose profiles the scenario enables, and those in none", func() {
		compose := "services:\n  app: {image: a, expose: [80]}\n  debug: {image: b, expose: [81], profiles: [debug]}\n"
		sc, err := composeScenario(compose, "    - {name: app}\n")
		Expect(err).NotTo(HaveOccurred())
		Expect(sc.Stack.Services).To(HaveLen(1))
		sc, err = composeScenario(compose, "    - {name: app}\n  compose_profiles: [debug]\n")
		Expect(err).NotTo(HaveOccurred())
		Expect(sc.Stack.Services).To(HaveLen(2))
		Expect(sc.Stack.Services[1].Name).To(Equal("debug"))
	})

	It("refuses a release's compose override without a compose stack", func() {
		doc := edit(reference(), "        - name: v2\n", "        - name: v2\n          compose: v2.yaml\n")
		Expect(allErrors(doc)).To(ContainElement(ContainSubstring(`release "v2" names a compose override file but the stack has no compose file`)))
	})

	DescribeTable("refuses what drill cannot carry out, at stack.compose",
		func(compose, overlay, msg string) {
			_, err := composeScenario(compose, overlay)
			Expect(err).To(MatchError(And(ContainSubstring("scenario.yaml:5: stack.compose: "), ContainSubstring("compose file compose.yaml"), ContainSubstring(msg))))
		},
		Entry("no port", "services: {app: {image: a}}\n", "    - {name: app}\n", "service app: no port: give ports or expose"),
		Entry("a volume elsewhere than /data", "services:\n  app:\n    image: a\n    expose: [80]\n    volumes:\n      - pgdata:/var/lib/x\nvolumes: {pgdata: {}}\n", "    - {name: app}\n",
			"volume at /var/lib/x: mount it at /data"),
		Entry("a command", "services: {app: {image: a, expose: [80], command: [serve]}}\n", "    - {name: app}\n", "command and entrypoint are not carried out"),
		Entry("a build", "services: {app: {build: ., expose: [80]}}\n", "    - {name: app}\n", "build is not carried out"),
		Entry("a service the file lacks", "services: {app: {image: a, expose: [80]}}\n", "    - {name: web}\n", `has no service "web" (it has: app)`),
		Entry("a file that does not parse", "services: [\n", "    - {name: app}\n", "read compose file"),
	)
})
