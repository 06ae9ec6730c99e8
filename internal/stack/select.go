package stack

import (
	"context"
	"fmt"
	"time"
)

// Select resolves a runtime name: "process", "docker", or "auto" (docker where an
// engine answers within a few seconds, else process). notes says what was picked and
// why, and what leftovers of dead runs were removed, for the caller to show.
func Select(ctx context.Context, name string) (rt Runtime, notes []string, err error) {
	pingCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	switch tmp, err := CleanTemp(); {
	case err != nil:
		notes = append(notes, fmt.Sprintf("warning: clean temporary dirs of dead runs: %v", err))
	case !tmp.Empty():
		notes = append(notes, fmt.Sprintf("removed leftovers of dead drill runs: %d temporary dirs", len(tmp.TempDirs)))
	}
	switch name {
	case "process":
		return NewProcess(), notes, nil
	case "docker":
		if err := EngineAvailable(pingCtx); err != nil {
			return nil, notes, fmt.Errorf("select runtime docker: %w (start the engine, or use --runtime process)", err)
		}
	case "auto", "":
		if err := EngineAvailable(pingCtx); err != nil {
			return NewProcess(), append(notes, fmt.Sprintf("runtime: process (no Docker engine answered: %v)", err)), nil
		}
		notes = append(notes, "runtime: docker (a Docker engine answered; --runtime process runs local processes instead)")
	default:
		return nil, notes, fmt.Errorf("select runtime: unknown runtime %q: want auto, docker or process", name)
	}
	removed, err := Clean(ctx)
	switch {
	case err != nil:
		notes = append(notes, fmt.Sprintf("warning: clean leftovers of dead runs: %v", err))
	case !removed.Empty():
		notes = append(notes, fmt.Sprintf("removed leftovers of dead drill runs: %d containers, %d networks", len(removed.Containers), len(removed.Networks)))
	}
	d, err := NewDocker()
	if err != nil {
		return nil, notes, fmt.Errorf("start docker runtime: %w", err)
	}
	return d, notes, nil
}
