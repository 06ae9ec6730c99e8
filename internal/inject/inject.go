// Package inject applies faults to a running stack and reverts them: Toxiproxy toxics and
// proxy outages on a proxy, and process or container faults (kill, stop, pause, restart,
// network disconnect) on a service. Every kind lives in its own file with a typed parameter
// struct decoded strictly from the scenario, and is built through an explicit Registry so a
// misspelled kind or parameter fails when the scenario is validated, before anything starts.
package inject

import (
	"context"
	"fmt"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"

	"github.com/drillhq/drill/internal/stack"
)

// Fault is one configured fault, ready to be applied to a target of a running stack.
type Fault interface {
	// Apply injects the fault into t and returns the Revert that undoes it.
	Apply(ctx context.Context, t Target) (Revert, error)
}

// Lasting is implemented by faults whose effect the rollback's start does not undo:
// a killed service stays down until the rollback (or the supervisor the fault declares)
// starts it, once. drill never starts it itself, so nothing is started twice.
type Lasting interface {
	// LastsPastRollback reports whether the fault's revert must wait for the trial's end.
	LastsPastRollback() bool
}

// Revert undoes an applied fault. It runs even when ctx is already cancelled (it detaches
// from ctx's cancellation and bounds itself with a fixed timeout), and calling it again
// after it succeeded does nothing.
type Revert func(context.Context) error

// RevertTimeout bounds a revert that talks to Toxiproxy (remove a toxic, enable a proxy).
const RevertTimeout = 10 * time.Second

// RestartRevertTimeout bounds a revert that brings a service back (restart, unpause,
// reconnect), which includes waiting until the service is ready again.
const RestartRevertTimeout = 2 * time.Minute

// Target is what a fault acts on: a proxy (every service has a front proxy named after it)
// or a service of a running stack.
type Target struct {
	// Stack is the running stack holding the target.
	Stack stack.Stack
	// Name is the proxy or service name.
	Name string
	// Runtime names the stack's runtime (process, docker) in error messages; optional.
	Runtime string
}

// proxy returns the Toxiproxy proxy named t.Name.
func (t Target) proxy() (*toxiclient.Proxy, error) {
	if t.Stack == nil {
		return nil, fmt.Errorf("find proxy %q: target has no stack", t.Name)
	}
	c := t.Stack.Toxiproxy()
	if c == nil {
		return nil, fmt.Errorf("find proxy %q: stack has no toxiproxy", t.Name)
	}
	p, err := c.Proxy(t.Name)
	if err != nil {
		return nil, fmt.Errorf("find proxy %q: %w", t.Name, err)
	}
	return p, nil
}

// service returns the service named t.Name.
func (t Target) service() (stack.Service, error) {
	if t.Stack == nil {
		return nil, fmt.Errorf("find service %q: target has no stack", t.Name)
	}
	s, err := t.Stack.Service(t.Name)
	if err != nil {
		return nil, fmt.Errorf("find service %q: %w", t.Name, err)
	}
	return s, nil
}

// runtimeName names the runtime in errors: Target.Runtime, else the service's Go type.
func (t Target) runtimeName(s any) string {
	if t.Runtime != "" {
		return t.Runtime
	}
	return fmt.Sprintf("%T", s)
}

// controller returns the target service as a stack.Controller, or an error naming the
// runtime that cannot act on it.
func (t Target) controller(kind string) (stack.Controller, error) {
	s, err := t.service()
	if err != nil {
		return nil, fmt.Errorf("fault %s: %w", kind, err)
	}
	c, ok := s.(stack.Controller)
	if !ok {
		return nil, fmt.Errorf("fault %s: runtime %s cannot control service %s", kind, t.runtimeName(s), t.Name)
	}
	return c, nil
}

// pauser returns the target service as a stack.Pauser, or an error naming the runtime
// that cannot pause it.
func (t Target) pauser() (stack.Pauser, error) {
	s, err := t.service()
	if err != nil {
		return nil, fmt.Errorf("fault pause: %w", err)
	}
	p, ok := s.(stack.Pauser)
	if !ok {
		return nil, fmt.Errorf("fault pause: runtime %s cannot pause service %s", t.runtimeName(s), t.Name)
	}
	return p, nil
}
