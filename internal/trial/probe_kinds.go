package trial

import (
	"fmt"
	"time"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/params"
	"github.com/drillhq/drill/internal/scenario"
)

// Probe is a registered probe kind built from a scenario's probes.params: it makes the
// steady-state prober for the running stack of each trial.
type Probe interface {
	// Prober returns the prober of one trial; its results drive every timing measure.
	Prober(env ProbeEnv) (measure.Prober, error)
}

// ProbeEnv is what a probe kind gets of a trial: where the services are and the
// scenario's probe schedule.
type ProbeEnv struct {
	// Endpoint is the host:port at which clients reach the named service (its front
	// proxy, so faults and switches apply).
	Endpoint func(service string) (string, error)
	// Interval is probes.interval, Timeout probes.timeout.
	Interval, Timeout time.Duration
}

// ProbeBuilder makes a Probe from a scenario's probes.params, decoding them strictly
// (params.Decode): it fails on an unknown, mistyped or missing parameter, so a scenario
// naming the kind is checked when it is loaded.
type ProbeBuilder func(params map[string]any) (Probe, error)

// keyedProbe is a built-in probe kind, set by its own key of a scenario's probes
// (probes.http, probes.tcp, ...) rather than by probes.kind; one file each
// (probe_<kind>.go), registered in NewProbeRegistry.
type keyedProbe interface {
	// Kind is the kind's name: its key in probes and in results.
	Kind() string
	// Set reports whether the scenario's probes set this kind's key.
	Set(pr scenario.Probes) bool
	// Prober returns the prober of one trial from the scenario's settings of the kind.
	Prober(sc *scenario.Scenario, env ProbeEnv) (measure.Prober, error)
}

// ProbeRegistry maps the probe kinds a scenario sets to what builds their probers: the
// built-in kinds, set by their own keys (http, tcp, exec, prometheus), and the kinds a
// program registers, named by probes.kind. It is constructed, not global: adding a kind
// is one file and one Register line.
type ProbeRegistry struct {
	keyed []keyedProbe
	kinds *params.Kinds[Probe]
}

// NewProbeRegistry returns a registry holding the built-in probe kinds.
func NewProbeRegistry() *ProbeRegistry {
	r := &ProbeRegistry{kinds: params.NewKinds[Probe]("probe")}
	r.registerKeyed(httpProbe{})
	r.registerKeyed(tcpProbe{})
	r.registerKeyed(execProbe{})
	r.registerKeyed(prometheusProbe{})
	return r
}

// registerKeyed adds a built-in kind set by its own key of probes.
func (r *ProbeRegistry) registerKeyed(k keyedProbe) { r.keyed = append(r.keyed, k) }

// Register adds kind, replacing any earlier builder of that kind. It panics on an empty
// kind, a built-in probe's name or a nil builder, which are programming errors.
func (r *ProbeRegistry) Register(kind string, build ProbeBuilder) {
	for _, k := range r.keyed {
		if k.Kind() == kind {
			panic("probe: Register " + kind + ": a built-in probe's name")
		}
	}
	r.kinds.Register(kind, build)
}

// Build makes the Probe that probes.kind and probes.params describe.
func (r *ProbeRegistry) Build(kind string, p map[string]any) (Probe, error) {
	return r.kinds.Build(kind, p)
}

// Kinds lists the kinds registered for probes.kind, sorted (the built-in kinds, set by
// their own keys, are not among them).
func (r *ProbeRegistry) Kinds() []string { return r.kinds.Names() }

// Prober builds the prober of one trial for the probe kind the scenario sets: a built-in
// kind whose key is set, else the registered kind named by probes.kind.
func (r *ProbeRegistry) Prober(sc *scenario.Scenario, env ProbeEnv) (measure.Prober, error) {
	pr := sc.Probes
	for _, k := range r.keyed {
		if k.Set(pr) {
			return k.Prober(sc, env)
		}
	}
	if pr.Registered == "" {
		return nil, fmt.Errorf("build probe: the scenario sets no probe")
	}
	p, err := r.Build(pr.Registered, pr.Params)
	if err != nil {
		return nil, err
	}
	return p.Prober(env)
}
