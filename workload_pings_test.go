package drill_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/drillhq/drill"
)

// pingsWorkload is a workload kind a program adds to drill (kinds_test.go registers it
// with drill.WithWorkload): a GET of params.path on params.service every params.every,
// from the trial's start to its end.
type pingsWorkload struct {
	Service string        `param:"service,required"`
	Path    string        `param:"path,required"`
	Every   time.Duration `param:"every"`
	sent    *atomic.Int64 // the pings sent, so a spec can see that this kind ran
}

// newPingsWorkload builds the kind from a scenario's workload.params, strictly.
func newPingsWorkload(sent *atomic.Int64) func(map[string]any) (drill.WorkloadKind, error) {
	return func(params map[string]any) (drill.WorkloadKind, error) {
		w := &pingsWorkload{Every: 20 * time.Millisecond, sent: sent}
		if err := drill.DecodeParams("workload", "pings", params, w); err != nil {
			return nil, err
		}
		return w, nil
	}
}

// Workload implements drill.WorkloadKind: one workload per trial, against its stack.
func (w *pingsWorkload) Workload(_ drill.Workload, env drill.WorkloadEnv) (drill.WorkloadOps, error) {
	addr, err := env.Endpoint(w.Service)
	if err != nil {
		return nil, err
	}
	return &pings{url: "http://" + addr + w.Path, every: w.Every, sent: w.sent}, nil
}

// pings is one trial's pings workload.
type pings struct {
	url   string
	every time.Duration
	sent  *atomic.Int64
}

// Setup sends nothing: the service needs no state.
func (p *pings) Setup(context.Context) error { return nil }

// Run pings until ctx ends; the probes, not the pings, measure the trial.
func (p *pings) Run(ctx context.Context, _ drill.ProbeClock, _ *drill.WorkloadHistory) {
	client := &http.Client{Timeout: time.Second}
	drill.OpenLoop(ctx, p.every, func(int) {
		p.sent.Add(1)
		if resp, err := client.Get(p.url); err == nil {
			resp.Body.Close()
		}
	})
}

// FinalRead reads nothing back: pings write nothing.
func (p *pings) FinalRead(context.Context) ([]string, error) { return nil, nil }
