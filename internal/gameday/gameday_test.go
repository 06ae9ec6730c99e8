package gameday_test

import (
	"context"
	"encoding/json"
	"github.com/drillhq/drill/internal/kinds"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/audit"
	"github.com/drillhq/drill/internal/gameday"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/runner"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/trial"
)

// gameDayYAML: a release that fails every request; the alert asks a person (trigger).
func gameDayYAML(trigger string) string {
	return `
version: 1
name: game-day
objectives: {rto: 10m, rpo: 0s}
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
          env: {LEDGER_DEFECT: errors, LEDGER_ERROR_RATE: "1.0"}
probes: {interval: 20ms, timeout: 300ms, recover_after: 3, http: {service: ledger, path: /healthz}}
warmup: 300ms
change: {service: ledger, release: v2}
rollback:
  mechanism: {kind: redeploy, service: ledger}
  trigger: {condition: "error_rate > 0.5", window: 200ms, min_samples: 3, ` + trigger + `}
  timeout: 5s
`
}

// at is the page's path on the server whose printed address is base (it carries the secret).
func at(base, path string) string {
	u, err := url.Parse(base)
	Expect(err).NotTo(HaveOccurred())
	u.Path = "/" + path
	return u.String()
}

// status reads the page's live status with a real HTTP client.
func status(base string) gameday.Status {
	resp, err := http.Get(at(base, "status"))
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	var s gameday.Status
	Expect(json.NewDecoder(resp.Body).Decode(&s)).To(Succeed())
	return s
}

func decide(base, choice string) int {
	resp, err := http.PostForm(at(base, "decide"), url.Values{"choice": {choice}})
	Expect(err).NotTo(HaveOccurred())
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

var _ = Describe("a game day on the web page", func() {
	It("shows the alert's evidence and the live status, takes the operator's approval, and records who and when in the audit log and the results", func() {
		sc, err := scenario.Parse("game-day.yaml", []byte(gameDayYAML(`kind: manual, params: {model: fixed, decision: 5m}`)), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		console := gameday.New("ana", GinkgoWriter, sc.Objectives.RTO.D())
		base, stop, err := console.Serve(ctx)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(stop)
		Expect(base).To(HavePrefix("http://127.0.0.1:"))

		page, err := http.Get(base)
		Expect(err).NotTo(HaveOccurred())
		body, _ := io.ReadAll(page.Body)
		page.Body.Close()
		Expect(string(body)).To(ContainSubstring(`onclick="decide('approve')"`))
		Expect(decide(base, "approve")).To(Equal(http.StatusConflict), "no alert waits yet")

		dir := GinkgoT().TempDir()
		auditPath := filepath.Join(dir, "run.audit.jsonl")
		done := make(chan struct{})
		var before time.Time
		go func() {
			defer GinkgoRecover()
			defer close(done)
			res, err := runner.Run(ctx, runner.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New(), Trials: 1, Seed: 3,
				AuditPath: auditPath, Operator: console, OperatorName: "ana", OnProbe: console.Probe, OnEvent: console.Event,
				UpOptions: []stack.UpOption{stack.WithDataDir(filepath.Join(dir, "data"))}})
			Expect(err).NotTo(HaveOccurred())
			t := res.Trials[0]
			Expect(t.Outcome).To(Equal(trial.Recovered))
			Expect(t.Decision.Operator).To(Equal("ana"))
			Expect(t.Decision.Verdict).To(Equal(rollback.VerdictApproved))
			Expect(*t.Decision.Decided).To(BeTemporally(">=", before))
			Expect(t.Decision.Compression).To(Equal(1.0), "a real decision is never compressed")
			Expect(t.Timing.TTM.D()).To(BeNumerically(">=", t.Decision.Modelled.D()), "TTM is the operator's real time")

			log, err := os.ReadFile(auditPath)
			Expect(err).NotTo(HaveOccurred())
			_, err = audit.Verify(auditPath)
			Expect(err).NotTo(HaveOccurred())
			var approval map[string]any
			for _, line := range strings.Split(strings.TrimSpace(string(log)), "\n") {
				var e map[string]any
				Expect(json.Unmarshal([]byte(line), &e)).To(Succeed())
				if e["action"] == string(trial.EventDecisionPrefix.With(rollback.StepApproved)) {
					approval = e
				}
			}
			Expect(approval).NotTo(BeNil(), "the approval is in the audit log")
			Expect(approval["actor"]).To(Equal("operator:ana"))
			Expect(approval["detail"]).To(ContainSubstring("by ana at " + t.Decision.Decided.Format(time.RFC3339Nano)))
			Expect(approval["detail"]).To(HaveSuffix(", from the page"), "the audit log says where the decision came from")
			Expect(t.Decision.From).To(Equal(gameday.FromPage))
		}()

		var s gameday.Status
		Eventually(func() *gameday.AlertView { s = status(base); return s.Alert }).WithTimeout(20 * time.Second).WithPolling(50 * time.Millisecond).NotTo(BeNil())
		Expect(s.Alert.Text).To(ContainSubstring(`"error_rate > 0.5" held: error rate`))
		Expect(s.Alert.ErrorRate).To(BeNumerically(">", 0.5))
		Expect(s.Alert.Since).NotTo(BeZero())
		Expect(s.Phase).To(Equal(string(trial.EventDecisionPrefix.With(rollback.StepAlert))))
		Expect(s.Probes).To(BeNumerically(">", 0))
		Expect(s.Failures).To(BeNumerically(">", 0))
		Expect(s.ElapsedMs).To(BeNumerically(">", 0))
		Expect(s.RTOMs).To(Equal(600000.0))

		Expect(decide(base, "pause")).To(Equal(http.StatusNoContent))
		Expect(status(base).Paused).To(BeTrue())
		before = time.Now()
		Expect(decide(base, "approve")).To(Equal(http.StatusNoContent))
		Eventually(done).WithTimeout(30 * time.Second).Should(BeClosed())
		Expect(status(base).Decisions).To(ConsistOf(SatisfyAll(HavePrefix("trial 1: approve by ana at "), HaveSuffix(" from the page"))))
	})
})

var _ = Describe("a game day at the terminal", func() {
	It("takes a rejection typed at the terminal: a veto, nothing rolled back", func() {
		console := gameday.New("bo", GinkgoWriter, time.Minute)
		r, w := io.Pipe()
		ctx, cancel := context.WithCancel(context.Background())
		DeferCleanup(func() { cancel(); w.Close() })
		go console.ReadTerminal(ctx, r)
		dec := rollback.NewInteractive(console, "hybrid", nil)
		answered := make(chan rollback.Decision)
		go func() {
			defer GinkgoRecover()
			d, err := dec.Decide(ctx, rollback.DecideInput{Alert: rollback.Alert{Trial: 2, Condition: "error_rate > 0.5", ErrorRate: 1}})
			Expect(err).NotTo(HaveOccurred())
			answered <- d
		}()
		Eventually(func() *gameday.AlertView { return console.Status().Alert }).NotTo(BeNil())
		_, err := io.WriteString(w, "maybe\nr\n")
		Expect(err).NotTo(HaveOccurred())
		var d rollback.Decision
		Eventually(answered).WithTimeout(5 * time.Second).Should(Receive(&d))
		Expect(d.Proceed).To(BeFalse())
		Expect(d.Verdict).To(Equal(rollback.VerdictRejected))
		Expect(d.Operator).To(Equal("bo"))
		Expect(d.From).To(Equal(gameday.FromTerminal))
	})

	It("keeps a hybrid gate's timeout: no answer in time proceeds as declared", func() {
		console := gameday.New("cy", GinkgoWriter, time.Minute)
		model, err := rollback.NewTriggerRegistry().Build(scenario.Trigger{Kind: "hybrid",
			Params: map[string]any{"model": "fixed", "decision": "1h", "timeout": "200ms", "on_timeout": "proceed"}})
		Expect(err).NotTo(HaveOccurred())
		d, err := rollback.NewInteractive(console, "hybrid", model).Decide(context.Background(), rollback.DecideInput{})
		Expect(err).NotTo(HaveOccurred())
		Expect(d.Proceed).To(BeTrue())
		Expect(d.Verdict).To(Equal(rollback.VerdictTimeoutProceed))
		Expect(d.Modelled.D()).To(BeNumerically(">=", 200*time.Millisecond))
	})
})

var _ = Describe("a game day's decisions file", func() {
	It("holds the operators' measured decision times, which a manual trigger's empirical model resamples", func() {
		decided := time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)
		trials := []trial.Result{
			{Index: 1, Decision: &rollback.Decision{Kind: "manual", Verdict: rollback.VerdictApproved, Operator: "ana", Decided: &decided, Modelled: 42e9}},
			{Index: 2, Decision: &rollback.Decision{Kind: "manual", Verdict: rollback.VerdictDecided, Modelled: 9e9}}, // modelled: not a person's
		}
		recs := gameday.Records("game-day", trials)
		Expect(recs).To(HaveLen(1))
		Expect(recs[0].Alerted).To(Equal(decided.Add(-42 * time.Second)))
		path := filepath.Join(GinkgoT().TempDir(), "decisions.json")
		Expect(rollback.WriteDecisions(path, recs)).To(Succeed())
		m, err := rollback.NewTriggerRegistry().Build(scenario.Trigger{Kind: "manual", Params: map[string]any{"model": "empirical", "samples_file": path}})
		Expect(err).NotTo(HaveOccurred())
		Expect(m.(*rollback.Manual).Sample(1)).To(Equal([]time.Duration{42 * time.Second}))
	})
})
