package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/drillhq/drill/internal/atomicfile"
	"github.com/drillhq/drill/internal/runtimes"
	"github.com/drillhq/drill/internal/stack"
)

// cmdClean removes what drill processes that died left behind: every registered
// runtime's own leftovers (docker: containers and networks; process: freezer cgroups) where the runtime is
// available, then their temporary directories (any runtime). A runtime that is not
// available here is skipped, saying why; the directories are still cleaned. Last, the
// unfinished results files (hidden .drill-write-* temp files) that killed runs left in
// --out.
func cmdClean(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("clean", flag.ContinueOnError)
	all := fs.Bool("all", false, "also remove resources of drill runs that may still be alive, and the images other drill builds made that no container uses")
	rtOpts := runtimeFlags(fs)
	out := fs.String("out", "runs", "results directory of the runs (drill run's --out) whose unfinished files of killed runs to remove")
	if err := parseNone(fs, args); err != nil {
		return err
	}
	if err := rtOpts.check("clean", "", fs); err != nil {
		return err
	}
	var opts []stack.CleanOption
	if *all {
		opts = append(opts, stack.CleanAll())
	}
	// The runtimes' resources first: a dead run's container may still have its data dir mounted.
	var (
		removed stack.Removed
		skipped []string
	)
	for _, e := range runtimes.Default().Entries() {
		if e.Clean == nil {
			continue
		}
		if err := e.Available(ctx); err != nil {
			skipped = append(skipped, fmt.Sprintf("%s leftovers not checked (%v)", e.Name, err))
			continue
		}
		r, err := e.Clean(ctx, opts...)
		if err != nil {
			return withCode(exitInfra, fmt.Errorf("clean: %w", err))
		}
		removed.Containers = append(removed.Containers, r.Containers...)
		removed.Networks = append(removed.Networks, r.Networks...)
		removed.Cgroups = append(removed.Cgroups, r.Cgroups...)
		removed.Images = append(removed.Images, r.Images...)
		removed.Namespaces = append(removed.Namespaces, r.Namespaces...)
		removed.LoadedImages = append(removed.LoadedImages, r.LoadedImages...)
	}
	tmp, err := stack.CleanTemp(opts...)
	if err != nil {
		return withCode(exitInfra, fmt.Errorf("clean: %w", err))
	}
	unfinished, err := atomicfile.Sweep(*out)
	if err != nil {
		return withCode(exitInfra, fmt.Errorf("clean: %w", err))
	}
	note := ""
	if len(skipped) > 0 {
		note = "; " + strings.Join(skipped, "; ")
	}
	if len(removed.LoadedImages) > 0 {
		note = fmt.Sprintf("; %d images drill had loaded into the kubernetes cluster", len(removed.LoadedImages)) + note
	}
	if len(removed.Namespaces) > 0 {
		note = fmt.Sprintf("; %d kubernetes namespaces", len(removed.Namespaces)) + note
	}
	images := ""
	if *all {
		images = fmt.Sprintf(", %d images of other drill builds", len(removed.Images))
	}
	fmt.Fprintf(stdout, "removed %d containers and %d networks left by drill runs, %d freezer cgroups%s, %d temporary dirs, and %d unfinished results files in %s%s\n",
		len(removed.Containers), len(removed.Networks), len(removed.Cgroups), images, len(tmp.TempDirs), len(unfinished), *out, note)
	return nil
}
