package rollback

import (
	"context"
	"fmt"

	"github.com/drillhq/drill/internal/stack"
)

// Preparer is implemented by mechanisms that act before the change: the trial calls
// Prepare once the steady state held, just before t_fault.
type Preparer interface {
	// Prepare readies the rollback of t (a restore takes its snapshot).
	Prepare(ctx context.Context, t Target) error
}

// Restore rolls back by putting back a snapshot of the service's data taken just before
// the change (drill's own copy of its data directory or volume), then starting the
// release that ran before it. Writes acknowledged after the snapshot are lost by design:
// RPC > 0 is this plan's expected, reported finding, and its size is the question.
type Restore struct {
	// Release to start on the restored data; empty: the one running before the change.
	Release string `param:"release"`

	snapshot string // taken by Prepare
}

func buildRestore(p map[string]any) (Mechanism, error) {
	r := &Restore{}
	if err := decodeParams("restore", p, r); err != nil {
		return nil, err
	}
	return r, nil
}

// Describe implements Describer.
func (r *Restore) Describe(t Target) string {
	return fmt.Sprintf("restore %s from the snapshot taken before the change, then start %s", t.Service, r.release(t))
}

func (r *Restore) release(t Target) string {
	if r.Release != "" {
		return r.Release
	}
	return t.Previous
}

func (r *Restore) restorer(t Target) (stack.Restorer, error) {
	svc, err := t.service("restore")
	if err != nil {
		return nil, err
	}
	rs, ok := svc.(stack.Restorer)
	if !ok {
		return nil, fmt.Errorf("restore %s: its runtime cannot snapshot a service's data (%T)", t.Service, svc)
	}
	return rs, nil
}

// Prepare implements Preparer: the snapshot (step "snapshot_taken").
func (r *Restore) Prepare(ctx context.Context, t Target) error {
	rs, err := r.restorer(t)
	if err != nil {
		return err
	}
	if r.snapshot, err = rs.Snapshot(ctx); err != nil {
		return fmt.Errorf("restore %s: %w", t.Service, err)
	}
	t.step("snapshot_taken", r.snapshot)
	return nil
}

// Rollback implements Mechanism: stop, put the snapshot back (step "data_restored"),
// start the release (its deploy steps).
func (r *Restore) Rollback(ctx context.Context, t Target) error {
	if r.snapshot == "" {
		return fmt.Errorf("restore %s: no snapshot was taken before the change", t.Service)
	}
	rs, err := r.restorer(t)
	if err != nil {
		return err
	}
	steps := stack.WithSteps(func(s stack.DeployStep, detail string) { t.step(string(s), detail) })
	if err := rs.Restore(ctx, r.snapshot, r.release(t), steps); err != nil {
		return fmt.Errorf("restore %s: %w", t.Service, err)
	}
	return nil
}

// Needs implements stack.Needer: a runtime that snapshots data, a service that keeps its
// data in its data directory (else the snapshot holds nothing to put back), and the
// release it names.
func (r *Restore) Needs() []stack.Need {
	needs := []stack.Need{
		{Capability: stack.CapSnapshot, Instead: "use mechanism redeploy"},
		{Stack: stack.NeedData, Instead: "keep the service's data under ${DATA_DIR} (its command or env), or use mechanism redeploy"},
	}
	if r.Release != "" {
		needs = append(needs, stack.Need{Stack: stack.NeedRelease, Release: r.Release, Param: "release"})
	}
	return needs
}
