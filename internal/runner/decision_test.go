package runner_test

import (
	"bytes"
	"context"
	"github.com/drillhq/drill/internal/kinds"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/runner"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/testenv"
	"github.com/drillhq/drill/internal/trial"
)

var _ = Describe("a run of the manual plan", func() {
	It("samples the same decision times from the same seed, run after run, and its report states the compression and the modelled RTC", func() {
		sc, err := scenario.Load(filepath.Join(testenv.ModuleRoot(), "scenarios", "rollback-manual.yaml"), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		sc.Rollback.Trigger.Params["compression"] = 3000 // minutes become tens of milliseconds
		sc.Verify.FinalRead = false
		run := func() (*report.Results, []measure.Offset) {
			dir := GinkgoT().TempDir()
			res, err := runner.Run(context.Background(), runner.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New(),
				Trials: 2, Seed: 5, AuditPath: filepath.Join(dir, "run.audit.jsonl")})
			Expect(err).NotTo(HaveOccurred())
			var decisions []measure.Offset
			for _, t := range res.Trials {
				Expect(t.Error).To(BeEmpty())
				Expect(t.Decision).NotTo(BeNil())
				Expect(t.Decision.Parts).To(HaveLen(3))
				decisions = append(decisions, t.Decision.Modelled)
			}
			audit, err := os.ReadFile(filepath.Join(dir, "run.audit.jsonl"))
			Expect(err).NotTo(HaveOccurred())
			Expect(string(audit)).To(ContainSubstring(`"decision_assess"`), "every part of the decision is in the audit log")
			return res, decisions
		}
		first, a := run()
		_, b := run()
		Expect(a).To(Equal(b), "the same seed samples the same decision times")
		Expect(a[0]).NotTo(Equal(a[1]), "each trial samples its own")

		var md bytes.Buffer
		Expect(report.Markdown(&md, first)).To(Succeed())
		Expect(md.String()).To(ContainSubstring("Compressed ×3000: modelled RTC median"))
		Expect(md.String()).To(ContainSubstring("| RTO (p90 of modelled RTC) |"))
	})
})
