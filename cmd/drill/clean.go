package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/drillhq/drill/internal/stack"
)

func cmdClean(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("clean", flag.ContinueOnError)
	all := fs.Bool("all", false, "also remove resources of drill runs that may still be alive")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := stack.EngineAvailable(ctx); err != nil {
		return withCode(exitInfra, fmt.Errorf("clean: %w", err))
	}
	var opts []stack.CleanOption
	if *all {
		opts = append(opts, stack.CleanAll())
	}
	removed, err := stack.Clean(ctx, opts...)
	if err != nil {
		return withCode(exitInfra, fmt.Errorf("clean: %w", err))
	}
	fmt.Fprintf(stdout, "removed %d containers and %d networks left by drill runs\n", len(removed.Containers), len(removed.Networks))
	return nil
}
