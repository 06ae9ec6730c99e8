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

// newWorkload builds the scenario's workload against the running stack: nil for kind
// none; ledger is the same workload when it is the ledger fixture's (its consistency
// checks need to know), else nil.
func newWorkload(sc *scenario.Scenario, st stack.Stack, rng *rand.Rand) (wl measure.Workload, ledger *measure.Ledger, err error) {
	w := sc.Workload
	if w.Kind != scenario.WorkloadLedger && w.Kind != scenario.WorkloadHTTP {
		return nil, nil, nil
	}
	svc, err := st.Service(w.Service)
	if err != nil {
		return nil, nil, err
	}
	if w.Kind == scenario.WorkloadLedger {
		l := &measure.Ledger{Endpoint: svc.Endpoint(), Rate: w.Rate, Accounts: w.Accounts, Timeout: w.Timeout.D(), Rand: rng}
		return l, l, nil
	}
	spec := measure.HTTPWorkloadSpec{Endpoint: svc.Endpoint(), Rate: w.Rate, Timeout: w.Timeout.D(), Rand: rng}
	for _, r := range w.Setup {
		spec.Setup = append(spec.Setup, measure.HTTPRequest{Method: r.Method, Path: r.Path, Headers: r.Headers, Body: r.Body})
	}
	if wr := w.Write; wr != nil {
		spec.Write = measure.HTTPRequest{Method: wr.Method, Path: wr.Path, Headers: wr.Headers, Body: wr.Body}
		spec.Success = wr.Success
	}
	if rd := w.Read; rd != nil {
		spec.Read = measure.HTTPRequest{Method: rd.Method, Path: rd.Path, Headers: rd.Headers}
		spec.IDs = rd.IDs
	}
	h, err := measure.NewHTTPWorkload(spec)
	if err != nil {
		return nil, nil, err
	}
	return h, nil, nil
}

// setupWorkload builds the workload and runs its setup, before the trial clock starts.
func (t *run) setupWorkload(ctx context.Context, st stack.Stack) error {
	wl, ledger, err := newWorkload(t.sc, st, rand.New(rand.NewPCG(uint64(t.res.Seed), uint64(t.res.Index))))
	if err != nil || wl == nil {
		return err
	}
	t.wl, t.ledger = wl, ledger
	if err := wl.Setup(ctx); err != nil {
		return fmt.Errorf("set up workload: %w", err)
	}
	return nil
}
