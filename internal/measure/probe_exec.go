package measure

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// ExecProbe passes when Command, run on drill's own host, exits 0 within Timeout. The
// command runs in a process group of its own: on timeout the whole group is killed, so
// a shell's children never outlive the probe.
type ExecProbe struct {
	// Command is the argv; Command[0] is looked up in PATH.
	Command []string
	// Env is added to drill's environment ("KEY=value").
	Env      []string
	Interval time.Duration
	Timeout  time.Duration
}

// Run probes on the shared open-loop schedule.
func (p *ExecProbe) Run(ctx context.Context, clock Clock, emit func(ProbeResult)) {
	probeLoop(ctx, clock, p.Interval, p.Timeout, emit, p.check)
}

func (p *ExecProbe) check(ctx context.Context) (int, error) {
	if len(p.Command) == 0 {
		return 0, errors.New("no command given")
	}
	cmd := exec.CommandContext(ctx, p.Command[0], p.Command[1:]...)
	cmd.Env = append(os.Environ(), p.Env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 100 * time.Millisecond // output pipes held by a killed group's stragglers
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, nil
	case ctx.Err() != nil:
		return 0, fmt.Errorf("%s: no exit within %s (process group killed)", p.Command[0], p.Timeout)
	case errors.As(err, &exit):
		msg := fmt.Sprintf("%s exited %d", p.Command[0], exit.ExitCode())
		if line := firstLine(out.String()); line != "" {
			msg += ": " + line
		}
		return 0, errors.New(msg)
	}
	return 0, fmt.Errorf("run %s: %w", p.Command[0], err)
}

// firstLine is the first non-empty line of s, trimmed and at most 200 bytes.
func firstLine(s string) string {
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if len(l) > 200 {
				l = l[:200] + "..."
			}
			return l
		}
	}
	return ""
}
