package process

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// stopSignals maps the stop_signal names a scenario may use (scenario.StopSignals).
var stopSignals = map[string]syscall.Signal{
	"SIGTERM": syscall.SIGTERM, "SIGINT": syscall.SIGINT, "SIGQUIT": syscall.SIGQUIT,
	"SIGHUP": syscall.SIGHUP, "SIGUSR1": syscall.SIGUSR1, "SIGUSR2": syscall.SIGUSR2,
}

// runAs is the credential a service runs with on the process runtime: nil for drill's
// own user. Another user needs drill to run as root.
func runAs(name string) (*syscall.Credential, error) {
	if name == "" {
		return nil, nil
	}
	uid, gid, err := lookupUser(name)
	if err != nil {
		return nil, err
	}
	if uid == uint32(os.Getuid()) && gid == uint32(os.Getgid()) {
		return nil, nil
	}
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("run as user %q: needs root, drill runs as uid %d (run drill as root, or remove user: from the service)", name, os.Geteuid())
	}
	return &syscall.Credential{Uid: uid, Gid: gid}, nil
}

// lookupUser resolves a user name or "uid[:gid]" (gid defaults to the user's group, or
// to uid when the uid has no account).
func lookupUser(name string) (uid, gid uint32, err error) {
	uidText, gidText, hasGid := strings.Cut(name, ":")
	if n, err := strconv.ParseUint(uidText, 10, 32); err == nil {
		uid, gid = uint32(n), uint32(n)
		if u, err := user.LookupId(uidText); err == nil {
			if g, err := strconv.ParseUint(u.Gid, 10, 32); err == nil {
				gid = uint32(g)
			}
		}
	} else {
		u, err := user.Lookup(uidText)
		if err != nil {
			return 0, 0, fmt.Errorf("find user %q: %w (create the user, or write uid:gid)", uidText, err)
		}
		n, _ := strconv.ParseUint(u.Uid, 10, 32)
		g, _ := strconv.ParseUint(u.Gid, 10, 32)
		uid, gid = uint32(n), uint32(g)
	}
	if hasGid {
		g, err := strconv.ParseUint(gidText, 10, 32)
		if err != nil {
			return 0, 0, fmt.Errorf("parse group of user %q: want a number after \":\"", name)
		}
		gid = uint32(g)
	}
	return uid, gid, nil
}

// openPathFor makes dir reachable by uid: every directory from root down to dir gets the
// search bit for others (o+x: enter, not list), and every ancestor above root must
// already let others search it. A database run as its own user cannot even start in a
// directory below a root-owned 0700 one (a temporary directory's default).
func openPathFor(dir, root string, uid uint32) error {
	root, dir = filepath.Clean(root), filepath.Clean(dir)
	for d := dir; ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err != nil {
			return err
		}
		inside := d == root || strings.HasPrefix(dir, root+string(filepath.Separator)) && strings.HasPrefix(d, root)
		mode := st.Mode().Perm()
		switch {
		case inside:
			if mode&0o001 == 0 {
				if err := os.Chmod(d, mode|0o001); err != nil {
					return err
				}
			}
		case mode&0o001 == 0:
			if sys, ok := st.Sys().(*syscall.Stat_t); !ok || sys.Uid != uid {
				return fmt.Errorf("directory %s (mode %#o) is closed to uid %d: chmod o+x %s, or give drill a data directory below one others can enter", d, mode, uid, d)
			}
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}
