package scenario_test

import (
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

func phases(p scenario.Plan) []string {
	var out []string
	for _, st := range p.Steps {
		out = append(out, st.Phase)
	}
	return out
}

var _ = Describe("Plan", func() {
	It("describes the rollback mechanism with its parameters", func() {
		s, err := scenario.Load("testdata/bad-release.yaml", scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		rollback := func() string {
			for _, st := range s.Plan().Steps {
				if st.Phase == scenario.PhaseRollback {
					return st.Description
				}
			}
			return ""
		}
		s.Rollback.Mechanism.Params = map[string]any{"release": "v0", "strategy": "recreate"}
		Expect(rollback()).To(Equal("redeploy ledger with release v0 (recreate)"))
		s.Rollback.Mechanism = scenario.Mechanism{Kind: "feature-flag", Service: "ledger", Params: map[string]any{"path": "/flags/x", "status": 200}}
		Expect(rollback()).To(Equal("feature-flag ledger (path=/flags/x, status=200)"))
	})

	It("orders one trial of the reference scenario", func() {
		s, err := scenario.Load("testdata/bad-release.yaml", scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		p := s.Plan()
		Expect(phases(p)).To(Equal([]string{"setup", "warm-up", "change", "watch", "trigger", "rollback", "recover", "verify", "reset"}))
		Expect(p.Steps[1].Static).To(BeTrue())
		Expect(p.Steps[1].At).To(Equal(-time.Second))
		Expect(p.Steps[2].WhenText()).To(Equal("t_fault"))
		Expect(p.Steps[2].Description).To(HavePrefix("deploy release v2 of ledger (replacing v1), start-first"))
		Expect(p.Steps[4].Static).To(BeFalse())
		Expect(p.Steps[4].WhenText()).To(Equal("when the condition holds"))
		Expect(p.Steps[4].Description).To(ContainSubstring("a change still deploying is aborted first"))
		Expect(p.Steps[5].Description).To(Equal("redeploy ledger with release v1 (start-first)"))
		Expect(p.Steps[6].WhenText()).To(Equal("rollback end … +30s"))
		Expect(p.Steps[6].Description).To(ContainSubstring("started after the rollback's last step"))
		Expect(p.Steps[6].Description).To(ContainSubstring("3 consecutive passing probes"))
		Expect(p.Steps[7].Description).To(ContainSubstring("final read of every transfer the ledger holds"))
		Expect(p.ErrorBound).To(Equal(25 * time.Millisecond))
		Expect(s.Probes.ErrorBound()).To(Equal(s.Probes.Interval.D()))
	})

	It("never states an error bound finer than the pacer's tolerance", func() {
		pr := scenario.Probes{Interval: scenario.Duration(100 * time.Microsecond)}
		Expect(pr.ErrorBound()).To(Equal(scenario.PacerTolerance))
	})

	It("places faults and reverts at their offsets and untimed reverts at the rollback", func() {
		s, err := scenario.Load("testdata/full.yaml", scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		p := s.Plan()
		// As the trial does it: at t_trigger the faults lasting until the rollback are
		// reverted first, then the mechanism runs.
		Expect(phases(p)).To(Equal([]string{"setup", "setup", "setup", "setup", "warm-up", "change", "watch",
			"fault", "fault", "revert", "trigger", "revert", "rollback", "recover", "verify", "reset"}))
		var whens []string
		for _, st := range p.Steps[4:10] {
			whens = append(whens, st.WhenText())
		}
		Expect(whens).To(Equal([]string{"t_fault-2s", "t_fault", "t_fault", "t_fault+500ms", "t_fault+1s", "t_fault+4s"}))
		Expect(p.Steps[7].Description).To(Equal("apply pause to cache"))
		Expect(p.Steps[8].Description).To(Equal("apply latency to api-to-ledger (jitter=50ms, latency=200ms)"))
		Expect(p.Steps[11].Description).To(Equal("revert pause on cache (it lasts until the rollback)"))
		Expect(p.Steps[14].Description).To(ContainSubstring("no final read"))
	})

	It("schedules faults that count from the rollback after its start, in order", func() {
		s, err := scenario.Load("testdata/full.yaml", scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		s.Faults = append(s.Faults, scenario.Fault{Kind: "latency", Target: "ledger", From: scenario.FromRollback,
			At: scenario.Duration(100 * time.Millisecond), Params: map[string]any{"latency": "200ms"}})
		p := s.Plan()
		// It counts from t_trigger, as the rollback's steps do: after the rollback's start
		// (the trigger and the reverts at t_trigger), before the rollback's steps, which
		// it runs beside (a rollback that takes longer than 100ms ends after it).
		i := slices.IndexFunc(p.Steps, func(st scenario.Step) bool { return st.Phase == "rollback" })
		Expect(p.Steps[i-1].WhenText()).To(Equal("t_trigger+100ms"))
		Expect(p.Steps[i-1].Description).To(Equal("apply latency to ledger (latency=200ms) (until the trial ends)"))
		Expect(p.Steps[i-1].Anchor).To(Equal(scenario.AnchorTrigger))
		Expect(p.Steps[i-1].At).To(Equal(100 * time.Millisecond))
		Expect(p.Steps[i-1].Fault).To(Equal(len(s.Faults) - 1))
		Expect(p.Steps[i-1].Lasts).To(Equal(scenario.LastsUntilEnd))
		Expect(p.Steps[i-2].Phase).To(Equal(scenario.PhaseRevert), "after the reverts at the rollback's start")
	})

	It("refers each step to what of the scenario it carries out, and what it undoes", func() {
		s, err := scenario.Load("testdata/full.yaml", scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		p := s.Plan()
		faults, at := p.Of(scenario.PhaseFault)
		Expect(faults).To(HaveLen(2))
		Expect(s.Faults[faults[0].Fault].Kind).To(Equal("pause"), "applied first: at 500ms")
		Expect(faults[0].Lasts).To(Equal(scenario.LastsUntilRollback))
		Expect(s.Faults[faults[1].Fault].Kind).To(Equal("latency"))
		Expect(faults[1].Lasts).To(Equal(scenario.LastsFor))
		reverts, _ := p.Of(scenario.PhaseRevert)
		Expect(reverts).To(HaveLen(2))
		Expect(reverts[0].Undoes).To(Equal(at[1]), "the latency's revert after its for")
		Expect(reverts[0].Anchor).To(Equal(scenario.AnchorFault))
		Expect(reverts[1].Undoes).To(Equal(at[0]), "the pause's revert at the rollback")
		Expect(reverts[1].Anchor).To(Equal(scenario.AnchorTrigger))
		changes, changeAt := p.Of(scenario.PhaseChange)
		Expect(changes).To(HaveLen(1))
		Expect(changes[0].Change).To(Equal(0))
		rbs, _ := p.Of(scenario.PhaseRollback)
		Expect(rbs).To(HaveLen(1))
		Expect(rbs[0].Rollback).To(Equal(0))
		Expect(rbs[0].Undoes).To(Equal(scenario.NoRef), "the rollback's own mechanism undoes the whole change")
		Expect(changeAt).To(HaveLen(1))
		for _, st := range p.ForControl().Steps {
			Expect(st.Phase).NotTo(BeElementOf(scenario.PhaseFault, scenario.PhaseRevert, scenario.PhaseTrigger,
				scenario.PhaseRollback, scenario.PhaseRecover), "a control trial injects nothing and rolls nothing back")
		}
	})

	It("lets the fault kinds say which faults last past the rollback", func() {
		s, err := scenario.Load("testdata/full.yaml", scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		p := s.Plan(scenario.WithLasting(func(f scenario.Fault) bool { return f.Kind == "pause" }))
		faults, _ := p.Of(scenario.PhaseFault)
		Expect(faults[0].Lasts).To(Equal(scenario.LastsUntilEnd))
		Expect(faults[0].Description).To(ContainSubstring("it stays down until the rollback"))
		reverts, _ := p.Of(scenario.PhaseRevert)
		Expect(reverts).To(HaveLen(2))
		Expect(s.Faults[reverts[1].Fault].Kind).To(Equal("pause"))
		Expect(reverts[1].Anchor).To(Equal(scenario.AnchorEnd), "nothing reverts it at the rollback: the trial's end does")
	})

	It("renders an aligned table", func() {
		s, err := scenario.Load("testdata/bad-release.yaml", scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		out := s.Plan().String()
		Expect(out).To(HavePrefix(`plan of one trial of "bad-release" (5 trials by default)`))
		Expect(out).To(ContainSubstring("observed up to 25ms late"))
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		var table []string
		for i, l := range lines {
			if strings.HasPrefix(l, "#") {
				table = lines[i:]
			}
		}
		Expect(table).To(HaveLen(1 + len(s.Plan().Steps)))
		col := strings.Index(table[0], "WHEN")
		for _, l := range table[1:] {
			Expect(l[col-1]).To(Equal(byte(' ')), "column WHEN is aligned in %q", l)
			Expect(l[col]).NotTo(Equal(byte(' ')), "column WHEN is aligned in %q", l)
		}
		Expect(strings.Fields(table[3])[:8]).To(Equal([]string{"3", "change", "t_fault", "deploy", "release", "v2", "of", "ledger"}))
	})

	It("is pure: the same scenario gives the same plan", func() {
		s, err := scenario.Load("testdata/full.yaml", scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Plan()).To(Equal(s.Plan()))
	})
})

var _ = Describe("Plan of the verification", func() {
	It("lists the linearizability check and every user check after recovery", func() {
		s, err := scenario.Load("../../scenarios/linearizable.yaml", scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		text := s.Plan().String()
		Expect(text).To(ContainSubstring("for linearizability (porcupine, budget 10s; past it: unknown)"))
		Expect(text).To(ContainSubstring("user check ledger-reachable"))
		Expect(strings.Index(text, "linearizability")).To(BeNumerically(">", strings.Index(text, "t_recovered = the answer")))
	})
})
