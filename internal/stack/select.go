package stack

import (
	"context"
	"fmt"
	"time"
)

// Select resolves a runtime name: "process", "docker", or "auto" (docker where an
// engine answers within a few seconds, else process). notes says what was picked and
// why, and what leftovers of dead runs were removed, for the caller to show: their
// containers and networks (docker), then their temporary directories (any runtime; after
// the containers, which may still have them mounted).
func Select(ctx context.Context, name string) (rt Runtime, notes []string, err error) {
	pingCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	switch name {
	case "process":
		return NewProcess(), selectCleanTemp(notes), nil
	case "docker":
		if err := EngineAvailable(pingCtx); err != nil {
			return nil, selectCleanTemp(notes), fmt.Errorf("select runtime docker: %w (start the engine, or use --runtime process)", err)
		}
	case "auto", "":
		if err := EngineAvailable(pingCtx); err != nil {
			notes = append(notes, fmt.Sprintf("runtime: process (no Docker engine answered: %v)", err))
			return NewProcess(), selectCleanTemp(notes), nil
		}
		notes = append(notes, "runtime: docker (a Docker engine answered; --runtime process runs local processes instead)")
	default:
		return nil, nil, fmt.Errorf("select runtime: unknown runtime %q: want auto, docker or process", name)
	}
	d, err := NewDocker()
	if err != nil {
		return nil, notes, fmt.Errorf("start docker runtime: %w", err)
	}
	removed, err := d.cleanDead(ctx)
	switch {
	case err != nil:
		notes = append(notes, fmt.Sprintf("warning: clean leftovers of dead runs: %v", err))
	case !removed.Empty():
		notes = append(notes, fmt.Sprintf("removed leftovers of dead drill runs: %d containers, %d networks", len(removed.Containers), len(removed.Networks)))
	}
	return d, selectCleanTemp(notes), nil
}

// selectCleanTemp removes the temporary directories of dead drills and adds what it did
// to notes.
func selectCleanTemp(notes []string) []string {
	tmp, err := CleanTemp()
	switch {
	case err != nil:
		return append(notes, fmt.Sprintf("warning: clean temporary dirs of dead runs: %v", err))
	case !tmp.Empty():
		return append(notes, fmt.Sprintf("removed leftovers of dead drill runs: %d temporary dirs", len(tmp.TempDirs)))
	}
	return notes
}
