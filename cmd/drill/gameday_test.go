package main_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/rollback"
)

// gameDayScenario is a manual plan whose decision a game day's operator makes.
const gameDayScenario = `version: 1
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
  trigger:
    kind: manual
    condition: error_rate > 0.5
    window: 200ms
    min_samples: 3
    params: {model: fixed, decision: 5m}
  timeout: 5s
`

var _ = Describe("drill run --interactive", func() {
	It("asks the operator at a real terminal, takes the approval typed there, and records who and when in the audit log and the report", func() {
		tmux, err := exec.LookPath("tmux")
		if err != nil {
			Skip("tmux is not installed (apt-get install tmux)")
		}
		dir := GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(dir, "game-day.yaml"), []byte(gameDayScenario), 0o644)).To(Succeed())
		socket := filepath.Join(dir, "tmux.sock") // a server of our own, killed at the end
		tm := func(args ...string) string {
			out, err := exec.Command(tmux, append([]string{"-S", socket}, args...)...).CombinedOutput()
			Expect(err).NotTo(HaveOccurred(), string(out))
			return string(out)
		}
		cmd := drill(dir, "run", "--interactive", "--operator", "ana", "--runtime", "process", "--trials", "1", "--seed", "4",
			"--out", "out", "--decisions-out", "decisions.json", "game-day.yaml")
		shell := "cd " + dir + " && env TMPDIR=" + filepath.Join(dir, "tmp") + " DRILL_FIXTURE_DIR= " + strings.Join(cmd.Args, " ") +
			" > stdout.txt; echo exit=$? > exit.txt"
		tm("new-session", "-d", "-x", "200", "-y", "50", "-s", "gameday", "sh", "-c", shell)
		DeferCleanup(func() { _ = exec.Command(tmux, "-S", socket, "kill-server").Run() })

		screen := func() string { return tm("capture-pane", "-p", "-J", "-t", "gameday") }
		Eventually(screen).WithTimeout(60 * time.Second).WithPolling(100 * time.Millisecond).Should(ContainSubstring("roll back? [a]pprove / [r]eject / [p]ause"))
		Expect(screen()).To(MatchRegexp(`live status and decisions at http://127\.0\.0\.1:\d+/\?secret=[0-9a-f]{32} \(this run's secret [0-9a-f]{32}`))
		Expect(screen()).To(MatchRegexp(`"error_rate > 0.5" held: error rate \d+%, p95 latency \d+ms over \d+ probes, failing since \d\d:\d\d:\d\d`))
		tm("send-keys", "-t", "gameday", "a", "Enter")

		exitFile := filepath.Join(dir, "exit.txt")
		Eventually(func() error { _, err := os.Stat(exitFile); return err }).WithTimeout(60 * time.Second).WithPolling(100 * time.Millisecond).Should(Succeed())
		Expect(os.ReadFile(exitFile)).To(BeEquivalentTo("exit=3\n"), "inconclusive: one trial bounds nothing")

		logs, err := filepath.Glob(filepath.Join(dir, "out", "*.audit.jsonl"))
		Expect(err).NotTo(HaveOccurred())
		Expect(logs).To(HaveLen(1))
		log, err := os.ReadFile(logs[0])
		Expect(err).NotTo(HaveOccurred())
		var approval map[string]any
		for _, line := range strings.Split(strings.TrimSpace(string(log)), "\n") {
			var e map[string]any
			Expect(json.Unmarshal([]byte(line), &e)).To(Succeed())
			if e["action"] == "decision_approved" {
				approval = e
			}
		}
		Expect(approval).NotTo(BeNil())
		Expect(approval["actor"]).To(Equal("operator:ana"))
		Expect(approval["detail"]).To(MatchRegexp(`by ana at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*, from the terminal$`))
		Expect(approval["time"]).NotTo(BeEmpty())

		report, err := os.ReadFile(filepath.Join(dir, "stdout.txt"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(report)).To(MatchRegexp(`game day: approved by ana at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ after `))

		recs, err := rollback.ReadDecisions(filepath.Join(dir, "decisions.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(recs.Records).To(HaveLen(1))
		Expect(recs.Records[0].Operator).To(Equal("ana"))
		Expect(recs.Records[0].Choice).To(Equal("approve"))
	})
})
