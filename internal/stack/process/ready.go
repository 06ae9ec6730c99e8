package process

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// readyCheck is one attempt at a service's readiness check: nil once the service serves.
type readyCheck func(ctx context.Context) error

// Poll intervals of readiness checks: a check that costs a process (exec) is polled less
// often than a connection attempt. Each interval bounds how late a start is seen ready.
const (
	readyPoll     = 5 * time.Millisecond
	readyPollExec = 25 * time.Millisecond
)

// waitReady polls check until it passes, the timeout passes, ctx ends, or exited closes
// (the service died while starting). Polling a real check is the only readiness signal;
// nothing here sleeps a fixed time hoping the service is up.
func waitReady(ctx context.Context, check readyCheck, every, timeout time.Duration, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		last := check(ctx)
		if last == nil {
			return nil
		}
		select {
		case <-exited:
			return errors.New("exited before it was ready")
		case <-ctx.Done():
			if ctx.Err() == context.Canceled {
				return fmt.Errorf("deploy aborted before it was ready: %w", ctx.Err())
			}
			return fmt.Errorf("not ready after %s: %w", timeout, last)
		case <-tick.C:
		}
	}
}

// instanceTarget is what a readiness check of one process instance needs: where it
// listens, its environment (for exec checks), and what it printed (for log checks).
type instanceTarget struct {
	healthAddr string // 127.0.0.1:HEALTH_PORT, or its PORT
	env        map[string]string
	vars       map[string]string // wiring variables, for an exec check's argv
	output     *logWatch
}

// processCheck builds the readiness check r for one process instance.
func processCheck(r scenario.Ready, t instanceTarget) (readyCheck, time.Duration) {
	switch {
	case r.HTTP != nil:
		client := &http.Client{Timeout: time.Second}
		url := "http://" + t.healthAddr + r.HTTP.Path
		return func(ctx context.Context) error { return checkHTTP(ctx, client, url, r.HTTP.Status) }, readyPoll
	case r.TCP != nil:
		return func(ctx context.Context) error { return checkTCP(ctx, t.healthAddr) }, readyPoll
	case len(r.Exec) > 0:
		argv := stack.ExpandAll(r.Exec, t.vars)
		return func(ctx context.Context) error { return checkExec(ctx, argv, t.env) }, readyPollExec
	case r.Log != "":
		return func(context.Context) error {
			if t.output.seen() {
				return nil
			}
			return fmt.Errorf("its output did not show %q yet", r.Log)
		}, readyPoll
	}
	return func(context.Context) error { return nil }, readyPoll
}

// checkHTTP GETs url and wants status (any 2xx when status is 0).
func checkHTTP(ctx context.Context, client *http.Client, url string, status int) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if (status == 0 && resp.StatusCode/100 != 2) || (status != 0 && resp.StatusCode != status) {
		return fmt.Errorf("health answered %d", resp.StatusCode)
	}
	return nil
}

// checkTCP opens and closes a TCP connection to addr.
func checkTCP(ctx context.Context, addr string) error {
	d := net.Dialer{Timeout: time.Second}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return c.Close()
}

// execCheckTimeout bounds one run of an exec readiness check.
const execCheckTimeout = 5 * time.Second

// checkExec runs argv with env added to drill's and wants exit 0; a run past
// execCheckTimeout (or ctx) has its whole process group killed.
func checkExec(ctx context.Context, argv []string, env map[string]string) error {
	ctx, cancel := context.WithTimeout(ctx, execCheckTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	out, err := cmd.CombinedOutput()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if len(msg) > 200 {
			msg = msg[len(msg)-200:]
		}
		if msg != "" {
			return fmt.Errorf("%s: %w: %s", argv[0], err, msg)
		}
		return fmt.Errorf("%s: %w", argv[0], err)
	}
	return nil
}

// hostPort is 127.0.0.1:port.
func hostPort(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }
