package rollback

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/drillhq/drill/internal/params"
	"github.com/drillhq/drill/internal/secret"
	"github.com/drillhq/drill/internal/stack"
)

// Hook rolls back through the team's own tooling: it runs a command (`helm rollback`,
// `kubectl rollout undo`, a pipeline's CLI) or calls an HTTP endpoint (a CD tool's API),
// within a timeout, keeping its output for the raw records. CD tools report success
// before the old version serves, so the hook can then wait for a completion condition:
// a path of a service answering 2xx. Steps: "hook_done" when the command or call
// succeeded, "hook_ready" when the condition held.
type Hook struct {
	// Command is the argv to run (the first element is looked up in PATH), with
	// DRILL_ENDPOINT_<SERVICE> of every service in its environment. Exactly one of
	// command and url. ${env:NAME} and ${file:PATH} in an element are secrets: resolved
	// when the hook runs, recorded as ***.
	Command []string `param:"command"`
	// URL to call instead; $DRILL_ENDPOINT_<SERVICE> in it is expanded, ${env:NAME} and
	// ${file:PATH} are secrets resolved when the hook runs. The URL is recorded with its
	// secrets, userinfo and query values as ***.
	URL string `param:"url"`
	// Method of the call (default POST).
	Method string `param:"method"`
	// Body of the call.
	Body string `param:"body"`
	// ContentType of the body (default application/json).
	ContentType string `param:"content_type"`
	// Status the endpoint must answer (default: any 2xx).
	Status int `param:"status"`
	// Timeout bounds the command or call (default 30s); past it the command's whole
	// process group is killed and the rollback failed.
	Timeout time.Duration `param:"timeout"`
	// WaitPath, when set, is a path that must answer 2xx on WaitService before the
	// rollback's last step: the completion condition.
	WaitPath string `param:"wait_path"`
	// WaitService is the service WaitPath is asked of (default the mechanism's service).
	WaitService string `param:"wait_service"`
	// WaitTimeout bounds the wait for the condition (default 30s).
	WaitTimeout time.Duration `param:"wait_timeout"`
	// WaitInterval is the time between two attempts of the condition (default 100ms).
	WaitInterval time.Duration `param:"wait_interval"`
}

func buildHook(p map[string]any) (Mechanism, error) {
	h := Hook{Method: http.MethodPost, ContentType: "application/json", Timeout: 30 * time.Second,
		WaitTimeout: 30 * time.Second, WaitInterval: 100 * time.Millisecond}
	if err := decodeParams("hook", p, &h); err != nil {
		return nil, err
	}
	switch {
	case (len(h.Command) == 0) == (h.URL == ""):
		return nil, errors.New(`mechanism "hook": set exactly one of "command" (an argv) and "url"`)
	case h.URL != "" && !strings.HasPrefix(h.URL, "http://") && !strings.HasPrefix(h.URL, "https://"):
		return nil, params.Errorf("url", `mechanism "hook": parameter "url" must start with http:// or https://, got %q`, h.URL)
	case h.WaitPath != "" && !strings.HasPrefix(h.WaitPath, "/"):
		return nil, params.Errorf("wait_path", `mechanism "hook": parameter "wait_path" must start with "/", got %q`, h.WaitPath)
	case h.WaitPath == "" && h.WaitService != "":
		return nil, params.Errorf("wait_service", `mechanism "hook": parameter "wait_service" needs "wait_path"`)
	case h.WaitTimeout <= 0 || h.WaitInterval <= 0:
		return nil, errors.New(`mechanism "hook": parameters "wait_timeout" and "wait_interval" must be greater than 0`)
	}
	if err := checkCall("hook", h.Method, h.Status, h.Timeout); err != nil {
		return nil, err
	}
	if err := secret.Check(h.URL); err != nil {
		return nil, params.Errorf("url", `mechanism "hook": parameter "url": %v`, err)
	}
	for _, a := range h.Command {
		if err := secret.Check(a); err != nil {
			return nil, params.Errorf("command", `mechanism "hook": parameter "command": %v`, err)
		}
	}
	return h, nil
}

// Rollback implements Mechanism. Secrets are resolved here, at use; every step, error
// and output it records shows them as *** (internal/secret).
func (h Hook) Rollback(ctx context.Context, t Target) error {
	var mask secret.Masker
	out := capped{mask: &mask}
	defer out.flush(t.Output)
	if len(h.Command) > 0 {
		argv, shown := make([]string, len(h.Command)), make([]string, len(h.Command))
		for i, a := range h.Command {
			v, err := secret.Resolve(a)
			if err != nil {
				return fmt.Errorf("hook: %w", err)
			}
			argv[i], shown[i] = v, secret.Mask(a)
			mask.Add(secret.Values(a)...)
		}
		if err := h.run(ctx, t, argv, shown, &out); err != nil {
			return mask.Err(err)
		}
		t.step("hook_done", strings.Join(shown, " "))
	} else {
		status, err := h.call(ctx, t, &out, &mask)
		if err != nil {
			return mask.Err(err)
		}
		t.step("hook_done", fmt.Sprintf("%s %s: %d", h.Method, secret.RedactURL(h.URL), status))
	}
	if h.WaitPath == "" {
		return nil
	}
	return h.wait(ctx, t)
}

// run runs argv within the timeout; its output goes to out. Messages name the command
// as shown (its secrets masked).
func (h Hook) run(ctx context.Context, t Target, argv, shown []string, out *capped) error {
	ctx, cancel := context.WithTimeout(ctx, h.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), t.Env...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 100 * time.Millisecond // output pipes held by a killed group's stragglers
	err := cmd.Run()
	switch {
	case err == nil:
		return nil
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("hook %s: did not finish within %s (raise params.timeout)", shown[0], h.Timeout)
	case ctx.Err() != nil:
		return fmt.Errorf("hook %s: %w", shown[0], ctx.Err())
	default:
		msg := lastLine(out.buf.Bytes())
		if msg != "" {
			msg = ": " + msg
		}
		return fmt.Errorf("hook %s: %v%s", shown[0], err, msg)
	}
}

// call makes the HTTP call within the timeout; the answer goes to out. The URL's
// secrets are resolved now, and mask learns them (and the URL's own password and query
// values) so that no error or output shows them.
func (h Hook) call(ctx context.Context, t Target, out *capped, mask *secret.Masker) (int, error) {
	resolved, err := secret.Resolve(h.URL)
	if err != nil {
		return 0, fmt.Errorf("hook: %w", err)
	}
	mask.Add(secret.Values(h.URL)...)
	url, err := expandEnv(resolved, t.Env)
	if err != nil {
		return 0, err
	}
	mask.Add(secret.URLValues(url)...)
	shown, err := expandEnv(secret.Mask(h.URL), t.Env)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, h.Timeout)
	defer cancel()
	req := request{method: h.Method, url: url, body: h.Body, contentType: h.ContentType, status: h.Status, shown: secret.RedactURL(shown)}
	status, err := req.do(ctx, operatorClient, out)
	if err != nil {
		return status, fmt.Errorf("hook: %w", err)
	}
	return status, nil
}

// wait asks WaitPath of the wait service every WaitInterval until it answers 2xx: the
// completion condition a CD tool's "success" does not guarantee.
func (h Hook) wait(ctx context.Context, t Target) error {
	name := h.WaitService
	if name == "" {
		name = t.Service
	}
	if t.Stack == nil {
		return fmt.Errorf("hook: wait for %s: target has no stack", name)
	}
	svc, err := t.Stack.Service(name)
	if err != nil {
		return fmt.Errorf("hook: wait for %s: %w", name, err)
	}
	ctx, cancel := context.WithTimeout(ctx, h.WaitTimeout)
	defer cancel()
	url := "http://" + svc.Endpoint() + h.WaitPath
	tick := time.NewTicker(h.WaitInterval)
	defer tick.Stop()
	var last error
	for attempts := 1; ; attempts++ {
		actx, acancel := context.WithTimeout(ctx, max(h.WaitInterval, time.Second))
		_, last = request{method: http.MethodGet, url: url}.do(actx, operatorClient, io.Discard)
		acancel()
		if last == nil {
			t.step("hook_ready", fmt.Sprintf("GET %s on %s answered 2xx after %d attempt(s)", h.WaitPath, name, attempts))
			return nil
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("hook: %s on %s did not answer 2xx within %s (raise params.wait_timeout): %w", h.WaitPath, name, h.WaitTimeout, last)
			}
			return fmt.Errorf("hook: wait for %s on %s: %w", h.WaitPath, name, ctx.Err())
		}
	}
}

// expandEnv expands $NAME and ${NAME} in s from env (NAME=value entries); a name env
// does not hold is an error listing the ones it does.
func expandEnv(s string, env []string) (string, error) {
	vars := map[string]string{}
	names := make([]string, 0, len(env))
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
		names = append(names, k)
	}
	var missing string
	out := os.Expand(s, func(k string) string {
		v, ok := vars[k]
		if !ok && missing == "" {
			missing = k
		}
		return v
	})
	if missing != "" {
		return "", fmt.Errorf("hook: url names $%s, which is not set (set: %s)", missing, strings.Join(names, ", "))
	}
	return out, nil
}

// Needs implements stack.Needer: every variable of the URL is DRILL_ENDPOINT_<SERVICE> of
// a service of the stack (nothing else is set for it), so is every DRILL_ENDPOINT_ the
// command names, and the wait service is a service.
func (h Hook) Needs() []stack.Need {
	var needs []stack.Need
	os.Expand(secret.Mask(h.URL), func(name string) string {
		needs = append(needs, stack.Need{Stack: stack.NeedEndpoint, Var: name, Param: "url"})
		return ""
	})
	needs = append(needs, stack.EndpointNeeds("command", h.Command)...)
	if h.WaitService != "" {
		needs = append(needs, stack.Need{Stack: stack.NeedService, Service: h.WaitService, Param: "wait_service"})
	}
	return needs
}
