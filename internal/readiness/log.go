package readiness

import (
	"context"
	"fmt"
	"time"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// logKind is the built-in kind set by ready.log: text the service prints once it is
// ready ("ready to accept connections").
type logKind struct{}

// Kind is the kind's key in ready.
func (logKind) Kind() string { return "log" }

// Set reports whether ready.log is set.
func (logKind) Set(r scenario.Ready) bool { return r.Log != "" }

// Check watches the instance's output for ready.log.
func (logKind) Check(r scenario.Ready) stack.ReadyCheck { return logCheck{text: r.Log} }

// Needs states that the runtime must read the instance's output (a cluster's
// readinessProbe cannot).
func (logCheck) Needs() []stack.Need {
	return []stack.Need{{Capability: stack.CapLog, Instead: "use a tcp, http or exec readiness check"}}
}

// logCheck wants text in the instance's output.
type logCheck struct{ text string }

// Every is the poll interval of a read of what the instance printed since.
func (logCheck) Every() time.Duration { return pollConnect }

// Check looks at the output once.
func (c logCheck) Check(ctx context.Context, t stack.ReadyTarget) error {
	seen, err := t.Printed(ctx, c.text)
	switch {
	case err != nil:
		return err
	case !seen:
		return fmt.Errorf("its output did not show %q yet", c.text)
	}
	return nil
}
