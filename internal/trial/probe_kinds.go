package trial

import (
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

// ProbeRegistry maps the probe kinds a scenario names with probes.kind to their builders;
// http, tcp, exec and prometheus are the scenario format's own keys. It is constructed,
// not global: adding a kind is one file with its builder and one Register line.
type ProbeRegistry struct {
	kinds *params.Kinds[Probe]
}

// NewProbeRegistry returns a registry without kinds: the built-in probes are the
// scenario's http, tcp, exec and prometheus keys.
func NewProbeRegistry() *ProbeRegistry {
	return &ProbeRegistry{kinds: params.NewKinds[Probe]("probe")}
}

// Register adds kind, replacing any earlier builder of that kind. It panics on an empty
// kind, a built-in probe's name or a nil builder, which are programming errors.
func (r *ProbeRegistry) Register(kind string, build ProbeBuilder) {
	for _, k := range scenario.ProbeKinds {
		if k == kind {
			panic("probe: Register " + kind + ": a built-in probe's name")
		}
	}
	r.kinds.Register(kind, build)
}

// Build makes the Probe that probes.kind and probes.params describe.
func (r *ProbeRegistry) Build(kind string, p map[string]any) (Probe, error) {
	return r.kinds.Build(kind, p)
}

// Kinds lists the registered kinds, sorted.
func (r *ProbeRegistry) Kinds() []string { return r.kinds.Names() }
