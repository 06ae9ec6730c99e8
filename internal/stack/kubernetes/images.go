package kubernetes

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/moby/moby/client"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack/docker"
)

// images names what each release runs on the cluster, and the proxy's image; local
// marks the images drill built and loaded, which the kubelet must never pull.
type images struct {
	docker.Images
	local map[string]bool
}

// Prepare implements stack.Preparer. A scenario's own images are the cluster's business
// (its registry); drill's fixture and proxy images are built with the local Docker engine
// (as drill images does) and loaded into the cluster's containerd without a registry,
// which needs DRILL_K8S_CONTAINERD (a local cluster such as the project's own, see
// docs/runtimes.md).
func (r *Runtime) Prepare(ctx context.Context, spec scenario.Stack) error {
	im, err := r.prepare(ctx, spec)
	if err != nil {
		return fmt.Errorf("prepare kubernetes images: %w", err)
	}
	r.imagesMu.Lock()
	r.images = im
	r.imagesMu.Unlock()
	return nil
}

// prepare resolves every release's image: a scenario's own as named, the fixtures' and
// the proxy's built and loaded into the cluster.
func (r *Runtime) prepare(ctx context.Context, spec scenario.Stack) (images, error) {
	out := images{Images: docker.Images{Releases: map[string]map[string]string{}}, local: map[string]bool{}}
	var fixtures scenario.Stack
	for _, svc := range spec.Services {
		switch {
		case svc.Fixture != "":
			fixtures.Services = append(fixtures.Services, svc)
			continue
		case len(svc.Command) > 0 && svc.Image == "":
			return out, fmt.Errorf("service %s runs a command: the kubernetes runtime runs images and fixtures only", svc.Name)
		}
		out.Releases[svc.Name] = map[string]string{}
		for _, rel := range svc.Releases {
			ref := rel.Image
			if ref == "" {
				ref = svc.Image
			}
			out.Releases[svc.Name][rel.Name] = ref
		}
	}
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return out, fmt.Errorf("connect docker engine (it builds drill's images): %w", err)
	}
	defer cli.Close()
	built, err := docker.EnsureImages(ctx, fixtures, docker.WithImageClient(cli))
	if err != nil {
		return out, err
	}
	// The proxy image's tag moves when drill is rebuilt: the cluster gets a tag of its
	// own naming the content, so a pod never runs a stale proxy.
	if out.Toxiproxy, err = contentTag(ctx, cli, built.Toxiproxy); err != nil {
		return out, err
	}
	load := []string{out.Toxiproxy}
	for svc, rels := range built.Releases {
		out.Releases[svc] = rels
		for _, ref := range rels {
			load = append(load, ref)
		}
	}
	for _, ref := range load {
		out.local[ref] = true
	}
	return out, loadImages(ctx, cli, load)
}

// contentTag tags ref in the engine as <repo>:<12 hex of its image id> and returns that.
func contentTag(ctx context.Context, cli client.APIClient, ref string) (string, error) {
	res, err := cli.ImageInspect(ctx, ref)
	if err != nil {
		return "", fmt.Errorf("inspect image %s: %w", ref, err)
	}
	id := strings.TrimPrefix(res.ID, "sha256:")
	if len(id) > 12 {
		id = id[:12]
	}
	repo, _, _ := strings.Cut(ref, ":")
	tagged := repo + ":" + id
	if _, err := cli.ImageTag(ctx, client.ImageTagOptions{Source: ref, Target: tagged}); err != nil {
		return "", fmt.Errorf("tag image %s as %s: %w", ref, tagged, err)
	}
	return tagged, nil
}

// loadImages imports each image the cluster's containerd lacks (docker save | ctr
// import, in the k8s.io namespace the kubelet reads).
func loadImages(ctx context.Context, cli client.APIClient, refs []string) error {
	sock := os.Getenv(EnvContainerd)
	if sock == "" {
		return fmt.Errorf("load drill's images into the cluster: set %s to the cluster's containerd socket (a local cluster; see docs/runtimes.md)", EnvContainerd)
	}
	var errs []error
	for _, ref := range refs {
		if has, err := containerdHas(ctx, sock, ref); err != nil || has {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, importImage(ctx, cli, sock, ref))
	}
	return errors.Join(errs...)
}

// containerdName is how containerd names a docker reference without a registry.
func containerdName(ref string) string {
	if strings.Contains(ref, "/") {
		return "docker.io/" + ref
	}
	return "docker.io/library/" + ref
}

func containerdHas(ctx context.Context, sock, ref string) (bool, error) {
	out, err := exec.CommandContext(ctx, "ctr", "-a", sock, "-n", "k8s.io", "images", "ls", "-q", "name=="+containerdName(ref)).Output()
	if err != nil {
		return false, fmt.Errorf("list images of containerd %s: %w%s", sock, err, stderrOf(err))
	}
	return strings.TrimSpace(string(out)) != "", nil
}

func importImage(ctx context.Context, cli client.APIClient, sock, ref string) error {
	rc, err := cli.ImageSave(ctx, []string{ref})
	if err != nil {
		return fmt.Errorf("save image %s: %w", ref, err)
	}
	defer rc.Close()
	cmd := exec.CommandContext(ctx, "ctr", "-a", sock, "-n", "k8s.io", "images", "import", "-")
	cmd.Stdin = rc
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("import image %s into containerd %s: %w: %s", ref, sock, err, strings.TrimSpace(string(out)))
	}
	return nil
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return ": " + strings.TrimSpace(string(ee.Stderr))
	}
	return ""
}
