package stack

import (
	"context"
	"errors"
	"sync"

	"github.com/drillhq/drill/internal/scenario"
)

// DeployAll deploys each service's first release (services in start order): one after
// the other when any service depends on another (depends_on: a dependency is ready before
// its dependents start), else all at once. It returns every deploy's error.
func DeployAll[S Service](ctx context.Context, order []S, specs []scenario.Service) error {
	ordered := false
	for _, spec := range specs {
		ordered = ordered || len(spec.DependsOn) > 0
	}
	if ordered {
		for i, s := range order {
			if err := s.Deploy(ctx, specs[i].Release); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, len(order))
	var wg sync.WaitGroup
	for i, s := range order {
		wg.Go(func() { errs[i] = s.Deploy(ctx, specs[i].Release) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
