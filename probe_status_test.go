package drill_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"

	"github.com/drillhq/drill"
)

// statusProbe is a probe kind a program adds to drill (kinds_test.go registers it with
// drill.WithProbe): a GET of params.path on params.service that passes on any 2xx.
type statusProbe struct {
	Service string `param:"service,required"`
	Path    string `param:"path,required"`
	// runs counts the probes made, so a spec can see that this kind did the probing.
	runs *atomic.Int64
}

// newStatusProbe builds the kind from a scenario's probes.params, strictly.
func newStatusProbe(runs *atomic.Int64) func(map[string]any) (drill.Probe, error) {
	return func(params map[string]any) (drill.Probe, error) {
		p := &statusProbe{runs: runs}
		if err := drill.DecodeParams("probe", "status", params, p); err != nil {
			return nil, err
		}
		return p, nil
	}
}

// Prober implements drill.Probe: one prober per trial, against that trial's stack.
func (p *statusProbe) Prober(env drill.ProbeEnv) (drill.Prober, error) {
	addr, err := env.Endpoint(p.Service)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Timeout: env.Timeout}
	return proberFunc(func(ctx context.Context, clock drill.ProbeClock, emit func(drill.ProbeResult)) {
		drill.OpenLoop(ctx, env.Interval, func(seq int) {
			p.runs.Add(1)
			r := drill.ProbeResult{Seq: seq, Start: clock.Now()}
			resp, err := client.Get("http://" + addr + p.Path)
			r.End = clock.Now()
			if err != nil {
				r.Err = err.Error()
				emit(r)
				return
			}
			resp.Body.Close()
			r.Status, r.OK = resp.StatusCode, resp.StatusCode/100 == 2
			if !r.OK {
				r.Err = fmt.Sprintf("status %d", resp.StatusCode)
			}
			emit(r)
		})
	}), nil
}

// proberFunc adapts a function to drill.Prober.
type proberFunc func(ctx context.Context, clock drill.ProbeClock, emit func(drill.ProbeResult))

func (f proberFunc) Run(ctx context.Context, clock drill.ProbeClock, emit func(drill.ProbeResult)) {
	f(ctx, clock, emit)
}
