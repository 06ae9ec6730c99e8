package runner_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/kinds"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/runner"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/testenv"
	"github.com/drillhq/drill/internal/trial"
)

var _ = Describe("probes slower than their interval", func() {
	It("are measured piling up before the fault, and the report says so", func() {
		if _, err := exec.LookPath("curl"); err != nil {
			Skip("curl is not installed")
		}
		// Every probe sleeps 150 ms before it asks the ledger, and one starts every 50 ms:
		// the spec's own truth is that at least three are in flight at once while the
		// service is healthy, each taking at least 150 ms.
		b, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(), "scenarios", "bad-release.yaml"))
		Expect(err).NotTo(HaveOccurred())
		doc := strings.NewReplacer(
			"interval: 25ms", "interval: 50ms",
			"timeout: 500ms", "timeout: 2s",
			"http: {service: ledger, path: /healthz}", `exec: {command: [sh, -c, 'sleep 0.15; curl -fsS -o /dev/null "http://$DRILL_ENDPOINT_LEDGER/healthz"']}`,
			"warmup: 500ms", "warmup: 1s",
		).Replace(string(b))
		Expect(doc).To(ContainSubstring("sleep 0.15"))
		sc, err := scenario.Parse("slow-probes.yaml", []byte(doc), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())

		res, err := runner.Run(context.Background(), runner.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New(), Trials: 1, Seed: 9})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Trials).To(HaveLen(1))
		t := res.Trials[0]
		Expect(t.Error).To(BeEmpty())
		Expect(t.ProbeOverlap).To(BeNumerically(">=", 3), "probes of 150 ms every 50 ms")
		Expect(t.ProbeSlowest.D()).To(BeNumerically(">=", 150*time.Millisecond))
		var md bytes.Buffer
		Expect(report.Markdown(&md, res)).To(Succeed())
		Expect(md.String()).To(ContainSubstring("Probe overlap: in 1 of 1 trials a probe took longer than two probe intervals (50ms each) before the fault"))
	})
})
