package rollback_test

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/params"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

// step is one decision step a Decider reported, in order.
type step struct{ name, detail string }

// decide builds the trigger and runs its decision for seed, collecting its steps.
func decide(kind string, p map[string]any, seed int64) (rollback.Decision, []step) {
	d, err := rollback.NewTriggerRegistry().Build(scenario.Trigger{Kind: kind, Params: p})
	Expect(err).NotTo(HaveOccurred())
	var steps []step
	dec, err := d.Decide(context.Background(), rollback.DecideInput{Seed: seed,
		Step: func(name, detail string) { steps = append(steps, step{name, detail}) }})
	Expect(err).NotTo(HaveOccurred())
	return dec, steps
}

func stepNames(steps []step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.name)
	}
	return out
}

var _ = Describe("the trigger registry", func() {
	reg := rollback.NewTriggerRegistry()
	build := func(kind string, p map[string]any) error {
		_, err := reg.Build(scenario.Trigger{Kind: kind, Params: p})
		return err
	}

	It("holds the three rollback plans", func() {
		Expect(reg.Kinds()).To(Equal([]string{"automated", "hybrid", "manual"}))
	})

	It("refuses an unknown kind, suggesting the nearest", func() {
		Expect(build("manaul", nil)).To(MatchError(`build trigger: unknown kind "manaul" (did you mean "manual"?); valid kinds: automated, hybrid, manual`))
	})

	It("refuses a misspelled parameter, naming it for its line", func() {
		err := build("manual", map[string]any{"model": "lognormal", "medain": "5m", "p95": "20m"})
		Expect(err).To(MatchError(`trigger "manual": unknown parameter "medain" (did you mean "median"?)`))
		var pe *params.Error
		Expect(err).To(BeAssignableToTypeOf(pe))
		Expect(err.(*params.Error).ParamName()).To(Equal("medain"))
	})

	DescribeTable("refuses an incomplete or impossible model at its parameter",
		func(kind string, p map[string]any, param, msg string) {
			err := build(kind, p)
			Expect(err).To(HaveOccurred())
			Expect(err.(*params.Error).ParamName()).To(Equal(param))
			Expect(err.Error()).To(ContainSubstring(msg))
		},
		Entry("no model", "manual", map[string]any{}, "model", "give the decision's model"),
		Entry("unknown model", "manual", map[string]any{"model": "gaussian"}, "model", `unknown model "gaussian"`),
		Entry("fixed without decision", "manual", map[string]any{"model": "fixed"}, "decision", "needs decision"),
		Entry("p95 below median", "manual", map[string]any{"model": "lognormal", "median": "5m", "p95": "1m"}, "p95", "p95 > median"),
		Entry("bad sample", "manual", map[string]any{"model": "empirical", "samples": []any{"90s", "soon"}}, "samples", `samples[1] "soon"`),
		Entry("compression below 1", "manual", map[string]any{"model": "fixed", "decision": "1m", "compression": 0.5}, "compression", "at least 1"),
		Entry("checkpoint role", "manual", map[string]any{"checkpoints": []any{map[string]any{"role": "pray", "model": "fixed", "decision": "1m"}}},
			"checkpoints[0].role", `"pray": one of assess, coordinate, verify, document`),
		Entry("checkpoint param", "manual", map[string]any{"checkpoints": []any{map[string]any{"role": "assess", "model": "fixed", "decison": "1m"}}},
			"checkpoints[0].decison", `did you mean "decision"`),
		Entry("gate without on_timeout", "hybrid", map[string]any{"model": "fixed", "decision": "1m", "timeout": "5m"}, "on_timeout", "missing required"),
		Entry("gate on_timeout", "hybrid", map[string]any{"model": "fixed", "decision": "1m", "timeout": "5m", "on_timeout": "wait"}, "on_timeout", "proceed or abort"),
		Entry("automated takes none", "automated", map[string]any{"timeout": "5m"}, "timeout", "takes no parameters"),
	)
})

var _ = Describe("the manual trigger", func() {
	lognormal := map[string]any{"model": "lognormal", "median": "5m", "p95": "20m", "compression": 6000}

	It("samples the same decision times from the same seed, run after run, and others from another seed", func() {
		a, _ := decide("manual", lognormal, 42)
		b, _ := decide("manual", lognormal, 42)
		c, _ := decide("manual", lognormal, 43)
		Expect(a.Modelled).To(Equal(b.Modelled))
		Expect(a.Modelled).NotTo(Equal(c.Modelled))
		Expect(a.Modelled).To(BeNumerically(">", 0))
	})

	It("waits only the compressed time and records modelled, real and the factor", func() {
		start := time.Now()
		d, steps := decide("manual", map[string]any{"model": "fixed", "decision": "2m", "compression": 1200}, 1)
		took := time.Since(start)
		Expect(d.Kind).To(Equal("manual"))
		Expect(d.Proceed).To(BeTrue())
		Expect(d.Verdict).To(Equal(rollback.VerdictDecided))
		Expect(d.Modelled.D()).To(Equal(2 * time.Minute))
		Expect(d.RealWait.D()).To(Equal(100 * time.Millisecond))
		Expect(d.Compression).To(Equal(1200.0))
		Expect(d.Compressed()).To(BeTrue())
		Expect(took).To(BeNumerically(">=", 100*time.Millisecond))
		Expect(took).To(BeNumerically("<", 2*time.Second))
		Expect(stepNames(steps)).To(Equal([]string{"decide"}))
	})

	It("fits the log-normal to the declared median and p95", func() {
		m, err := rollback.NewTriggerRegistry().Build(scenario.Trigger{Kind: "manual", Params: lognormal})
		Expect(err).NotTo(HaveOccurred())
		var xs []float64
		for seed := range int64(4000) {
			xs = append(xs, m.(*rollback.Manual).Sample(seed)[0].Minutes())
		}
		slices.Sort(xs)
		Expect(xs[len(xs)/2]).To(BeNumerically("~", 5, 0.4))
		Expect(xs[len(xs)*95/100]).To(BeNumerically("~", 20, 2.5))
	})

	It("sums the procedure's checkpoints, each with its role and model, into the decision", func() {
		d, steps := decide("manual", map[string]any{"compression": 600, "checkpoints": []any{
			map[string]any{"role": "assess", "model": "fixed", "decision": "30s"},
			map[string]any{"role": "coordinate", "model": "empirical", "samples": []any{"20s"}},
			map[string]any{"role": "verify", "model": "fixed", "decision": "10s"},
			map[string]any{"role": "document", "model": "fixed", "decision": "6s"},
		}}, 7)
		Expect(stepNames(steps)).To(Equal([]string{"assess", "coordinate", "verify", "document"}))
		Expect(d.Modelled.D()).To(Equal(66 * time.Second))
		Expect(d.RealWait.D()).To(BeNumerically("~", 110*time.Millisecond, time.Microsecond), "each part compressed to the nanosecond")
		Expect(d.Parts).To(HaveLen(4))
		Expect(d.Parts[1]).To(Equal(rollback.DecisionPart{Role: "coordinate", Model: "empirical, 1 recorded decisions (20s … 20s)",
			Sampled: measure.Offset(20 * time.Second), RealWait: measure.Offset(20 * time.Second / 600)}))
	})

	It("resamples the decision times a game day recorded", func() {
		path := filepath.Join(GinkgoT().TempDir(), "decisions.json")
		Expect(rollback.WriteDecisions(path, []rollback.DecisionRecord{
			{Operator: "ana", Choice: "approve", Decision: measure.Offset(90 * time.Second)},
			{Operator: "bo", Choice: "reject", Decision: measure.Offset(10 * time.Second)},
			{Operator: "cy", Choice: "approve", Decision: measure.Offset(150 * time.Second)},
		})).To(Succeed())
		seen := map[time.Duration]bool{}
		for seed := range int64(40) {
			d, _ := decide("manual", map[string]any{"model": "empirical", "samples_file": path, "compression": 1e6}, seed)
			seen[d.Modelled.D()] = true
		}
		Expect(seen).To(Equal(map[time.Duration]bool{90 * time.Second: true, 150 * time.Second: true}), "approvals only")
	})

	It("refuses a records file of another format", func() {
		path := filepath.Join(GinkgoT().TempDir(), "other.json")
		Expect(rollback.WriteDecisions(path, nil)).To(Succeed())
		_, err := rollback.NewTriggerRegistry().Build(scenario.Trigger{Kind: "manual", Params: map[string]any{"model": "empirical", "samples_file": path}})
		Expect(err).To(MatchError(ContainSubstring("needs samples")))
		_, err = rollback.NewTriggerRegistry().Build(scenario.Trigger{Kind: "manual", Params: map[string]any{"model": "empirical", "samples_file": "/nonexistent"}})
		Expect(err).To(MatchError(ContainSubstring("read decisions")))
	})

	It("corrects the measured TTM and RTC by the modelled decision time", func() {
		d := rollback.Decision{Modelled: measure.Offset(5 * time.Minute), RealWait: measure.Offset(5 * time.Second)}
		ttm, rtc := measure.Offset(5100*time.Millisecond), measure.Offset(9*time.Second)
		d.Correct(measure.Timing{TTM: &ttm, RTC: &rtc})
		Expect(d.ModelledTTM.D()).To(Equal(5*time.Minute + 100*time.Millisecond))
		Expect(d.ModelledRTC.D()).To(Equal(5*time.Minute + 4*time.Second))
		d.Correct(measure.Timing{})
		Expect(d.ModelledRTC).To(BeNil())
	})
})

var _ = Describe("the hybrid trigger", func() {
	gate := func(approver, onTimeout string) map[string]any {
		return map[string]any{"model": "fixed", "decision": approver, "timeout": "10m", "on_timeout": onTimeout, "compression": 6000}
	}

	It("proceeds when the approver answers within the timeout", func() {
		d, steps := decide("hybrid", gate("2m", "abort"), 1)
		Expect(d.Proceed).To(BeTrue())
		Expect(d.Verdict).To(Equal(rollback.VerdictApproved))
		Expect(d.Modelled.D()).To(Equal(2 * time.Minute))
		Expect(stepNames(steps)).To(Equal([]string{rollback.StepGateOpen, rollback.StepGateApproved}))
	})

	It("proceeds at the timeout when declared so, however long the approver would take", func() {
		d, steps := decide("hybrid", gate("30m", "proceed"), 1)
		Expect(d.Proceed).To(BeTrue())
		Expect(d.Verdict).To(Equal(rollback.VerdictTimeoutProceed))
		Expect(d.Modelled.D()).To(Equal(10*time.Minute), "the gate held for its timeout")
		Expect(d.Gate.Approver.D()).To(Equal(30 * time.Minute))
		Expect(d.RealWait.D()).To(Equal(100 * time.Millisecond))
		Expect(stepNames(steps)).To(Equal([]string{rollback.StepGateOpen, rollback.StepGateTimeout}))
	})

	It("aborts at the timeout when declared so: a recorded decision not to roll back", func() {
		d, steps := decide("hybrid", gate("30m", "abort"), 1)
		Expect(d.Proceed).To(BeFalse())
		Expect(d.Verdict).To(Equal(rollback.VerdictTimeoutAbort))
		Expect(stepNames(steps)).To(Equal([]string{rollback.StepGateOpen, rollback.StepGateAbort}))
	})

	It("ends its wait when the trial is cancelled", func() {
		dec, err := rollback.NewTriggerRegistry().Build(scenario.Trigger{Kind: "hybrid", Params: gate("1h", "proceed")})
		Expect(err).NotTo(HaveOccurred())
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err = dec.Decide(ctx, rollback.DecideInput{})
		Expect(err).To(MatchError(context.Canceled))
	})
})

var _ = Describe("the automated trigger's decision", func() {
	It("is immediate", func() {
		d, steps := decide("automated", nil, 1)
		Expect(d.Verdict).To(Equal(rollback.VerdictAutomatic))
		Expect(d.Modelled).To(BeZero())
		Expect(steps).To(BeEmpty())
		Expect(math.IsNaN(d.Compression)).To(BeFalse())
	})
})

var _ = Describe("a scenario's trigger, validated with the registry", func() {
	doc := func(trigger string) []byte {
		return []byte(`version: 1
name: t
objectives: {rto: 5s, rpo: 0s}
stack:
  services:
    - {name: ledger, fixture: ledger, port: 8080, health: /version, release: v1, releases: [{name: v1}, {name: v2}]}
probes: {interval: 25ms, http: {service: ledger, path: /healthz}}
warmup: 500ms
change: {service: ledger, release: v2}
rollback:
  mechanism: {kind: redeploy, service: ledger}
  trigger:
    condition: error_rate > 0.5
` + trigger + `
  timeout: 5s
`)
	}
	parse := func(trigger string) error {
		reg := rollback.NewTriggerRegistry()
		_, err := scenario.Parse("t.yaml", doc(trigger), scenario.WithTriggerCheck(func(t scenario.Trigger) error {
			_, err := reg.Build(t)
			return err
		}), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		return err
	}

	It("accepts the three plans, the alert keys shared", func() {
		Expect(parse("    kind: automated")).To(Succeed())
		Expect(parse("    kind: manual\n    params: {model: lognormal, median: 5m, p95: 20m, compression: 60}")).To(Succeed())
		Expect(parse("    kind: hybrid\n    params: {model: fixed, decision: 2m, timeout: 5m, on_timeout: abort}")).To(Succeed())
	})

	It("reports an unknown kind at its line", func() {
		Expect(parse("    kind: manaul")).To(MatchError(`t.yaml:14: rollback.trigger: build trigger: unknown kind "manaul" (did you mean "manual"?); valid kinds: automated, hybrid, manual`))
	})

	It("reports a misspelled parameter at its line", func() {
		err := parse("    kind: manual\n    params:\n      model: lognormal\n      median: 5m\n      p59: 20m")
		Expect(err).To(MatchError(`t.yaml:18: rollback.trigger: trigger "manual": unknown parameter "p59" (did you mean "p95"?)`))
	})
})
