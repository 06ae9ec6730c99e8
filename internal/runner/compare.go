package runner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/trial"
)

// Compare runs the same defect under each of the scenario's compared plans
// (compare.plans), trials interleaved: trial i of every plan runs, with the same seed,
// before trial i+1 of any, so every plan meets the same defect, schedule and machine
// conditions. Control trials are interleaved the same way. It returns the comparison
// with one Results per plan (the scenario with that plan's trigger); trials run one at
// a time. Raw records are dropped unless cfg.KeepRaw; audit and raw files are not
// written (cfg.AuditPath and cfg.RawPath are refused).
func Compare(ctx context.Context, cfg Config) (*report.Comparison, error) {
	sc := cfg.Scenario
	if sc.Compare == nil || len(sc.Compare.Plans) < 2 {
		return nil, errors.New("compare plans: the scenario lists no plans to compare: add compare: {plans: [{name, trigger}, ...]}")
	}
	if cfg.AuditPath != "" || cfg.RawPath != "" {
		return nil, errors.New("compare plans: audit and raw files are written by drill run: leave them out")
	}
	n, seed, runID := cfg.settle()
	controls := sc.ControlTrials()
	cmp := &report.Comparison{Schema: report.ComparisonSchema, DrillVersion: Version, RunID: runID,
		Scenario: report.ScenarioRef{Name: sc.Name, File: cfg.File, SHA256: fileHash(cfg.File)}, Objectives: sc.Objectives,
		Runtime: cfg.Runtime.Name(), Seed: seed, Started: time.Now().UTC()}
	plans := make([]*report.Results, len(sc.Compare.Plans))
	configs := make([]trial.Config, len(sc.Compare.Plans))
	for p, plan := range sc.Compare.Plans {
		psc := sc.WithPlan(plan)
		plans[p] = &report.Results{Schema: report.SchemaVersion, DrillVersion: Version, RunID: runID + "-" + plan.Name,
			Scenario: cmp.Scenario, Labels: map[string]string{"plan": plan.Name}, Objectives: sc.Objectives,
			Runtime: cfg.Runtime.Name(), Seed: seed, Started: cmp.Started,
			ProbeIntervalMs: float64(sc.Probes.Interval.D()) / float64(time.Millisecond), RecoverAfter: sc.Probes.RecoverAfter,
			Params: trial.ParamsOf(psc), Trials: []trial.Result{}}
		p := p
		configs[p] = trial.Config{Scenario: psc, Runtime: cfg.Runtime, Kinds: cfg.Kinds,
			UpOptions: append(append([]stack.UpOption(nil), cfg.UpOptions...),
				stack.WithLabels(map[string]string{"dev.drill.run": runID, "dev.drill.scenario": sc.Name, "dev.drill.plan": plan.Name})),
			OnEvent: func(i int, e trial.Event) {
				if cfg.OnEvent != nil {
					cfg.OnEvent(i, trial.Event{At: e.At, Name: e.Name, Detail: sc.Compare.Plans[p].Name + ": " + e.Detail})
				}
			}}
	}
	for i := 1; i <= n+controls && ctx.Err() == nil; i++ {
		for p := range plans {
			tc := configs[p]
			tc.Control = IsControl(i, n, controls)
			r := trial.Run(ctx, tc, i, TrialSeed(seed, i))
			r.ProbeLate = measure.ProbeLateness(r.Probes, sc.Probes.Interval.D())
			if !cfg.KeepRaw {
				r.StripRaw()
			}
			plans[p].Trials = append(plans[p].Trials, r)
			if cfg.OnTrial != nil {
				cfg.OnTrial(r)
			}
			if ctx.Err() != nil {
				break
			}
		}
	}
	cmp.Finished = time.Now().UTC()
	for p, plan := range sc.Compare.Plans {
		plans[p].Finished = cmp.Finished
		plans[p].Summary = report.Summarize(plans[p].Trials, sc.Objectives)
		cmp.Plans = append(cmp.Plans, report.PlanResults{Name: plan.Name, Kind: plan.Trigger.Kind, Results: plans[p]})
	}
	if err := cmp.Compare(); err != nil {
		return cmp, fmt.Errorf("compare plans: %w", err)
	}
	return cmp, ctx.Err()
}
