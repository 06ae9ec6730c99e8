// Package owner names what a drill process leaves on disk after its owner: a token
// "<pid>.<start>" (the process id and its start time in clock ticks after boot, from
// /proc) goes into the names of drill's temporary directories and of the hidden temp
// files of results being written, so that a later drill can tell whether their owner
// is gone (killed outright) and sweep them, and never takes a process that reused the
// pid for the owner.
package owner

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

var (
	selfOnce  sync.Once
	selfToken string
)

// Token is "<pid>.<start>" of this process ("<pid>" where /proc is missing).
func Token() string {
	selfOnce.Do(func() {
		pid := os.Getpid()
		selfToken = strconv.Itoa(pid)
		if start, ok := StartTime(pid); ok {
			selfToken += "." + start
		}
	})
	return selfToken
}

// Parse reads a token made by Token. ok is false when it is not one.
func Parse(token string) (pid int, start string, ok bool) {
	pidStr, start, _ := strings.Cut(token, ".")
	pid, err := strconv.Atoi(pidStr)
	if err != nil || pid <= 0 {
		return 0, "", false
	}
	return pid, start, true
}

// Self reports whether pid is this process.
func Self(pid int) bool { return pid == os.Getpid() }

// Alive reports whether the process a token names still runs: its pid exists and, when
// the token carries a start time, the process with that pid started then. Where the
// start time cannot be read it answers true: a live run's files are never swept.
func Alive(pid int, start string) bool {
	if !PIDAlive(pid) {
		return false
	}
	if start == "" {
		return true
	}
	now, ok := StartTime(pid)
	return !ok || now == start
}

// PIDAlive reports whether a process with this pid exists on this host.
func PIDAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// StartTime is field 22 of /proc/<pid>/stat: when the process started, in clock ticks
// after boot. ok is false when it cannot be read.
func StartTime(pid int) (string, bool) {
	f, ok := StatFields(pid)
	if !ok {
		return "", false
	}
	return f[19], true
}

// StatFields are the fields of /proc/<pid>/stat from field 3 (the state) on, so field n
// is f[n-3]; ok is false when the file cannot be read or has fewer than 22 fields.
func StatFields(pid int) (f []string, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil, false
	}
	// The command name (field 2) is in parentheses and may hold spaces: count after it.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil, false
	}
	f = strings.Fields(s[i+1:])
	if len(f) < 20 { // fields 3..22
		return nil, false
	}
	return f, true
}
