package inject

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/drillhq/drill/internal/stack"
)

// Restart policies of a killed service.
const (
	// KillRestartNever: only the rollback brings the service back.
	KillRestartNever = "never"
	// KillRestartAfter: a supervisor starts it again after a delay, as Docker's restart
	// policy or a Kubernetes pod restart does.
	KillRestartAfter = "after"
)

// killParams configure the kill fault: what brings the killed service back.
type killParams struct {
	// Restart is "never" (default: only the rollback starts it again) or "after" (a
	// supervisor starts it Delay after the kill, unless something started it first).
	Restart string `param:"restart"`
	// Delay before the supervisor's restart (restart: after).
	Delay time.Duration `param:"delay"`
}

// killFault kills the target service abruptly (SIGKILL: no graceful shutdown, unflushed
// data lost). One lifecycle per service: drill never restarts it on its own; the
// rollback, or the declared supervisor, starts it once.
type killFault struct{ p killParams }

// buildKill builds the "kill" fault.
func buildKill(params map[string]any) (Fault, error) {
	p := killParams{Restart: KillRestartNever}
	if err := decodeParams("kill", params, &p); err != nil {
		return nil, err
	}
	switch {
	case p.Restart != KillRestartNever && p.Restart != KillRestartAfter:
		return nil, fmt.Errorf("fault %q: parameter \"restart\" must be %q or %q, got %q", "kill", KillRestartNever, KillRestartAfter, p.Restart)
	case p.Restart == KillRestartNever && p.Delay > 0:
		return nil, fmt.Errorf("fault %q: parameter \"delay\" needs restart: %s", "kill", KillRestartAfter)
	}
	return killFault{p: p}, nil
}

// LastsPastRollback implements Lasting: the kill is not undone when the rollback starts.
func (killFault) LastsPastRollback() bool { return true }

// Apply kills the service named t.Name. The supervisor (restart: after) is armed before
// the signal is sent; the returned Revert disarms it (at the trial's end) and waits for
// a restart in progress, and never starts the service itself.
func (k killFault) Apply(ctx context.Context, t Target) (Revert, error) {
	c, err := t.controller("kill")
	if err != nil {
		return nil, err
	}
	sup := &supervisor{stop: make(chan struct{})}
	if k.p.Restart == KillRestartAfter {
		r, ok := c.(stack.Reviver)
		if !ok {
			return nil, fmt.Errorf("fault kill: runtime %s cannot restart service %s", t.runtimeName(c), t.Name)
		}
		sup.arm(r, k.p.Delay)
	}
	if err := c.Kill(ctx); err != nil {
		sup.disarm()
		return nil, fmt.Errorf("fault kill: kill service %s: %w", t.Name, err)
	}
	sup.start()
	return newRevert(RestartRevertTimeout, func(context.Context) error { return sup.disarm() }), nil
}

// supervisor starts a killed service again after a delay, once, unless disarmed first.
type supervisor struct {
	r     stack.Reviver
	delay time.Duration
	stop  chan struct{}
	once  sync.Once
	wg    sync.WaitGroup
	err   error
}

func (s *supervisor) arm(r stack.Reviver, delay time.Duration) { s.r, s.delay = r, delay }

// start starts the countdown (after the kill signal went out).
func (s *supervisor) start() {
	if s.r == nil {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTimer(s.delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-s.stop:
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), RestartRevertTimeout)
		defer cancel()
		s.err = s.r.Revive(ctx)
	}()
}

// disarm cancels a pending restart and waits for one in progress; it returns that
// restart's error.
func (s *supervisor) disarm() error {
	s.once.Do(func() { close(s.stop) })
	s.wg.Wait()
	return s.err
}

// Needs implements stack.Needer: a service the runtime can kill, and with restart: after
// a runtime that can start it again as a supervisor does.
func (k killFault) Needs() []stack.Need {
	needs := []stack.Need{{Capability: stack.CapKill, Stack: stack.NeedService, Instead: "use a down fault on its proxy"}}
	if k.p.Restart == KillRestartAfter {
		needs = append(needs, stack.Need{Capability: stack.CapRevive, Param: "restart",
			Instead: "leave out restart: after (the rollback starts the service again)"})
	}
	return needs
}
