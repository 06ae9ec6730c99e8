package inject

import (
	"context"
	"fmt"

	"github.com/drillhq/drill/internal/stack"
)

// downFault disables the target proxy (Toxiproxy closes its listener and drops every
// connection, so clients get connection refused) and enables it again on revert.
type downFault struct{}

// buildDown builds the "down" fault; it takes no parameters.
func buildDown(params map[string]any) (Fault, error) {
	if err := decodeParams("down", params, &struct{}{}); err != nil {
		return nil, err
	}
	return downFault{}, nil
}

// Apply disables the proxy named t.Name.
func (downFault) Apply(ctx context.Context, t Target) (Revert, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("fault down: %w", err)
	}
	p, err := t.proxy()
	if err != nil {
		return nil, fmt.Errorf("fault down: %w", err)
	}
	if err := p.Disable(); err != nil {
		return nil, fmt.Errorf("fault down: disable proxy %s: %w", t.Name, err)
	}
	return newRevert(RevertTimeout, func(ctx context.Context) error {
		return await(ctx, func() error {
			// Fetch the proxy again: saving the stale copy would undo any upstream
			// change made meanwhile (a blue-green switch flips the upstream).
			p, err := t.proxy()
			if err != nil {
				return fmt.Errorf("revert down: %w", err)
			}
			if err := p.Enable(); err != nil {
				return fmt.Errorf("revert down: enable proxy %s: %w", t.Name, err)
			}
			return nil
		})
	}), nil
}

// Needs implements stack.Needer: the target's Toxiproxy proxy is disabled.
func (downFault) Needs() []stack.Need {
	return []stack.Need{{Capability: stack.CapProxy}}
}
