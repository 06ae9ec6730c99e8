package docker

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/drillhq/drill/internal/front"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

var _ stack.Resetter = (*dockerStack)(nil)

// resetConnWait bounds the wait for the connections a reset closed to leave the switches.
const resetConnWait = 2 * time.Second

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
	if err := st.removeServices(ctx); err != nil {
		return err
	}
	carried, err := st.switchConns(ctx)
	if err != nil {
		return err
	}
	dirs, err := st.resetData(cfg.DataDir)
	if err != nil {
		return err
	}
	st.labels = st.d.labels(cfg.Labels, st.id)
	specs := make([]scenario.Service, len(st.order))
	empty := map[string]bool{}
	for i, s := range st.order {
		specs[i] = s.spec
		empty[s.spec.Name] = stack.DirEmpty(dirs[s.spec.Name])
		s.mu.Lock()
		s.dataDir, s.ready, s.logs = dirs[s.spec.Name], checks[s.spec.Name], dockerLogs{dir: cfg.OutputDir}
		s.gen, s.snapshots = 0, 0
		s.mu.Unlock()
	}
	if err := stack.DeployAll(ctx, st.order, specs); err != nil {
		return err
	}
	return st.verifyFresh(ctx, carried, empty)
}

// removeServices removes every container of every service, all at once, keeping their
// output.
func (st *dockerStack) removeServices(ctx context.Context) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, s := range st.order {
		s.keepLogs(ctx)
		s.mu.Lock()
		ctrs := append([]*testcontainers.DockerContainer{s.ctr, s.standby}, s.retired...)
		s.ctr, s.standby, s.retired, s.release, s.standbyRelease = nil, nil, nil, "", ""
		s.mu.Unlock()
		for _, ctr := range ctrs {
			wg.Go(func() {
				if err := s.remove(ctx, ctr); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
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

// switchConns waits until the switches hold no connection (those a reset closed go as
// their forwarders end) and returns how many each still holds.
func (st *dockerStack) switchConns(ctx context.Context) (map[string]int, error) {
	held := map[string]int{}
	_, err := stack.AwaitNoConns(ctx, resetConnWait, func(ctx context.Context) (int, error) {
		list, err := st.front.List(ctx)
		if err != nil {
			return 0, err
		}
		total := 0
		for _, sw := range list {
			held[sw.Name] = sw.Conns
			total += sw.Conns
		}
		return total, nil
	})
	return held, err
}

// resetData empties the stack's data: the root the stack made (kept across trials, or
// made now when the stack ran on a caller's root before), or the services' directories
// under the caller's root.
func (st *dockerStack) resetData(root string) (map[string]string, error) {
	owned := root == ""
	if owned && st.owned == "" {
		dir, err := stack.MakeTempDir("data")
		if err != nil {
			return nil, fmt.Errorf("make data dir: %w", err)
		}
		st.owned = dir
	}
	if !owned && st.owned != "" {
		dir := st.owned
		st.owned = ""
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("remove data dir: %w", err)
		}
	}
	if owned {
		root = st.owned
	}
	names := make([]string, len(st.order))
	for i, s := range st.order {
		names[i] = s.spec.Name
	}
	return stack.EmptyDataRoot(root, owned, names, stack.ServiceDataDir)
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
