package process

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/drillhq/drill/internal/stack"
)

// waitReady polls check on t until it passes, the timeout passes, ctx ends, or exited
// closes (the service died while starting). Polling a real check is the only readiness
// signal; nothing here sleeps a fixed time hoping the service is up.
func waitReady(ctx context.Context, check stack.ReadyCheck, t stack.ReadyTarget, timeout time.Duration, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(check.Every())
	defer tick.Stop()
	for {
		last := check.Check(ctx, t)
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

// instanceTarget is one process instance as its readiness check sees it: where it
// listens, its environment and variables (for exec checks), and its output file (for
// log checks). Not safe for concurrent use: one readiness wait uses it.
type instanceTarget struct {
	healthAddr string // 127.0.0.1:HEALTH_PORT, or its PORT
	env        map[string]string
	vars       map[string]string // wiring variables, for an exec check's argv
	logPath    string
	watches    map[string]*logWatch
}

// Addr implements stack.ReadyTarget: the instance's health port, else its port.
func (t *instanceTarget) Addr(context.Context) (string, error) { return t.healthAddr, nil }

// Exec implements stack.ReadyTarget: argv, expanded, runs on drill's host with the
// instance's environment.
func (t *instanceTarget) Exec(ctx context.Context, argv []string) error {
	return checkExec(ctx, stack.ExpandAll(argv, t.vars), t.env)
}

// Printed implements stack.ReadyTarget, reading only what the instance printed since the
// last look for text.
func (t *instanceTarget) Printed(_ context.Context, text string) (bool, error) {
	w, ok := t.watches[text]
	if !ok {
		if t.watches == nil {
			t.watches = map[string]*logWatch{}
		}
		w = newLogWatch(t.logPath, text)
		t.watches[text] = w
	}
	return w.seen(), nil
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
