package runner

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
// a time. Raw records are dropped from the results unless cfg.KeepRaw. With
// cfg.AuditPath one audit log records every plan's trials (each entry naming its plan);
// with cfg.RawPath each plan's raw records go to their own file beside it
// (PlanRawPath), which that plan's results name, so drill check re-derives them.
func Compare(ctx context.Context, cfg Config) (*report.Comparison, error) {
	sc := cfg.Scenario
	if sc.Compare == nil || len(sc.Compare.Plans) < 2 {
		return nil, errors.New("compare plans: the scenario lists no plans to compare: add compare: {plans: [{name, trigger}, ...]}")
	}
	n, seed, runID := cfg.settle()
	machine := measure.ReadMachine()
	controls := sc.ControlTrials()
	cmp := &report.Comparison{Schema: report.ComparisonSchema, DrillVersion: DrillVersion(), RunID: runID,
		Scenario: report.ScenarioRef{Name: sc.Name, File: cfg.File, SHA256: fileHash(cfg.File)}, Objectives: sc.Objectives,
		Runtime: cfg.Runtime.Name(), Seed: seed, Started: time.Now().UTC()}
	trail, err := openAudit(cfg.AuditPath, &report.Results{Scenario: cmp.Scenario, RunID: runID, Runtime: cmp.Runtime, Seed: seed})
	if err != nil {
		return nil, err
	}
	plans := make([]*report.Results, len(sc.Compare.Plans))
	raws := make([]*rawSink, len(sc.Compare.Plans))
	configs := make([]trial.Config, len(sc.Compare.Plans))
	for p, plan := range sc.Compare.Plans {
		psc := sc.WithPlan(plan)
		plans[p] = &report.Results{Schema: report.SchemaVersion, DrillVersion: DrillVersion(), RunID: runID + "-" + plan.Name,
			Scenario: cmp.Scenario, Labels: map[string]string{"plan": plan.Name}, Objectives: sc.Objectives, Forecast: sc.Forecast,
			Runtime: cfg.Runtime.Name(), Seed: seed, Started: cmp.Started,
			ProbeIntervalMs: float64(sc.Probes.Interval.D()) / float64(time.Millisecond), RecoverAfter: sc.Probes.RecoverAfter,
			Params: trial.ParamsOf(psc), Trials: []trial.Result{}}
		rawPath := ""
		if cfg.RawPath != "" {
			rawPath = PlanRawPath(cfg.RawPath, plan.Name)
		}
		if raws[p], err = openRawSink(plans[p], rawPath); err != nil {
			return nil, errors.Join(err, closeRaws(raws))
		}
		configs[p] = trial.Config{Scenario: psc, Runtime: cfg.Runtime, Kinds: cfg.Kinds,
			UpOptions: append(append([]stack.UpOption(nil), cfg.UpOptions...),
				stack.WithLabels(map[string]string{"dev.drill.run": runID, "dev.drill.scenario": sc.Name, "dev.drill.plan": plan.Name})),
			OnEvent: func(i int, e trial.Event) {
				e.Detail = plan.Name + ": " + e.Detail
				trail.event(i, e)
				if cfg.OnEvent != nil {
					cfg.OnEvent(i, e)
				}
			}}
	}
	for i := 1; i <= n+controls && ctx.Err() == nil; i++ {
		for p := range plans {
			tc := configs[p]
			tc.Control = IsControl(i, n, controls)
			r := trial.Run(ctx, tc, i, TrialSeed(seed, i))
			ownProbeError(&r, sc.Probes.Interval.D())
			raws[p].add(r.Raw())
			if !cfg.KeepRaw {
				r.StripRaw()
			}
			plans[p].Trials = append(plans[p].Trials, r)
			name := sc.Compare.Plans[p].Name
			trail.trialEnd(name+": ", r)
			if cfg.OnTrial != nil {
				cfg.OnTrial(r)
			}
			if cfg.OnPlanTrial != nil {
				cfg.OnPlanTrial(name, r)
			}
			if ctx.Err() != nil {
				break
			}
		}
	}
	cmp.Finished = time.Now().UTC()
	condition := &report.MachineCondition{Start: machine, End: measure.ReadMachine()}
	var ends []string
	for p, plan := range sc.Compare.Plans {
		plans[p].Finished, plans[p].Machine = cmp.Finished, condition
		plans[p].Summary = report.Summarize(plans[p].Trials, sc.Objectives, report.WithResolution(sc.Probes.ErrorBound()))
		cmp.Plans = append(cmp.Plans, report.PlanResults{Name: plan.Name, Kind: plan.Trigger.Kind, Results: plans[p]})
		ends = append(ends, runEndDetail(plan.Name+": ", plans[p].Summary))
	}
	fileErr := closeRaws(raws)
	if trail != nil {
		ref, err := trail.finish(strings.Join(ends, "; "))
		fileErr = errors.Join(fileErr, err)
		cmp.Audit = ref
		for _, r := range plans {
			r.Audit = ref
		}
	}
	if err := cmp.Compare(); err != nil {
		return cmp, errors.Join(fmt.Errorf("compare plans: %w", err), fileErr)
	}
	return cmp, firstErr(ctx.Err(), fileErr)
}

// firstErr is the cancellation, else the error writing the comparison's files.
func firstErr(ctxErr, fileErr error) error {
	if ctxErr != nil {
		return ctxErr
	}
	return fileErr
}

// PlanRawPath is where a comparison writes one plan's raw records: the comparison's
// raw path with the plan's name before its extension
// (x.raw.json.gz → x-<plan>.raw.json.gz).
func PlanRawPath(rawPath, plan string) string {
	const ext = ".raw.json.gz"
	return strings.TrimSuffix(rawPath, ext) + "-" + plan + ext
}

// closeRaws completes every plan's raw file and reports the errors met writing them.
func closeRaws(raws []*rawSink) error {
	var errs []error
	for _, s := range raws {
		if s != nil {
			errs = append(errs, s.close())
		}
	}
	return errors.Join(errs...)
}
