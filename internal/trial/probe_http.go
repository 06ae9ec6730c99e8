package trial

import (
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
)

// httpProbe is the built-in probe kind set by probes.http: a request to a service
// through its front proxy.
type httpProbe struct{}

// Kind is the kind's key in probes.
func (httpProbe) Kind() string { return scenario.ProbeHTTP }

// Set reports whether probes.http is set.
func (httpProbe) Set(pr scenario.Probes) bool { return pr.HTTP != nil }

// Prober probes the service's endpoint with probes.http's request and expectations.
func (httpProbe) Prober(sc *scenario.Scenario, env ProbeEnv) (measure.Prober, error) {
	h := sc.Probes.HTTP
	ep, err := env.Endpoint(h.Service)
	if err != nil {
		return nil, err
	}
	return &measure.HTTPProbe{URL: "http://" + ep + h.Path, Method: h.Method, Status: h.Status,
		BodyContains: h.BodyContains, MaxLatency: h.MaxLatency.D(), Interval: env.Interval, Timeout: env.Timeout,
		Fresh: h.Connection == scenario.ConnectionFresh}, nil
}
