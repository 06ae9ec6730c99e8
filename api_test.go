package drill_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill"
)

// quick is the bad release with a light workload and a short warm-up: a trial takes
// about a second on the process runtime.
const quick = `
version: 1
name: quick
objectives: {rto: 2s, rpo: 0s, success_rate: 0.9, quantile: 0.9, confidence: 0.95}
stack:
  services:
    - name: ledger
      fixture: ledger
      port: 8080
      health: /version
      release: v1
      releases:
        - name: v1
        - name: v2
          env: {LEDGER_DEFECT: errors}
workload: {kind: ledger, service: ledger, rate: 20, accounts: 2}
probes: {interval: 20ms, timeout: 300ms, recover_after: 3, http: {service: ledger, path: /healthz}}
warmup: 150ms
change: {service: ledger, release: v2}
rollback:
  mechanism: {kind: redeploy, service: ledger}
  trigger: {kind: automated, condition: "error_rate > 0.5", window: 200ms}
  timeout: 10s
`

// fixtures lists the running fixture processes started from this suite's drill binary.
func fixtures() []string {
	var found []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		argv, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.HasPrefix(exe, fixtureDir) && bytes.Contains(argv, []byte("\x00fixture\x00")) {
			found = append(found, e.Name()+" "+string(bytes.ReplaceAll(argv, []byte{0}, []byte{' '})))
		}
	}
	return found
}

var _ = Describe("Run's options", func() {
	It("return errors, and Run reports them all before starting anything", func() {
		sc, err := drill.Parse("quick.yaml", []byte(quick))
		Expect(err).NotTo(HaveOccurred())
		res, err := drill.Run(context.Background(), sc, drill.WithTrials(-3), drill.WithRuntime("dokcer"), drill.WithLog(nil),
			drill.WithParallel(0), drill.WithRunID("../x"), drill.OnTrial(nil))
		Expect(res).To(BeNil())
		Expect(err).To(MatchError(ContainSubstring("with parallel 0: must be at least 1")))
		Expect(err).To(MatchError(ContainSubstring(`with run id "../x"`)))
		Expect(err).To(MatchError(ContainSubstring("on trial: nil function")))
		Expect(err).To(MatchError(ContainSubstring("with trials -3: must be from 1 to 1000")))
		Expect(err).To(MatchError(ContainSubstring(`with runtime "dokcer": unknown runtime (auto, docker, process, external or kubernetes)`)))
		Expect(err).To(MatchError(ContainSubstring("with log: nil writer")))
		Expect(fixtures()).To(BeEmpty())
	})

	It("bound the trials from both sides", func() {
		sc, err := drill.Parse("quick.yaml", []byte(quick))
		Expect(err).NotTo(HaveOccurred())
		for _, n := range []int{0, drill.MaxTrials + 1} {
			_, err := drill.Run(context.Background(), sc, drill.WithTrials(n))
			Expect(err).To(MatchError(ContainSubstring("must be from 1 to 1000")))
		}
	})
})

var _ = Describe("a scenario built in Go", func() {
	build := func() *drill.Scenario {
		return &drill.Scenario{
			Version: 1, Name: "built-in-go",
			Objectives: drill.ScenarioObjectives{RTO: drill.Duration(2 * time.Second)},
			Stack: drill.Stack{Services: []drill.Service{{
				Name: "ledger", Fixture: "ledger", Port: 8080, Health: "/version", Release: "v1",
				Releases: []drill.Release{{Name: "v1"}, {Name: "v2", Env: map[string]string{"LEDGER_DEFECT": "errors"}}},
			}}},
			Probes:   drill.Probes{HTTP: &drill.HTTPProbe{Service: "ledger", Path: "/healthz"}},
			Change:   &drill.Change{Service: "ledger", Release: "v2"},
			Rollback: drill.Rollback{Mechanism: drill.Mechanism{Kind: "redeploy", Service: "ledger"}, Trigger: drill.Trigger{Kind: "automated", Condition: "error_rate > 0.5"}},
		}
	}

	It("gets the defaults a file would and runs", func() {
		sc := build()
		Expect(drill.Check(sc)).To(Succeed())
		Expect(sc.Trials).To(Equal(5))
		res, err := drill.Run(context.Background(), sc, drill.WithTrials(1), drill.WithRuntime("process"))
		Expect(err).NotTo(HaveOccurred())
		Expect(res.TrialResults).To(HaveLen(1))
		Expect(res.TrialResults[0].Outcome).To(Equal(drill.Recovered), res.TrialResults[0].Error)
		Expect(fixtures()).To(BeEmpty())
	})

	It("is validated like a file", func() {
		sc := build()
		sc.Rollback.Mechanism.Service = "ledgr"
		Expect(drill.Check(sc)).To(MatchError(ContainSubstring(`"ledgr" is not a service`)))
	})
})

var _ = Describe("a Result", func() {
	var res *drill.Result
	BeforeEach(func() {
		sc, err := drill.Parse("quick.yaml", []byte(quick))
		Expect(err).NotTo(HaveOccurred())
		res, err = drill.Run(context.Background(), sc, drill.WithTrials(1), drill.WithRuntime("process"), drill.WithSeed(3))
		Expect(err).NotTo(HaveOccurred())
	})

	It("names its verdict, outcomes and measures in public types", func() {
		var v drill.Verdict = res.Verdict
		Expect(v).To(Equal(drill.Inconclusive)) // one trial cannot bound p90
		Expect(res.Headline()).To(Equal("INCONCLUSIVE"))
		Expect(res.RTO.Needed).To(Equal(29))
		Expect(res.Seed).To(Equal(int64(3)))
		t := res.TrialResults[0]
		Expect(t.Outcome).To(Equal(drill.Recovered), t.Error)
		Expect(t.Has).To(HaveKey("rtc"))
		Expect(t.RTC).To(BeNumerically(">", 0))
		Expect(t.Acked).To(BeNumerically(">", 0))
	})

	It("renders every report format", func() {
		for _, f := range drill.Formats {
			var b bytes.Buffer
			Expect(res.Render(&b, f)).To(Succeed(), string(f))
			switch f {
			case drill.Markdown:
				Expect(b.String()).To(HavePrefix("## drill: quick — INCONCLUSIVE\n"))
			case drill.HTML:
				Expect(b.String()).To(ContainSubstring("<svg"))
			case drill.JUnit:
				Expect(xml.Unmarshal(b.Bytes(), new(struct{}))).To(Succeed())
				Expect(b.String()).To(ContainSubstring("<testsuite"))
			case drill.JSON:
				var m map[string]any
				Expect(json.Unmarshal(b.Bytes(), &m)).To(Succeed())
				Expect(m).To(HaveKeyWithValue("run_id", res.RunID))
			}
		}
		Expect(res.Render(&bytes.Buffer{}, "pdf")).To(MatchError(ContainSubstring(`unknown format`)))
	})

	It("writes the files drill run writes, which ReadResult reads back", func() {
		base := filepath.Join(GinkgoT().TempDir(), "run")
		Expect(res.WriteFiles(base)).To(Succeed())
		for _, ext := range []string{".json", ".raw.json.gz", ".md", ".html", ".junit.xml"} {
			Expect(base + ext).To(BeAnExistingFile())
		}
		back, err := drill.ReadResult(base + ".json")
		Expect(err).NotTo(HaveOccurred())
		Expect(back.RunID).To(Equal(res.RunID))
		Expect(back.TrialResults).To(Equal(res.TrialResults))
	})
})

var _ = Describe("cancelling Run's context", func() {
	It("stops the drill mid-trial, tears down what it started and returns the trials so far", func() {
		tmp := GinkgoT().TempDir()
		GinkgoT().Setenv("TMPDIR", tmp)
		sc, err := drill.Parse("quick.yaml", []byte(quick))
		Expect(err).NotTo(HaveOccurred())
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		firstDone := make(chan struct{})
		go func() { // cancel once the second trial's service runs
			defer GinkgoRecover()
			<-firstDone
			Eventually(fixtures, 10*time.Second, 2*time.Millisecond).ShouldNot(BeEmpty())
			cancel()
		}()
		done := 0
		res, err := drill.Run(ctx, sc, drill.WithTrials(5), drill.WithRuntime("process"), drill.OnTrial(func(drill.Trial) {
			if done++; done == 1 {
				close(firstDone)
			}
		}))
		Expect(errors.Is(err, context.Canceled)).To(BeTrue(), "err = %v", err)
		Expect(res).NotTo(BeNil())
		Expect(len(res.TrialResults)).To(BeNumerically("<", 5))
		Expect(res.TrialResults[0].Outcome).To(Equal(drill.Recovered))
		Expect(fixtures()).To(BeEmpty(), "no fixture process may outlive Run")
		Expect(os.ReadDir(tmp)).To(BeEmpty(), "no temporary directory may outlive Run")
	})
})
