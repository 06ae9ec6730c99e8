// Package atomicfile writes the files a run leaves (results, reports, raw records,
// evidence) whole or not at all: the content goes to a temp file beside the target,
// is synced, and is renamed over it. A full disk, a crash or a kill mid-write leaves
// the previous file (or none) and at most a hidden temp file, never a truncated one
// that a later `drill check` or `drill report` cannot decode.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// tempPattern names the temp files beside a target: hidden, and recognisable by the
// sweep of a killed run's leftovers.
const tempPattern = ".drill-write-*"

// Write stores data at path whole or not at all, with mode perm.
func Write(path string, data []byte, perm os.FileMode) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

// File is a file being written whole: writes go to a temp file beside its path;
// Commit makes it the file at path, Abort drops it.
type File struct {
	*os.File
	path string
	perm os.FileMode
	done bool
}

// Create starts the file at path (its directory must exist).
func Create(path string, perm os.FileMode) (*File, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), tempPattern)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &File{File: tmp, path: path, perm: perm}, nil
}

// Commit syncs what was written and renames it to the file's path, replacing any file
// there; on an error nothing replaces it and the temp file is removed.
func (f *File) Commit() error {
	if f.done {
		return errors.New("commit file: already committed or aborted")
	}
	f.done = true
	err := errors.Join(f.File.Chmod(f.perm), f.File.Sync())
	err = errors.Join(err, f.File.Close())
	if err == nil {
		err = os.Rename(f.File.Name(), f.path)
	}
	if err != nil {
		_ = os.Remove(f.File.Name())
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	return nil
}

// Abort drops the file: the temp file is closed and removed, the path is left as it was.
// It is a no-op after Commit, so `defer f.Abort()` is safe.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	_ = f.File.Close()
	_ = os.Remove(f.File.Name())
}
