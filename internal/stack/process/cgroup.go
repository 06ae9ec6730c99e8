package process

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/drillhq/drill/internal/stack"
)

// Where the machine has the cgroup v1 freezer hierarchy and drill may write it (root),
// each instance of a command service also gets a freezer cgroup of its own, joined as it
// starts (its spare joins ahead, spare.go): every process it ever forks stays in it,
// wherever it is reparented. drill's own fixtures, which start no processes, get none. That holds what
// the process tree cannot: the orphans of an instance whose own process exited before
// drill signalled it (a crash). Killing or stopping the instance, reviving the service
// after a crash and teardown freeze the cgroup, SIGKILL everything in it and remove it.
// What escapes it: a process that moves itself to another cgroup (which needs root). A
// machine with only cgroup v2, or drill without root, has no such cgroup: the process
// tree and the subreaper (subreaper.go) are all there is, and a crashed instance's
// orphans run on until the machine's own init or supervisor ends them.

// freezerRoot is the cgroup v1 freezer hierarchy.
const freezerRoot = "/sys/fs/cgroup/freezer"

// cgroupSeq numbers the cgroups this drill process makes.
var cgroupSeq atomic.Int64

// cgroup is one service instance's freezer cgroup.
type cgroup struct {
	dir string
}

// newCgroup makes a freezer cgroup for an instance of service, or returns nil where the
// machine does not allow it. Its directory names drill's pid, so one left by a drill that
// died can be told from one in use: the first call sweeps those (sweepCgroups).
func newCgroup(service string) *cgroup {
	sweepOnce.Do(func() { sweepCgroups() })
	parent := filepath.Join(freezerRoot, "drill-"+strconv.Itoa(os.Getpid()))
	dir := filepath.Join(parent, strconv.FormatInt(cgroupSeq.Add(1), 10)+"-"+service)
	var err error
	for range 3 { // drill's directory may be going as its last cgroup is removed
		// Mkdir, not MkdirAll: where the hierarchy is not mounted (cgroup v2 only) nothing is made.
		if err = os.Mkdir(parent, 0o755); err == nil || errors.Is(err, fs.ErrExist) {
			if err = os.Mkdir(dir, 0o755); err == nil {
				break
			}
		}
	}
	if err != nil {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, "freezer.state")); err != nil { // not a freezer
		_ = os.Remove(dir)
		_ = os.Remove(parent)
		return nil
	}
	return &cgroup{dir: dir}
}

// join moves the process pid (all its threads) into the cgroup. A process forked by it
// before the move stays out (the process tree still holds it).
func (c *cgroup) join(pid int) error {
	if c == nil {
		return nil
	}
	if err := os.WriteFile(filepath.Join(c.dir, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0o644); err != nil {
		return fmt.Errorf("join cgroup: %w", err)
	}
	return nil
}

// procs are the processes in the cgroup.
func (c *cgroup) procs() []int {
	b, err := os.ReadFile(filepath.Join(c.dir, "cgroup.procs"))
	if err != nil {
		return nil
	}
	var out []int
	for _, f := range strings.Fields(string(b)) {
		if pid, err := strconv.Atoi(f); err == nil {
			out = append(out, pid)
		}
	}
	return out
}

// sweepOnce sweeps the cgroups of dead drills once per drill process.
var sweepOnce sync.Once

// sweepCgroups destroys the cgroups a drill left when it died before its teardown (its
// services were SIGKILLed with it; what they left in their cgroups goes now), empty or
// not, and returns the directories it removed. A directory whose pid runs again, as
// another program, is left alone. drill clean (Clean) and every run's first cgroup
// call it.
func sweepCgroups() []string {
	entries, err := os.ReadDir(freezerRoot)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		n, ok := strings.CutPrefix(e.Name(), "drill-")
		pid, err := strconv.Atoi(n)
		if !ok || err != nil || !e.IsDir() || pid == os.Getpid() {
			continue
		}
		if _, err := os.Stat("/proc/" + n); err == nil {
			continue // running (or its pid reused)
		}
		dir := filepath.Join(freezerRoot, e.Name())
		subs, _ := os.ReadDir(dir)
		for _, sub := range subs {
			if sub.IsDir() {
				c := &cgroup{dir: filepath.Join(dir, sub.Name())}
				if c.destroy() == nil {
					removed = append(removed, c.dir)
				}
			}
		}
		// The last child's destroy may have removed dir already.
		if err := os.Remove(dir); err == nil || errors.Is(err, fs.ErrNotExist) {
			removed = append(removed, dir)
		}
	}
	return removed
}

// Clean removes the freezer cgroups of drills that died (sweepCgroups): drill clean's
// part for the process runtime. Live drills' cgroups are theirs, with or without
// stack.CleanAll.
func Clean(context.Context, ...stack.CleanOption) (stack.Removed, error) {
	return stack.Removed{Cgroups: sweepCgroups()}, nil
}

// freezeWait bounds the wait for the freezer to stop every task of a cgroup.
const freezeWait = time.Second

// setState writes the freezer's state (FROZEN or THAWED) and waits, up to freezeWait,
// until the kernel reports it.
func (c *cgroup) setState(state string) {
	p := filepath.Join(c.dir, "freezer.state")
	if err := os.WriteFile(p, []byte(state), 0o644); err != nil {
		return
	}
	for deadline := time.Now().Add(freezeWait); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if b, err := os.ReadFile(p); err != nil || strings.TrimSpace(string(b)) == state {
			return
		}
	}
}

// destroy freezes the cgroup (nothing in it forks any more), SIGKILLs every process in
// it, thaws it so they die, waits until it is empty and removes it.
func (c *cgroup) destroy() error {
	if c == nil {
		return nil
	}
	var errs []error
	if pids := c.procs(); len(pids) > 0 {
		c.setState("FROZEN")
		for _, pid := range c.procs() {
			if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
				errs = append(errs, fmt.Errorf("kill process %d of cgroup: %w", pid, err))
			}
		}
		c.setState("THAWED")
		deadline := time.Now().Add(killWait)
		for len(c.procs()) > 0 {
			if time.Now().After(deadline) {
				return errors.Join(append(errs, fmt.Errorf("empty cgroup %s: processes %v still in it after %s", c.dir, c.procs(), killWait))...)
			}
			time.Sleep(time.Millisecond)
		}
	}
	// A process that just died may hold the cgroup a moment longer (EBUSY).
	for deadline := time.Now().Add(killWait); ; time.Sleep(time.Millisecond) {
		err := os.Remove(c.dir)
		if err == nil || errors.Is(err, os.ErrNotExist) {
			break
		}
		if time.Now().After(deadline) {
			return errors.Join(append(errs, fmt.Errorf("remove cgroup: %w", err))...)
		}
	}
	_ = os.Remove(filepath.Dir(c.dir)) // drill's own directory, once its last cgroup went
	return errors.Join(errs...)
}
