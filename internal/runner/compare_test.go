package runner_test

import (
	"bytes"
	"context"
	"github.com/drillhq/drill/internal/kinds"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/runner"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/testenv"
	"github.com/drillhq/drill/internal/trial"
)

var _ = Describe("drill compare's runner", func() {
	It("runs the same defect under each plan, interleaved with the same seeds, and flags manual (log-normal, median 5 min) against automated as a large difference with p < 0.01", func() {
		sc, err := scenario.Load(filepath.Join(testenv.ModuleRoot(), "scenarios", "compare-plans.yaml"), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		for _, p := range sc.Compare.Plans {
			if p.Trigger.Params != nil {
				p.Trigger.Params["compression"] = 6000 // minutes become tens of milliseconds
			}
		}
		sc.Control.Trials = 1
		sc.Verify.FinalRead = false
		var order []int
		cmp, err := runner.Compare(context.Background(), runner.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: process.New(), Trials: 5, Seed: 11,
			OnTrial: func(r trial.Result) { order = append(order, r.Index) }})
		Expect(err).NotTo(HaveOccurred())
		Expect(order).To(Equal([]int{1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6}), "interleaved: trial i of every plan before i+1")
		Expect(cmp.Plans).To(HaveLen(3))
		for _, p := range cmp.Plans {
			Expect(p.Stats.Judged).To(Equal(5), p.Name)
			Expect(p.Stats.Success.K).To(Equal(5), p.Name)
			Expect(p.Stats.ControlsFired).NotTo(BeNil())
			Expect(p.Stats.ControlsFired.N).To(Equal(1))
			Expect(p.Results.Trials[0].Seed).To(Equal(cmp.Plans[0].Results.Trials[0].Seed), "the same defect: the same seed")
			Expect(p.Results.Machine).NotTo(BeNil(), p.Name)
		}
		manual := cmp.Plans[1]
		Expect(manual.Stats.Compression).To(Equal(6000.0))
		Expect(float64(manual.Stats.RTC.P50)).To(BeNumerically(">", 60), "the modelled RTC is minutes")

		var pair report.PlanPair
		for _, p := range cmp.Pairs {
			if p.A == "automated" && p.B == "manual" {
				pair = p
			}
		}
		Expect(pair.Magnitude).To(Equal("large"))
		Expect(float64(pair.Delta)).To(Equal(1.0), "every manual trial took longer than every automated one")
		Expect(float64(pair.PTwoSided)).To(BeNumerically("<", 0.01))
		Expect(pair.Large).To(BeTrue())

		var md, html bytes.Buffer
		Expect(report.CompareMarkdown(&md, cmp)).To(Succeed())
		Expect(report.CompareHTML(&html, cmp)).To(Succeed())
		Expect(md.String()).To(ContainSubstring("| measure | automated | manual | hybrid |"))
		Expect(md.String()).To(MatchRegexp(`\| automated vs manual \| \+\S+ \[.*\] \| p = 0\.0079 \| \+1\.00 \(large\) \| \*\*large difference \(p < 0\.01\)\*\*: automated recovers faster than manual \|`))
		Expect(md.String()).To(ContainSubstring("manual: compressed ×6000"))
		Expect(html.String()).To(ContainSubstring("<svg"))
		Expect(html.String()).To(ContainSubstring("large difference (p &lt; 0.01)"))
	})
})
