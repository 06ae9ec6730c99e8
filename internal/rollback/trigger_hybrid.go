package rollback

import (
	"context"
	"fmt"
	"time"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/params"
	"github.com/drillhq/drill/internal/scenario"
)

// On-timeout actions of a hybrid gate.
const (
	OnTimeoutProceed = "proceed"
	OnTimeoutAbort   = "abort"
)

// hybridParams are the hybrid trigger's parameters: the approval gate and the approver's
// decision-time model (like manual's).
type hybridParams struct {
	ModelParams
	// Timeout is how long the gate waits for an approval (modelled time).
	Timeout time.Duration `param:"timeout,required"`
	// OnTimeout is what the gate does when no approval came in time: proceed or abort.
	OnTimeout string `param:"on_timeout,required"`
	// Compression shortens every real wait by this factor.
	Compression float64 `param:"compression"`
}

// Hybrid is the hybrid plan: automated detection, then an approval gate. The approver's
// decision time is sampled from its model; when it exceeds the gate's timeout the gate
// proceeds or aborts as declared.
type Hybrid struct {
	approver    Model
	timeout     time.Duration
	onTimeout   string
	compression float64
}

func buildHybrid(p map[string]any) (Decider, error) {
	hp := hybridParams{Compression: 1}
	if err := decodeTriggerParams(scenario.TriggerHybrid, p, &hp); err != nil {
		return nil, err
	}
	if hp.Timeout <= 0 {
		return nil, params.Errorf("timeout", "trigger %q: timeout must be greater than 0, e.g. timeout: 10m", scenario.TriggerHybrid)
	}
	if hp.OnTimeout != OnTimeoutProceed && hp.OnTimeout != OnTimeoutAbort {
		return nil, params.Errorf("on_timeout", "trigger %q: on_timeout must be proceed or abort, got %q", scenario.TriggerHybrid, hp.OnTimeout)
	}
	if hp.Compression < 1 {
		return nil, params.Errorf("compression", "trigger %q: compression must be at least 1 (1 = real time), got %g", scenario.TriggerHybrid, hp.Compression)
	}
	model, err := newModel(hp.ModelParams, "")
	if err != nil {
		return nil, wrapModelErr(scenario.TriggerHybrid, err)
	}
	return &Hybrid{approver: model, timeout: hp.Timeout, onTimeout: hp.OnTimeout, compression: hp.Compression}, nil
}

// Describe says what the gate does, for the plan.
func (h *Hybrid) Describe() string {
	s := fmt.Sprintf("approval gate, timeout %s then %s; approver %s", h.timeout, h.onTimeout, h.approver)
	if h.compression > 1 {
		s += fmt.Sprintf(", compressed ×%g", h.compression)
	}
	return s
}

// Decide implements Decider: the gate opens, and closes at the approval or at its
// timeout, whichever comes first (in modelled time).
func (h *Hybrid) Decide(ctx context.Context, in DecideInput) (Decision, error) {
	approver := h.approver.Sample(in.source())
	d := Decision{Kind: scenario.TriggerHybrid, Compression: h.compression,
		Gate: &Gate{Timeout: measure.Offset(h.timeout), OnTimeout: h.onTimeout, Approver: measure.Offset(approver)}}
	in.step(StepGateOpen, fmt.Sprintf("waiting for approval, timeout %s then %s", h.timeout, h.onTimeout))
	held := min(approver, h.timeout)
	rw := realWait(held, h.compression)
	if err := sleepFor(ctx, rw); err != nil {
		return d, err
	}
	switch {
	case approver <= h.timeout:
		d.Proceed, d.Verdict = true, VerdictApproved
		in.step(StepGateApproved, fmt.Sprintf("approved after %s (modelled, %s)", approver, h.approver))
	case h.onTimeout == OnTimeoutProceed:
		d.Proceed, d.Verdict = true, VerdictTimeoutProceed
		in.step(StepGateTimeout, fmt.Sprintf("no approval within %s (the approver would take %s): proceed", h.timeout, approver))
	default:
		d.Verdict = VerdictTimeoutAbort
		in.step(StepGateAbort, fmt.Sprintf("no approval within %s (the approver would take %s): abort, no rollback", h.timeout, approver))
	}
	d.Parts = []DecisionPart{{Role: RoleApprove, Model: h.approver.String(), Sampled: measure.Offset(held), RealWait: measure.Offset(rw)}}
	d.Modelled, d.RealWait = measure.Offset(held), measure.Offset(rw)
	return d, nil
}

// Steps of a hybrid gate, recorded as events "decision_"+step.
const (
	StepGateOpen     = "gate_open"
	StepGateApproved = "gate_approved"
	StepGateTimeout  = "gate_timeout"
	StepGateAbort    = "gate_abort"
)
