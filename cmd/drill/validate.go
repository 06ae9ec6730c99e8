package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/drillhq/drill"
	"github.com/drillhq/drill/internal/inject"
	"github.com/drillhq/drill/internal/scenario"
)

// load reads and validates a scenario file, fault kinds and parameters included.
// Every problem is a config error.
func load(path string) (*scenario.Scenario, error) {
	sc, err := drill.Load(path)
	if err != nil {
		return nil, withCode(exitConfig, err)
	}
	return sc, nil
}

func cmdValidate(args []string, stdout io.Writer) error {
	files, err := parse(flag.NewFlagSet("validate", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return withCode(exitConfig, errors.New("validate: name at least one scenario file"))
	}
	for _, f := range files {
		if _, err := load(f); err != nil {
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
	fmt.Fprint(stdout, sc.Plan(scenario.WithLasting(inject.NewRegistry().Lasts)).String())
	return nil
}
