package docker

import (
	"context"
	"errors"
	"fmt"

	"github.com/drillhq/drill/internal/stack"
)

var _ stack.Restorer = (*dockerService)(nil)

// Snapshot implements Restorer: a copy of the service's data mount on the host.
func (s *dockerService) Snapshot(ctx context.Context) (string, error) {
	s.mu.Lock()
	s.snapshots++
	n := s.snapshots
	s.mu.Unlock()
	return stack.TakeSnapshot(s.dataDir, n)
}

// Restore implements Restorer: every container of the service is removed (the
// standing-by and retired ones too), the data mount's contents are replaced by the
// snapshot, and release starts on it.
func (s *dockerService) Restore(ctx context.Context, snapshot, release string, opts ...stack.DeployOption) error {
	s.op.Lock()
	defer s.op.Unlock()
	cfg := stack.NewDeployConfig(s.spec, opts)
	if err := s.setSwitch(ctx, ""); err != nil {
		return fmt.Errorf("restore %s: %w", s.spec.Name, err)
	}
	s.mu.Lock()
	ctr, sb := s.ctr, s.standby
	s.ctr, s.standby, s.release, s.standbyRelease = nil, nil, "", ""
	s.mu.Unlock()
	cfg.Step(stack.StepStopping, "")
	err := errors.Join(s.remove(ctx, ctr), s.remove(ctx, sb), s.reap(ctx))
	if err != nil {
		return fmt.Errorf("restore %s: %w", s.spec.Name, err)
	}
	if err := stack.ReplaceDir(snapshot, s.dataDir); err != nil {
		return fmt.Errorf("restore %s: %w", s.spec.Name, err)
	}
	cfg.Step(stack.StepRestored, snapshot)
	return s.recreate(ctx, release, cfg)
}
