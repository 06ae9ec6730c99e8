package inject

import (
	"context"
	"fmt"

	"github.com/drillhq/drill/internal/stack"
)

// restartFault restarts the target service once (graceful stop, start, wait until ready).
// It is one-shot: its revert does nothing.
type restartFault struct{}

// buildRestart builds the "restart" fault; it takes no parameters.
func buildRestart(params map[string]any) (Fault, error) {
	if err := decodeParams("restart", params, &struct{}{}); err != nil {
		return nil, err
	}
	return restartFault{}, nil
}

// Apply restarts the service named t.Name.
func (restartFault) Apply(ctx context.Context, t Target) (Revert, error) {
	c, err := t.controller("restart")
	if err != nil {
		return nil, err
	}
	if err := c.Restart(ctx); err != nil {
		return nil, fmt.Errorf("fault restart: restart service %s: %w", t.Name, err)
	}
	return noRevert, nil
}

// Needs implements stack.Needer: a service the runtime can restart.
func (restartFault) Needs() []stack.Need {
	return []stack.Need{{Capability: stack.CapRestart, Stack: stack.NeedService, Instead: "use a down fault on its proxy"}}
}
