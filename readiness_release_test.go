package drill_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/drillhq/drill"
)

// releaseReady is a readiness kind a program adds to drill (kinds_test.go registers it
// with drill.WithReadiness): a service is ready once a GET of params.path on its health
// endpoint answers JSON naming a release. It records the releases it saw ready, so a
// spec can see that this kind, not a built-in one, gated every start.
type releaseReady struct {
	Path string `param:"path,required"`
	seen *releases
}

// releases is what the releaseReady checks saw, in order.
type releases struct {
	mu    sync.Mutex
	ready []string
}

func (r *releases) add(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ready = append(r.ready, name)
}

func (r *releases) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.ready...)
}

// newReleaseReady builds the kind from a service's ready.params, strictly.
func newReleaseReady(seen *releases) func(map[string]any) (drill.ReadyKind, error) {
	return func(params map[string]any) (drill.ReadyKind, error) {
		r := &releaseReady{seen: seen}
		if err := drill.DecodeParams("readiness", "release", params, r); err != nil {
			return nil, err
		}
		return r, nil
	}
}

// Every implements drill.ReadyKind: how often the runtime polls Check.
func (*releaseReady) Every() time.Duration { return 10 * time.Millisecond }

// Check implements drill.ReadyKind: one attempt on the starting instance t.
func (r *releaseReady) Check(ctx context.Context, t drill.ReadyTarget) error {
	addr, err := t.Addr(ctx)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+r.Path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var v struct {
		Release string `json:"release"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || v.Release == "" {
		return fmt.Errorf("%s names no release yet (status %d)", r.Path, resp.StatusCode)
	}
	r.seen.add(v.Release)
	return nil
}
