package stack

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"sync"
	"syscall"
	"time"
)

// child is one running service process, in its own process group so every process it
// spawns is signalled with it, and killed by the kernel if drill itself dies.
type child struct {
	cmd    *exec.Cmd
	out    *tailBuffer
	exited chan struct{}
	err    error // valid after exited is closed
}

func startChild(argv []string, env map[string]string, dir string) (*child, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	cmd.Env = os.Environ()
	for _, k := range keys {
		cmd.Env = append(cmd.Env, k+"="+env[k])
	}
	out := &tailBuffer{max: 4096}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, out: out, exited: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.exited)
	}()
	return c, nil
}

func (c *child) signal(sig syscall.Signal) error {
	select {
	case <-c.exited:
		return nil
	default:
	}
	if err := syscall.Kill(-c.cmd.Process.Pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("signal %s: %w", sig, err)
	}
	return nil
}

// done reports whether the process has exited.
func (c *child) done() bool {
	select {
	case <-c.exited:
		return true
	default:
		return false
	}
}

// kill sends SIGKILL and waits until the process is reaped.
func (c *child) kill() error {
	if err := c.signal(syscall.SIGKILL); err != nil {
		return err
	}
	<-c.exited
	return nil
}

func (c *child) pause(paused bool) error {
	if paused {
		return c.signal(syscall.SIGSTOP)
	}
	return c.signal(syscall.SIGCONT)
}

// stop asks for a graceful exit (SIGTERM) and kills the group after grace.
func (c *child) stop(grace time.Duration) error {
	_ = c.signal(syscall.SIGCONT) // a paused process cannot handle SIGTERM
	if err := c.signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-c.exited:
		_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL) // stragglers of the group
		return nil
	case <-time.After(grace):
		return c.kill()
	}
}

// tail renders the last output of the process for error messages.
func (c *child) tail() string {
	b := bytes.TrimSpace(c.out.bytes())
	if len(b) == 0 {
		return ""
	}
	return "; last output: " + string(b)
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = t.buf[over:]
	}
	return len(p), nil
}

func (t *tailBuffer) bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]byte(nil), t.buf...)
}
