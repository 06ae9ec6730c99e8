package trial

import (
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
)

// prometheusProbe is the built-in probe kind set by probes.prometheus: a query to a
// Prometheus server whose value must meet a condition.
type prometheusProbe struct{}

// Kind is the kind's key in probes.
func (prometheusProbe) Kind() string { return scenario.ProbePrometheus }

// Set reports whether probes.prometheus is set.
func (prometheusProbe) Set(pr scenario.Probes) bool { return pr.Prometheus != nil }

// Prober queries probes.prometheus's server; its URL may name a service of the stack
// (${ENDPOINT_<SVC>}, its front proxy).
func (prometheusProbe) Prober(sc *scenario.Scenario, env ProbeEnv) (measure.Prober, error) {
	p := sc.Probes.Prometheus
	cond, err := scenario.CompileProbeCondition(p.Condition)
	if err != nil {
		return nil, err
	}
	url := sc.Stack.ExpandEndpoints(p.URL, func(name string) string {
		if ep, err := env.Endpoint(name); err == nil {
			return ep
		}
		return ""
	})
	return &measure.PrometheusProbe{URL: url, Query: p.Query, Condition: cond, Interval: env.Interval, Timeout: env.Timeout}, nil
}
