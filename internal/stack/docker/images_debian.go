package docker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/moby/moby/client"

	"github.com/drillhq/drill/internal/scenario"
)

// DebianRecipe is how the image of command services is made: a minimal Debian root
// filesystem (debootstrap) with the packages that the reference stacks' commands run,
// imported as an image. Its tag is a hash of the recipe, so a changed recipe makes a new image.
type DebianRecipe struct {
	// Suite is the Debian release, e.g. bookworm.
	Suite string
	// Mirror is the Debian archive debootstrap downloads from.
	Mirror string
	// Variant is debootstrap's variant (minbase: essential packages and apt only).
	Variant string
	// Packages are installed on top of the variant.
	Packages []string
}

// DebianImage is the recipe of the image every service with a command (no image, no
// fixture) runs on the docker runtime: Debian 12 with PostgreSQL 15 and Redis 7, the same
// packages as `make deps` installs on the machine for the process runtime.
var DebianImage = DebianRecipe{
	Suite:    "bookworm",
	Mirror:   "http://deb.debian.org/debian",
	Variant:  "minbase",
	Packages: []string{"postgresql-15", "redis-server"},
}

// With is r with packages added (those r lacks, sorted after r's own): the recipe of the
// image a command service that lists packages runs in. With no package to add it is r,
// so its hash, tag and cached root filesystem are r's.
func (r DebianRecipe) With(packages []string) DebianRecipe {
	var extra []string
	for _, p := range packages {
		if !slices.Contains(r.Packages, p) && !slices.Contains(extra, p) {
			extra = append(extra, p)
		}
	}
	if len(extra) == 0 {
		return r
	}
	slices.Sort(extra)
	r.Packages = append(slices.Clip(r.Packages), extra...)
	return r
}

// DebianImageFor is the recipe of the image svc's command runs in on docker: DebianImage
// with the service's packages. Each distinct package list is its own image, built once
// (make images, drill images) and cached by its hash.
func DebianImageFor(svc scenario.Service) DebianRecipe { return DebianImage.With(svc.Packages) }

// debianRepo is the repository name of the command-service images.
const debianRepo = "drill-debian"

// Hash is the short (12 hex digits) sha256 of the recipe: the image's tag.
func (r DebianRecipe) Hash() string {
	h := sha256.Sum256([]byte(strings.Join([]string{r.Suite, r.Mirror, r.Variant, strings.Join(r.Packages, ",")}, "\n")))
	return hex.EncodeToString(h[:])[:12]
}

// Ref is the image reference drill-debian:<hash>.
func (r DebianRecipe) Ref() string { return debianRepo + ":" + r.Hash() }

// ErrImageNotBuilt is wrapped by the error of a run that needs a locally built image the
// engine does not hold: drill never pulls it, `make images` builds it.
var ErrImageNotBuilt = errors.New("not built")

// imageEnsureDebian returns the image of recipe r (a command service's), building it when
// build is set; otherwise a missing image is an error that says how to build it.
func imageEnsureDebian(ctx context.Context, cli client.APIClient, cfg imageConfig, r DebianRecipe) (string, error) {
	ref := r.Ref()
	ok, err := imageExists(ctx, cli, ref)
	switch {
	case err != nil || ok:
		return ref, err
	case !cfg.buildBase:
		return "", fmt.Errorf("image %s (Debian %s with %s, which services with a command run in) is %w: run make images (or use --runtime process)",
			ref, r.Suite, strings.Join(r.Packages, ", "), ErrImageNotBuilt)
	}
	return ref, debianBuild(ctx, cli, r, cfg.log)
}

// debianBuild imports the recipe's root filesystem as ref, making the tarball with
// debootstrap first unless the user's cache holds it.
func debianBuild(ctx context.Context, cli client.APIClient, r DebianRecipe, log io.Writer) error {
	ref := r.Ref()
	tarball, err := debianTarball(ctx, r, log)
	if err != nil {
		return fmt.Errorf("build image %s: %w", ref, err)
	}
	f, err := os.Open(tarball)
	if err != nil {
		return fmt.Errorf("build image %s: %w", ref, err)
	}
	defer f.Close()
	fmt.Fprintf(log, "importing %s into the docker engine as %s\n", tarball, ref)
	res, err := cli.ImageImport(ctx, client.ImageImportSource{Source: f, SourceName: "-"}, ref, client.ImageImportOptions{
		Message: "drill: debootstrap " + r.Variant + " " + r.Suite + " + " + strings.Join(r.Packages, " "),
		Changes: []string{
			"LABEL dev.drill.image=debian",
			"LABEL dev.drill.recipe=" + r.Hash(),
			"ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		},
	})
	if err != nil {
		return fmt.Errorf("build image %s: import: %w", ref, err)
	}
	defer res.Close()
	if err := imageReadStream(res); err != nil {
		return fmt.Errorf("build image %s: import: %w", ref, err)
	}
	return nil
}

// debianTarball is the cached root filesystem of r (in the user's cache directory,
// outside any repository), made with debootstrap when absent.
func debianTarball(ctx context.Context, r DebianRecipe, log io.Writer) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find cache dir: %w", err)
	}
	dir := filepath.Join(cache, "drill")
	tarball := filepath.Join(dir, "debian-"+r.Hash()+".tar")
	if _, err := os.Stat(tarball); err == nil {
		fmt.Fprintf(log, "using the cached root filesystem %s\n", tarball)
		return tarball, nil
	}
	if os.Geteuid() != 0 {
		return "", errors.New("debootstrap needs root: run make images as root (or sudo), once")
	}
	if _, err := exec.LookPath("debootstrap"); err != nil {
		return "", errors.New("debootstrap is not installed: apt-get install debootstrap")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("make cache dir: %w", err)
	}
	root, err := os.MkdirTemp(dir, "rootfs-")
	if err != nil {
		return "", fmt.Errorf("make rootfs dir: %w", err)
	}
	defer os.RemoveAll(root)
	fmt.Fprintf(log, "debootstrap --variant=%s --include=%s %s from %s (a few minutes, once; cached in %s)\n",
		r.Variant, strings.Join(r.Packages, ","), r.Suite, r.Mirror, dir)
	if err := debianRun(ctx, "debootstrap", "--variant="+r.Variant, "--include="+strings.Join(r.Packages, ","), r.Suite, root, r.Mirror); err != nil {
		return "", err
	}
	if err := debianTrim(root); err != nil {
		return "", err
	}
	tmp := tarball + ".part"
	defer os.Remove(tmp)
	if err := debianRun(ctx, "tar", "--numeric-owner", "--exclude=./dev/*", "--exclude=./proc/*", "--exclude=./sys/*",
		"-C", root, "-cf", tmp, "."); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, tarball); err != nil {
		return "", fmt.Errorf("keep rootfs tarball: %w", err)
	}
	return tarball, nil
}

// debianTrim removes from the root filesystem what no service needs: the downloaded
// packages and indexes, and the cluster the postgresql package makes at install (a
// service makes its own in its data directory).
func debianTrim(root string) error {
	for _, pattern := range []string{
		"var/cache/apt/archives/*.deb", "var/lib/apt/lists/*_*",
		"var/lib/postgresql/*/main", "etc/postgresql/*/main",
	} {
		paths, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			return fmt.Errorf("trim rootfs: %w", err)
		}
		for _, p := range paths {
			if err := os.RemoveAll(p); err != nil {
				return fmt.Errorf("trim rootfs: %w", err)
			}
		}
	}
	return nil
}

// debianRun runs a build step and returns the end of its output when it fails.
func debianRun(ctx context.Context, name string, args ...string) error {
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		tail := strings.TrimSpace(string(out))
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		return fmt.Errorf("run %s: %w\n%s", name, err, tail)
	}
	return nil
}
