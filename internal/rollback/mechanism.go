package rollback

import (
	"context"
	"fmt"
	"io"

	"github.com/drillhq/drill/internal/stack"
)

// Mechanism carries a rollback out. Each kind lives in its own file with a typed
// parameter struct, built through a Registry.
type Mechanism interface {
	// Rollback restores the previous state of t and returns once its last step finished.
	Rollback(ctx context.Context, t Target) error
}

// Describer is implemented by mechanisms that say more about what they are about to do
// than their kind and service (a redeploy names the release it goes back to).
type Describer interface {
	// Describe says what Rollback(ctx, t) will do, for the trial's timeline.
	Describe(t Target) string
}

// Describe says what m will do to t: its own description when it has one, else kind
// and service.
func Describe(kind string, m Mechanism, t Target) string {
	if d, ok := m.(Describer); ok {
		return d.Describe(t)
	}
	return kind + " " + t.Service
}

// Target is what a mechanism acts on: one service of a running stack, with what the
// trial knows about it and the hooks through which the mechanism reports what it did.
type Target struct {
	// Stack is the running stack.
	Stack stack.Stack
	// Service is the service the mechanism acts on.
	Service string
	// Previous is the release the service ran before the change: what a redeploy goes
	// back to unless its params name another.
	Previous string
	// Env is DRILL_ENDPOINT_<SERVICE>=host:port of every service, for commands and URLs
	// that must reach services whose ports the runtime chose.
	Env []string
	// Step, when set, is told each step of the rollback as it happens (the trial records
	// them as events "rollback_"+step): what each step costs is on the timeline.
	Step func(step, detail string)
	// Output, when set, receives what the mechanism's command or call printed or
	// answered, for the trial's raw records.
	Output io.Writer
}

// step reports a step when someone listens.
func (t Target) step(name, detail string) {
	if t.Step != nil {
		t.Step(name, detail)
	}
}

// service returns the target service.
func (t Target) service(kind string) (stack.Service, error) {
	if t.Stack == nil {
		return nil, fmt.Errorf("%s %s: target has no stack", kind, t.Service)
	}
	svc, err := t.Stack.Service(t.Service)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", kind, t.Service, err)
	}
	return svc, nil
}
