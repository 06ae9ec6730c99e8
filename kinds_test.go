package drill_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill"
)

// statusScenario is quick probed by the status probe kind (probe_status_test.go), which
// only the program running drill knows.
var statusScenario = strings.Replace(quick,
	"probes: {interval: 20ms, timeout: 300ms, recover_after: 3, http: {service: ledger, path: /healthz}}",
	"probes: {interval: 20ms, timeout: 300ms, recover_after: 3, kind: status, params: {service: ledger, path: /healthz}}", 1)

// oneProcessTrial parses doc with the kinds added adds and runs one trial of it on the
// process runtime, which must run without an error.
func oneProcessTrial(name, doc string, added ...drill.Option) drill.Trial {
	GinkgoHelper()
	sc, err := drill.Parse(name, []byte(doc), drill.KindsFrom(added...))
	Expect(err).NotTo(HaveOccurred())
	res, err := drill.Run(context.Background(), sc, append(added, drill.WithTrials(1), drill.WithRuntime("process"), drill.WithSeed(5))...)
	Expect(err).NotTo(HaveOccurred())
	Expect(res.TrialResults).To(HaveLen(1))
	Expect(res.TrialResults[0].Error).To(BeEmpty())
	return res.TrialResults[0]
}

// probesLine is the line of statusScenario that sets the probes.
func probesLine() string {
	before, _, _ := strings.Cut(statusScenario, "probes:")
	return "status.yaml:" + strconv.Itoa(strings.Count(before, "\n")+1) + ":"
}

var _ = Describe("kinds a program adds through the public options", func() {
	It("a workload kind, one file and one option, runs in a real drill", func() {
		doc := strings.Replace(quick, "workload: {kind: ledger, service: ledger, rate: 20, accounts: 2}",
			"workload: {kind: pings, params: {service: ledger, path: /healthz}}", 1)
		Expect(doc).To(ContainSubstring("kind: pings"))
		var sent atomic.Int64
		added := drill.WithWorkload("pings", newPingsWorkload(&sent)) // workload_pings_test.go

		By("naming an unknown workload kind fails as before")
		_, err := drill.Parse("pings.yaml", []byte(doc))
		Expect(err).To(MatchError(ContainSubstring(`unknown workload.kind "pings" (one of: http, ledger, none, redis, sql)`)))

		By("a misspelled parameter of the added kind fails")
		_, err = drill.Parse("pings.yaml", []byte(strings.Replace(doc, "path: /healthz}}", "pth: /healthz}}", 1)), drill.KindsFrom(added))
		Expect(err).To(MatchError(ContainSubstring(`"pth"`)))

		By("a built-in workload's name cannot be taken")
		_, err = drill.Run(context.Background(), &drill.Scenario{}, drill.WithWorkload("http", newPingsWorkload(&sent)))
		Expect(err).To(MatchError(ContainSubstring(`with workload "http": a built-in workload's name`)))

		By("running a trial on the process runtime: the added workload runs against its stack")
		sc, err := drill.Parse("pings.yaml", []byte(doc), drill.KindsFrom(added))
		Expect(err).NotTo(HaveOccurred())
		res, err := drill.Run(context.Background(), sc, added, drill.WithTrials(1), drill.WithRuntime("process"), drill.WithSeed(5))
		Expect(err).NotTo(HaveOccurred())
		Expect(res.TrialResults).To(HaveLen(1))
		Expect(res.TrialResults[0].Error).To(BeEmpty())
		Expect(res.TrialResults[0].Outcome).To(Equal(drill.Recovered))
		Expect(sent.Load()).To(BeNumerically(">", 0), "the pings workload ran")
	})

	It("a probe kind and a report format, each one file and one option, run in a real drill", func() {
		Expect(statusScenario).To(ContainSubstring("kind: status"))
		var runs atomic.Int64
		added := []drill.Option{
			drill.WithProbe("status", newStatusProbe(&runs)), // probe_status_test.go
			drill.WithFormat(csvFormat{}),                    // format_csv_test.go
		}

		By("naming an unknown probe kind fails at its line, as an unknown fault does")
		_, err := drill.Parse("status.yaml", []byte(statusScenario))
		Expect(err).To(MatchError(ContainSubstring(probesLine())))
		Expect(err).To(MatchError(ContainSubstring(`unknown kind "status"`)))

		By("a misspelled parameter of the added kind fails at its line")
		_, err = drill.Parse("status.yaml", []byte(strings.Replace(statusScenario, "path: /healthz}}", "pth: /healthz}}", 1)), drill.KindsFrom(added...))
		Expect(err).To(MatchError(ContainSubstring(probesLine())))
		Expect(err).To(MatchError(ContainSubstring(`"pth"`)))

		By("running three trials on the process runtime: the added probe's results drive the measures")
		sc, err := drill.Parse("status.yaml", []byte(statusScenario), drill.KindsFrom(added...))
		Expect(err).NotTo(HaveOccurred())
		res, err := drill.Run(context.Background(), sc, append(added, drill.WithTrials(3), drill.WithRuntime("process"), drill.WithSeed(5))...)
		Expect(err).NotTo(HaveOccurred())
		Expect(runs.Load()).To(BeNumerically(">", 0), "the status probe did the probing")
		Expect(res.TrialResults).To(HaveLen(3))
		for _, t := range res.TrialResults {
			Expect(t.Error).To(BeEmpty())
			Expect(t.Outcome).To(Equal(drill.Recovered), "trial %d", t.Index)
			Expect(t.Has["rtc"]).To(BeTrue(), "trial %d: RTC from the status probe's failures and recovery", t.Index)
			Expect(t.RTC).To(BeNumerically(">", 0))
		}

		By("writing the added format's file beside the built-in ones")
		base := filepath.Join(GinkgoT().TempDir(), "status")
		Expect(res.WriteFiles(base)).To(Succeed())
		for _, ext := range []string{".json", ".raw.json.gz", ".md", ".html", ".junit.xml", ".trials.csv"} {
			Expect(base + ext).To(BeARegularFile())
		}
		csv, err := os.ReadFile(base + ".trials.csv")
		Expect(err).NotTo(HaveOccurred())
		lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
		Expect(lines).To(HaveLen(4))
		Expect(lines[0]).To(Equal("trial,outcome,rtc_ms"))
		Expect(lines[1]).To(HavePrefix("1,recovered,"))
		var b bytes.Buffer
		Expect(res.Render(&b, "csv")).To(Succeed())
		Expect(b.String()).To(Equal(string(csv)))
	})

	It("a readiness kind, one file and one option, gates every start of a real process-runtime stack", func() {
		doc := strings.Replace(quick, "      health: /version\n", "      ready: {kind: release, params: {path: /version}}\n", 1)
		Expect(doc).To(ContainSubstring("kind: release"))
		seen := &releases{}
		added := drill.WithReadiness("release", newReleaseReady(seen)) // readiness_release_test.go
		readyLine := func() string {
			before, _, _ := strings.Cut(doc, "ready:")
			return "release.yaml:" + strconv.Itoa(strings.Count(before, "\n")+1) + ":"
		}()

		By("naming an unknown readiness kind fails at its line")
		_, err := drill.Parse("release.yaml", []byte(doc))
		Expect(err).To(MatchError(ContainSubstring(readyLine)))
		Expect(err).To(MatchError(ContainSubstring(`unknown readiness kind "release"`)))

		By("a misspelled parameter of the added kind fails at its line")
		_, err = drill.Parse("release.yaml", []byte(strings.Replace(doc, "{path: /version}", "{pth: /version}", 1)), drill.KindsFrom(added))
		Expect(err).To(MatchError(ContainSubstring(readyLine)))
		Expect(err).To(MatchError(ContainSubstring(`"pth"`)))

		By("a built-in readiness kind's name cannot be taken")
		_, err = drill.Run(context.Background(), &drill.Scenario{}, drill.WithReadiness("tcp", newReleaseReady(seen)))
		Expect(err).To(MatchError(ContainSubstring(`with readiness "tcp": a built-in readiness kind's name`)))

		By("running a trial on the process runtime: the added kind gates the start, the change and the rollback")
		Expect(oneProcessTrial("release.yaml", doc, added)).To(HaveField("Outcome", drill.Recovered))
		Expect(seen.list()).To(Equal([]string{"v1", "v2", "v1"}), "ready by the added kind: the first start (v1), the change (v2), the redeploy (v1)")
		Expect(fixtures()).To(BeEmpty())
	})

	It("refuse a builder missing, a built-in probe's name and a nil format, before starting anything", func() {
		sc, err := drill.Parse("quick.yaml", []byte(quick))
		Expect(err).NotTo(HaveOccurred())
		_, err = drill.Run(context.Background(), sc, drill.WithProbe("status", nil), drill.WithProbe("http", newStatusProbe(nil)),
			drill.WithFormat(nil), drill.WithFault("", nil))
		Expect(err).To(MatchError(ContainSubstring(`with probe "status": needs a kind and a builder`)))
		Expect(err).To(MatchError(ContainSubstring(`with probe "http": a built-in probe's name`)))
		Expect(err).To(MatchError(ContainSubstring("with format: needs a Renderer")))
		Expect(err).To(MatchError(ContainSubstring(`with fault "": needs a kind and a builder`)))
		Expect(fixtures()).To(BeEmpty())
	})
})
