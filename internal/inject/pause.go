package inject

import (
	"context"
	"fmt"

	"github.com/drillhq/drill/internal/stack"
)

// pauseFault freezes every process of the target service (SIGSTOP, cgroup freezer) and
// thaws it on revert: the service keeps its connections but answers nothing meanwhile.
type pauseFault struct{}

// buildPause builds the "pause" fault; it takes no parameters.
func buildPause(params map[string]any) (Fault, error) {
	if err := decodeParams("pause", params, &struct{}{}); err != nil {
		return nil, err
	}
	return pauseFault{}, nil
}

// Apply pauses the service named t.Name.
func (pauseFault) Apply(ctx context.Context, t Target) (Revert, error) {
	c, err := t.pauser()
	if err != nil {
		return nil, err
	}
	if err := c.Pause(ctx, true); err != nil {
		return nil, fmt.Errorf("fault pause: pause service %s: %w", t.Name, err)
	}
	return newRevert(RestartRevertTimeout, func(ctx context.Context) error {
		if err := c.Pause(ctx, false); err != nil {
			return fmt.Errorf("revert pause: unpause service %s: %w", t.Name, err)
		}
		return nil
	}), nil
}

// Needs implements stack.Needer: a service the runtime can pause.
func (pauseFault) Needs() []stack.Need {
	return []stack.Need{{Capability: stack.CapPause, Stack: stack.NeedService, Instead: "use a timeout fault on its proxy (connections hang)"}}
}
