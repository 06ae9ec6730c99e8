package runner

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/drillhq/drill/internal/audit"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/trial"
)

// trail writes a run's audit log: every action of every trial, as it happens. A nil
// trail (no audit path) records nothing. The first write error is kept and reported
// when the trail closes, so that a failing disk never goes unnoticed in the results.
type trail struct {
	log  *audit.Log
	path string
	mu   sync.Mutex
	err  error
	// operator is the game day's operator actor: their answers are recorded as theirs.
	operator string
}

// operatorEvents are the events a game day's operator causes, recorded as theirs.
var operatorEvents = map[trial.EventName]bool{
	trial.EventDecisionPrefix.With(rollback.StepApproved): true,
	trial.EventDecisionPrefix.With(rollback.StepRejected): true,
}

// setOperator records the game day's operator answers under name (audit.Operator).
func (t *trail) setOperator(name string) {
	if t != nil && name != "" {
		t.operator = audit.Operator(name)
	}
}

// auditActions maps trial events to audit actions; others keep their own name.
var auditActions = map[trial.EventName]string{
	trial.EventStackUp:       audit.ActionStackUp,
	trial.EventDetect:        audit.ActionTriggerFired,
	trial.EventRollbackStart: audit.ActionRollbackStart,
	trial.EventRollbackEnd:   audit.ActionRollbackEnd,
	trial.EventFaultApplied:  audit.ActionFaultApplied,
	trial.EventFaultReverted: audit.ActionFaultReverted,
	trial.EventFinalRead:     audit.ActionVerify,
}

func openAudit(path string, res *report.Results) (*trail, error) {
	if path == "" {
		return nil, nil
	}
	log, err := audit.Create(path)
	if err != nil {
		return nil, fmt.Errorf("open audit log: %w", err)
	}
	t := &trail{log: log, path: path}
	t.append(audit.Entry{Action: audit.ActionRunStart, Outcome: audit.OutcomeOK,
		Detail: fmt.Sprintf("scenario %s (sha256 %s) run %s on %s, seed %d", res.Scenario.Name, res.Scenario.SHA256, res.RunID, res.Runtime, res.Seed)})
	return t, nil
}

func (t *trail) append(e audit.Entry) {
	if t == nil {
		return
	}
	if e.Actor == "" {
		e.Actor = audit.ActorDrill
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err == nil {
		t.err = t.log.Append(e)
	}
}

func (t *trail) event(i int, e trial.Event) {
	if t == nil {
		return
	}
	action, ok := auditActions[e.Name]
	if !ok {
		action = string(e.Name)
	}
	outcome := audit.OutcomeOK
	if e.Name == trial.EventFaultError {
		outcome = audit.OutcomeError
	}
	actor := ""
	if operatorEvents[e.Name] {
		actor = t.operator
	}
	t.append(audit.Entry{Actor: actor, Action: action, Trial: i, Outcome: outcome, Detail: fmt.Sprintf("at %s: %s", e.At, e.Detail)})
}

func (t *trail) trial(r trial.Result) { t.trialEnd("", r) }

// trialEnd records a trial's end; prefix names its plan in a comparison ("" in a run).
func (t *trail) trialEnd(prefix string, r trial.Result) {
	if t == nil {
		return
	}
	detail := prefix + string(r.Outcome)
	if r.Timing.RTC != nil {
		detail += fmt.Sprintf(", RTC %s", *r.Timing.RTC)
	}
	if r.Error != "" {
		detail += ": " + r.Error
	}
	outcome := audit.OutcomeOK
	if r.Outcome == trial.Errored || r.Outcome == trial.Interrupted {
		outcome = string(r.Outcome)
	}
	t.append(audit.Entry{Action: "trial_end", Trial: r.Index, Outcome: outcome, Detail: detail})
}

// close writes run_end, closes the log and records its digest in the results.
func (t *trail) close(res *report.Results) error {
	if t == nil {
		return nil
	}
	ref, err := t.finish(runEndDetail("", res.Summary))
	res.Audit = ref
	return err
}

// runEndDetail is what run_end says of a run (prefix names a comparison's plan).
func runEndDetail(prefix string, s report.Summary) string {
	return fmt.Sprintf("%sverdict %s: %d trials, %d recovered, %d errors", prefix, s.Verdict, s.Trials, s.Recovered, s.Errors)
}

// finish writes run_end with detail, closes the log and returns the reference to it
// (file and final digest) that results carry.
func (t *trail) finish(detail string) (*report.AuditRef, error) {
	t.append(audit.Entry{Action: audit.ActionRunEnd, Outcome: audit.OutcomeOK, Detail: detail})
	ref := &report.AuditRef{File: filepath.Base(t.path), Digest: t.log.Digest()}
	if err := errors.Join(t.err, t.log.Close()); err != nil {
		return ref, fmt.Errorf("write audit log %s: %w", t.path, err)
	}
	return ref, nil
}
