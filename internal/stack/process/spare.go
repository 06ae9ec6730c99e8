package process

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
)

// Starting a command through ExecCommand costs a start of the drill binary (its Go
// runtime and package initialisation: about 16 ms, tens of ms on a loaded machine) on top
// of the command's own start: time a measured deploy or rollback would include. So a
// command service keeps a spare: an ExecCommand process started once an instance is
// ready, initialised and blocked on its stdin, which the next start of the service hands
// the command to. That start then costs a few ms more than starting the command directly
// (waking the spare, and exec tearing down its threads), and the spare's pid is the
// service's pid. The first start of each service, in the stack's setup, and a start that
// finds no spare ready go through ExecCommand directly.

// spare is a started ExecCommand process waiting for its execSpec, already in the
// cgroup of the instance it will be (moving a process with threads into a cgroup takes
// milliseconds, which a start then need not spend).
type spare struct {
	proc *child
	in   io.WriteCloser
}

// startSpare starts a spare of the drill binary at drill for service, in a process group
// of its own (the service's, once it execs) and killed if drill dies.
func startSpare(drill, service string) (*spare, error) {
	cmd := exec.Command(drill, ExecCommand, "-wait")
	// One P: fewer threads for exec to tear down. The command gets the spec's environment.
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("start spare: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start spare: %w", err)
	}
	sp := &spare{proc: watch(cmd, ""), in: in}
	sp.proc.cg = newCgroup(service)
	if err := sp.proc.cg.join(cmd.Process.Pid); err != nil {
		sp.discard()
		return nil, fmt.Errorf("start spare: %w", err)
	}
	return sp, nil
}

// run hands spec to the spare, which execs it: the spare becomes the service's instance,
// writing its output to spec.Log. A spare that died already is no use (error).
func (s *spare) run(spec execSpec) (*child, error) {
	if s.proc.done() {
		return nil, fmt.Errorf("start through spare: it exited: %v", s.proc.err)
	}
	b, err := json.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("start through spare: %w", err)
	}
	_, err = s.in.Write(b)
	if cerr := s.in.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("start through spare: %w", err)
	}
	s.proc.logPath = spec.Log
	return s.proc, nil
}

// discard kills an unused spare.
func (s *spare) discard() {
	_ = s.in.Close()
	_ = s.proc.kill(nil)
}
