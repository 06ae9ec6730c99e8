package docker

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/drillhq/drill/internal/readiness"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// readyPorts is the container port of a service's health endpoint ("8080/tcp") and the
// ports besides the service port it needs published (a health port of its own).
func readyPorts(r scenario.Ready, servicePort int) (health string, extra []string) {
	health = strconv.Itoa(servicePort) + "/tcp"
	if hp := r.HealthPort(servicePort); hp != 0 {
		health = strconv.Itoa(hp) + "/tcp"
		extra = []string{health}
	}
	return health, extra
}

// readyChecks builds every service's readiness check with checks (the built-in kinds
// when nil), before anything starts.
func readyChecks(spec scenario.Stack, checks stack.ReadyChecks) (map[string]stack.ReadyCheck, error) {
	if checks == nil {
		checks = readiness.NewRegistry()
	}
	out := make(map[string]stack.ReadyCheck, len(spec.Services))
	for _, svc := range spec.Services {
		c, err := checks.ReadyCheck(svc.Readiness())
		if err != nil {
			return nil, fmt.Errorf("start %s: %w", svc.Name, err)
		}
		out[svc.Name] = c
	}
	return out, nil
}

// readyStrategy polls a service's readiness check (any kind, built by the stack's
// stack.ReadyChecks) on a starting container, as testcontainers' wait strategies do:
// the check passes, the timeout passes, or the container stops running.
type readyStrategy struct {
	check   stack.ReadyCheck
	port    string            // the container port of the health endpoint, "8080/tcp"
	vars    map[string]string // wiring variables, for an exec check's argv
	timeout time.Duration
}

var _ wait.Strategy = readyStrategy{}

// WaitUntilReady implements wait.Strategy. A check is polled at the interval it asks
// for, but no more often than dockerPollInterval: each attempt costs API calls.
func (s readyStrategy) WaitUntilReady(ctx context.Context, target wait.StrategyTarget) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	tick := time.NewTicker(max(s.check.Every(), dockerPollInterval))
	defer tick.Stop()
	t := &containerTarget{target: target, port: s.port, vars: s.vars}
	var last error
	for {
		err := s.check.Check(ctx, t)
		if err == nil {
			return nil
		}
		if last == nil || ctx.Err() == nil {
			last = err // an attempt the timeout cut short says less than the one before
		}
		if st, err := target.State(ctx); err == nil && !st.Running {
			return fmt.Errorf("container %s (exit code %d) before it was ready: %w", st.Status, st.ExitCode, last)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready after %s: %w", s.timeout, last)
		case <-tick.C:
		}
	}
}

// containerTarget is a starting container as its readiness check sees it.
type containerTarget struct {
	target wait.StrategyTarget
	port   string
	vars   map[string]string
	addr   string // the health endpoint on the host, once found
}

// Addr implements stack.ReadyTarget: where the host reaches the health port, published
// on the loopback (dockerLoopbackPorts).
func (t *containerTarget) Addr(ctx context.Context) (string, error) {
	if t.addr != "" {
		return t.addr, nil
	}
	p, err := t.target.MappedPort(ctx, t.port)
	if err != nil {
		return "", fmt.Errorf("read mapped port %s: %w", t.port, err)
	}
	t.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(int(p.Num())))
	return t.addr, nil
}

// Exec implements stack.ReadyTarget: argv, expanded, runs inside the container.
func (t *containerTarget) Exec(ctx context.Context, argv []string) error {
	argv = stack.ExpandAll(argv, t.vars)
	code, out, err := t.target.Exec(ctx, argv)
	if err != nil {
		return fmt.Errorf("exec %s: %w", argv[0], err)
	}
	if code != 0 {
		msg := ""
		if out != nil {
			b, _ := io.ReadAll(io.LimitReader(out, 1<<16))
			if msg = strings.TrimSpace(string(b)); len(msg) > 200 {
				msg = msg[len(msg)-200:]
			}
		}
		if msg != "" {
			return fmt.Errorf("%s: exit status %d: %s", argv[0], code, msg)
		}
		return fmt.Errorf("%s: exit status %d", argv[0], code)
	}
	return nil
}

// Printed implements stack.ReadyTarget: the container's output so far holds text.
func (t *containerTarget) Printed(ctx context.Context, text string) (bool, error) {
	rc, err := t.target.Logs(ctx)
	if err != nil {
		return false, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return false, err
	}
	return bytes.Contains(b, []byte(text)), nil
}
