package measure

import (
	"fmt"
	"sort"
	"sync"
)

// Outcome is what the client learned about one operation.
type Outcome string

// Outcomes, as Jepsen histories record them.
const (
	// OK: the service acknowledged the write.
	OK Outcome = "ok"
	// Fail: the write certainly did not happen (refused connection, explicit error).
	Fail Outcome = "fail"
	// Unknown: no answer in time, or the connection broke after sending: the write may
	// or may not have happened. Never guessed either way.
	Unknown Outcome = "unknown"
)

// Op is one workload operation: its invocation and its completion on the trial clock.
type Op struct {
	ID string `json:"id"`
	// Value is what the operation wrote (the ledger workload: the transfer's amount).
	Value    int64   `json:"value,omitempty"`
	Invoke   Offset  `json:"invoke_ms"`
	Complete Offset  `json:"complete_ms"`
	Outcome  Outcome `json:"outcome"`
	Err      string  `json:"error,omitempty"`
}

// History records every operation of a trial's workload. It is safe for concurrent use.
type History struct {
	mu   sync.Mutex
	ops  []Op
	load *Load
}

// SetLoad records what the workload's schedule achieved against what it was asked.
func (h *History) SetLoad(l Load) {
	h.mu.Lock()
	h.load = &l
	h.mu.Unlock()
}

// Load is what the workload's schedule achieved, nil until its Run returned.
func (h *History) Load() *Load {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.load == nil {
		return nil
	}
	l := *h.load
	return &l
}

// Add records a completed operation.
func (h *History) Add(op Op) {
	h.mu.Lock()
	h.ops = append(h.ops, op)
	h.mu.Unlock()
}

// Ops returns the operations ordered by invocation time.
func (h *History) Ops() []Op {
	h.mu.Lock()
	ops := append([]Op(nil), h.ops...)
	h.mu.Unlock()
	sort.Slice(ops, func(i, j int) bool { return ops[i].Invoke < ops[j].Invoke })
	return ops
}

// outcomeOf classifies a write from its answer, as Jepsen would: a transport error after
// which the request certainly never left is a Fail, any other transport error (a
// timeout, a connection cut after sending) is Unknown and never guessed; a success
// status is OK, a refused one (the service applies nothing it refuses) a Fail, and any
// other status Unknown.
func outcomeOf(status int, err error, success, refused func(int) bool) (Outcome, string) {
	switch {
	case err != nil && NotSent(err):
		return Fail, shortErr(err)
	case err != nil:
		return Unknown, shortErr(err)
	case success(status):
		return OK, ""
	case refused(status):
		return Fail, fmt.Sprintf("status %d", status)
	}
	return Unknown, fmt.Sprintf("status %d", status)
}
