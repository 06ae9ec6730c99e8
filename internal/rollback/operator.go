package rollback

import (
	"context"
	"fmt"
	"time"
)

// Choices an operator answers an alert with.
const (
	ChoiceApprove = "approve"
	ChoiceReject  = "reject"
)

// Operator is the person who decides in a game day (drill run --interactive): shown the
// alert's evidence, they approve or reject the rollback.
type Operator interface {
	// Ask shows the alert and blocks until the operator answers or ctx ends.
	Ask(ctx context.Context, a Alert) (Answer, error)
}

// Alert is the evidence an operator decides on: what the trigger's window held when its
// condition fired.
type Alert struct {
	// Trial is the trial's index; Plan the trigger kind (manual, hybrid).
	Trial int
	Plan  string
	// Condition is the trigger's condition that held.
	Condition string
	// ErrorRate, P95Ms and Samples describe the trigger's probe window at the alert.
	ErrorRate float64
	P95Ms     float64
	Samples   int
	// Since is when the first failing probe after the change started (UTC; zero: none).
	Since time.Time
	// Raised is when the alert fired (UTC).
	Raised time.Time
	// Timeout is the hybrid gate's timeout (0: none): past it the gate acts on its own.
	Timeout   time.Duration
	OnTimeout string
}

// Text renders the evidence on one line, for the terminal and the audit log.
func (a Alert) Text() string {
	since := "no failing probe seen"
	if !a.Since.IsZero() {
		since = fmt.Sprintf("failing since %s (%s before the alert)", a.Since.Format("15:04:05.000Z"), a.Raised.Sub(a.Since).Round(time.Millisecond))
	}
	s := fmt.Sprintf("trial %d: %q held: error rate %.0f%%, p95 latency %.0fms over %d probes, %s", a.Trial, a.Condition, a.ErrorRate*100, a.P95Ms, a.Samples, since)
	if a.Timeout > 0 {
		s += fmt.Sprintf("; the gate %ss after %s", a.OnTimeout, a.Timeout)
	}
	return s
}

// Answer is an operator's answer to an alert.
type Answer struct {
	// Choice is approve or reject.
	Choice string
	// Operator is who answered (a flag, or the OS user).
	Operator string
	// Decided is when they answered (UTC).
	Decided time.Time
	// From is where the answer came from (the terminal or the page), for the audit log.
	From string
	// Paused is how long they held the decision paused (part of the decision time: the
	// service was down meanwhile).
	Paused time.Duration
}
