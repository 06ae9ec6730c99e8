package stack

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"

	"github.com/drillhq/drill/internal/front"
	"github.com/drillhq/drill/internal/scenario"
)

// Resetter is implemented by stacks a run may keep from one trial to the next (a
// scenario's stack.reuse): setting a stack up costs the engine most of a docker trial,
// and the network and proxy need not be made again.
type Resetter interface {
	// Reset brings the running stack back to the state Up(spec, opts...) leaves one in:
	// every release a trial started stopped and removed, every service's data directory
	// as Up makes it (empty), every service at its initial release behind its switch with
	// no connection carried over, Toxiproxy without toxics and every proxy enabled, the
	// labels, output directory and data directory opts name. It then verifies that state
	// (VerifyFresh) and returns an error when it cannot prove it: the caller must then
	// Down the stack and Up a fresh one. spec must be the spec the stack was made from.
	Reset(ctx context.Context, spec scenario.Stack, opts ...UpOption) error
}

// FreshService is what a service of a stack looks like right after Up, and what it
// looks like now, for VerifyFresh.
type FreshService struct {
	Name string
	// Release is the release running now; Want the service's initial release.
	Release, Want string
	// Upstream is where the service's switch sends new connections now; WantUpstream is
	// the address of the unit running the initial release.
	Upstream, WantUpstream string
	// Conns is how many connections the switch holds (client and upstream sides).
	Conns int
	// DataDir is the service's data directory; DataEmpty says whether it was empty
	// before the service started (as Up makes it).
	DataDir   string
	DataEmpty bool
	// Extra names what differs in the units of the service: one left besides the one
	// serving (a standby, a retired release; a spare that serves nothing is not one),
	// or none serving. Empty on a fresh stack.
	Extra []string
}

// VerifyFresh checks a reset stack against what Up makes: every service at its initial
// release, its switch on the unit running it with no connection open, its data
// directory empty before it started and no other unit of it left, and the stack's
// Toxiproxy holding exactly proxies (each enabled, without toxics). Every difference
// is named in the error.
func VerifyFresh(toxi *toxiclient.Client, proxies []string, services []FreshService) error {
	var diffs []string
	for _, s := range services {
		if s.Release != s.Want {
			diffs = append(diffs, fmt.Sprintf("%s runs release %q, not its initial %q", s.Name, s.Release, s.Want))
		}
		if s.WantUpstream == "" || s.Upstream != s.WantUpstream {
			diffs = append(diffs, fmt.Sprintf("%s's switch sends to %q, not to the unit of its initial release (%q)", s.Name, s.Upstream, s.WantUpstream))
		}
		if s.Conns != 0 {
			diffs = append(diffs, fmt.Sprintf("%s's switch holds %d connections carried over", s.Name, s.Conns))
		}
		if !s.DataEmpty {
			diffs = append(diffs, fmt.Sprintf("%s's data directory %s was not empty when it started", s.Name, s.DataDir))
		}
		if len(s.Extra) > 0 {
			diffs = append(diffs, fmt.Sprintf("%s: %s", s.Name, strings.Join(s.Extra, ", ")))
		}
	}
	got, err := toxi.Proxies()
	if err != nil {
		return fmt.Errorf("verify reset stack: list proxies: %w", err)
	}
	for _, name := range proxies {
		p, ok := got[name]
		switch {
		case !ok:
			diffs = append(diffs, "proxy "+name+" is missing")
		case !p.Enabled:
			diffs = append(diffs, "proxy "+name+" is disabled")
		case len(p.ActiveToxics) > 0:
			names := make([]string, len(p.ActiveToxics))
			for i, t := range p.ActiveToxics {
				names[i] = t.Name
			}
			diffs = append(diffs, fmt.Sprintf("proxy %s has toxics %s", name, strings.Join(names, ", ")))
		}
	}
	for name := range got {
		if !slices.Contains(proxies, name) {
			diffs = append(diffs, "proxy "+name+" is not one Up makes")
		}
	}
	if len(diffs) > 0 {
		slices.Sort(diffs)
		return fmt.Errorf("verify reset stack: not as a fresh stack: %s", strings.Join(diffs, "; "))
	}
	return nil
}

// ResetProxies cuts every connection through the stack's Toxiproxy (a disabled proxy
// closes them) and then puts it back as Up left it: every proxy enabled, no toxics.
func ResetProxies(toxi *toxiclient.Client) error {
	got, err := toxi.Proxies()
	if err != nil {
		return fmt.Errorf("reset proxies: %w", err)
	}
	for _, p := range got {
		if p.Enabled {
			if err := p.Disable(); err != nil {
				return fmt.Errorf("reset proxies: disable %s: %w", p.Name, err)
			}
		}
	}
	if err := toxi.ResetState(); err != nil {
		return fmt.Errorf("reset proxies: %w", err)
	}
	return nil
}

// EmptyDataRoot empties the data of a trial under root and makes each service's data
// directory again with mk, as the runtime's Up does, returning them by service. A root
// the stack made (owned) loses everything under it (services' data, snapshots, output
// kept there); a root the caller gave loses only what the stack keeps there (each
// service's directory and its snapshots). It fails when anything is left (a file a
// container's own user made that drill may not remove): a reset stack would then not
// start from empty data.
func EmptyDataRoot(root string, owned bool, services []string, mk func(root, service string) (string, error)) (map[string]string, error) {
	var gone []string
	if owned {
		entries, err := os.ReadDir(root)
		if err != nil {
			return nil, fmt.Errorf("empty data dir: %w", err)
		}
		for _, e := range entries {
			gone = append(gone, filepath.Join(root, e.Name()))
		}
	} else {
		for _, name := range services {
			dir := filepath.Join(root, name)
			snaps, err := filepath.Glob(dir + ".snapshot-*")
			if err != nil {
				return nil, fmt.Errorf("empty data dir: %w", err)
			}
			gone = append(append(gone, dir), snaps...)
		}
	}
	var errs []error
	for _, p := range gone {
		errs = append(errs, os.RemoveAll(p))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("empty data dir %s: %w", root, err)
	}
	dirs := map[string]string{}
	for _, name := range services {
		dir, err := mk(root, name)
		if err != nil {
			return nil, err
		}
		dirs[name] = dir
	}
	return dirs, nil
}

// DirEmpty reports whether dir exists and holds nothing.
func DirEmpty(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) == 0
}

// resetConnWait bounds the wait for the connections a reset closed to leave the switches.
const resetConnWait = 2 * time.Second

// SwitchConns polls list (the switches of a stack's front door) until they hold no
// connection or resetConnWait passed, and returns how many each held at the last read:
// connections a reset closed go away as their forwarders notice.
func SwitchConns(ctx context.Context, list func(context.Context) ([]front.SwitchInfo, error)) (map[string]int, error) {
	deadline := time.Now().Add(resetConnWait)
	held := map[string]int{}
	for {
		switches, err := list(ctx)
		if err != nil {
			return held, err
		}
		total := 0
		for _, sw := range switches {
			held[sw.Name] = sw.Conns
			total += sw.Conns
		}
		if total == 0 || !time.Now().Before(deadline) {
			return held, nil
		}
		select {
		case <-ctx.Done():
			return held, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}
