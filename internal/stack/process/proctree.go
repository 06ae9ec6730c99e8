package process

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/drillhq/drill/internal/owner"
)

// A service's processes are its child and every process below it, found by parent pid
// in /proc: a process that leaves the child's process group (setsid, as PostgreSQL's
// backends do) is still below it while its parent lives, and one whose parent exits (a
// double fork) is reparented to the child, a subreaper (subreaper.go), so it stays below
// it too. The process runtime signals that whole tree, freezing it first so nothing forks
// out of reach between the reading and the kill; the instance's cgroup, where the machine
// has one (cgroup.go), then goes too. What escapes the tree is listed in subreaper.go; a
// PID namespace would hold it too, but would show the service pid 1 instead of its own
// pid, which the ledger's ground truth records.

// procEntry is one process: its parent and its start time (to tell a reused pid).
type procEntry struct {
	ppid  int
	start string
}

// readProcs reads every process's parent and start time from /proc.
func readProcs() map[int]procEntry {
	out := map[int]procEntry{}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return out
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		f, ok := owner.StatFields(pid)
		if !ok {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		out[pid] = procEntry{ppid: ppid, start: f[19]}
	}
	return out
}

// procTree is root and every process below it, with their start times.
func procTree(root int) map[int]string {
	procs := readProcs()
	children := map[int][]int{}
	for pid, p := range procs {
		children[p.ppid] = append(children[p.ppid], pid)
	}
	tree := map[int]string{}
	queue := []int{root}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		p, ok := procs[pid]
		if !ok {
			continue
		}
		tree[pid] = p.start
		queue = append(queue, children[pid]...)
	}
	return tree
}

// freezeTree stops (SIGSTOP) root and everything below it, reading the tree again until
// no new process shows up, and returns what it froze.
func freezeTree(root int) map[int]string {
	frozen := map[int]string{}
	for range 20 {
		grew := false
		for pid, start := range procTree(root) {
			if _, ok := frozen[pid]; ok {
				continue
			}
			_ = syscall.Kill(pid, syscall.SIGSTOP)
			frozen[pid], grew = start, true
		}
		if !grew {
			break
		}
	}
	return frozen
}

// killWait bounds the wait for SIGKILLed processes to be gone.
const killWait = 5 * time.Second

// waitGone waits until no process of procs runs any more (gone, or its pid reused), or
// limit passes. The kernel delivers SIGKILL asynchronously: a kill that returned before
// this could leave a backend running a little longer. Each process is watched through a
// pidfd, which becomes readable when it exits.
func waitGone(procs map[int]string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for pid, start := range procs {
		fd, err := unix.PidfdOpen(pid, 0)
		if err != nil {
			continue // gone already
		}
		if !procLive(pid, start) { // the pid was reused before the open, or it is a zombie
			unix.Close(fd)
			continue
		}
		var n int
		for {
			left := time.Until(deadline)
			n, err = unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, int(max(left.Milliseconds(), 1)))
			if err != unix.EINTR {
				break
			}
		}
		unix.Close(fd)
		if err == nil && n == 0 {
			return fmt.Errorf("wait for killed process %d: still running after %s", pid, limit)
		}
	}
	return nil
}

// procLive reports whether pid is still the process that started at start and is not a zombie.
func procLive(pid int, start string) bool {
	f, ok := owner.StatFields(pid)
	return ok && f[19] == start && running(f)
}

// running reports whether a process's stat fields (owner.StatFields) show it running:
// not a zombie (Z: exited, not reaped yet) nor dead (X).
func running(f []string) bool {
	return f[0] != "Z" && f[0] != "X"
}

// signalProcs sends sig to each process of procs that still is the process it was
// (same start time), never to a pid reused since.
func signalProcs(procs map[int]string, sig syscall.Signal) error {
	var errs []error
	for pid, start := range procs {
		if now, ok := owner.StartTime(pid); !ok || now != start {
			continue
		}
		if err := syscall.Kill(pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
