package stack

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/drillhq/drill/internal/outpath"
)

// ServiceDataDir makes root/<service>, the host directory of a service's durable data
// (the name checked to stay inside root), writable by any user: a container's own user
// (postgres, redis: not drill's) writes there. It returns its absolute path.
func ServiceDataDir(root, service string) (string, error) {
	dir, err := outpath.File(root, service)
	if err != nil {
		return "", fmt.Errorf("make data dir for %s: %w", service, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("make data dir for %s: %w", service, err)
	}
	// The container's own user (postgres, redis: not drill's) must be able to write
	// here; a database then makes its own private directory inside (PGDATA=/data/pg).
	if err := os.Chmod(dir, 0o777); err != nil {
		return "", fmt.Errorf("make data dir for %s writable: %w", service, err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("make data dir for %s: %w", service, err)
	}
	return abs, nil
}
