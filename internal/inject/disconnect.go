package inject

import (
	"context"
	"fmt"

	"github.com/drillhq/drill/internal/stack"
)

// disconnectFault cuts the target service off the stack's network and reconnects it on
// revert. The service must implement stack.Disconnector (the docker runtime does).
type disconnectFault struct{}

// buildDisconnect builds the "disconnect" fault; it takes no parameters.
func buildDisconnect(params map[string]any) (Fault, error) {
	if err := decodeParams("disconnect", params, &struct{}{}); err != nil {
		return nil, err
	}
	return disconnectFault{}, nil
}

// Apply disconnects the service named t.Name.
func (disconnectFault) Apply(ctx context.Context, t Target) (Revert, error) {
	s, err := t.service()
	if err != nil {
		return nil, fmt.Errorf("fault disconnect: %w", err)
	}
	d, ok := s.(stack.Disconnector)
	if !ok {
		return nil, fmt.Errorf("fault disconnect: runtime %s cannot disconnect service %s", t.runtimeName(s), t.Name)
	}
	if err := d.Disconnect(ctx); err != nil {
		return nil, fmt.Errorf("fault disconnect: disconnect service %s: %w", t.Name, err)
	}
	return newRevert(RestartRevertTimeout, func(ctx context.Context) error {
		if err := d.Reconnect(ctx); err != nil {
			return fmt.Errorf("revert disconnect: reconnect service %s: %w", t.Name, err)
		}
		return nil
	}), nil
}

// Needs implements stack.Needer: a service the runtime can cut off its network.
func (disconnectFault) Needs() []stack.Need {
	return []stack.Need{{Capability: stack.CapDisconnect, Stack: stack.NeedService, Instead: "use a down or reset_peer fault on its proxy"}}
}
