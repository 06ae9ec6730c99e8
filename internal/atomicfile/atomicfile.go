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
	"sort"
	"strings"

	"github.com/drillhq/drill/internal/owner"
)

// tempPrefix starts the name of every temp file beside a target: hidden, followed by
// the owner's token (owner.Token) so that Sweep can tell a killed run's leftovers from
// the files a live run is still writing (its streamed raw records).
const tempPrefix = ".drill-write-"

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
	tmp, err := os.CreateTemp(filepath.Dir(path), tempPrefix+owner.Token()+"-*")
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

// Sweep removes from dir the temp files that drill processes killed mid-write (SIGKILL,
// a crash) left there: those named by this package whose owner is no longer alive. A
// live process's temp files (a run streaming its raw records) and this process's own
// are left alone, as is every other file. It returns the removed files' paths; a
// missing dir holds nothing to sweep.
func Sweep(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sweep unfinished files: read %s: %w", dir, err)
	}
	var (
		removed []string
		errs    []error
	)
	for _, e := range entries {
		pid, start, ok := tempOwner(e.Name())
		if !ok || !e.Type().IsRegular() || owner.Self(pid) || owner.Alive(pid, start) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, path)
	}
	sort.Strings(removed)
	if err := errors.Join(errs...); err != nil {
		return removed, fmt.Errorf("sweep unfinished files: %w (check the permissions of %s)", err, dir)
	}
	return removed, nil
}

// tempOwner parses the owner of a temp file's name (.drill-write-<pid>.<start>-<random>).
// ok is false for any other name, including temp files of drill versions that put no
// owner in it: whose they are cannot be told, so they are never swept.
func tempOwner(name string) (pid int, start string, ok bool) {
	rest, found := strings.CutPrefix(name, tempPrefix)
	if !found {
		return 0, "", false
	}
	token, random, found := strings.Cut(rest, "-")
	if !found || random == "" {
		return 0, "", false
	}
	return owner.Parse(token)
}
