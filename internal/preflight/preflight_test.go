package preflight_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/kinds"
	"github.com/drillhq/drill/internal/preflight"
	"github.com/drillhq/drill/internal/runtimes"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/trial"
)

// parse parses doc as t.yaml with the registries' checks and the capability check on
// rt, as drill.Load does; it returns the error's lines, nil when it parses.
func parse(doc string, rt preflight.Runtime) []string { return parseAt("t.yaml", doc, rt) }

// parseAt is parse of doc as the file name (a compose file it names is read beside it).
func parseAt(name, doc string, rt preflight.Runtime) []string {
	k := kinds.Default().Kinds
	_, err := scenario.Parse(name, []byte(doc),
		scenario.WithFaultCheck(func(f scenario.Fault) error { _, err := k.Faults.Build(f); return err }),
		scenario.WithMechanismCheck(func(m scenario.Mechanism) error { _, err := k.Mechanisms.Build(m); return err }),
		scenario.WithTriggerCheck(func(t scenario.Trigger) error { _, err := k.Triggers.Build(t); return err }),
		scenario.WithCheck(func(sc *scenario.Scenario) []scenario.Problem { return preflight.Check(sc, rt, k) }),
		scenario.WithWorkloads(trial.NewWorkloadRegistry()))
	if err == nil {
		return nil
	}
	return strings.Split(err.Error(), "\n")
}

// badRelease is scenarios/bad-release.yaml, which every check here edits.
func badRelease() string {
	b, err := os.ReadFile("../../scenarios/bad-release.yaml")
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

// edit replaces exactly one occurrence of old in doc.
func edit(doc, old, new string) string {
	Expect(strings.Count(doc, old)).To(Equal(1), "edit target %q must occur once", old)
	return strings.Replace(doc, old, new, 1)
}

// lineOf is the 1-based line of the first line of doc holding text.
func lineOf(doc, text string) int {
	for i, l := range strings.Split(doc, "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	Fail("no line holds " + text)
	return 0
}

// check parses doc with the check on the named built-in runtime ("" for none).
func check(doc, runtime string) []string {
	return parse(doc, preflight.Runtime{Name: runtime, Known: runtimes.Default().Capabilities()})
}

const redeploy = "  mechanism: {kind: redeploy, service: ledger}\n"

var _ = Describe("the capability check", func() {
	It("refuses a disconnect fault on the process runtime, at its line, and names what would work", func() {
		doc := edit(badRelease(), "warmup: 500ms\n", "warmup: 500ms\nfaults:\n  - {kind: disconnect, target: ledger, at: 1s, for: 1s}\n")
		Expect(check(doc, "process")).To(Equal([]string{
			"t.yaml:" + itoa(lineOf(doc, "kind: disconnect")) + ": faults[0]: fault disconnect needs a runtime that can disconnect a service from the stack's network (docker); on runtime process, use a down or reset_peer fault on its proxy instead",
		}))
		Expect(check(doc, "docker")).To(BeEmpty())
		Expect(check(doc, "")).To(BeEmpty(), "without a runtime only the stack's needs are checked")
	})

	It("refuses a restore of a service that keeps no data in its data directory, on every runtime", func() {
		doc := edit(badRelease(), redeploy, "  mechanism: {kind: restore, service: ledger}\n")
		doc = edit(doc, "      fixture: ledger          # drill's demo bank ledger (fixtures/ledger)\n", "      command: [ledger-server, --port, \"${PORT}\"]\n")
		want := "t.yaml:" + itoa(lineOf(doc, "kind: restore")) + ": rollback.mechanism: mechanism restore needs service ledger to keep its data in its data directory, and nothing of it names ${DATA_DIR}; keep the service's data under ${DATA_DIR} (its command or env), or use mechanism redeploy instead"
		for _, rt := range []string{"", "process", "docker"} {
			Expect(check(doc, rt)).To(Equal([]string{want}), rt)
		}
		Expect(check(edit(doc, `"${PORT}"]`, `"${PORT}", --data, "${DATA_DIR}"]`), "process")).To(BeEmpty())
	})

	It("refuses a hook URL naming a service the stack does not have, at the url's line", func() {
		doc := edit(badRelease(), redeploy, "  mechanism:\n    kind: hook\n    service: ledger\n    params:\n      url: http://${DRILL_ENDPOINT_BILLING}/rollback\n")
		Expect(check(doc, "")).To(Equal([]string{
			"t.yaml:" + itoa(lineOf(doc, "url: http")) + ": rollback.mechanism: mechanism hook: params.url names $DRILL_ENDPOINT_BILLING, which names no service of the stack: drill sets only $DRILL_ENDPOINT_LEDGER",
		}))
		Expect(check(strings.ReplaceAll(doc, "BILLING", "LEDGER"), "process")).To(BeEmpty())
	})

	It("refuses a DRILL_ENDPOINT_ naming no service in a hook command, an exec probe or a verify check", func() {
		doc := edit(badRelease(), redeploy, "  mechanism: {kind: hook, service: ledger, params: {command: [sh, -c, 'curl -X POST $DRILL_ENDPOINT_CD/undo']}}\n")
		doc = edit(doc, "  http: {service: ledger, path: /healthz}\n", "  exec: {command: [sh, -c, 'curl -f $DRILL_ENDPOINT_LEDGR/healthz']}\n")
		doc = edit(doc, "verify: {final_read: true}", "verify:\n  final_read: true\n  checks: [{name: sum, command: [sh, -c, 'test -n \"$DRILL_ENDPOINT_LEDGER$DRILL_ENDPOINT_BANK\"']}]")
		Expect(check(doc, "")).To(Equal([]string{
			"t.yaml:" + itoa(lineOf(doc, "exec: {command")) + ": probes.exec: probe exec: command names $DRILL_ENDPOINT_LEDGR, which names no service of the stack: drill sets only $DRILL_ENDPOINT_LEDGER",
			"t.yaml:" + itoa(lineOf(doc, "kind: hook")) + ": rollback.mechanism: mechanism hook: params.command names $DRILL_ENDPOINT_CD, which names no service of the stack: drill sets only $DRILL_ENDPOINT_LEDGER",
			"t.yaml:" + itoa(lineOf(doc, "checks: [")) + ": verify.checks[0]: check sum: command names $DRILL_ENDPOINT_BANK, which names no service of the stack: drill sets only $DRILL_ENDPOINT_LEDGER",
		}))
	})

	It("refuses a service fault aimed at a proxy, and names its upstream", func() {
		doc := edit(badRelease(), "stack:\n  services:\n", "stack:\n  proxies: [{name: ledger-in, upstream: ledger}]\n  services:\n")
		doc = edit(doc, "warmup: 500ms\n", "warmup: 500ms\nfaults:\n  - {kind: stop, target: ledger-in, at: 1s, for: 1s}\n")
		Expect(check(doc, "docker")).To(Equal([]string{
			"t.yaml:" + itoa(lineOf(doc, "kind: stop")) + `: faults[0]: fault stop acts on a service and "ledger-in" is a proxy: target its upstream service "ledger", or put a toxic or down fault on the proxy`,
		}))
	})

	It("refuses a blue-green flip of a service that does not deploy blue-green, and a redeploy to a release it lacks", func() {
		doc := edit(badRelease(), redeploy, "  mechanism: {kind: blue-green, service: ledger}\n")
		Expect(check(doc, "process")).To(ConsistOf(ContainSubstring("mechanism blue-green needs service ledger to deploy blue-green (its strategy is start-first)")))
		doc = edit(badRelease(), redeploy, "  mechanism: {kind: redeploy, service: ledger, params: {release: v0}}\n")
		Expect(check(doc, "")).To(ConsistOf(HaveSuffix(`rollback.mechanism: mechanism redeploy: service ledger has no release "v0" (one of: v1, v2)`)))
	})

	It("asks the runtime for what a kind's parameters add, an image service and an exec readiness check", func() {
		doc := edit(badRelease(), "warmup: 500ms\n", "warmup: 500ms\nfaults:\n  - {kind: kill, target: ledger, at: 1s, params: {restart: after, delay: 1s}}\n")
		known := map[string]stack.Capabilities{"bare": {stack.CapKill, stack.CapFixture, stack.CapDeploy}, "docker": runtimes.Default().Capabilities()["docker"]}
		Expect(parse(doc, preflight.Runtime{Name: "bare", Known: known})).To(ConsistOf(ContainSubstring(":" + itoa(lineOf(doc, "kind: kill")) + ": faults[0]: fault kill needs a runtime that can start a killed service again, as a supervisor does (docker); on runtime bare, leave out restart: after")))

		doc = edit(badRelease(), "      health: /version\n", "      ready: {exec: [ledger-ready]}\n")
		Expect(parse(doc, preflight.Runtime{Name: "bare", Known: known})).To(ConsistOf(ContainSubstring(":" + itoa(lineOf(doc, "ready: {exec")) + ": stack.services[0].ready.exec: readiness check exec of ledger needs a runtime that can run a command in a service's unit (docker); on runtime bare, use a tcp, http or log readiness check instead")))

		doc = edit(badRelease(), "      fixture: ledger          # drill's demo bank ledger (fixtures/ledger)\n", "      image: ledger:v1\n      ready: {exec: [ledger-ready]}\n")
		doc = edit(doc, "      health: /version\n", "")
		Expect(check(doc, "process")).To(ConsistOf(
			ContainSubstring("stack.services[0].image: service ledger needs a runtime that can run a container image (docker, kubernetes); on runtime process, run it with command (its argv) or as a fixture instead"),
		))
		Expect(check(doc, "docker")).To(BeEmpty())
	})

	It("refuses on kubernetes what a cluster cannot do (pause, a log readiness check, a command service), at the line, and passes the rest", func() {
		Expect(check(badRelease(), "kubernetes")).To(BeEmpty())
		doc := edit(badRelease(), "warmup: 500ms\n", "warmup: 500ms\nfaults:\n  - {kind: pause, target: ledger, at: 1s, for: 1s}\n  - {kind: kill, target: ledger, at: 2s, params: {restart: after, delay: 0s}}\n")
		doc = edit(doc, "      health: /version\n", "      ready: {log: listening}\n")
		Expect(check(doc, "kubernetes")).To(Equal([]string{
			"t.yaml:" + itoa(lineOf(doc, "ready: {log")) + ": stack.services[0].ready.log: readiness check log of ledger needs a runtime that can wait for a line of a service's output (docker, process); on runtime kubernetes, use a tcp, http or exec readiness check instead",
			"t.yaml:" + itoa(lineOf(doc, "kind: pause")) + ": faults[0]: fault pause needs a runtime that can pause a service (docker, process); on runtime kubernetes, use a timeout fault on its proxy (connections hang) instead",
		}))
		doc = edit(badRelease(), "      fixture: ledger          # drill's demo bank ledger (fixtures/ledger)\n", "      command: [ledger-server, --port, \"${PORT}\"]\n")
		Expect(check(doc, "kubernetes")).To(ConsistOf(ContainSubstring("stack.services[0].command: service ledger needs a runtime that can run a service's command (docker, process); on runtime kubernetes, run it from an image instead")))
	})

	It("refuses stack.reuse, at its line, on a runtime that cannot reset a stack, and passes it on docker and process", func() {
		doc := edit(badRelease(), "\nstack:\n", "\nstack:\n  reuse: true\n")
		Expect(check(doc, "process")).To(BeEmpty())
		Expect(check(doc, "docker")).To(BeEmpty())
		Expect(check(doc, "kubernetes")).To(Equal([]string{
			"t.yaml:" + itoa(lineOf(doc, "reuse: true")) + ": stack.reuse: stack reuse needs a runtime that can reset a stack to a fresh one's state and keep it for the next trial (docker, process); on runtime kubernetes, remove stack.reuse (every trial then starts a new stack) instead",
		}))
	})

	It("passes every reference scenario on both runtimes", func() {
		files, err := filepath.Glob("../../scenarios/*.yaml")
		Expect(err).NotTo(HaveOccurred())
		Expect(files).NotTo(BeEmpty())
		for _, f := range files {
			b, err := os.ReadFile(f)
			Expect(err).NotTo(HaveOccurred())
			for _, rt := range []string{"", "process", "docker"} {
				Expect(parseAt(f, string(b), preflight.Runtime{Name: rt, Known: runtimes.Default().Capabilities()})).To(BeEmpty(), "%s on %q", f, rt)
			}
		}
	})
})

func itoa(n int) string { return strconv.Itoa(n) }
