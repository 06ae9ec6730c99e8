// Package measure observes a trial: steady-state probes, the workload and its history
// of writes, and the measures derived from them (RTC and its parts, RPC, lost writes).
// Every time is an Offset on one monotonic Clock started at the trial's beginning.
package measure

import (
	"encoding/json"
	"math"
	"strconv"
	"time"
)

// Clock is a trial's single time base. Offsets come from Go's monotonic clock reading,
// so wall-clock steps (NTP) never distort a measure.
type Clock struct {
	base time.Time
}

// NewClock starts a clock now.
func NewClock() Clock { return Clock{base: time.Now()} }

// Now is the offset from the clock's base.
func (c Clock) Now() Offset { return Offset(time.Since(c.base)) }

// Base is the clock's start as a wall time, for relating offsets to other records
// (a fixture's ground-truth file, an audit log).
func (c Clock) Base() time.Time { return c.base }

// OffsetOfUnixNano converts a wall-clock timestamp recorded by another process on the
// same machine into an offset on this clock.
func (c Clock) OffsetOfUnixNano(ns int64) Offset {
	return Offset(ns - c.base.UnixNano())
}

// Offset is a duration since a trial's clock base. In JSON it is milliseconds.
type Offset time.Duration

// D returns the offset as a time.Duration.
func (o Offset) D() time.Duration { return time.Duration(o) }

// Ms returns the offset in milliseconds.
func (o Offset) Ms() float64 { return float64(o) / float64(time.Millisecond) }

// String renders the offset like a time.Duration, rounded to 0.1 ms.
func (o Offset) String() string { return time.Duration(o).Round(100 * time.Microsecond).String() }

// Text renders an offset that may not have been observed: "–" when o is nil.
func Text(o *Offset) string {
	if o == nil {
		return "–"
	}
	return o.String()
}

// MarshalJSON writes milliseconds to the nanosecond, so that measures re-derived from
// stored offsets (drill check) equal the ones computed during the run exactly.
func (o Offset) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, o.Ms(), 'f', -1, 64), nil
}

// UnmarshalJSON reads milliseconds, rounded to the nanosecond.
func (o *Offset) UnmarshalJSON(b []byte) error {
	var ms float64
	if err := json.Unmarshal(b, &ms); err != nil {
		return err
	}
	*o = Offset(math.Round(ms * float64(time.Millisecond)))
	return nil
}
