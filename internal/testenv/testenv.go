// Package testenv prepares what drill's test suites need from the machine: the
// fixture binaries built once per suite into a temporary directory.
package testenv

import (
	"context"
	"os"
	"path/filepath"
	"runtime"

	"github.com/drillhq/drill/internal/fixture"
	"github.com/drillhq/drill/internal/stack"
)

// BuildFixtures builds drill (static) into dir and points DRILL_FIXTURE_DIR at it: the
// fixtures and the proxy server are its subcommands, and a test binary is not drill, so
// both runtimes of the calling test binary start them from there.
func BuildFixtures(ctx context.Context, dir string) error {
	_, file, _, _ := runtime.Caller(0)
	root, err := fixture.ModuleRoot(filepath.Dir(file))
	if err != nil {
		return err
	}
	if err := fixture.Build(ctx, root, dir); err != nil {
		return err
	}
	return os.Setenv(fixture.DirEnv, dir)
}

// ModuleRoot is the directory holding drill's go.mod.
func ModuleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	root, err := fixture.ModuleRoot(filepath.Dir(file))
	if err != nil {
		panic(err)
	}
	return root
}

// TempDir makes a temporary directory for a suite's fixture binaries, named as drill
// names its own (drill-fixtures-<pid>.<start>-…): a suite killed before its cleanup ran
// (a go test timeout, a signal) leaves one that the next drill run or drill clean
// removes, as it removes every drill temp dir whose owner is dead.
func TempDir() (string, error) { return stack.MakeTempDir("fixtures") }
