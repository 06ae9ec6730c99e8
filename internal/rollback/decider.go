package rollback

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/drillhq/drill/internal/measure"
)

// Decider makes the decision between the trigger's alert (t_detect) and the rollback's
// start (t_trigger): nothing for an automated plan, a person's modelled decision for a
// manual one, an approval gate for a hybrid one. Each kind lives in its own file with a
// typed parameter struct, built through a TriggerRegistry.
type Decider interface {
	// Decide waits as long as the decision takes (compressed, when the plan says so) and
	// returns what was decided. It returns early with ctx's error when ctx ends.
	Decide(ctx context.Context, in DecideInput) (Decision, error)
}

// DecideInput is what a Decider gets from the trial.
type DecideInput struct {
	// Seed is the trial's seed: modelled times are sampled from it, so the same seed
	// makes the same decisions, run after run.
	Seed int64
	// Step, when set, is told each part of the decision as it begins (a checkpoint, the
	// gate opening, its outcome); the trial records them as events "decision_"+step.
	Step func(step, detail string)
	// Alert is the evidence at the alert, for an operator to decide on (game days).
	Alert Alert
}

// step reports a step when someone listens.
func (in DecideInput) step(name, detail string) {
	if in.Step != nil {
		in.Step(name, detail)
	}
}

// source is the decision's random source, derived from the trial's seed (a stream of
// its own, so the decision does not shift the workload's or the faults' draws).
func (in DecideInput) source() rand.Source {
	return rand.NewPCG(uint64(in.Seed), 0x6465636964650a) // "decide"
}

// Verdicts a Decision records.
const (
	// VerdictAutomatic: an automated plan, no one decides.
	VerdictAutomatic = "automatic"
	// VerdictDecided: a manual plan's modelled decision to roll back.
	VerdictDecided = "decided"
	// VerdictApproved: the hybrid gate was approved before its timeout.
	VerdictApproved = "approved"
	// VerdictTimeoutProceed and VerdictTimeoutAbort: no approval before the gate's
	// timeout; the gate proceeded or aborted as declared.
	VerdictTimeoutProceed = "timeout_proceed"
	VerdictTimeoutAbort   = "timeout_abort"
)

// Decision is what a trigger decided after its alert, and what it cost in modelled and
// in real time. With a compression factor the trial waits Modelled ÷ Compression, and the
// measured TTM and RTC are corrected to what an uncompressed plan would have taken.
type Decision struct {
	// Kind is the trigger's kind.
	Kind string `json:"kind"`
	// Proceed is whether the rollback goes ahead; false when a gate aborted it.
	Proceed bool `json:"proceed"`
	// Verdict says how the decision was made (automatic, decided, approved, timeout_proceed, timeout_abort).
	Verdict string `json:"verdict"`
	// Modelled is the decision time the plan takes, uncompressed: the sum of its parts.
	Modelled measure.Offset `json:"modelled_ms"`
	// RealWait is how long the trial actually waited for it: Modelled ÷ Compression.
	RealWait measure.Offset `json:"real_wait_ms"`
	// Compression is the factor real waits were shortened by (1: not compressed).
	Compression float64 `json:"compression,omitempty"`
	// Parts are the decision's parts in order (the decision itself, checkpoints, the gate).
	Parts []DecisionPart `json:"parts,omitempty"`
	// Gate is the hybrid plan's approval gate.
	Gate *Gate `json:"gate,omitempty"`
	// ModelledTTM and ModelledRTC are the trial's measured TTM and RTC with the real wait
	// replaced by the modelled decision time (nil when the measure is).
	ModelledTTM *measure.Offset `json:"modelled_ttm_ms,omitempty"`
	ModelledRTC *measure.Offset `json:"modelled_rtc_ms,omitempty"`
	// Operator, Decided and Paused are a game day's: who answered, when (UTC), and how
	// long they held the decision paused (included in the decision time).
	Operator string         `json:"operator,omitempty"`
	Decided  *time.Time     `json:"decided,omitempty"`
	Paused   measure.Offset `json:"paused_ms,omitempty"`
	// From is where a game day's answer came from: terminal or page.
	From string `json:"from,omitempty"`
}

// DecisionPart is one timed part of a decision: a procedure checkpoint with its role, or
// the approver's answer.
type DecisionPart struct {
	// Role is decide, assess, coordinate, verify, document or approve.
	Role string `json:"role"`
	// Model describes the model the time was sampled from.
	Model string `json:"model"`
	// Sampled is the part's modelled time; RealWait what the trial waited for it.
	Sampled  measure.Offset `json:"sampled_ms"`
	RealWait measure.Offset `json:"real_wait_ms"`
}

// Gate is a hybrid plan's approval gate.
type Gate struct {
	// Timeout is how long the gate waits for approval (modelled time).
	Timeout measure.Offset `json:"timeout_ms"`
	// OnTimeout is proceed or abort.
	OnTimeout string `json:"on_timeout"`
	// Approver is the approver's sampled decision time; it may exceed Timeout.
	Approver measure.Offset `json:"approver_ms"`
}

// Compressed reports whether real waits were shorter than the modelled times.
func (d *Decision) Compressed() bool { return d != nil && d.Compression > 1 }

// Correct fills ModelledTTM and ModelledRTC from the trial's measured timing: the real
// wait is replaced by the modelled decision time, everything else stays as measured.
func (d *Decision) Correct(t measure.Timing) {
	shift := d.Modelled - d.RealWait
	moved := func(o *measure.Offset) *measure.Offset {
		if o == nil {
			return nil
		}
		v := *o + shift
		return &v
	}
	d.ModelledTTM, d.ModelledRTC = moved(t.TTM), moved(t.RTC)
}

// realWait is modelled shortened by the compression factor.
func realWait(modelled time.Duration, compression float64) time.Duration {
	if compression <= 1 {
		return modelled
	}
	return time.Duration(float64(modelled) / compression)
}

// sleepFor lets a modelled part of the decision take its (real) time: the decision's
// duration is what is measured, not a synchronization.
func sleepFor(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
