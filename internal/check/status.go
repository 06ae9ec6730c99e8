package check

import (
	"context"
	"fmt"
)

// Status is a checker's verdict.
type Status int

// Verdicts. Unknown means the checker could not decide (data unavailable, a timeout):
// it is never reported as Pass.
const (
	Pass Status = iota
	Fail
	Unknown
)

var statusNames = [...]string{Pass: "pass", Fail: "fail", Unknown: "unknown"}

// String returns "pass", "fail" or "unknown".
func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return fmt.Sprintf("status(%d)", int(s))
	}
	return statusNames[s]
}

// MarshalText writes the status by name, so stored results stay readable.
func (s Status) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(statusNames) {
		return nil, fmt.Errorf("marshal status: unknown status %d", int(s))
	}
	return []byte(statusNames[s]), nil
}

// UnmarshalText reads a status written by MarshalText.
func (s *Status) UnmarshalText(b []byte) error {
	for i, n := range statusNames {
		if n == string(b) {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("unmarshal status: unknown status %q", b)
}

// Finding is one checker's verdict: a one-line message and the offending ids (transfer
// ids, account ids or keys, as the message says).
type Finding struct {
	Checker string   `json:"checker"`
	Status  Status   `json:"status"`
	Message string   `json:"message"`
	IDs     []string `json:"ids,omitempty"`
}

// Checker checks one invariant of a live system.
type Checker interface {
	Name() string
	Check(ctx context.Context) Finding
}

// Live is a Checker that captures data with fetch and judges it with judge, the pure
// checker; a fetch error is an Unknown finding.
func Live[T any](name string, fetch func(context.Context) (T, error), judge func(T) Finding) Checker {
	return live[T]{name: name, fetch: fetch, judge: judge}
}

type live[T any] struct {
	name  string
	fetch func(context.Context) (T, error)
	judge func(T) Finding
}

func (l live[T]) Name() string { return l.name }

func (l live[T]) Check(ctx context.Context) Finding {
	data, err := l.fetch(ctx)
	if err != nil {
		return unknown(l.name, err.Error())
	}
	f := l.judge(data)
	f.Checker = l.name
	return f
}

func pass(checker, msg string) Finding { return Finding{Checker: checker, Status: Pass, Message: msg} }

func unknown(checker, msg string) Finding {
	return Finding{Checker: checker, Status: Unknown, Message: oneLine(msg)}
}

func fail(checker, msg string, ids []string) Finding {
	return Finding{Checker: checker, Status: Fail, Message: oneLine(msg), IDs: ids}
}
