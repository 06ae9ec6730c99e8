package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/drillhq/drill/internal/owner"
	"github.com/drillhq/drill/internal/stack"
)

// Clean removes containers and networks that drill processes left behind: by default
// those labelled as made on this host by a process that is no longer alive (resources of
// other hosts, and of live processes, are left alone). Containers are removed (forced)
// before networks. With the reaper off, this is how a crashed run is tidied up. It then
// keeps watching the engine for about two seconds (dockerLateGrace) for objects that a
// create request of a drill killed moments ago still makes, and removes them too.
func Clean(ctx context.Context, opts ...stack.CleanOption) (stack.Removed, error) {
	cfg := stack.NewCleanConfig(opts...)
	cli, err := dockerConnect(ctx)
	if err != nil {
		return stack.Removed{}, fmt.Errorf("clean leftovers: %w", err)
	}
	defer cli.Close()
	since := time.Now()
	removed, watch, err := cleanNow(ctx, cli, cfg)
	late, lerr := watch(ctx, since)
	removed.Containers = append(removed.Containers, late.Containers...)
	removed.Networks = append(removed.Networks, late.Networks...)
	sort.Strings(removed.Containers)
	sort.Strings(removed.Networks)
	var ierr error
	if cfg.All && cfg.Run == "" {
		// Only with --all: a live run of another build has no container between two
		// trials, and would find its image gone.
		if _, ref, rerr := toxiproxyProgram(); rerr == nil {
			removed.Images, ierr = cleanImages(ctx, cli, strings.TrimPrefix(ref, ToxiproxyRepo+":"), nil)
		}
	}
	if err := errors.Join(err, lerr, ierr); err != nil {
		return removed, fmt.Errorf("clean leftovers: %w", err)
	}
	return removed, nil
}

// cleanDead is Clean for the start of a run: it removes the leftovers of dead drills now
// and leaves the watch for late objects to the background (Close waits for it), after
// which it removes dead drills' temporary dirs again (an engine finishing a cut
// container start makes the missing source of its bind mount).
func (d *Runtime) cleanDead(ctx context.Context) (stack.Removed, error) {
	since := time.Now()
	removed, watch, err := cleanNow(ctx, d.cli, stack.CleanConfig{})
	d.late.Go(func() {
		_, werr := watch(context.WithoutCancel(ctx), since)
		_, terr := stack.CleanTemp()
		if err := errors.Join(werr, terr); err != nil {
			d.lateMu.Lock()
			d.lateErrs = append(d.lateErrs, err)
			d.lateMu.Unlock()
		}
	})
	if err != nil {
		return removed, fmt.Errorf("clean leftovers: %w", err)
	}
	return removed, nil
}

// cleanNow removes the leftovers cfg selects and returns the watch that removes those
// appearing from since until dockerLateGrace after the watch starts.
func cleanNow(ctx context.Context, cli client.APIClient, cfg stack.CleanConfig) (stack.Removed, func(context.Context, time.Time) (stack.Removed, error), error) {
	host, err := os.Hostname()
	if err != nil {
		return stack.Removed{}, nil, fmt.Errorf("read hostname: %w", err)
	}
	keep := cleanKeep(cfg.All, host, os.Getpid())
	f := make(client.Filters).Add("label", LabelDrill+"=true")
	if cfg.Run != "" {
		f.Add("label", LabelRun+"="+cfg.Run)
	}
	removed, errs := cleanRemove(ctx, cli, f, keep)
	watch := func(ctx context.Context, since time.Time) (stack.Removed, error) {
		return sweepUntil(ctx, cli, f, keep, since, time.Now().Add(dockerLateGrace))
	}
	return removed, watch, errors.Join(errs...)
}

// cleanKeep decides from a resource's labels whether Clean must leave it.
func cleanKeep(all bool, host string, self int) func(map[string]string) bool {
	return func(labels map[string]string) bool {
		pid, err := strconv.Atoi(labels[LabelPID])
		sameHost := labels[LabelHost] == host
		if sameHost && err == nil && pid == self {
			return true // ours: Down removes it
		}
		if all {
			return false
		}
		if !sameHost || err != nil {
			return true // not ours to judge
		}
		return owner.PIDAlive(pid)
	}
}

// cleanRemove force-removes the containers, then the networks, matching f whose labels
// keep rejects (keep nil: all of them). Resources already gone are not errors.
func cleanRemove(ctx context.Context, cli client.APIClient, f client.Filters, keep func(map[string]string) bool) (stack.Removed, []error) {
	var (
		removed stack.Removed
		errs    []error
		mu      sync.Mutex
		wg      sync.WaitGroup
	)
	ctrs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return removed, []error{fmt.Errorf("list containers: %w", err)}
	}
	for _, c := range ctrs.Items {
		if keep != nil && keep(c.Labels) {
			continue
		}
		name := c.ID[:12]
		if len(c.Names) > 0 {
			name = strings.TrimPrefix(c.Names[0], "/")
		}
		wg.Go(func() {
			_, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				removed.Containers = append(removed.Containers, name)
			case cerrdefs.IsNotFound(err), cleanInProgress(err):
				// gone, or going: another drill cleaning dead drills' leftovers got there first
			default:
				errs = append(errs, fmt.Errorf("remove container %s: %w", name, err))
			}
		})
	}
	wg.Wait()
	nets, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return removed, append(errs, fmt.Errorf("list networks: %w", err))
	}
	for _, n := range nets.Items {
		if keep != nil && keep(n.Labels) {
			continue
		}
		_, err := cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{})
		switch {
		case err == nil:
			removed.Networks = append(removed.Networks, n.Name)
		case !cerrdefs.IsNotFound(err):
			errs = append(errs, fmt.Errorf("remove network %s: %w", n.Name, err))
		}
	}
	sort.Strings(removed.Containers)
	sort.Strings(removed.Networks)
	return removed, errs
}

// cleanImages removes the images drill built (fixtures, proxy: label dev.drill.binary)
// out of binaries other than the one whose hash is keep and that no container uses,
// running or stopped (the engine refuses those, and they are kept): a rebuilt drill
// never runs them again. f narrows the images looked at (nil: every drill-built one).
// It returns the tags (or ids) removed.
func cleanImages(ctx context.Context, cli client.APIClient, keep string, f client.Filters) ([]string, error) {
	if f == nil {
		f = client.Filters{}
	}
	imgs, err := cli.ImageList(ctx, client.ImageListOptions{Filters: f.Clone().Add("label", imageBinaryLabel)})
	if err != nil {
		return nil, fmt.Errorf("list drill images: %w", err)
	}
	var removed []string
	var errs []error
	for _, im := range imgs.Items {
		if im.Labels[imageBinaryLabel] == keep {
			continue
		}
		name := strings.TrimPrefix(im.ID, "sha256:")[:12]
		if len(im.RepoTags) > 0 {
			name = strings.Join(im.RepoTags, ", ")
		}
		_, err := cli.ImageRemove(ctx, im.ID, client.ImageRemoveOptions{PruneChildren: true})
		switch {
		case err == nil:
			removed = append(removed, name)
		case cerrdefs.IsNotFound(err), cerrdefs.IsConflict(err):
			// gone, or a container still uses it: kept
		default:
			errs = append(errs, fmt.Errorf("remove image %s: %w", name, err))
		}
	}
	sort.Strings(removed)
	return removed, errors.Join(errs...)
}

// cleanInProgress reports whether err says another request is already removing the
// object (the engine answers a second removal with a conflict).
func cleanInProgress(err error) bool {
	return cerrdefs.IsConflict(err) && strings.Contains(err.Error(), "already in progress")
}

// dockerLateGrace is how long after a stack's teardown drill keeps watching the
// engine for objects of the stack that still appear. A create request cut by a signal
// (or by an aborted deploy) is still carried out by the engine after the client has
// gone, so a teardown that lists and removes can miss an object that appears just
// after; the engine gives no other notice of such a request finishing.
const dockerLateGrace = 2 * time.Second

// sweepLate is called when stack id's teardown begins and returns the func to call when
// it ends. When the context the stack's Up was given has been cancelled (a signal: a
// create request may have been cut, which the engine still carries out), that func
// starts watching the engine until dockerLateGrace has passed for containers and
// networks being created (since the teardown began), removing whatever matching f is
// there each time one is, and once more at the end; then it removes dir (when not "")
// again: a container start cut short makes the engine create the missing source of its
// bind mount, the stack's data dir, after the teardown removed it. Close waits for every
// watch and returns their errors. A stack torn down in the ordinary way needs no watch:
// nothing of it was cut, and its run does not wait.
func (d *Runtime) sweepLate(id string, f client.Filters, dir string) (teardownDone func()) {
	since := time.Now()
	if !d.takeCut(id) {
		return func() {}
	}
	return func() {
		until := time.Now().Add(dockerLateGrace)
		d.late.Go(func() {
			_, err := sweepUntil(context.Background(), d.cli, f, nil, since, until)
			if dir != "" {
				if rerr := os.RemoveAll(dir); rerr != nil {
					err = errors.Join(err, fmt.Errorf("remove data dir: %w", rerr))
				}
			}
			if err != nil {
				d.lateMu.Lock()
				d.lateErrs = append(d.lateErrs, err)
				d.lateMu.Unlock()
			}
		})
	}
}

// sweepUntil removes what matches f (and keep rejects; keep nil: all of it) whenever
// the engine reports a container or network created between since and until, and once
// after until, and returns what it removed. The engine ends the event stream at until.
func sweepUntil(ctx context.Context, cli client.APIClient, f client.Filters, keep func(map[string]string) bool, since, until time.Time) (stack.Removed, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Until(until)+dockerDownTimeout)
	defer cancel()
	ev := cli.Events(ctx, client.EventsListOptions{
		Since:   sweepTimestamp(since),
		Until:   sweepTimestamp(until),
		Filters: make(client.Filters).Add("type", "container", "network").Add("event", "create"),
	})
	var (
		removed  stack.Removed
		watchErr error
	)
	add := func(r stack.Removed) {
		removed.Containers = append(removed.Containers, r.Containers...)
		removed.Networks = append(removed.Networks, r.Networks...)
	}
watch:
	for {
		select {
		case _, ok := <-ev.Messages:
			if !ok {
				break watch
			}
			r, _ := cleanRemove(ctx, cli, f, keep) // transient failures: the final sweep reports
			add(r)
		case err := <-ev.Err:
			if err != nil && !errors.Is(err, io.EOF) {
				watchErr = fmt.Errorf("watch engine events: %w", err)
				// Without events, wait out the grace and sweep once more.
				timer := time.NewTimer(time.Until(until))
				select {
				case <-timer.C:
				case <-ctx.Done():
					timer.Stop()
				}
			}
			break watch
		}
	}
	r, errs := cleanRemove(ctx, cli, f, keep)
	add(r)
	if err := errors.Join(append(errs, watchErr)...); err != nil {
		return removed, fmt.Errorf("sweep late objects: %w (remove them with drill clean)", err)
	}
	return removed, nil
}

// sweepTimestamp formats t as the engine's events API takes it: Unix seconds.nanoseconds.
func sweepTimestamp(t time.Time) string {
	return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond())
}
