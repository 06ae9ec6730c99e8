package trial

// Names of the events a trial records on its timeline. The runner's audit trail, the
// progress display and the reports read them: one name per thing that happened.
const (
	EventStackUp     = "stack_up"
	EventWarmupStart = "warmup_start"
	// EventFault is t_fault: the change is made and the faults' schedule starts.
	EventFault = "t_fault"
	// Steps of the change's deploy carry the prefix "change_" before a stack.DeployStep
	// (change_new_ready, change_switched = the change went live, change_old_stopping =
	// a recreate's gap begins, change_old_stopped); every rollback mechanism's steps carry
	// "rollback_" (rollback_switched, rollback_restarted, rollback_flag_set, ...).
	EventChangePrefix   = "change_"
	EventRollbackPrefix = "rollback_"
	// EventPreparePrefix names what a mechanism does before the change
	// (prepare_snapshot_taken: a restore's restore point).
	EventPreparePrefix = "prepare_"
	// EventIdempotentPrefix names the steps of the rollback run once more after recovery
	// (verify.idempotent); EventIdempotentRun starts that run.
	EventIdempotentPrefix = "again_"
	EventIdempotentRun    = "again_rollback"
	// EventChangeFailed: the change's deploy failed (e.g. the release never became ready).
	EventChangeFailed = "change_failed"
	// EventChangeAborted: the rollback aborted the change's deploy in flight.
	EventChangeAborted = "change_aborted"
	EventDetect        = "detect"
	// EventDecisionPrefix: the parts of a manual or hybrid decision between detect and
	// rollback_start carry "decision_" before the part (decision_decide, decision_assess,
	// decision_coordinate, decision_verify, decision_document; decision_gate_open,
	// decision_gate_approved, decision_gate_timeout, decision_gate_abort).
	EventDecisionPrefix = "decision_"
	// EventWaitStart and EventWaitEnd bound the wait for the change's in-flight deploy.
	EventWaitStart     = "wait_start"
	EventWaitEnd       = "wait_end"
	EventRollbackStart = "rollback_start"
	// EventRollbackSkip: the mechanism had nothing to do (the aborted change never went live).
	EventRollbackSkip = "rollback_skip"
	EventRollbackEnd  = "rollback_end"
	// EventRollbackFailed: the mechanism failed; the trial is a failed rollback.
	EventRollbackFailed = "rollback_failed"
	// EventControlWatch: a control trial's change is live; the trigger must stay silent.
	EventControlWatch = "control_watch"
	// Steps of a multi-step change and of its rollback: each starts, may be retried
	// (only when declared idempotent) and ends; an undo whose step never ran is skipped.
	// Their details begin with the step's name.
	EventChangeStepStart   = "change_step_start"
	EventChangeStepRetry   = "change_step_retry"
	EventChangeStepEnd     = "change_step_end"
	EventRollbackStepStart = "rollback_step_start"
	EventRollbackStepRetry = "rollback_step_retry"
	EventRollbackStepEnd   = "rollback_step_end"
	EventRollbackStepSkip  = "rollback_step_skip"
	EventFaultApplied      = "fault_applied"
	EventFaultReverted     = "fault_reverted"
	EventFaultError        = "fault_error"
	// EventFaultSkipped: a fault lasting until the rollback came due after it started.
	EventFaultSkipped = "fault_skipped"
	EventFinalRead    = "final_read"
)
