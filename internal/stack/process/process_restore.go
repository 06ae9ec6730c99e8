package process

import (
	"context"
	"fmt"

	"github.com/drillhq/drill/internal/stack"
)

var _ stack.Restorer = (*processService)(nil)

// Snapshot implements Restorer.
func (s *processService) Snapshot(ctx context.Context) (string, error) {
	s.mu.Lock()
	s.snapshots++
	n := s.snapshots
	s.mu.Unlock()
	return stack.TakeSnapshot(s.dataDir, n)
}

// Restore implements Restorer: every instance stops (the standing-by one too), the data
// directory is replaced by the snapshot, and release starts on it.
func (s *processService) Restore(ctx context.Context, snapshot, release string, opts ...stack.DeployOption) error {
	s.op.Lock()
	defer s.op.Unlock()
	cfg := stack.NewDeployConfig(s.spec, opts)
	s.front.setSwitch(s.spec.Name, "")
	cfg.Step(stack.StepStopping, "")
	if err := s.stopAll(); err != nil {
		return fmt.Errorf("restore %s: %w", s.spec.Name, err)
	}
	if err := stack.ReplaceDir(snapshot, s.dataDir); err != nil {
		return fmt.Errorf("restore %s: %w", s.spec.Name, err)
	}
	cfg.Step(stack.StepRestored, snapshot)
	return s.recreate(ctx, release, cfg)
}
