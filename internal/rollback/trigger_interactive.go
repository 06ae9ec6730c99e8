package rollback

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/drillhq/drill/internal/measure"
)

// Gated is implemented by deciders with an approval gate (hybrid): a game day keeps the
// gate's timeout, in real time.
type Gated interface {
	// Gate returns the gate's timeout and what it does then (proceed or abort).
	Gate() (timeout time.Duration, onTimeout string)
}

// Gate implements Gated.
func (h *Hybrid) Gate() (time.Duration, string) { return h.timeout, h.onTimeout }

// Interactive is a game day's decision: a real operator's instead of the model's. The
// decision time is measured from the alert to the answer, on the real clock, never
// compressed; a hybrid gate's timeout still applies.
type Interactive struct {
	op      Operator
	kind    string
	timeout time.Duration
	onTO    string
}

// NewInteractive makes the game-day decider for a trigger of kind whose modelled decider
// is model (for its gate, if any).
func NewInteractive(op Operator, kind string, model Decider) *Interactive {
	in := &Interactive{op: op, kind: kind}
	if g, ok := model.(Gated); ok {
		in.timeout, in.onTO = g.Gate()
	}
	return in
}

// Decide implements Decider.
func (i *Interactive) Decide(ctx context.Context, in DecideInput) (Decision, error) {
	a := in.Alert
	a.Plan, a.Timeout, a.OnTimeout = i.kind, i.timeout, i.onTO
	start := time.Now()
	if a.Raised.IsZero() {
		a.Raised = start.UTC()
	}
	in.step(StepAlert, a.Text())
	if i.timeout > 0 {
		in.step(StepGateOpen, fmt.Sprintf("waiting for an operator's approval, timeout %s then %s", i.timeout, i.onTO))
	}
	askCtx, cancel := ctx, context.CancelFunc(func() {})
	if i.timeout > 0 {
		askCtx, cancel = context.WithTimeout(ctx, i.timeout)
	}
	defer cancel()
	ans, err := i.op.Ask(askCtx, a)
	took := measure.Offset(time.Since(start))
	d := Decision{Kind: i.kind, Compression: 1, Modelled: took, RealWait: took, Operator: ans.Operator}
	if i.timeout > 0 {
		d.Gate = &Gate{Timeout: measure.Offset(i.timeout), OnTimeout: i.onTO, Approver: took}
	}
	switch {
	case err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) && i.timeout > 0:
		d.Proceed = i.onTO == OnTimeoutProceed
		d.Verdict = VerdictTimeoutAbort
		step := StepGateAbort
		if d.Proceed {
			d.Verdict, step = VerdictTimeoutProceed, StepGateTimeout
		}
		in.step(step, fmt.Sprintf("no operator answered within %s: %s", i.timeout, i.onTO))
	case err != nil:
		return d, fmt.Errorf("ask operator: %w", err)
	default:
		decided := ans.Decided.UTC()
		d.Decided, d.Paused, d.From = &decided, measure.Offset(ans.Paused), ans.From
		d.Proceed = ans.Choice == ChoiceApprove
		d.Verdict = VerdictRejected
		step := StepRejected
		if d.Proceed {
			d.Verdict, step = VerdictApproved, StepApproved
		}
		from := ""
		if ans.From != "" {
			from = ", from the " + ans.From
		}
		in.step(step, fmt.Sprintf("by %s at %s after %s%s", ans.Operator, decided.Format(time.RFC3339Nano), took, from))
	}
	d.Parts = []DecisionPart{{Role: RoleApprove, Model: "game day: " + d.Operator, Sampled: took, RealWait: took}}
	return d, nil
}

// Steps of a game day's decision, recorded as events "decision_"+step.
const (
	StepAlert    = "alert"
	StepApproved = "approved"
	StepRejected = "rejected"
)

// VerdictRejected: the operator rejected the rollback (a veto); nothing is rolled back.
const VerdictRejected = "rejected"
