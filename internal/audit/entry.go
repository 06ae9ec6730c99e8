package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Actors. An operator actor is "operator:<name>", built with Operator.
const (
	ActorDrill     = "drill"
	operatorPrefix = "operator:"
)

// Actions drill records. Other non-empty actions are accepted too.
const (
	ActionRunStart      = "run_start"
	ActionStackUp       = "stack_up"
	ActionFaultApplied  = "fault_applied"
	ActionFaultReverted = "fault_reverted"
	ActionTriggerFired  = "trigger_fired"
	ActionApproval      = "approval"
	ActionRollbackStart = "rollback_start"
	ActionRollbackEnd   = "rollback_end"
	ActionVerify        = "verify"
	ActionRunEnd        = "run_end"
)

// Outcomes. Other non-empty outcomes are accepted too.
const (
	OutcomeOK    = "ok"
	OutcomeError = "error"
)

// GenesisPrev is the prev of the first entry: 64 zeros.
var GenesisPrev = strings.Repeat("0", sha256.Size*2)

// Operator returns the actor naming a human operator.
func Operator(name string) string { return operatorPrefix + name }

// Entry is one line of the audit log. Callers fill Actor, Action, Trial, Outcome and
// Detail; Log.Append fills Seq, Time, Prev and Hash. The field order is the line's
// member order and is part of the format (see the package doc).
type Entry struct {
	Seq     int64     `json:"seq"`
	Time    time.Time `json:"time"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Trial   int       `json:"trial,omitempty"`
	Outcome string    `json:"outcome"`
	Detail  string    `json:"detail"`
	Prev    string    `json:"prev"`
	Hash    string    `json:"hash"`
}

// body is Entry without its hash: its encoding is the canonical bytes.
type body struct {
	Seq     int64     `json:"seq"`
	Time    time.Time `json:"time"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Trial   int       `json:"trial,omitempty"`
	Outcome string    `json:"outcome"`
	Detail  string    `json:"detail"`
	Prev    string    `json:"prev"`
}

// validate checks the caller-supplied fields.
func (e Entry) validate() error {
	switch {
	case e.Actor != ActorDrill && (!strings.HasPrefix(e.Actor, operatorPrefix) || len(e.Actor) == len(operatorPrefix)):
		return fmt.Errorf("actor %q is neither %q nor %q", e.Actor, ActorDrill, operatorPrefix+"<name>")
	case e.Action == "":
		return fmt.Errorf("action is empty")
	case e.Outcome == "":
		return fmt.Errorf("outcome is empty")
	case e.Trial < 0:
		return fmt.Errorf("trial %d is negative", e.Trial)
	}
	return nil
}

// canonical returns the entry's canonical bytes: its JSON encoding without hash.
func (e Entry) canonical() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	b := body{e.Seq, e.Time, e.Actor, e.Action, e.Trial, e.Outcome, e.Detail, e.Prev}
	if err := enc.Encode(b); err != nil {
		return nil, fmt.Errorf("encode entry: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// sum is the hex SHA-256 of canonical bytes.
func sum(canonical []byte) string {
	h := sha256.Sum256(canonical)
	return hex.EncodeToString(h[:])
}

// line returns the written form of canonical bytes carrying hash, with its newline.
func line(canonical []byte, hash string) []byte {
	out := make([]byte, 0, len(canonical)+len(hash)+12)
	out = append(out, canonical[:len(canonical)-1]...)
	out = append(out, `,"hash":"`...)
	out = append(out, hash...)
	out = append(out, `"}`+"\n"...)
	return out
}
