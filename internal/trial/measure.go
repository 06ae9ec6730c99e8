package trial

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/drillhq/drill/internal/check"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// Params are the scenario settings that deriving a trial's measures needs besides the
// trial's own records. They are stored with the results so drill check can re-derive.
type Params struct {
	// RecoverAfter is k: recovery is the first of k consecutive passing probes.
	RecoverAfter int `json:"recover_after"`
	// ExpectedTotal is the money the ledger must hold (accounts × opening balance);
	// 0 when the workload is not the ledger's.
	ExpectedTotal int64 `json:"expected_total,omitempty"`
	// LinearizableTimeout is porcupine's budget for the key-value history (0: the
	// scenario format's default).
	LinearizableTimeout time.Duration `json:"linearizable_timeout_ns,omitempty"`
}

// ParamsOf are the scenario settings Measure needs, as the run records them for drill check.
func ParamsOf(sc *scenario.Scenario) Params {
	p := Params{RecoverAfter: sc.Probes.RecoverAfter}
	if sc.Workload.Kind == WorkloadLedger {
		p.ExpectedTotal = int64(sc.Workload.Accounts) * measure.OpeningBalance
	}
	if l := sc.Verify.Linearizable; l != nil {
		p.LinearizableTimeout = l.Timeout.D()
	}
	return p
}

// Measure derives every measure of a trial from its raw records (probes, history,
// final read, captured state, key-value history, the user checks' findings) and the
// events the run recorded (t_fault, t_detect, t_trigger). It is pure and idempotent:
// drill check calls it on stored records and must reproduce exactly what the run
// reported. (The linearizability check has a time budget: a machine too loaded to
// decide within it makes that finding unknown.)
func Measure(r *Result, p Params) {
	r.ProbeCount, r.ProbeFailures = len(r.Probes), 0
	for _, pr := range r.Probes {
		if !pr.OK {
			r.ProbeFailures++
		}
	}
	tm := &r.Timing
	// The defect's impact is looked for from when the change went live (a recreate's gap
	// before is the change's own downtime), unless the trigger fired before that.
	from := tm.Fault
	if tm.Live != nil && (tm.Detect == nil || *tm.Live <= *tm.Detect) {
		from = *tm.Live
	}
	tm.Impact = measure.Impact(outsideChangeGap(r), from, tm.Detect, p.RecoverAfter)
	tm.Recovered = nil
	if tm.Trigger != nil {
		// Recovery counts only probes started once the rollback's last step ended: a
		// service still being acted on cannot have recovered yet.
		after := *tm.Trigger
		if tm.RollbackEnd != nil {
			after = *tm.RollbackEnd
		}
		tm.Recovered = measure.StableRecovery(r.Probes, after, p.RecoverAfter)
		tm.Relapse = measure.Relapse(r.Probes, after, p.RecoverAfter)
		if tm.Recovered == nil && r.Outcome == Recovered {
			r.Outcome = NotRecovered
		}
	}
	tm.Derive()
	r.Reason = ""
	if r.Outcome == NotRecovered {
		r.Reason = notRecoveredReason(r, p.RecoverAfter)
	}
	r.FalsePositive = tm.Detect != nil && (tm.Impact == nil || *tm.Detect < *tm.Impact)
	if r.Control {
		// Whatever the probes saw, the change was good: any firing is a false positive.
		r.FalsePositive = tm.Detect != nil
	}

	r.Loss = nil
	if r.FinalRead != nil {
		from := tm.Fault
		if tm.Impact != nil {
			from = *tm.Impact
		}
		loss := measure.CheckLoss(r.History, r.FinalRead, from)
		r.Loss = &loss
	}

	r.Consistency = nil
	if r.CaptureError != "" {
		r.Consistency = append(r.Consistency, check.Finding{Checker: check.NameConservation, Status: check.Unknown, Message: r.CaptureError})
	}
	if r.Ledger != nil && p.ExpectedTotal > 0 {
		intended := make(map[string]int64, len(r.History))
		for _, op := range r.History {
			intended[op.ID] = op.Value
		}
		r.Consistency = append(r.Consistency,
			check.Conservation(*r.Ledger, p.ExpectedTotal, intended),
			check.ExactlyOnce(*r.Ledger, measure.OpeningBalance))
	}
	if r.Schema != nil {
		r.Consistency = append(r.Consistency, check.Schema(*r.Schema))
	}
	if r.KV != nil {
		r.Consistency = append(r.Consistency, linearizable(r.KV, p.LinearizableTimeout))
	}
	r.Consistency = append(r.Consistency, r.UserChecks...)
}

// notRecoveredReason says why a trial whose trigger fired did not recover, from what it
// recorded: the rollback's failure, a decision that did not roll back, a relapse after
// recovery, or no k passing probes before the rollback's timeout.
func notRecoveredReason(r *Result, k int) string {
	for _, e := range r.Events {
		if e.Name == EventRollbackFailed {
			return "rollback failed: " + e.Detail
		}
	}
	tm := r.Timing
	switch {
	case r.Decision != nil && !r.Decision.Proceed:
		return fmt.Sprintf("the decision did not roll back (%s)", r.Decision.Verdict)
	case tm.Trigger == nil:
		return "the rollback never started"
	case tm.Relapse != nil:
		return fmt.Sprintf("relapsed at %s after recovering: no stable recovery before the trial ended", *tm.Relapse)
	}
	return fmt.Sprintf("no %d consecutive passing probes after the rollback before its timeout", k)
}

// outsideChangeGap are the trial's probes less those started in the change's own gap: a
// recreate deploy's downtime, from its stop of the old release (change_old_stopping)
// until the change went live (else until the rollback's end or start, when the trigger
// aborted it first). That gap is the change's own downtime in every trial, plain or
// control: never the defect's impact, so a trigger that fired on it alone is a false
// positive, and the gap is reported apart (Timing.ChangeGap).
func outsideChangeGap(r *Result) []measure.ProbeResult {
	stopping := EventChangePrefix.With(string(stack.StepStopping))
	i := slices.IndexFunc(r.Events, func(e Event) bool { return e.Name == stopping })
	if i < 0 {
		return r.Probes
	}
	from, tm := r.Events[i].At, r.Timing
	to := measure.Offset(math.MaxInt64)
	for _, end := range []*measure.Offset{tm.Live, tm.RollbackEnd, tm.Trigger} {
		if end != nil && *end >= from {
			to = *end
			break
		}
	}
	return slices.DeleteFunc(slices.Clone(r.Probes), func(p measure.ProbeResult) bool { return p.Start >= from && p.Start < to })
}
