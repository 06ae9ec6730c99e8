package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/drillhq/drill"
	"github.com/drillhq/drill/internal/kinds"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// load reads and validates a scenario file, fault kinds and parameters included, and
// what its kinds need of the stack (and of a runtime, with drill.ForRuntime). Every
// problem is a config error.
func load(path string, opts ...drill.LoadOption) (*scenario.Scenario, error) {
	sc, err := drill.Load(path, opts...)
	if err != nil {
		return nil, withCode(exitConfig, err)
	}
	return sc, nil
}

// forRuntime is the load option that also checks what runtime name can do; none for ""
// (no runtime chosen: only what no runtime can do is checked).
func forRuntime(name string) []drill.LoadOption {
	if name == "" {
		return nil
	}
	return []drill.LoadOption{drill.ForRuntime(name)}
}

func cmdValidate(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	rtName := fs.String("runtime", "", "also check that this runtime can do what the scenario needs (default: check only what no runtime can do)")
	rtOpts := runtimeFlags(fs)
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := rtOpts.check("validate", cmp.Or(*rtName, stack.Auto), fs); err != nil {
		return err
	}
	if len(files) == 0 {
		return withCode(exitConfig, errors.New("validate: name at least one scenario file"))
	}
	for _, f := range files {
		if _, err := load(f, forRuntime(*rtName)...); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: ok\n", f)
	}
	return nil
}

func cmdPlan(args []string, stdout io.Writer) error {
	files, err := parse(flag.NewFlagSet("plan", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return withCode(exitConfig, errors.New("plan: name exactly one scenario file"))
	}
	sc, err := load(files[0])
	if err != nil {
		return err
	}
	// Whether a fault lasts past the rollback is its kind's to say (inject.Lasting).
	fmt.Fprint(stdout, sc.Plan(scenario.WithLasting(kinds.Default().Faults.Lasts)).String())
	return nil
}
