package gameday

import (
	"time"

	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/trial"
)

// Records are the decisions real operators made in a run's trials, for a decisions file
// (rollback.WriteDecisions) that later CI runs' empirical models resample.
func Records(scenarioName string, trials []trial.Result) []rollback.DecisionRecord {
	recs := []rollback.DecisionRecord{}
	for _, t := range trials {
		d := t.Decision
		if d == nil || d.Operator == "" || d.Decided == nil {
			continue
		}
		choice := rollback.ChoiceReject
		if d.Verdict == rollback.VerdictApproved {
			choice = rollback.ChoiceApprove
		}
		recs = append(recs, rollback.DecisionRecord{Operator: d.Operator, Choice: choice,
			Alerted: d.Decided.Add(-time.Duration(d.Modelled)), Decided: *d.Decided, Decision: d.Modelled,
			Scenario: scenarioName, Trial: t.Index})
	}
	return recs
}
