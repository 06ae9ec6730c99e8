package docker

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/drillhq/drill/internal/front"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

var _ stack.Resetter = (*dockerStack)(nil)

// Reset implements stack.Resetter: the network, the proxy container and its proxies and
// switches stay; every service container goes (the serving, standing-by and retired
// ones), the data is emptied, and each service's initial release starts in a new
// container as Up starts it (labelled with the new trial's labels, its output in the
// new output directory). Then the engine's own list of the stack's containers, the
// switches and Toxiproxy are read back and compared with a fresh stack's.
func (st *dockerStack) Reset(ctx context.Context, spec scenario.Stack, opts ...stack.UpOption) error {
	if err := st.reset(ctx, spec, stack.NewUpConfig(opts...)); err != nil {
		return fmt.Errorf("reset docker stack %s: %w", st.id, err)
	}
	return nil
}

func (st *dockerStack) reset(ctx context.Context, spec scenario.Stack, cfg stack.UpConfig) error {
	if !reflect.DeepEqual(spec, st.spec) {
		return errors.New("the stack to start is not the one this stack was made from")
	}
	checks, err := readyChecks(spec, cfg.Readiness)
	if err != nil {
		return err
	}
	if err := stack.ResetProxies(st.toxiClient); err != nil {
		return err
	}
	for _, s := range st.order {
		if err := st.front.Reset(ctx, s.spec.Name, ""); err != nil {
			return err
		}
	}
	st.stopInOrder(ctx)
	old := st.detachServices(ctx)
	oldRoot, overlap, err := st.nextRoot(cfg.DataDir)
	if err != nil {
		return errors.Join(err, st.removeContainers(ctx, old, ""))
	}
	// The old containers go while the new ones start, on data of their own: a root the
	// stack makes anew, or the new trial's. On the same root as before they must be gone
	// first: an old release stopping could still write to the new one's data.
	removed := make(chan error, 1)
	go func() { removed <- st.removeContainers(ctx, old, oldRoot) }()
	if !overlap {
		if err := <-removed; err != nil {
			return err
		}
		removed <- nil
	}
	carried, err := stack.SwitchConns(ctx, st.front.List)
	if err != nil {
		return errors.Join(err, <-removed)
	}
	dirs, err := st.resetData()
	if err != nil {
		return errors.Join(err, <-removed)
	}
	st.labels = st.d.labels(cfg.Labels, st.id)
	specs := make([]scenario.Service, len(st.order))
	empty := map[string]bool{}
	for i, s := range st.order {
		specs[i] = s.spec
		empty[s.spec.Name] = stack.DirEmpty(dirs[s.spec.Name])
		s.mu.Lock()
		// The old containers' files stay registered (by container id) while they go.
		s.dataDir, s.ready, s.logs.dir = dirs[s.spec.Name], checks[s.spec.Name], cfg.OutputDir
		s.gen, s.snapshots = 0, 0
		s.mu.Unlock()
	}
	if err := errors.Join(stack.DeployAll(ctx, st.order, specs), <-removed); err != nil {
		return err
	}
	return st.verifyFresh(ctx, carried, empty)
}

// detachServices takes every container of every service off it (serving, standing by,
// retired), their output kept, and returns them for removeContainers.
func (st *dockerStack) detachServices(ctx context.Context) []detached {
	var out []detached
	for _, s := range st.order {
		s.keepLogs(ctx)
		s.mu.Lock()
		ctrs := append([]*testcontainers.DockerContainer{s.ctr, s.standby}, s.retired...)
		s.ctr, s.standby, s.retired, s.release, s.standbyRelease = nil, nil, nil, "", ""
		s.mu.Unlock()
		for _, ctr := range ctrs {
			if ctr != nil {
				out = append(out, detached{s, ctr})
			}
		}
	}
	return out
}

// detached is a container taken off its service by a reset.
type detached struct {
	s   *dockerService
	ctr *testcontainers.DockerContainer
}

// removeContainers removes the detached containers, all at once (each keeping its
// output, stopped gracefully), then the data root they used when it is the stack's
// own (root; "" when none).
func (st *dockerStack) removeContainers(ctx context.Context, ctrs []detached, root string) error {
	errs := make([]error, len(ctrs))
	var wg sync.WaitGroup
	for i, d := range ctrs {
		wg.Go(func() { errs[i] = d.s.remove(ctx, d.ctr) })
	}
	wg.Wait()
	if root != "" {
		if err := os.RemoveAll(root); err != nil {
			errs = append(errs, fmt.Errorf("remove data dir: %w", err))
		}
	}
	return errors.Join(errs...)
}

// keepLogs writes the output of the service's serving and standing-by containers to
// their files (remove keeps a retired one's when an output directory is set).
func (s *dockerService) keepLogs(ctx context.Context) {
	s.mu.Lock()
	ctrs := []*testcontainers.DockerContainer{s.ctr, s.standby}
	s.mu.Unlock()
	for _, ctr := range ctrs {
		s.keepLog(ctx, ctr)
	}
}

// nextRoot picks the data root of the next trial: a new one the stack makes (when the
// caller gives none: the old one goes with the old containers, oldRoot), or the
// caller's. overlap says whether the old containers may still run while the new ones
// start: not on the same root as before.
func (st *dockerStack) nextRoot(root string) (oldRoot string, overlap bool, err error) {
	oldRoot = st.owned
	if root == "" {
		dir, err := stack.MakeTempDir("data")
		if err != nil {
			return "", false, fmt.Errorf("make data dir: %w", err)
		}
		st.owned, st.root = dir, dir
		return oldRoot, true, nil
	}
	overlap = root != st.root
	st.owned, st.root = "", root
	return oldRoot, overlap, nil
}

// resetData empties the services' data under the next trial's root (nextRoot) and makes
// each service's directory as Up does.
func (st *dockerStack) resetData() (map[string]string, error) {
	names := make([]string, len(st.order))
	for i, s := range st.order {
		names[i] = s.spec.Name
	}
	return stack.EmptyDataRoot(st.root, st.owned != "", names, stack.ServiceDataDir)
}

// verifyFresh reads back what the engine runs for the stack, the switches and
// Toxiproxy, and compares them with a fresh stack's (stack.VerifyFresh): exactly one
// container per service plus the proxy container, each service's switch on its
// container's address, no connection, no toxic.
func (st *dockerStack) verifyFresh(ctx context.Context, carried map[string]int, empty map[string]bool) error {
	f := make(client.Filters).Add("label", LabelStack+"="+st.id)
	ctrs, err := st.d.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return fmt.Errorf("verify reset stack: list containers: %w", err)
	}
	type held struct{ id, name string }
	perService := map[string][]held{}
	for _, c := range ctrs.Items {
		name := c.ID[:12]
		if len(c.Names) > 0 {
			name = strings.TrimPrefix(c.Names[0], "/")
		}
		perService[c.Labels[LabelService]] = append(perService[c.Labels[LabelService]], held{c.ID, name})
	}
	list, err := st.front.List(ctx)
	if err != nil {
		return fmt.Errorf("verify reset stack: %w", err)
	}
	switches := map[string]front.SwitchInfo{}
	for _, sw := range list {
		switches[sw.Name] = sw
	}
	var got []stack.FreshService
	for _, s := range st.order {
		fs := stack.FreshService{Name: s.spec.Name, Release: s.Release(), Want: s.spec.Release, DataDir: s.DataDir(),
			DataEmpty: empty[s.spec.Name], Conns: carried[s.spec.Name]}
		own := s.ContainerID()
		if ctr, err := s.current(); err == nil {
			fs.WantUpstream, _ = s.upstream(ctx, ctr)
		}
		if sw, ok := switches[s.spec.Name]; ok {
			fs.Upstream = sw.Upstream
			fs.Conns += sw.Conns
		}
		for _, h := range perService[s.spec.Name] {
			if h.id != own {
				fs.Extra = append(fs.Extra, "container "+h.name+" left over")
			}
		}
		if len(perService[s.spec.Name]) == 0 {
			fs.Extra = append(fs.Extra, "no container on the engine")
		}
		got = append(got, fs)
		delete(perService, s.spec.Name)
	}
	delete(perService, dockerToxiproxyAlias)
	for svc, hs := range perService {
		fs := stack.FreshService{Name: "unknown service " + svc, Upstream: "-", WantUpstream: "-", DataEmpty: true}
		for _, h := range hs {
			fs.Extra = append(fs.Extra, "container "+h.name)
		}
		got = append(got, fs)
	}
	return stack.VerifyFresh(st.toxiClient, st.proxyNames(), got)
}

// proxyNames are the Toxiproxy proxies Up makes: a front proxy per service and the
// scenario's proxies.
func (st *dockerStack) proxyNames() []string {
	names := make([]string, 0, len(st.proxies))
	for name := range st.proxies {
		names = append(names, name)
	}
	return names
}
