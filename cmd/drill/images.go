package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack/docker"
)

// cmdImages implements `drill images [FILE...]`: it makes sure the Docker engine holds
// every image the scenarios need (drill's own are built locally: no registry is
// assumed) and prints one line per scenario and image, "FILE<TAB>IMAGE<TAB>STATE" with
// STATE built, present or pulled, so CI can warm the engine before timed runs. With no
// file it takes every scenarios/*.yaml under the current directory. Services with a
// command run in a Debian image it builds with debootstrap (root, minutes, once; the
// root filesystem is cached in the user's cache directory), telling its progress on stderr.
func cmdImages(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	files, err := parse(flag.NewFlagSet("images", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		if files, err = filepath.Glob(filepath.Join("scenarios", "*.yaml")); err != nil || len(files) == 0 {
			return withCode(exitConfig, errors.New("images: name scenario files (no scenarios/*.yaml here)"))
		}
	}
	scs := make([]*scenario.Scenario, len(files))
	for i, f := range files {
		if scs[i], err = load(f); err != nil {
			return err
		}
	}
	if err := docker.EngineAvailable(ctx); err != nil {
		return withCode(exitInfra, fmt.Errorf("images: %w", err))
	}
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return withCode(exitInfra, fmt.Errorf("images: connect docker engine: %w", err))
	}
	defer cli.Close()
	for i, sc := range scs {
		before, err := imagesPresent(ctx, cli)
		if err != nil {
			return withCode(exitInfra, err)
		}
		im, err := docker.EnsureImages(ctx, sc.Stack, docker.WithImageClient(cli), docker.WithBaseBuild(stderr))
		if err != nil {
			return withCode(exitInfra, fmt.Errorf("images: %s: %w", files[i], err))
		}
		for _, ref := range imageRefs(im) {
			state := "pulled"
			switch {
			case before(ref):
				state = "present"
			case strings.HasPrefix(ref, "drill-"):
				state = "built"
			}
			fmt.Fprintf(stdout, "%s\t%s\t%s\n", files[i], ref, state)
		}
	}
	return nil
}

// imagesPresent snapshots the engine's image tags and returns whether a ref was among
// them, so images built or pulled afterwards are told apart from those already there.
func imagesPresent(ctx context.Context, cli client.APIClient) (func(string) bool, error) {
	list, err := cli.ImageList(ctx, client.ImageListOptions{})
	if err != nil {
		return nil, fmt.Errorf("images: list images: %w", err)
	}
	tags := map[string]bool{}
	for _, im := range list.Items {
		for _, t := range im.RepoTags {
			tags[t] = true
		}
	}
	return func(ref string) bool { return tags[ref] || tags[ref+":latest"] }, nil
}

// imageRefs lists every image of im once, Toxiproxy first, the rest sorted.
func imageRefs(im docker.Images) []string {
	set := map[string]bool{}
	for _, rels := range im.Releases {
		for _, ref := range rels {
			set[ref] = true
		}
	}
	delete(set, im.Toxiproxy)
	refs := make([]string, 0, len(set))
	for ref := range set {
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	return append([]string{im.Toxiproxy}, refs...)
}
