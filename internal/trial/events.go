package trial

import "strings"

// EventName names what happened at one instant of a trial. The runner's audit trail, the
// progress display and the reports read these names; this file holds the whole list, so
// nothing repeats them as literals.
type EventName string

// With names a step under a prefix: EventChangePrefix.With("switched") is "change_switched".
func (n EventName) With(step string) EventName { return n + EventName(step) }

// Step returns what follows prefix in the name and whether the name starts with it:
// EventChangePrefix.With("switched").Step(EventChangePrefix) is "switched", true.
func (n EventName) Step(prefix EventName) (string, bool) {
	return strings.CutPrefix(string(n), string(prefix))
}

// Names of the events a trial records on its timeline: one name per thing that happened.
const (
	EventStackUp     EventName = "stack_up"
	EventWarmupStart EventName = "warmup_start"
	// EventFault is t_fault: the change is made and the faults' schedule starts.
	EventFault EventName = "t_fault"
	// Steps of the change's deploy carry the prefix "change_" before a stack.DeployStep
	// (change_new_ready, change_switched = the change went live, change_old_stopping =
	// a recreate's gap begins, change_old_stopped); every rollback mechanism's steps carry
	// "rollback_" (rollback_switched, rollback_restarted, rollback_flag_set, ...).
	EventChangePrefix   EventName = "change_"
	EventRollbackPrefix EventName = "rollback_"
	// EventPreparePrefix names what a mechanism does before the change
	// (prepare_snapshot_taken: a restore's restore point).
	EventPreparePrefix EventName = "prepare_"
	// EventIdempotentPrefix names the steps of the rollback run once more after recovery
	// (verify.idempotent); EventIdempotentRun starts that run.
	EventIdempotentPrefix EventName = "again_"
	EventIdempotentRun    EventName = "again_rollback"
	// EventResetPrefix names the rollback's steps run at the end of a trial on a stack
	// whose services outlive it (stack.Outliver) when the rollback did not complete
	// (not triggered, failed, interrupted, a control trial): the services are left as
	// they were found. EventResetRun starts that run.
	EventResetPrefix EventName = "reset_"
	EventResetRun    EventName = "reset_rollback"
	// EventChangeFailed: the change's deploy failed (e.g. the release never became ready).
	EventChangeFailed EventName = "change_failed"
	// EventChangeAborted: the rollback aborted the change's deploy in flight.
	EventChangeAborted EventName = "change_aborted"
	EventDetect        EventName = "detect"
	// EventDecisionPrefix: the parts of a manual or hybrid decision between detect and
	// rollback_start carry "decision_" before the part (decision_decide, decision_assess,
	// decision_coordinate, decision_verify, decision_document; decision_gate_open,
	// decision_gate_approved, decision_gate_timeout, decision_gate_abort).
	EventDecisionPrefix EventName = "decision_"
	// EventWaitStart and EventWaitEnd bound the wait for the change's in-flight deploy.
	EventWaitStart     EventName = "wait_start"
	EventWaitEnd       EventName = "wait_end"
	EventRollbackStart EventName = "rollback_start"
	// EventRollbackSkip: the mechanism had nothing to do (the aborted change never went live).
	EventRollbackSkip EventName = "rollback_skip"
	EventRollbackEnd  EventName = "rollback_end"
	// EventRollbackFailed: the mechanism failed; the trial is a failed rollback.
	EventRollbackFailed EventName = "rollback_failed"
	// EventControlWatch: a control trial's change is live; the trigger must stay silent.
	EventControlWatch EventName = "control_watch"
	// Steps of a multi-step change and of its rollback: each starts, may be retried
	// (only when declared idempotent) and ends; an undo whose step never ran is skipped.
	// Their details begin with the step's name.
	EventChangeStepStart   EventName = "change_step_start"
	EventChangeStepRetry   EventName = "change_step_retry"
	EventChangeStepEnd     EventName = "change_step_end"
	EventRollbackStepStart EventName = "rollback_step_start"
	EventRollbackStepRetry EventName = "rollback_step_retry"
	EventRollbackStepEnd   EventName = "rollback_step_end"
	EventRollbackStepSkip  EventName = "rollback_step_skip"
	EventFaultApplied      EventName = "fault_applied"
	EventFaultReverted     EventName = "fault_reverted"
	EventFaultError        EventName = "fault_error"
	// EventFaultSkipped: a fault lasting until the rollback came due after it started.
	EventFaultSkipped EventName = "fault_skipped"
	EventFinalRead    EventName = "final_read"
)
