package check

import (
	"fmt"
	"time"
)

// OpKind is what a key-value operation did.
type OpKind string

// Key-value operation kinds.
const (
	Read  OpKind = "read"
	Write OpKind = "write"
)

// KVOp is one operation of a key-value history: a client's read or write of one key,
// with its call and return times as offsets on one monotonic clock (a trial's).
//
// A history holds only operations that may have taken effect: a write known to have
// failed is left out. A write whose outcome is unknown (timed out, connection lost
// after sending) is kept with Unknown set: it may take effect at any time after its
// call, or never. A read with an unknown outcome says nothing and is ignored.
type KVOp struct {
	ClientID int           `json:"client"`
	Key      string        `json:"key"`
	Kind     OpKind        `json:"kind"`
	Value    string        `json:"value"`           // written, or read when Found
	Found    bool          `json:"found,omitempty"` // a read found the key (false: absent)
	Call     time.Duration `json:"call_ns"`
	Return   time.Duration `json:"return_ns"`
	Unknown  bool          `json:"unknown,omitempty"`
}

// String describes the operation for messages.
func (o KVOp) String() string {
	switch {
	case o.Kind == Write && o.Unknown:
		return fmt.Sprintf("client %d write %s=%q (unknown) at %v", o.ClientID, o.Key, o.Value, o.Call)
	case o.Kind == Write:
		return fmt.Sprintf("client %d write %s=%q [%v, %v]", o.ClientID, o.Key, o.Value, o.Call, o.Return)
	case o.Found:
		return fmt.Sprintf("client %d read %s=%q [%v, %v]", o.ClientID, o.Key, o.Value, o.Call, o.Return)
	}
	return fmt.Sprintf("client %d read %s absent [%v, %v]", o.ClientID, o.Key, o.Call, o.Return)
}
