package inject

import (
	"context"
	"fmt"

	"github.com/drillhq/drill/internal/stack"
)

// stopFault stops the target service gracefully and restarts it on revert. The service
// must implement stack.Stopper (to stop) and stack.Controller (to restart).
type stopFault struct{}

// buildStop builds the "stop" fault; it takes no parameters.
func buildStop(params map[string]any) (Fault, error) {
	if err := decodeParams("stop", params, &struct{}{}); err != nil {
		return nil, err
	}
	return stopFault{}, nil
}

// Apply stops the service named t.Name.
func (stopFault) Apply(ctx context.Context, t Target) (Revert, error) {
	c, err := t.controller("stop")
	if err != nil {
		return nil, err
	}
	s, ok := c.(stack.Stopper)
	if !ok {
		return nil, fmt.Errorf("fault stop: runtime %s cannot stop service %s", t.runtimeName(c), t.Name)
	}
	if err := s.Stop(ctx); err != nil {
		return nil, fmt.Errorf("fault stop: stop service %s: %w", t.Name, err)
	}
	return newRevert(RestartRevertTimeout, func(ctx context.Context) error {
		if err := c.Restart(ctx); err != nil {
			return fmt.Errorf("revert stop: restart service %s: %w", t.Name, err)
		}
		return nil
	}), nil
}

// Needs implements stack.Needer: a service the runtime can stop, and restart on revert.
func (stopFault) Needs() []stack.Need {
	const instead = "use a down fault on its proxy"
	return []stack.Need{
		{Capability: stack.CapStop, Stack: stack.NeedService, Instead: instead},
		{Capability: stack.CapRestart, Stack: stack.NeedService, Instead: instead},
	}
}
