package check

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// HTTP is a user-defined check behind an endpoint: GET url must answer 2xx with JSON
// {"pass":bool,"message":"..."}. No answer within the timeout, an unreachable
// endpoint, another status or another body is Unknown.
func HTTP(name, url string, opts ...Option) Checker {
	return httpCheck{name: name, url: url, o: newOptions(opts)}
}

type httpCheck struct {
	name, url string
	o         options
}

func (h httpCheck) Name() string { return h.name }

func (h httpCheck) Check(ctx context.Context) Finding {
	ctx, cancel := context.WithTimeout(ctx, h.o.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.url, nil)
	if err != nil {
		return unknown(h.name, fmt.Sprintf("build request: %v", err))
	}
	resp, err := h.o.client.Do(req)
	if err != nil {
		return unknown(h.name, fmt.Sprintf("get %s: %v", h.url, err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return unknown(h.name, fmt.Sprintf("read %s: %v", h.url, err))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return unknown(h.name, fmt.Sprintf("get %s: status %d: %s", h.url, resp.StatusCode, body))
	}
	var v struct {
		Pass    *bool  `json:"pass"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(body, &v); err != nil || v.Pass == nil {
		return unknown(h.name, fmt.Sprintf("decode %s: want {\"pass\":bool,\"message\":string}, got %.100q", h.url, body))
	}
	if !*v.Pass {
		return fail(h.name, v.Message, nil)
	}
	return pass(h.name, oneLine(v.Message))
}

// Command is a user-defined check run as a command: exit status 0 passes, any other
// fails, and the first line of its standard output is the message. A command that
// cannot start or outlives the timeout (its whole process group is then killed) is
// Unknown.
func Command(name string, argv []string, opts ...Option) Checker {
	return commandCheck{name: name, argv: argv, o: newOptions(opts)}
}

type commandCheck struct {
	name string
	argv []string
	o    options
}

func (c commandCheck) Name() string { return c.name }

func (c commandCheck) Check(ctx context.Context) Finding {
	if len(c.argv) == 0 {
		return unknown(c.name, "no command given")
	}
	ctx, cancel := context.WithTimeout(ctx, c.o.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.argv[0], c.argv[1:]...)
	cmd.Dir = c.o.dir
	cmd.Env = append(os.Environ(), c.o.env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	msg := oneLine(out.String())
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return unknown(c.name, fmt.Sprintf("%s: no verdict within %v", c.argv[0], c.o.timeout))
	case err == nil:
		return pass(c.name, msg)
	case errors.As(err, &exit) && exit.ExitCode() > 0:
		if msg == "" {
			msg = fmt.Sprintf("%s exited %d: %s", c.argv[0], exit.ExitCode(), oneLine(errOut.String()))
		}
		return fail(c.name, msg, nil)
	}
	return unknown(c.name, fmt.Sprintf("run %s: %v", c.argv[0], err))
}
