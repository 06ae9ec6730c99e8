package readiness

import (
	"context"
	"time"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// execKind is the built-in kind set by ready.exec: an argv that exits 0 once the
// service is ready (pg_isready, redis-cli ping), run in the instance's unit.
type execKind struct{}

// Kind is the kind's key in ready.
func (execKind) Kind() string { return "exec" }

// Set reports whether ready.exec is set.
func (execKind) Set(r scenario.Ready) bool { return len(r.Exec) > 0 }

// Check runs ready.exec in the instance's unit.
func (execKind) Check(r scenario.Ready) stack.ReadyCheck { return execCheck{argv: r.Exec} }

// execCheck runs argv and wants exit 0.
type execCheck struct{ argv []string }

// Every is the poll interval of a check that costs a process.
func (execCheck) Every() time.Duration { return pollExec }

// Check runs argv once.
func (c execCheck) Check(ctx context.Context, t stack.ReadyTarget) error { return t.Exec(ctx, c.argv) }

// Needs states that the runtime must run a command in the service's unit.
func (execCheck) Needs() []stack.Need {
	return []stack.Need{{Capability: stack.CapExec, Instead: "use a tcp, http or log readiness check"}}
}
