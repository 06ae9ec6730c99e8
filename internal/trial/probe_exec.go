package trial

import (
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
)

// execProbe is the built-in probe kind set by probes.exec: a command on drill's host
// that passes when it exits 0.
type execProbe struct{}

// Kind is the kind's key in probes.
func (execProbe) Kind() string { return scenario.ProbeExec }

// Set reports whether probes.exec is set.
func (execProbe) Set(pr scenario.Probes) bool { return pr.Exec != nil }

// Prober runs probes.exec's command with every service's endpoint in its environment.
func (execProbe) Prober(sc *scenario.Scenario, env ProbeEnv) (measure.Prober, error) {
	vars, err := endpointVars(sc, env.Endpoint)
	if err != nil {
		return nil, err
	}
	return &measure.ExecProbe{Command: sc.Probes.Exec.Command, Env: vars, Interval: env.Interval, Timeout: env.Timeout}, nil
}

// endpointVars is DRILL_ENDPOINT_<SERVICE>=host:port for every service, so an exec
// probe reaches services whose ports the runtime chose.
func endpointVars(sc *scenario.Scenario, endpoint func(service string) (string, error)) ([]string, error) {
	env := make([]string, 0, len(sc.Stack.Services))
	for _, s := range sc.Stack.Services {
		ep, err := endpoint(s.Name)
		if err != nil {
			return nil, err
		}
		env = append(env, EndpointEnvName(s.Name)+"="+ep)
	}
	return env, nil
}
