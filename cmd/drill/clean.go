package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/drillhq/drill/internal/stack"
)

// cmdClean removes what drill processes that died left behind: their temporary
// directories (any runtime) and, when a Docker engine answers, their containers and
// networks. Without an engine it still cleans the directories and says what it skipped.
func cmdClean(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("clean", flag.ContinueOnError)
	all := fs.Bool("all", false, "also remove resources of drill runs that may still be alive")
	if err := parseNone(fs, args); err != nil {
		return err
	}
	var opts []stack.CleanOption
	if *all {
		opts = append(opts, stack.CleanAll())
	}
	// Containers first: a dead run's container may still have its data dir mounted.
	if err := stack.EngineAvailable(ctx); err != nil {
		tmp, terr := stack.CleanTemp(opts...)
		if terr != nil {
			return withCode(exitInfra, fmt.Errorf("clean: %w", terr))
		}
		fmt.Fprintf(stdout, "removed %d temporary dirs left by drill runs; containers and networks not checked (no Docker engine answered: %v)\n", len(tmp.TempDirs), err)
		return nil
	}
	removed, err := stack.Clean(ctx, opts...)
	if err != nil {
		return withCode(exitInfra, fmt.Errorf("clean: %w", err))
	}
	tmp, err := stack.CleanTemp(opts...)
	if err != nil {
		return withCode(exitInfra, fmt.Errorf("clean: %w", err))
	}
	fmt.Fprintf(stdout, "removed %d containers and %d networks left by drill runs, and %d temporary dirs\n", len(removed.Containers), len(removed.Networks), len(tmp.TempDirs))
	return nil
}
