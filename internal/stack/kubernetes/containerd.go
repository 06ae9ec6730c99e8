package kubernetes

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"github.com/moby/moby/client"

	"github.com/drillhq/drill/internal/stack/docker"
)

// Labels drill puts on the images it imports into a local cluster's containerd, so that
// it removes them once no drill uses them, and never an image the user had: an image
// without imageLabelLoaded was there before drill (or put there by someone else).
const (
	// imageLabelLoaded marks an image drill imported (value: the host it ran on).
	imageLabelLoaded = docker.LabelDrill + ".loaded"
	// imageLabelUsedBy + "<host>.<pid>" is the claim of a drill process that runs the
	// image (value: its run id); the last process to let go removes the image.
	imageLabelUsedBy = docker.LabelDrill + ".used-by."
)

// containerd is a local cluster's containerd (DRILL_K8S_CONTAINERD), driven with ctr in
// the k8s.io namespace the kubelet reads.
type containerd struct{ sock string }

func (c containerd) ctr(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "ctr", append([]string{"-a", c.sock, "-n", "k8s.io"}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("ctr %s (containerd %s): %w%s", args[0]+" "+args[1], c.sock, err, stderrOf(err))
	}
	return out, nil
}

// containerdName is how containerd names a docker reference without a registry.
func containerdName(ref string) string {
	if strings.Contains(ref, "/") {
		return "docker.io/" + ref
	}
	return "docker.io/library/" + ref
}

// containerdImage is one image reference of containerd's: its name, the digest of what
// it points to, and its labels.
type containerdImage struct {
	name, digest string
	labels       map[string]string
}

// list reads every image reference. ctr prints REF TYPE DIGEST SIZE PLATFORMS LABELS,
// the size with a space in it, the labels last as k=v,k=v or "-".
func (c containerd) list(ctx context.Context) ([]containerdImage, error) {
	out, err := c.ctr(ctx, "images", "ls")
	if err != nil {
		return nil, err
	}
	var imgs []containerdImage
	for i, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if i == 0 || len(f) < 4 {
			continue // the header
		}
		img := containerdImage{name: f[0], digest: f[2], labels: map[string]string{}}
		if last := f[len(f)-1]; last != "-" {
			for _, kv := range strings.Split(last, ",") {
				k, v, _ := strings.Cut(kv, "=")
				img.labels[k] = v
			}
		}
		imgs = append(imgs, img)
	}
	return imgs, nil
}

// label sets (k=v) or clears (k=) labels of the image named name.
func (c containerd) label(ctx context.Context, name string, kv ...string) error {
	_, err := c.ctr(ctx, append([]string{"images", "label", name}, kv...)...)
	return err
}

// importImage saves ref from the Docker engine into containerd.
func (c containerd) importImage(ctx context.Context, cli client.APIClient, ref string) error {
	rc, err := cli.ImageSave(ctx, []string{ref})
	if err != nil {
		return fmt.Errorf("save image %s: %w", ref, err)
	}
	defer rc.Close()
	cmd := exec.CommandContext(ctx, "ctr", "-a", c.sock, "-n", "k8s.io", "images", "import", "-")
	cmd.Stdin = rc
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("import image %s into containerd %s: %w: %s", ref, c.sock, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// remove deletes the image named name and the references by id (sha256:…) that the
// import or the kubelet made for the same content, when no other name points to it:
// otherwise the content stays on the node.
func (c containerd) remove(ctx context.Context, imgs []containerdImage, name string) error {
	digest := ""
	for _, img := range imgs {
		if img.name == name {
			digest = img.digest
		}
	}
	names := []string{name}
	for _, img := range imgs {
		if img.digest != digest || img.name == name {
			continue
		}
		if !strings.HasPrefix(img.name, "sha256:") {
			names = names[:1:1] // another name keeps the content: leave the ids
			break
		}
		names = append(names, img.name)
	}
	_, err := c.ctr(ctx, append([]string{"images", "rm"}, names...)...)
	return err
}

// claimKey is the label by which the process pid on host claims an image.
func claimKey(host string, pid int) string {
	return imageLabelUsedBy + host + "." + strconv.Itoa(pid)
}

// claimOwner reads host and pid back from a claim's label key.
func claimOwner(key string) (labels map[string]string, ok bool) {
	rest, ok := strings.CutPrefix(key, imageLabelUsedBy)
	if !ok {
		return nil, false
	}
	i := strings.LastIndexByte(rest, '.')
	if i < 0 {
		return nil, false
	}
	return map[string]string{docker.LabelHost: rest[:i], docker.LabelPID: rest[i+1:]}, true
}

// release gives up the claims keep does not hold (a claim's owner as labels) on every
// image drill loaded, and removes those no claim is left on. It returns the names removed.
func (c containerd) release(ctx context.Context, keep func(map[string]string) bool) ([]string, error) {
	imgs, err := c.list(ctx)
	if err != nil {
		return nil, err
	}
	var (
		removed []string
		errs    []error
	)
	for _, img := range imgs {
		if _, ok := img.labels[imageLabelLoaded]; !ok {
			continue // the user's (or another tool's): never drill's to remove
		}
		var drop []string
		held := false
		for k := range img.labels {
			owner, ok := claimOwner(k)
			switch {
			case !ok:
			case keep(owner):
				held = true
			default:
				drop = append(drop, k+"=")
			}
		}
		if held {
			if len(drop) > 0 {
				errs = append(errs, c.label(ctx, img.name, drop...))
			}
			continue
		}
		if err := c.remove(ctx, imgs, img.name); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, img.name)
	}
	return removed, errors.Join(errs...)
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return ": " + strings.TrimSpace(string(ee.Stderr))
	}
	return ""
}
