package rollback

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/drillhq/drill/internal/params"
	"github.com/drillhq/drill/internal/secret"
)

// Call makes one HTTP call to the service (through its front proxy) and expects a
// status: the migration job's endpoint, an admin API, a cache flush. It is the step of a
// multi-step change or rollback that is neither a deploy nor a flag; its step "called"
// carries the status the service answered.
type Call struct {
	// Method of the call (default PUT).
	Method string `param:"method"`
	// Path on the service, e.g. /schema.
	Path string `param:"path,required"`
	// Body of the call, e.g. {"data_schema": 2}.
	Body string `param:"body"`
	// ContentType of the body (default application/json).
	ContentType string `param:"content_type"`
	// Status the service must answer (default: any 2xx).
	Status int `param:"status"`
	// Timeout bounds the call (default 5s).
	Timeout time.Duration `param:"timeout"`
}

func buildCall(p map[string]any) (Mechanism, error) { return decodeCall("call", p) }

// decodeCall decodes and checks the parameters of an HTTP call to the service for the
// mechanism kind.
func decodeCall(kind string, p map[string]any) (Call, error) {
	c := Call{Method: http.MethodPut, ContentType: "application/json", Timeout: 5 * time.Second}
	if err := decodeParams(kind, p, &c); err != nil {
		return Call{}, err
	}
	if !strings.HasPrefix(c.Path, "/") {
		return Call{}, params.Errorf("path", "mechanism %q: parameter \"path\" must start with \"/\", got %q", kind, c.Path)
	}
	if err := checkCall(kind, c.Method, c.Status, c.Timeout); err != nil {
		return Call{}, err
	}
	return c, nil
}

// Rollback implements Mechanism.
func (c Call) Rollback(ctx context.Context, t Target) error {
	return c.invoke(ctx, t, "call", "called")
}

// Describe implements Describer.
func (c Call) Describe(t Target) string {
	return fmt.Sprintf("%s %s on %s", c.Method, c.Path, t.Service)
}

// invoke makes the call on behalf of the mechanism kind and reports step with the
// status the service answered.
func (c Call) invoke(ctx context.Context, t Target, kind, step string) error {
	svc, err := t.service(kind)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	var out capped
	defer out.flush(t.Output)
	req := request{method: c.Method, url: "http://" + svc.Endpoint() + c.Path, body: c.Body, contentType: c.ContentType, status: c.Status}
	status, err := req.do(ctx, operatorClient, &out)
	if err != nil {
		return fmt.Errorf("%s %s: %w", kind, t.Service, err)
	}
	t.step(step, fmt.Sprintf("%s %s: %d", c.Method, secret.RedactURL(c.Path), status))
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
