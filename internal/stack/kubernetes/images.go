package kubernetes

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/client"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/docker"
)

// images names what each release runs on the cluster, and the proxy's image; local
// marks drill's own images (fixtures, proxy), which the kubelet must never pull.
type images struct {
	docker.Images
	local map[string]bool
}

// Prepare implements stack.Preparer. A scenario's own images are the cluster's business
// (its registry). drill's fixture and proxy images are named by the drill binary's hash
// and looked for in the cluster first: in a local cluster's containerd
// (DRILL_K8S_CONTAINERD), else in what every node reports it holds. Those missing are
// built with the local Docker engine (as drill images does) and imported into that
// containerd; without an engine and that socket (drill in a pod) a missing image is
// refused, saying how to load it.
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

// prepare resolves every release's image: a scenario's own as named, drill's found in
// the cluster or built and loaded into it.
func (r *Runtime) prepare(ctx context.Context, spec scenario.Stack) (images, error) {
	out := images{Images: docker.Images{Releases: map[string]map[string]string{}}, local: map[string]bool{}}
	var err error
	if out.Toxiproxy, err = docker.ToxiproxyRef(); err != nil {
		return out, err
	}
	out.local[out.Toxiproxy] = true
	var fixtures scenario.Stack
	for _, svc := range spec.Services {
		if svc.Fixture != "" {
			fixtures.Services = append(fixtures.Services, svc)
		}
		out.Releases[svc.Name] = map[string]string{}
		for _, rel := range svc.Releases {
			ref := cmp.Or(rel.Image, svc.Image)
			switch {
			case ref != "":
			case svc.Fixture != "":
				if ref, err = docker.FixtureRef(svc.Fixture); err != nil {
					return out, err
				}
				out.local[ref] = true
			case len(svc.Command) > 0 || len(rel.Command) > 0:
				return out, fmt.Errorf("service %s runs a command: the kubernetes runtime runs images and fixtures only", svc.Name)
			}
			out.Releases[svc.Name][rel.Name] = ref
		}
	}
	local := make([]string, 0, len(out.local))
	for ref := range out.local {
		local = append(local, ref)
	}
	slices.Sort(local)
	sock := os.Getenv(EnvContainerd)
	if sock == "" {
		return out, r.inNodes(ctx, local)
	}
	return out, r.load(ctx, containerd{sock: sock}, fixtures, local)
}

// inNodes checks, where drill cannot load images (no containerd socket: a remote
// cluster, or drill in a pod), that every node reports holding each of refs.
func (r *Runtime) inNodes(ctx context.Context, refs []string) error {
	nodes, err := r.cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("list nodes (to find drill's images on them): %w", err)
	}
	var missing []string
	for _, ref := range refs {
		for _, n := range nodes.Items {
			if !nodeHas(n, containerdName(ref)) {
				missing = append(missing, ref+" (node "+n.Name+")")
				break
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("drill's images are not in the cluster: %s; load them into every node (the project's cluster: tools/k8s/cluster.sh load IMAGE..., see docs/scheduled-drills.md), or run drill where %s names the cluster's containerd socket and a Docker engine builds them",
			strings.Join(missing, ", "), EnvContainerd)
	}
	return nil
}

// nodeHas reports whether the node lists the image among those it holds (the kubelet
// reports at most 50 by default: --node-status-max-images).
func nodeHas(n corev1.Node, name string) bool {
	for _, img := range n.Status.Images {
		if slices.Contains(img.Names, name) {
			return true
		}
	}
	return false
}

// load claims each of refs in the cluster's containerd for this process, importing those
// it lacks (built with the local Docker engine) labelled as drill's; Close gives the
// claims up and removes drill's images no other live drill claims.
func (r *Runtime) load(ctx context.Context, c containerd, fixtures scenario.Stack, refs []string) error {
	have, err := c.list(ctx)
	if err != nil {
		return err
	}
	var missing []string
	for _, ref := range refs {
		name := containerdName(ref)
		i := slices.IndexFunc(have, func(img containerdImage) bool { return img.name == name })
		switch {
		case i < 0:
			missing = append(missing, ref)
		case have[i].labels[imageLabelLoaded] == "":
			// The user's: used as it is, never labelled, never removed.
		default:
			if err := r.claim(ctx, c, name); err != nil {
				missing = append(missing, ref) // removed by the last drill that held it, since the list
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return fmt.Errorf("connect docker engine (it builds drill's images %s): %w", strings.Join(missing, ", "), err)
	}
	defer cli.Close()
	if _, err := docker.EnsureImages(ctx, fixtures, docker.WithImageClient(cli)); err != nil {
		return err
	}
	var errs []error
	for _, ref := range missing {
		if err := c.importImage(ctx, cli, ref); err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, r.claim(ctx, c, containerdName(ref), imageLabelLoaded+"="+r.host))
	}
	return errors.Join(errs...)
}

// claim labels the image as used by this process (and with extra labels).
func (r *Runtime) claim(ctx context.Context, c containerd, name string, extra ...string) error {
	if err := c.label(ctx, name, append(extra, claimKey(r.host, r.pid)+"="+r.runID)...); err != nil {
		return err
	}
	r.imagesMu.Lock()
	r.claimed = true
	r.imagesMu.Unlock()
	return nil
}

// Close implements io.Closer, once the run's stacks are down: it gives up this
// process's claims on drill's images in the cluster's containerd and removes those no
// live drill claims any longer (never an image the user had: drill labels what it
// imports). Claims of dead drills on this host go with them.
func (r *Runtime) Close() error {
	r.imagesMu.Lock()
	claimed := r.claimed
	r.imagesMu.Unlock()
	sock := os.Getenv(EnvContainerd)
	if !claimed || sock == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	others := keepRule(false, r.host, -1) // another host's or a live process's
	self := strconv.Itoa(r.pid)
	_, err := containerd{sock: sock}.release(ctx, func(owner map[string]string) bool {
		mine := owner[docker.LabelHost] == r.host && owner[docker.LabelPID] == self
		return !mine && others(owner)
	})
	if err != nil {
		return fmt.Errorf("remove drill's images from the cluster: %w", err)
	}
	return nil
}

var _ stack.Preparer = (*Runtime)(nil)
