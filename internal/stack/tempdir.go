package stack

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/drillhq/drill/internal/owner"
)

// Temporary directories drill makes (a stack's data, an image's build context) are named
// drill-<kind>-<pid>.<start>-<random>: the pid of the drill process that made them and
// that process's start time (clock ticks after boot, from /proc), so a later process
// that reuses the pid is not taken for the owner. A drill killed outright (SIGKILL)
// cannot remove its own; CleanTemp, run by `drill clean` and by the next run, removes
// those whose process is gone and never those of a live one.
const tempNamePrefix = "drill-"

// tempKinds are the kinds of temporary directory drill makes.
var tempKinds = []string{"run", "data", "image", "fixtures"}

// MakeTempDir makes a temporary directory of the given kind ("run", "data", "image",
// "fixtures": a test suite's fixture binaries) owned by this process.
func MakeTempDir(kind string) (string, error) {
	dir, err := os.MkdirTemp("", tempNamePrefix+kind+"-"+owner.Token()+"-")
	if err != nil {
		return "", fmt.Errorf("%w (set TMPDIR to a writable directory)", err)
	}
	return dir, nil
}

// tempOwner parses the owner token of a drill temporary directory's name. ok is false
// for names drill did not make this way (including those of drill versions that put no
// pid in the name).
func tempOwner(name string) (pid int, start string, ok bool) {
	for _, kind := range tempKinds {
		rest, found := strings.CutPrefix(name, tempNamePrefix+kind+"-")
		if !found {
			continue
		}
		token, random, found := strings.Cut(rest, "-")
		if !found || random == "" {
			return 0, "", false
		}
		return owner.Parse(token)
	}
	return 0, "", false
}

// CleanTemp removes the temporary directories (data of stacks, image build contexts)
// that drill processes killed outright left in the temporary directory ($TMPDIR): those
// whose owner, named in the directory's name, is no longer alive. Directories of live
// drill processes and of this process are left alone; CleanAll also removes those of
// other live processes. The removed directories' paths are in Removed.TempDirs.
func CleanTemp(opts ...CleanOption) (Removed, error) {
	cfg := NewCleanConfig(opts...)
	root := cfg.TempRoot
	if root == "" {
		root = os.TempDir()
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return Removed{}, fmt.Errorf("clean temporary dirs: read %s: %w (set TMPDIR to a readable directory)", root, err)
	}
	self := os.Getpid()
	var (
		removed Removed
		errs    []error
	)
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		pid, start, ok := tempOwner(e.Name())
		if !ok || pid == self {
			continue
		}
		if !cfg.All && owner.Alive(pid, start) {
			continue
		}
		path := filepath.Join(root, e.Name())
		if err := os.RemoveAll(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove %s: %w", path, err))
			continue
		}
		removed.TempDirs = append(removed.TempDirs, path)
	}
	sort.Strings(removed.TempDirs)
	if err := errors.Join(errs...); err != nil {
		return removed, fmt.Errorf("clean temporary dirs: %w (check their permissions)", err)
	}
	return removed, nil
}

// CleanTempRoot makes CleanTemp look in dir instead of the process's temporary directory.
func CleanTempRoot(dir string) CleanOption {
	return func(c *CleanConfig) { c.TempRoot = dir }
}
