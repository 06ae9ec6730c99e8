package inject

import (
	"fmt"

	"github.com/drillhq/drill/internal/params"
	"github.com/drillhq/drill/internal/scenario"
)

// Builder makes a Fault from a scenario's params, decoding them strictly: it fails on an
// unknown, mistyped or out-of-range parameter.
type Builder func(params map[string]any) (Fault, error)

// Registry maps fault kinds to their builders. It is constructed, not global, so each
// engine (and each test) owns its set of kinds.
type Registry struct {
	kinds *params.Kinds[Fault]
}

// NewRegistry returns a registry holding every built-in kind: the Toxiproxy toxics
// (latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data), down (proxy
// disabled), the service faults kill, stop, pause, restart, and disconnect.
func NewRegistry() *Registry {
	r := &Registry{kinds: params.NewKinds[Fault]("fault")}
	r.Register("latency", buildLatency)
	r.Register("bandwidth", buildBandwidth)
	r.Register("slow_close", buildSlowClose)
	r.Register("timeout", buildTimeout)
	r.Register("reset_peer", buildResetPeer)
	r.Register("slicer", buildSlicer)
	r.Register("limit_data", buildLimitData)
	r.Register("down", buildDown)
	r.Register("kill", buildKill)
	r.Register("stop", buildStop)
	r.Register("pause", buildPause)
	r.Register("restart", buildRestart)
	r.Register("disconnect", buildDisconnect)
	return r
}

// Register adds kind, replacing any earlier builder of that kind. It panics on an empty
// kind or a nil builder, which are programming errors.
func (r *Registry) Register(kind string, build func(params map[string]any) (Fault, error)) {
	r.kinds.Register(kind, build)
}

// Build makes the Fault a scenario describes. The engine calls it when it validates a
// scenario, so an unknown kind or a misspelled parameter fails before anything starts.
func (r *Registry) Build(f scenario.Fault) (Fault, error) {
	if err := r.kinds.Check(f.Kind); err != nil {
		return nil, err
	}
	if f.Target == "" {
		return nil, fmt.Errorf("fault %q: missing target (a proxy or service name)", f.Kind)
	}
	if f.At < 0 || f.For < 0 {
		return nil, fmt.Errorf("fault %q: at and for must not be negative", f.Kind)
	}
	fault, err := r.kinds.Build(f.Kind, f.Params)
	if err != nil {
		return nil, err
	}
	if l, ok := fault.(Lasting); ok && l.LastsPastRollback() && f.For > 0 {
		return nil, fmt.Errorf("fault %q: takes no \"for\": it lasts until something starts the service again (the rollback, or params.restart: after with params.delay)", f.Kind)
	}
	return fault, nil
}

// Kinds lists the registered kinds, sorted.
func (r *Registry) Kinds() []string { return r.kinds.Names() }
