// Package external is the runtime of services drill did not start: a running staging
// stack, reached at the endpoints the scenario names (scenario.Service.External). drill
// never starts, stops, deploys or signals such a service; it only puts its own proxy in
// front of each endpoint (an embedded Toxiproxy, as on the process runtime), so probes,
// the workload and the proxy faults take the path a client takes. The change and the
// rollback are the team's own commands or URLs (hook steps), and Down removes only the
// proxies: the services are left running as they were found.
package external

import (
	"context"
	"errors"
	"fmt"
	"sync"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"

	"github.com/drillhq/drill/internal/front"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// Name is the runtime's name as given to --runtime.
const Name = "external"

// Registration is the external runtime's entry in the runtime registry. It is always
// available (it needs no engine) and can do only what a path to a running service
// allows: a fault proxy in front of it. auto picks it for a stack of external services.
func Registration() stack.Registration {
	return stack.Registration{
		Name:        Name,
		Description: "services drill did not start, reached at their endpoints behind its proxy",
		New: func(context.Context) (stack.Runtime, []string, error) {
			return Runtime{}, nil, nil
		},
		Available:    func(context.Context) error { return nil },
		Capabilities: stack.Capabilities{stack.CapProxy, stack.CapExternal},
	}
}

// Runtime fronts external services with drill's proxy.
type Runtime struct{}

// Name implements stack.Runtime.
func (Runtime) Name() string { return Name }

// Up puts a front proxy before every service of spec (each must be external) and the
// scenario's named proxies, then waits, in start order, until each service passes its
// readiness check through its proxy. It starts no service. On error it returns the
// half-built stack for Down.
func (Runtime) Up(ctx context.Context, spec scenario.Stack, opts ...stack.UpOption) (stack.Stack, error) {
	cfg := stack.NewUpConfig(opts...)
	order, err := scenario.StartOrder(spec.Services)
	if err != nil {
		return nil, fmt.Errorf("start external stack: %w", err)
	}
	tp, err := front.StartEmbedded(ctx)
	if err != nil {
		return nil, fmt.Errorf("start external stack: %w", err)
	}
	st := &externalStack{toxi: tp, services: map[string]*service{}, checks: cfg.Readiness}
	for _, svc := range order {
		if err := st.front(ctx, svc); err != nil {
			return st, fmt.Errorf("start external stack: %w", err)
		}
	}
	for _, px := range spec.Proxies {
		up, ok := st.services[px.Upstream]
		if !ok {
			return st, fmt.Errorf("start external stack: proxy %s: no service %q", px.Name, px.Upstream)
		}
		if _, err := tp.CreateProxy(px.Name, "127.0.0.1:0", up.addr); err != nil {
			return st, fmt.Errorf("start external stack: %w", err)
		}
	}
	return st, nil
}

// externalStack is the proxies drill made in front of services it did not start.
type externalStack struct {
	toxi     *front.Embedded
	services map[string]*service
	checks   stack.ReadyChecks // the readiness kinds, a program's included
	downOnce sync.Once
	downErr  error
}

// front makes svc's front proxy and waits until svc answers its readiness check
// through it.
func (s *externalStack) front(ctx context.Context, spec scenario.Service) error {
	if !spec.IsExternal() {
		return fmt.Errorf("service %s: the external runtime only reaches services with external: ENDPOINT (drill starts none)", spec.Name)
	}
	addr, err := spec.ExternalAddr()
	if err != nil {
		return fmt.Errorf("service %s: %w", spec.Name, err)
	}
	endpoint, err := s.toxi.CreateProxy(spec.Name, "127.0.0.1:0", addr)
	if err != nil {
		return err
	}
	svc := &service{spec: spec, addr: addr, endpoint: endpoint}
	s.services[spec.Name] = svc
	if err := waitReady(ctx, s.checks, spec, endpoint); err != nil {
		return fmt.Errorf("service %s at %s: %w", spec.Name, addr, err)
	}
	return nil
}

// Service implements stack.Stack.
func (s *externalStack) Service(name string) (stack.Service, error) {
	svc, ok := s.services[name]
	if !ok {
		return nil, fmt.Errorf("no service %q", name)
	}
	return svc, nil
}

// Outlives implements stack.Outliver: the services run on after the trial, so what its
// change did to them is undone at reset when the rollback did not.
func (s *externalStack) Outlives() bool { return true }

// Toxiproxy implements stack.Stack.
func (s *externalStack) Toxiproxy() *toxiclient.Client { return s.toxi.Client }

// Down removes the proxies drill made, closing the connections through them; the
// services themselves are not touched.
func (s *externalStack) Down(context.Context) error {
	s.downOnce.Do(func() { s.downErr = s.toxi.Close() })
	return s.downErr
}

// service is one external service behind its front proxy.
type service struct {
	spec     scenario.Service
	addr     string // the service's own host:port
	endpoint string // its front proxy's
}

// Endpoint implements stack.Service: the front proxy.
func (s *service) Endpoint() string { return s.endpoint }

// Release implements stack.Service: the release the scenario says runs, else "external".
func (s *service) Release() string {
	if s.spec.Release != "" {
		return s.spec.Release
	}
	return Name
}

// errDeploy is why an external service is never deployed by drill.
var errDeploy = errors.New("drill does not deploy a service it did not start: make the change and the rollback hook steps (the team's own deploy command or URL)")

// Deploy implements stack.Service: refused (preflight refuses it before any trial,
// since the runtime lacks stack.CapDeploy).
func (s *service) Deploy(context.Context, string, ...stack.DeployOption) error {
	return fmt.Errorf("deploy %s: %w", s.spec.Name, errDeploy)
}
