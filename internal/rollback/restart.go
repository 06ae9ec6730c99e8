package rollback

import (
	"context"
	"fmt"

	"github.com/drillhq/drill/internal/stack"
)

// Restart rolls back by restarting the service (its current release): the drill for a
// crashed or wedged database, where bringing the process back is the whole plan. It
// reports the step "restarted" once the service passed its readiness check again.
type Restart struct{}

func buildRestart(p map[string]any) (Mechanism, error) {
	if err := decodeParams("restart", p, &struct{}{}); err != nil {
		return nil, err
	}
	return Restart{}, nil
}

// Rollback implements Mechanism.
func (Restart) Rollback(ctx context.Context, t Target) error {
	svc, err := t.service("restart")
	if err != nil {
		return err
	}
	c, ok := svc.(stack.Controller)
	if !ok {
		return fmt.Errorf("restart %s: its runtime cannot restart a service (%T); use a runtime that can (process, docker)", t.Service, svc)
	}
	if err := c.Restart(ctx); err != nil {
		return fmt.Errorf("restart %s: %w", t.Service, err)
	}
	t.step("restarted", svc.Release())
	return nil
}

// Needs implements stack.Needer: a runtime that can restart the service.
func (Restart) Needs() []stack.Need {
	return []stack.Need{{Capability: stack.CapRestart, Instead: "use mechanism redeploy"}}
}
