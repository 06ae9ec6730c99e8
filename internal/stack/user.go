package stack

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"
	"syscall"
)

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
