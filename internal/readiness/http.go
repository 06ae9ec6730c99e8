package readiness

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// httpKind is the built-in kind set by ready.http (and the health shorthand): a GET of
// a path that answers the expected status.
type httpKind struct{}

// Kind is the kind's key in ready.
func (httpKind) Kind() string { return "http" }

// Set reports whether ready.http is set.
func (httpKind) Set(r scenario.Ready) bool { return r.HTTP != nil }

// Check GETs ready.http.path at the instance's health endpoint.
func (httpKind) Check(r scenario.Ready) stack.ReadyCheck {
	return httpCheck{path: r.HTTP.Path, status: r.HTTP.Status, client: &http.Client{Timeout: attemptTimeout}}
}

// httpCheck wants status of a GET of path (any 2xx when status is 0).
type httpCheck struct {
	path   string
	status int
	client *http.Client
}

// Every is the poll interval of a connection attempt.
func (httpCheck) Every() time.Duration { return pollConnect }

// Check GETs the path once.
func (c httpCheck) Check(ctx context.Context, t stack.ReadyTarget) error {
	addr, err := t.Addr(ctx)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+c.path, nil)
	if err != nil {
		return err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if (c.status == 0 && resp.StatusCode/100 != 2) || (c.status != 0 && resp.StatusCode != c.status) {
		return fmt.Errorf("health answered %d", resp.StatusCode)
	}
	return nil
}
