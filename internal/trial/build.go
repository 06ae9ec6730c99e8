package trial

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// tcpSettle is how long a TCP probe watches an opened connection for the front proxy
// closing it at once (what Toxiproxy does when nothing serves behind it).
const tcpSettle = 20 * time.Millisecond

// newProber builds the scenario's steady-state probe against the running stack.
func newProber(sc *scenario.Scenario, st stack.Stack, reg *ProbeRegistry) (measure.Prober, error) {
	pr := sc.Probes
	iv, to := pr.Interval.D(), pr.Timeout.D()
	switch {
	case pr.Registered != "":
		p, err := reg.Build(pr.Registered, pr.Params)
		if err != nil {
			return nil, err
		}
		return p.Prober(ProbeEnv{Interval: iv, Timeout: to, Endpoint: func(name string) (string, error) {
			svc, err := st.Service(name)
			if err != nil {
				return "", err
			}
			return svc.Endpoint(), nil
		}})
	case pr.HTTP != nil:
		h := pr.HTTP
		svc, err := st.Service(h.Service)
		if err != nil {
			return nil, err
		}
		return &measure.HTTPProbe{URL: "http://" + svc.Endpoint() + h.Path, Method: h.Method, Status: h.Status,
			BodyContains: h.BodyContains, MaxLatency: h.MaxLatency.D(), Interval: iv, Timeout: to,
			Fresh: h.Connection == scenario.ConnectionFresh}, nil
	case pr.TCP != nil:
		svc, err := st.Service(pr.TCP.Service)
		if err != nil {
			return nil, err
		}
		return &measure.TCPProbe{Addr: svc.Endpoint(), Interval: iv, Timeout: to, Settle: min(tcpSettle, to/2)}, nil
	case pr.Exec != nil:
		env, err := endpointEnv(sc, st)
		if err != nil {
			return nil, err
		}
		return &measure.ExecProbe{Command: pr.Exec.Command, Env: env, Interval: iv, Timeout: to}, nil
	case pr.Prometheus != nil:
		p := pr.Prometheus
		cond, err := scenario.CompileProbeCondition(p.Condition)
		if err != nil {
			return nil, err
		}
		// The URL may name a service of the stack: ${ENDPOINT_<SVC>}, its front proxy.
		url := sc.Stack.ExpandEndpoints(p.URL, func(name string) string {
			if svc, err := st.Service(name); err == nil {
				return svc.Endpoint()
			}
			return ""
		})
		return &measure.PrometheusProbe{URL: url, Query: p.Query, Condition: cond, Interval: iv, Timeout: to}, nil
	}
	return nil, fmt.Errorf("build probe: the scenario sets no probe")
}

// endpointEnv is DRILL_ENDPOINT_<SERVICE>=host:port for every service, so an exec
// probe reaches services whose ports the runtime chose.
func endpointEnv(sc *scenario.Scenario, st stack.Stack) ([]string, error) {
	env := make([]string, 0, len(sc.Stack.Services))
	for _, s := range sc.Stack.Services {
		svc, err := st.Service(s.Name)
		if err != nil {
			return nil, err
		}
		env = append(env, EndpointEnvName(s.Name)+"="+svc.Endpoint())
	}
	return env, nil
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
