package docker

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/testcontainers/testcontainers-go"

	"github.com/drillhq/drill/internal/outpath"
)

// dockerLogs keeps each container's output in a file of the stack's output directory,
// <service>.<n>.<release>.log as on the process runtime, written when the container is
// removed (a container's log goes with it). With no output directory nothing is kept.
type dockerLogs struct {
	dir   string            // "" keeps nothing
	paths map[string]string // container id → its file; guarded by the service's mu
}

// name registers the file of a container of service, started as its n-th, of release.
func (l *dockerLogs) name(id, service string, n int, release string) {
	if l.dir == "" {
		return
	}
	if l.paths == nil {
		l.paths = map[string]string{}
	}
	// A name that would leave the output directory keeps no file (names are validated
	// identifiers, so this is a guard, not a path).
	if p, err := outpath.File(l.dir, fmt.Sprintf("%s.%d.%s.log", service, n, release)); err == nil {
		l.paths[id] = p
	}
}

// take returns the file registered for id and forgets it ("" when none: kept already).
func (l *dockerLogs) take(id string) string {
	p := l.paths[id]
	delete(l.paths, id)
	return p
}

// keepLog writes the output ctr printed so far to its file, once; a failure costs the
// file only, never the teardown.
func (s *dockerService) keepLog(ctx context.Context, ctr *testcontainers.DockerContainer) {
	if ctr == nil {
		return
	}
	s.mu.Lock()
	path := s.logs.take(ctr.GetContainerID())
	s.mu.Unlock()
	if path == "" {
		return
	}
	rc, err := ctr.Logs(context.WithoutCancel(ctx))
	if err != nil {
		return
	}
	defer rc.Close()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		return
	}
	_, _ = io.Copy(f, rc)
	_ = f.Close()
}
