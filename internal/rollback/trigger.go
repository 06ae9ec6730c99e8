// Package rollback holds what restores service after a bad change: triggers that
// decide when to roll back, and mechanisms that carry the rollback out.
package rollback

import (
	"fmt"
	"sort"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
)

// Automated is a trigger that evaluates a condition over a sliding window of probe
// results, as an automated rollback controller (Argo Rollouts analysis, a deploy
// pipeline's health gate) would. It is safe for concurrent use.
type Automated struct {
	cond         *vm.Program
	window       measure.Offset
	minSamples   int
	failureLimit int

	mu        sync.Mutex
	armedAt   *measure.Offset
	results   []measure.ProbeResult // completed, armed probes, by arrival
	holding   int                   // consecutive evaluations that held
	fired     *measure.Offset
	firedVars scenario.TriggerVars // the window when the condition fired
	evalCount int
}

// NewAutomated compiles the trigger's condition.
func NewAutomated(t scenario.Trigger) (*Automated, error) {
	prog, err := scenario.CompileCondition(t.Condition)
	if err != nil {
		return nil, fmt.Errorf("make automated trigger: %w", err)
	}
	a := &Automated{cond: prog, window: measure.Offset(t.Window.D()), minSamples: t.MinSamples, failureLimit: t.FailureLimit}
	if a.failureLimit < 1 {
		a.failureLimit = 1
	}
	return a, nil
}

// Arm starts watching: probes that started before at are ignored.
func (a *Automated) Arm(at measure.Offset) {
	a.mu.Lock()
	a.armedAt = &at
	a.mu.Unlock()
}

// Observe feeds one completed probe and evaluates the condition at its completion
// time. It returns the detection time the first time the trigger fires.
func (a *Automated) Observe(r measure.ProbeResult) (detected *measure.Offset, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.armedAt == nil || a.fired != nil || r.Start < *a.armedAt {
		return nil, nil
	}
	a.results = append(a.results, r)
	cut := 0
	for cut < len(a.results) && a.results[cut].End <= r.End-a.window {
		cut++
	}
	a.results = a.results[cut:]
	vars := windowVars(a.results)
	if vars.Samples < a.minSamples {
		return nil, nil
	}
	a.evalCount++
	out, err := expr.Run(a.cond, vars)
	if err != nil {
		return nil, fmt.Errorf("evaluate trigger condition: %w", err)
	}
	if held, _ := out.(bool); !held {
		a.holding = 0
		return nil, nil
	}
	if a.holding++; a.holding < a.failureLimit {
		return nil, nil
	}
	at := r.End
	a.fired, a.firedVars = &at, vars
	return &at, nil
}

// Window returns the condition's variables over the window when the trigger fired (the
// alert's evidence); zero before it fired.
func (a *Automated) Window() scenario.TriggerVars {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.firedVars
}

// windowVars computes the condition's variables over the window's probes.
func windowVars(rs []measure.ProbeResult) scenario.TriggerVars {
	v := scenario.TriggerVars{Samples: len(rs)}
	lat := make([]float64, 0, len(rs))
	for _, r := range rs {
		if r.OK {
			v.Successes++
			v.ConsecutiveFailures = 0
		} else {
			v.Failures++
			v.ConsecutiveFailures++
		}
		lat = append(lat, float64(r.Latency().Microseconds())/1000)
	}
	if v.Samples > 0 {
		v.ErrorRate = float64(v.Failures) / float64(v.Samples)
		sort.Float64s(lat)
		v.P50Ms, v.P95Ms, v.P99Ms = nearestRank(lat, 0.5), nearestRank(lat, 0.95), nearestRank(lat, 0.99)
		v.MaxMs = lat[len(lat)-1]
	}
	return v
}

// nearestRank is the nearest-rank quantile of sorted values.
func nearestRank(sorted []float64, q float64) float64 {
	i := int(float64(len(sorted))*q+0.999999) - 1
	if i < 0 {
		i = 0
	}
	return sorted[i]
}
