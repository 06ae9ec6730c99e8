package stack

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/drillhq/drill/internal/outpath"
	"github.com/drillhq/drill/internal/scenario"
)

// WriteFiles writes the files a release of svc starts with (scenario.Service.FilesFor)
// into dataDir, the service's data directory on drill's host, each content expanded with
// vars, the wiring of the instance about to start (its PORT, HOST, DATA_DIR as the
// service sees them). A runtime calls it before each start of an instance, so every
// release starts on its own files and a rollback restores the previous release's. Each
// file is replaced whole (a temp file renamed over it): a running instance that reads it
// again never sees half a file.
func WriteFiles(dataDir string, svc scenario.Service, rel scenario.Release, vars map[string]string) error {
	for _, f := range svc.FilesFor(rel) {
		path, err := outpath.Join(dataDir, f.Path)
		if err != nil {
			return fmt.Errorf("write file %s: %w", f.Path, err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("write file %s: %w", f.Path, err)
		}
		tmp, err := os.CreateTemp(filepath.Dir(path), ".drill-file-*")
		if err != nil {
			return fmt.Errorf("write file %s: %w", f.Path, err)
		}
		_, err = tmp.WriteString(expand(f.Content, vars))
		err = firstErr(err, tmp.Chmod(f.FileMode()), tmp.Close())
		if err == nil {
			err = os.Rename(tmp.Name(), path)
		}
		if err != nil {
			_ = os.Remove(tmp.Name())
			return fmt.Errorf("write file %s: %w", f.Path, err)
		}
	}
	return nil
}

// firstErr is the first non-nil of errs.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
