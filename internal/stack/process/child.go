package process

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"syscall"
	"time"

	"github.com/drillhq/drill/internal/owner"
)

// child is one running service process, in its own process group so every process it
// spawns is signalled with it, and killed by the kernel if drill itself dies. Kills and
// pauses reach its whole tree (proctree.go), processes that left the group included.
// Its output goes straight to a file (logPath), kept after it exits.
type child struct {
	cmd     *exec.Cmd
	logPath string
	stopSig syscall.Signal // asks for a graceful stop; SIGTERM when 0
	exited  chan struct{}
	err     error   // valid after exited is closed
	cg      *cgroup // holds every process of the instance (nil: the machine has none)
}

// startChild starts argv in dir with env added to drill's, its stdout and stderr
// appended to logPath, as cred's user (nil: drill's).
func startChild(argv []string, env map[string]string, dir, logPath string, cred *syscall.Credential) (*child, error) {
	out, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open output file: %w (check that the output directory is writable)", err)
	}
	defer out.Close() // the child has its own copy
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = childEnv(env)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Credential: cred}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return watch(cmd, logPath), nil
}

// childEnv is drill's environment with env added, in a stable order.
func childEnv(env map[string]string) []string {
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := os.Environ()
	for _, k := range keys {
		out = append(out, k+"="+env[k])
	}
	return out
}

// watch is the child of the started cmd, reaped as soon as it exits.
func watch(cmd *exec.Cmd, logPath string) *child {
	c := &child{cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.exited)
	}()
	return c
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

// done reports whether the process has exited. A process that exited but that watch's
// Wait has not reaped yet (a zombie: a crash just now) counts as exited, and done waits
// for the reaping, which is under way: a revive right after a crash would otherwise find
// the service "running" and leave it dead.
func (c *child) done() bool {
	select {
	case <-c.exited:
		return true
	default:
	}
	if f, ok := owner.StatFields(c.cmd.Process.Pid); ok && running(f) {
		return false
	}
	<-c.exited
	return true
}

// kill freezes the process's whole tree, SIGKILLs all of it, and waits until the
// process is reaped: nothing of the service runs on after it returns. What is left in its
// cgroup (orphans of a process that already exited) goes too. mark, when not nil, is
// called once the process group is stopped: when the service stops serving.
func (c *child) kill(mark func()) error {
	if c.done() {
		return c.cg.destroy()
	}
	// The group is stopped first, with one system call: reading the tree takes
	// milliseconds on a busy machine, during which the service would go on serving.
	stopErr := c.signal(syscall.SIGSTOP)
	if mark != nil {
		mark()
	}
	tree := freezeTree(c.cmd.Process.Pid)
	errs := []error{stopErr, signalProcs(tree, syscall.SIGKILL), c.signal(syscall.SIGKILL)}
	<-c.exited
	errs = append(errs, waitGone(tree, killWait), c.cg.destroy())
	return errors.Join(errs...)
}

// pause freezes (SIGSTOP) or thaws (SIGCONT) the process's whole tree. mark, when not
// nil, is called once a freeze has stopped the process group.
func (c *child) pause(paused bool, mark func()) error {
	if c.done() {
		return nil
	}
	if paused {
		err := c.signal(syscall.SIGSTOP) // the group first: one system call, then the tree
		if mark != nil {
			mark()
		}
		freezeTree(c.cmd.Process.Pid)
		return err
	}
	err := signalProcs(procTree(c.cmd.Process.Pid), syscall.SIGCONT)
	return errors.Join(err, c.signal(syscall.SIGCONT))
}

// stop asks for a graceful exit (the stop signal, SIGTERM by default, to the group) and
// kills the tree after grace. The tree is read again while the process winds down, and
// what of it outlives the process (processes out of its group, reparented away when it
// exits, and whatever else is left in its cgroup) is killed once it exited.
func (c *child) stop(grace time.Duration) error {
	if c.done() {
		return c.cg.destroy() // a crash's orphans
	}
	// The stop signal goes first: reading the tree takes milliseconds on a busy machine,
	// and until the signal an old release drained by a start-first deploy keeps serving
	// its open connections (the probes' among them) while the new one already fails:
	// drill's own delay in t_impact. A paused process gets the signal once SIGCONT
	// resumes it; a graceful exit outlasts the reading of the tree that follows.
	sig := c.stopSig
	if sig == 0 {
		sig = syscall.SIGTERM
	}
	if err := c.signal(sig); err != nil {
		return err
	}
	_ = c.signal(syscall.SIGCONT) // a paused process cannot handle the stop signal
	tree := procTree(c.cmd.Process.Pid)
	_ = signalProcs(tree, syscall.SIGCONT)
	timeout := time.After(grace)
	tick := time.NewTicker(treeReread)
	defer tick.Stop()
	for {
		select {
		case <-c.exited:
			_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL) // stragglers of the group
			_ = signalProcs(tree, syscall.SIGKILL)                // and of the tree
			return errors.Join(waitGone(tree, killWait), c.cg.destroy())
		case <-tick.C:
			for pid, start := range procTree(c.cmd.Process.Pid) {
				tree[pid] = start
			}
		case <-timeout:
			return c.kill(nil)
		}
	}
}

// treeReread is how often a stopping service's tree is read again for processes forked
// since the last reading.
const treeReread = 50 * time.Millisecond

// tailBytes is how much of a failed start's output an error quotes.
const tailBytes = 2048

// tail renders the end of the process's output for error messages, with the file that
// holds all of it.
func (c *child) tail() string {
	b := bytes.TrimSpace(readTail(c.logPath, tailBytes))
	if len(b) == 0 {
		return "; no output (file " + c.logPath + ")"
	}
	return "; output in " + c.logPath + ", last lines:\n" + string(b)
}

// readTail is the last n bytes of the file at path (nil when unreadable).
func readTail(path string, n int64) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil
	}
	off := max(st.Size()-n, 0)
	b, _ := io.ReadAll(io.NewSectionReader(f, off, st.Size()-off))
	return b
}

// logWatch looks for text in a growing output file, reading only what is new on each
// call; a match split between two reads is still found.
type logWatch struct {
	path  string
	text  []byte
	off   int64
	carry []byte
	found bool
}

func newLogWatch(path, text string) *logWatch {
	return &logWatch{path: path, text: []byte(text)}
}

// seen reports whether the text has appeared in the file so far. Not safe for
// concurrent use: one readiness wait calls it.
func (w *logWatch) seen() bool {
	if w.found || len(w.text) == 0 {
		return true
	}
	f, err := os.Open(w.path)
	if err != nil {
		return false
	}
	defer f.Close()
	b, err := io.ReadAll(io.NewSectionReader(f, w.off, 1<<40))
	if err != nil || len(b) == 0 {
		return false
	}
	w.off += int64(len(b))
	buf := append(w.carry, b...)
	if bytes.Contains(buf, w.text) {
		w.found = true
		return true
	}
	keep := min(len(buf), len(w.text)-1)
	w.carry = append([]byte(nil), buf[len(buf)-keep:]...)
	return false
}
