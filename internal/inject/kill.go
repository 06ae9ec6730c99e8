package inject

import (
	"context"
	"fmt"
)

// killFault kills the target service abruptly (SIGKILL: no graceful shutdown, unflushed
// data lost) and restarts it on revert so the service is back.
type killFault struct{}

// buildKill builds the "kill" fault; it takes no parameters.
func buildKill(params map[string]any) (Fault, error) {
	if err := decodeParams("kill", params, &struct{}{}); err != nil {
		return nil, err
	}
	return killFault{}, nil
}

// Apply kills the service named t.Name.
func (killFault) Apply(ctx context.Context, t Target) (Revert, error) {
	c, err := t.controller("kill")
	if err != nil {
		return nil, err
	}
	if err := c.Kill(ctx); err != nil {
		return nil, fmt.Errorf("fault kill: kill service %s: %w", t.Name, err)
	}
	return newRevert(RestartRevertTimeout, func(ctx context.Context) error {
		if err := c.Restart(ctx); err != nil {
			return fmt.Errorf("revert kill: restart service %s: %w", t.Name, err)
		}
		return nil
	}), nil
}
