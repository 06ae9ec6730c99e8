package trial

import (
	"context"
	"errors"
	"fmt"

	"github.com/drillhq/drill/internal/stack"
)

// How a trial's stack was set up when the scenario reuses stacks (Result.Stack).
const (
	// StackNew: the runtime's Up started a new stack (the worker's first trial, a trial
	// after one that did not end clean, or a reset that failed: Result.ResetError).
	StackNew = "new"
	// StackReused: the previous trial's stack, reset and verified equal to a new one.
	StackReused = "reused"
)

// Slot keeps one worker's stack between its trials when the scenario reuses stacks
// (stack.reuse): a trial that ended clean leaves its stack in the slot, and the
// worker's next trial resets it (stack.Resetter) instead of starting a new one. A slot
// is used by one trial at a time.
type Slot struct {
	// More says whether a trial of the run is still waiting for a worker. It is asked as
	// a trial ends: when none waits (or More is nil), the trial tears its stack down
	// instead of keeping it for a next trial that will not come. (Decided at the end, not
	// the start: with trials of uneven length, a worker may run more trials than its share.)
	More func() bool

	st stack.Stack
	by int // the trial that kept it
}

// KeptBy is the index of the trial whose stack the slot holds (0: none).
func (s *Slot) KeptBy() int {
	if !s.Held() {
		return 0
	}
	return s.by
}

// Held reports whether the slot holds a stack.
func (s *Slot) Held() bool { return s != nil && s.st != nil }

// Close tears down the stack the slot holds, if any: the worker has no trial left, or
// the run was interrupted between two trials.
func (s *Slot) Close(ctx context.Context) error {
	if !s.Held() {
		return nil
	}
	st := s.st
	s.st = nil
	if err := st.Down(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("tear down kept stack: %w: run drill clean to remove what it left", err)
	}
	return nil
}

// startStack sets the trial's stack up: the slot's, reset, when it holds one, else a
// new one from the runtime. A reset that fails (or cannot prove the stack equal to a
// new one) is recorded and the stack replaced by a new one.
func (t *run) startStack(ctx context.Context, opts []stack.UpOption) (stack.Stack, error) {
	slot := t.cfg.Slot
	if slot.Held() {
		st := slot.st
		slot.st = nil
		err := errors.New("the runtime cannot reset a stack")
		if r, ok := st.(stack.Resetter); ok {
			err = r.Reset(ctx, t.sc.Stack, opts...)
		}
		if err == nil {
			t.res.Stack = StackReused
			return st, nil
		}
		t.res.ResetError = err.Error()
		if derr := st.Down(context.WithoutCancel(ctx)); derr != nil {
			msg := fmt.Sprintf("tear down the stack a reset failed on: %v: run drill clean to remove what it left", derr)
			t.res.AddError(msg)
		}
	}
	if slot != nil {
		t.res.Stack = StackNew
	}
	return t.cfg.Runtime.Up(ctx, t.sc.Stack, opts...)
}

// keep leaves the trial's stack in the slot for the worker's next trial instead of
// tearing it down: only with a slot whose More says a trial waits, when the run goes on,
// the stack can be reset, and the trial ended clean (recovered or a quiet control, no
// error of any kind). Anything else tears down as without reuse.
func (t *run) keep(ctx context.Context, st stack.Stack) bool {
	slot := t.cfg.Slot
	if slot == nil || slot.More == nil || !slot.More() || ctx.Err() != nil || t.res.Error != "" || t.res.CaptureError != "" {
		return false
	}
	if t.res.Outcome != Recovered && t.res.Outcome != ControlQuiet {
		return false
	}
	if _, ok := st.(stack.Resetter); !ok {
		return false
	}
	t.cfg.Slot.st, t.cfg.Slot.by = st, t.res.Index
	return true
}

// stackHow says, for the stack_up event, how the stack was set up under stack.reuse.
func (t *run) stackHow() string {
	switch {
	case t.res.Stack == StackReused:
		return "; reused: reset and verified equal to a new stack"
	case t.res.ResetError != "":
		return "; new stack: the previous trial's could not be reset (" + t.res.ResetError + ")"
	case t.res.Stack == StackNew:
		return "; new stack"
	}
	return ""
}
