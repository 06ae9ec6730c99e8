package rollback

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/drillhq/drill/internal/params"
)

// FeatureFlag rolls back by turning the defect's flag off through the service's own API:
// one HTTP call to the service (through its front proxy) answered with the expected
// status. Nothing restarts: the release that carries the defect keeps running. It
// reports the step "flag_set" with the status the service answered.
type FeatureFlag struct {
	// Method of the call (default PUT).
	Method string `param:"method"`
	// Path of the flag's API on the service, e.g. /flags/new-ledger.
	Path string `param:"path,required"`
	// Body of the call, e.g. {"enabled": false}.
	Body string `param:"body"`
	// ContentType of the body (default application/json).
	ContentType string `param:"content_type"`
	// Status the service must answer (default: any 2xx).
	Status int `param:"status"`
	// Timeout bounds the call (default 5s).
	Timeout time.Duration `param:"timeout"`
}

func buildFeatureFlag(p map[string]any) (Mechanism, error) {
	f := FeatureFlag{Method: http.MethodPut, ContentType: "application/json", Timeout: 5 * time.Second}
	if err := decodeParams("feature-flag", p, &f); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(f.Path, "/") {
		return nil, params.Errorf("path", "mechanism %q: parameter \"path\" must start with \"/\", got %q", "feature-flag", f.Path)
	}
	if err := checkCall("feature-flag", f.Method, f.Status, f.Timeout); err != nil {
		return nil, err
	}
	return f, nil
}

// Rollback implements Mechanism.
func (f FeatureFlag) Rollback(ctx context.Context, t Target) error {
	svc, err := t.service("feature-flag")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, f.Timeout)
	defer cancel()
	var out capped
	defer out.flush(t.Output)
	req := request{method: f.Method, url: "http://" + svc.Endpoint() + f.Path, body: f.Body, contentType: f.ContentType, status: f.Status}
	status, err := req.do(ctx, http.DefaultClient, &out)
	if err != nil {
		return fmt.Errorf("feature-flag %s: %w", t.Service, err)
	}
	t.step("flag_set", fmt.Sprintf("%s %s: %d", f.Method, f.Path, status))
	return nil
}

// checkCall checks the parameters of an HTTP call: a method, an HTTP status (0: any
// 2xx), a positive timeout.
func checkCall(kind, method string, status int, timeout time.Duration) error {
	switch {
	case method == "" || strings.ContainsAny(method, " /"):
		return params.Errorf("method", "mechanism %q: parameter \"method\" must be an HTTP method such as PUT, got %q", kind, method)
	case status != 0 && (status < 100 || status > 599):
		return params.Errorf("status", "mechanism %q: parameter \"status\" must be an HTTP status (100-599), got %d", kind, status)
	case timeout <= 0:
		return params.Errorf("timeout", "mechanism %q: parameter \"timeout\" must be greater than 0", kind)
	}
	return nil
}
