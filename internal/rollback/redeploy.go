package rollback

import (
	"context"
	"fmt"

	"github.com/drillhq/drill/internal/stack"
)

// Mechanism carries a rollback out.
type Mechanism interface {
	// Rollback restores the previous state and returns once its last step finished.
	Rollback(ctx context.Context, st stack.Stack) error
}

// Redeploy rolls back by deploying the release a service ran before the change, with
// the service's deploy strategy: what `kubectl rollout undo` or redeploying the
// previous image does.
type Redeploy struct {
	Service string
	// Release is the release to go back to.
	Release string
	// Options configure the deploy (its strategy, a hook for its steps).
	Options []stack.DeployOption
}

// Rollback implements Mechanism.
func (r Redeploy) Rollback(ctx context.Context, st stack.Stack) error {
	svc, err := st.Service(r.Service)
	if err != nil {
		return fmt.Errorf("redeploy %s: %w", r.Service, err)
	}
	if err := svc.Deploy(ctx, r.Release, r.Options...); err != nil {
		return fmt.Errorf("redeploy %s %s: %w", r.Service, r.Release, err)
	}
	return nil
}
