package trial

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// newProber builds the scenario's steady-state probe against the running stack, from
// the probe kind it sets.
func newProber(sc *scenario.Scenario, st stack.Stack, reg *ProbeRegistry) (measure.Prober, error) {
	return reg.Prober(sc, ProbeEnv{Interval: sc.Probes.Interval.D(), Timeout: sc.Probes.Timeout.D(), Endpoint: stackEndpoint(st)})
}

// stackEndpoint returns the endpoint of a service of the running stack: its front proxy.
func stackEndpoint(st stack.Stack) func(service string) (string, error) {
	return func(name string) (string, error) {
		svc, err := st.Service(name)
		if err != nil {
			return "", err
		}
		return svc.Endpoint(), nil
	}
}

// endpointEnv is DRILL_ENDPOINT_<SERVICE>=host:port for every service of the running
// stack (endpointVars).
func endpointEnv(sc *scenario.Scenario, st stack.Stack) ([]string, error) {
	return endpointVars(sc, stackEndpoint(st))
}

// EndpointEnvName is the variable that holds a service's endpoint in an exec probe's
// or a user check's environment: DRILL_ENDPOINT_<SERVICE> (see stack.EnvName).
func EndpointEnvName(service string) string { return stack.EnvName("DRILL_ENDPOINT_", service) }

// setupWorkload builds the workload and runs its setup, before the trial clock starts.
func (t *run) setupWorkload(ctx context.Context, st stack.Stack) error {
	rng := rand.New(rand.NewPCG(uint64(t.res.Seed), uint64(t.res.Index)))
	env := WorkloadEnv{Endpoint: stackEndpoint(st), Rand: rng}
	for _, svc := range t.sc.Stack.Services {
		env.Services = append(env.Services, svc.Name)
	}
	wl, err := t.cfg.Kinds.Workloads.Workload(t.sc.Workload, env)
	if err != nil || wl == nil {
		return err
	}
	// The ledger fixture's workload: its consistency checks need to know.
	t.wl = wl
	t.ledger, _ = wl.(*measure.Ledger)
	if err := wl.Setup(ctx); err != nil {
		return fmt.Errorf("set up workload: %w", err)
	}
	return nil
}
