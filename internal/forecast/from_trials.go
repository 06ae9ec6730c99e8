package forecast

import (
	"fmt"
	"time"

	"github.com/drillhq/drill/internal/trial"
)

// FromTrials builds the input of a forecast from a run's trials: its incidents
// (recovered, not recovered, not detected; never a control, errored or interrupted
// trial, nor a false positive, whose trigger fired before the defect had any impact).
// Where the plan's decision was modelled (manual, hybrid) or a person's (a game day),
// the decisions that let the rollback proceed become the empirical decision
// distribution and each trial keeps its detection and the rest of its measured
// recovery; an automated plan's trials keep their own measured decision.
func FromTrials(rto time.Duration, trials []trial.Result) (Input, error) {
	in := Input{RTO: rto}
	var decisions []time.Duration
	gameDay := false
	for _, r := range trials {
		if r.Control || r.FalsePositive || !judged(r.Outcome) {
			continue
		}
		t := Trial{Recovered: r.Outcome == trial.Recovered}
		tm := r.Timing
		if tm.TTD != nil {
			t.Detect = tm.TTD.D()
		}
		if d := r.Decision; d != nil {
			if d.Proceed {
				decisions = append(decisions, d.Modelled.D())
			}
			gameDay = gameDay || d.Operator != ""
			t.Decide = d.Modelled.D()
			if d.ModelledRTC != nil {
				t.Execute = d.ModelledRTC.D() - t.Detect - t.Decide
			}
		} else {
			if tm.TTM != nil {
				t.Decide = tm.TTM.D()
			}
			if tm.RTC != nil {
				t.Execute = tm.RTC.D() - t.Detect - t.Decide
			}
		}
		if t.Recovered && t.Execute < 0 {
			t.Execute = 0
		}
		in.Trials = append(in.Trials, t)
	}
	if len(decisions) > 0 {
		e, err := NewEmpirical(decisions)
		if err != nil {
			return Input{}, fmt.Errorf("forecast: %w", err)
		}
		in.Decision = e
		in.DecisionSource = fmt.Sprintf("the run's %d modelled decisions (draws from the plan's decision model)", len(decisions))
		if gameDay {
			in.DecisionSource = fmt.Sprintf("the run's %d game-day decisions", len(decisions))
		}
	}
	return in, nil
}

func judged(o trial.Outcome) bool {
	return o == trial.Recovered || o == trial.NotRecovered || o == trial.NotDetected
}
