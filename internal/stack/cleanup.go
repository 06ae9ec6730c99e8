package stack

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// Removed lists the resources Clean removed, by name, so the CLI can say so.
type Removed struct {
	Containers []string
	Networks   []string
}

// Empty reports whether nothing was removed.
func (r Removed) Empty() bool { return len(r.Containers) == 0 && len(r.Networks) == 0 }

// CleanOption configures Clean.
type CleanOption func(*cleanConfig)

type cleanConfig struct {
	all bool
	run string
}

// CleanAll makes Clean remove every drill resource on the engine, whoever made it,
// except the current process's own.
func CleanAll() CleanOption {
	return func(c *cleanConfig) { c.all = true }
}

// CleanRun restricts Clean to the resources of one run (label dev.drill.run).
func CleanRun(id string) CleanOption {
	return func(c *cleanConfig) { c.run = id }
}

// Clean removes containers and networks that drill processes left behind: by default
// those labelled as made on this host by a process that is no longer alive (resources of
// other hosts, and of live processes, are left alone). Containers are removed (forced)
// before networks. With the reaper off, this is how a crashed run is tidied up.
func Clean(ctx context.Context, opts ...CleanOption) (Removed, error) {
	var cfg cleanConfig
	for _, o := range opts {
		o(&cfg)
	}
	host, err := os.Hostname()
	if err != nil {
		return Removed{}, fmt.Errorf("clean leftovers: read hostname: %w", err)
	}
	cli, err := dockerConnect(ctx)
	if err != nil {
		return Removed{}, fmt.Errorf("clean leftovers: %w", err)
	}
	defer cli.Close()
	keep := cleanKeep(cfg.all, host, os.Getpid())
	f := make(client.Filters).Add("label", LabelDrill+"=true")
	if cfg.run != "" {
		f.Add("label", LabelRun+"="+cfg.run)
	}
	removed, errs := cleanRemove(ctx, cli, f, keep)
	if err := errors.Join(errs...); err != nil {
		return removed, fmt.Errorf("clean leftovers: %w", err)
	}
	return removed, nil
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
		return cleanAlive(pid)
	}
}

// cleanAlive reports whether a process with this pid exists on this host.
func cleanAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// cleanRemove force-removes the containers, then the networks, matching f whose labels
// keep rejects (keep nil: all of them). Resources already gone are not errors.
func cleanRemove(ctx context.Context, cli client.APIClient, f client.Filters, keep func(map[string]string) bool) (Removed, []error) {
	var (
		removed Removed
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
			case !cerrdefs.IsNotFound(err):
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
