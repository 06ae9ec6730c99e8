package process

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"

	"github.com/drillhq/drill/internal/front"
	"github.com/drillhq/drill/internal/outpath"
	"github.com/drillhq/drill/internal/readiness"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

var _ stack.Resetter = (*processStack)(nil)

// Reset implements stack.Resetter: the embedded Toxiproxy, its proxies and the switches
// stay (on the same ports); every instance of every service stops (serving, standing by,
// draining), the data is emptied, and each service's initial release starts as Up
// starts it, its output in the new output directory. Then the switches, the instances
// and Toxiproxy are read back and compared with a fresh stack's.
func (s *processStack) Reset(ctx context.Context, spec scenario.Stack, opts ...stack.UpOption) error {
	if err := s.reset(ctx, spec, stack.NewUpConfig(opts...)); err != nil {
		return fmt.Errorf("reset process stack: %w", err)
	}
	return nil
}

func (s *processStack) reset(ctx context.Context, spec scenario.Stack, cfg stack.UpConfig) error {
	if !reflect.DeepEqual(spec, s.spec) {
		return errors.New("the stack to start is not the one this stack was made from")
	}
	checks := cfg.Readiness
	if checks == nil {
		checks = readiness.NewRegistry()
	}
	if err := stack.ResetProxies(s.toxi.Client); err != nil {
		return err
	}
	var errs []error
	for i := len(s.order) - 1; i >= 0; i-- {
		svc := s.order[i]
		errs = append(errs, s.toxi.Server.ResetSwitch(svc.spec.Name, ""), svc.stopForReset())
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	carried, err := stack.SwitchConns(ctx, func(context.Context) ([]front.SwitchInfo, error) { return s.toxi.Server.Switches(), nil })
	if err != nil {
		return err
	}
	dirs, err := s.resetData(cfg.DataDir)
	if err != nil {
		return err
	}
	logDir := cfg.OutputDir
	if logDir == "" {
		logDir = s.root
	}
	empty := map[string]bool{}
	for _, svc := range s.order {
		empty[svc.spec.Name] = stack.DirEmpty(dirs[svc.spec.Name])
		if svc.ready, err = checks.ReadyCheck(svc.spec.Readiness()); err != nil {
			return fmt.Errorf("start %s: %w", svc.spec.Name, err)
		}
		if err := os.MkdirAll(logDir, 0o755); err != nil {
			return fmt.Errorf("make output dir for %s: %w", svc.spec.Name, err)
		}
		svc.mu.Lock()
		svc.dataDir, svc.logDir, svc.gen, svc.snapshots = dirs[svc.spec.Name], logDir, 0, 0
		svc.mu.Unlock()
	}
	for _, svc := range s.order {
		if err := svc.Deploy(ctx, svc.spec.Release); err != nil {
			return err
		}
	}
	return s.verifyFresh(carried, empty)
}

// stopForReset stops every instance of the service (standing-by and draining ones too);
// its spare, which serves nothing, is kept for the next start.
func (s *processService) stopForReset() error {
	s.op.Lock()
	defer s.op.Unlock()
	return s.stopAll()
}

// resetData empties the stack's data: the root the stack made (kept across trials, or
// made now when the stack ran on a caller's root before), or the services' directories
// under the caller's root, and makes each service's directory as Up does.
func (s *processStack) resetData(root string) (map[string]string, error) {
	owned := root == ""
	if owned && s.ownedDir == "" {
		dir, err := stack.MakeTempDir("run")
		if err != nil {
			return nil, fmt.Errorf("make data dir: %w", err)
		}
		s.ownedDir = dir
	}
	if !owned && s.ownedDir != "" {
		dir := s.ownedDir
		s.ownedDir = ""
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("remove data dir: %w", err)
		}
	}
	if owned {
		root = s.ownedDir
	}
	s.root = root
	names := make([]string, len(s.order))
	for i, svc := range s.order {
		names[i] = svc.spec.Name
	}
	return stack.EmptyDataRoot(root, owned, names, func(root, name string) (string, error) {
		dir, err := outpath.File(root, name)
		if err != nil {
			return "", fmt.Errorf("make data dir for %s: %w", name, err)
		}
		return dir, s.services[name].makeDataDir(dir)
	})
}

// verifyFresh compares the stack with a fresh one (stack.VerifyFresh): each service's
// one instance alive at its initial release, its switch on that instance, no
// connection, no toxic.
func (s *processStack) verifyFresh(carried map[string]int, empty map[string]bool) error {
	switches := map[string]front.SwitchInfo{}
	for _, sw := range s.toxi.Server.Switches() {
		switches[sw.Name] = sw
	}
	var got []stack.FreshService
	for _, svc := range s.order {
		svc.mu.Lock()
		fs := stack.FreshService{Name: svc.spec.Name, Release: svc.release, Want: svc.spec.Release, WantUpstream: svc.addr,
			Upstream: switches[svc.spec.Name].Upstream, Conns: carried[svc.spec.Name] + switches[svc.spec.Name].Conns,
			DataDir: svc.dataDir, DataEmpty: empty[svc.spec.Name]}
		if svc.standby != nil {
			fs.Extra = append(fs.Extra, "a standing-by release "+svc.standby.release+" left over")
		}
		if svc.proc == nil || svc.proc.done() {
			fs.Extra = append(fs.Extra, "no live instance")
		}
		svc.mu.Unlock()
		got = append(got, fs)
	}
	proxies := make([]string, 0, len(s.order)+len(s.spec.Proxies))
	for _, svc := range s.order {
		proxies = append(proxies, svc.spec.Name)
	}
	for _, p := range s.spec.Proxies {
		proxies = append(proxies, p.Name)
	}
	return stack.VerifyFresh(s.toxi.Client, proxies, got)
}
