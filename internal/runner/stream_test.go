package runner_test

import (
	"context"
	"github.com/drillhq/drill/internal/kinds"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/runner"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/testenv"
	"github.com/drillhq/drill/internal/trial"
)

// quickScenario is the bad-release scenario with a short warm-up, for runs of many trials.
func quickScenario() *scenario.Scenario {
	GinkgoHelper()
	sc, err := scenario.Load(filepath.Join(testenv.ModuleRoot(), "scenarios", "bad-release.yaml"), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
	Expect(err).NotTo(HaveOccurred())
	sc.Warmup = scenario.Duration(400 * time.Millisecond) // room for 3 answered probes when make test loads the machine
	return sc
}

var _ = Describe("a run with a raw file", func() {
	It("writes each trial's raw records as the trial ends, holds none, and drill check re-derives every measure from the file", func() {
		dir := GinkgoT().TempDir()
		rawPath := filepath.Join(dir, "run.raw.json.gz")
		var onDisk []int
		res, err := runner.Run(context.Background(), runner.Config{Kinds: kinds.Default().Kinds, Scenario: quickScenario(), Runtime: process.New(),
			Trials: 2, Seed: 5, RawPath: rawPath, OnTrial: func(r trial.Result) { onDisk = append(onDisk, r.Index) }})
		Expect(err).NotTo(HaveOccurred())
		Expect(onDisk).To(Equal([]int{1, 2}))
		Expect(res.Raw).To(BeNil(), "no trial's raw records are held")
		Expect(res.RawFile).To(Equal("run.raw.json.gz"))
		Expect(res.WriteRaw(rawPath)).To(Succeed(), "nothing left to write")
		resPath := filepath.Join(dir, "run.json")
		Expect(res.Write(resPath)).To(Succeed())

		back, err := report.Read(resPath)
		Expect(err).NotTo(HaveOccurred())
		Expect(back.ReadRaw(resPath)).To(Succeed())
		Expect(back.Raw).To(HaveLen(2))
		for i, t := range back.Trials {
			Expect(back.Raw[i].Index).To(Equal(t.Index))
			Expect(back.Raw[i].Probes).NotTo(BeEmpty())
			again := t.WithRaw(back.Raw[i])
			trial.Measure(&again, back.Params)
			Expect(again.Timing).To(Equal(t.Timing), "trial %d", t.Index)
			Expect(again.Loss).To(Equal(t.Loss), "trial %d", t.Index)
			Expect(again.Outcome).To(Equal(t.Outcome), "trial %d", t.Index)
		}
	})
})

var _ = Describe("a parallel run", func() {
	It("runs trials at once on their own stacks, keeps them in index order, and records each trial's probe lateness", func() {
		res, err := runner.Run(context.Background(), runner.Config{Kinds: kinds.Default().Kinds, Scenario: quickScenario(), Runtime: process.New(),
			Trials: 4, Seed: 3, Parallel: 2, RawPath: filepath.Join(GinkgoT().TempDir(), "run.raw.json.gz")})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Trials).To(HaveLen(4))
		for i, t := range res.Trials {
			Expect(t.Index).To(Equal(i + 1))
			Expect(t.Outcome).To(Equal(trial.Recovered), "trial %d: %s", t.Index, t.Error)
			Expect(t.Loss).NotTo(BeNil())
			Expect(t.Loss.Lost).To(BeEmpty(), "trial %d", t.Index)
			Expect(t.ProbeLate).To(BeNumerically(">", 0), "trial %d: measured, never exactly on time", t.Index)
		}
		Expect(res.Summary.Recovered).To(Equal(4))
	})
})
