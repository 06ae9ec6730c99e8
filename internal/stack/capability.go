package stack

import (
	"slices"
	"strings"
)

// Capability is one thing a runtime can do to a service or a stack. Faults, mechanisms,
// triggers, probes and readiness checks declare the capabilities they need, and a run
// refuses before its first stack what the chosen runtime cannot do: a configuration the
// runtime cannot carry out is a usage error, never a verdict on the team's rollback.
// Most capabilities mirror one optional interface of the runtime contract.
type Capability string

// The capability vocabulary. A runtime's set says which of these its services do.
const (
	// CapProxy: a Toxiproxy proxy in front of every service (Stack.Toxiproxy); the
	// toxics and the down fault need it.
	CapProxy Capability = "proxy"
	// CapKill: end a service abruptly, SIGKILL to its whole tree (Controller.Kill).
	CapKill Capability = "kill"
	// CapPause: freeze and thaw every process of a service (Pauser).
	CapPause Capability = "pause"
	// CapRestart: stop a service gracefully and start its release again (Controller.Restart).
	CapRestart Capability = "restart"
	// CapStop: stop a service gracefully and leave it stopped (Stopper).
	CapStop Capability = "stop"
	// CapRevive: start a dead service again, as a supervisor does (Reviver).
	CapRevive Capability = "revive"
	// CapDisconnect: cut a service off the stack's network and plug it back (Disconnector).
	CapDisconnect Capability = "disconnect"
	// CapDataDir: a data directory per service, kept across kills, restarts and
	// deploys within a trial (DataKeeper).
	CapDataDir Capability = "data-dir"
	// CapSnapshot: copy a service's data directory and put the copy back (Restorer).
	CapSnapshot Capability = "snapshot"
	// CapFlip: keep the previous release running idle behind the service's switch and
	// flip back to it (Flipper, the blue-green strategy).
	CapFlip Capability = "flip"
	// CapExec: run a readiness command in the service's unit (its container, or on the
	// host with the instance's environment).
	CapExec Capability = "exec"
	// CapLog: read a service's output for the line its log readiness check waits for.
	CapLog Capability = "log"
	// CapImage: run a service from a container image.
	CapImage Capability = "image"
	// CapCommand: run a service from a command line (argv).
	CapCommand Capability = "command"
	// CapFixture: run drill's own demo services (fixtures/).
	CapFixture Capability = "fixture"
	// CapDeploy: deploy another release of a service (the change's deploy, a redeploy).
	CapDeploy Capability = "deploy"
	// CapExternal: reach a service drill did not start at its endpoint, behind drill's
	// proxy, and leave it running as it was found.
	CapExternal Capability = "external"
	// CapReuse: keep a stack from one trial to the next, reset to what Up makes and
	// verified so (Resetter); a scenario's stack.reuse needs it.
	CapReuse Capability = "reuse"
)

// capabilityText says what each capability lets a runtime do, for messages: "needs a
// runtime that can <text>".
var capabilityText = map[Capability]string{
	CapProxy:      "put a fault proxy in front of a service",
	CapKill:       "kill a service",
	CapPause:      "pause a service",
	CapRestart:    "restart a service",
	CapStop:       "stop a service and leave it stopped",
	CapRevive:     "start a killed service again, as a supervisor does",
	CapDisconnect: "disconnect a service from the stack's network",
	CapDataDir:    "keep a data directory per service",
	CapSnapshot:   "snapshot and restore a service's data",
	CapFlip:       "keep the previous release standing by and flip back to it",
	CapExec:       "run a command in a service's unit",
	CapLog:        "wait for a line of a service's output",
	CapImage:      "run a container image",
	CapCommand:    "run a service's command",
	CapFixture:    "run drill's fixtures",
	CapDeploy:     "deploy a release of a service",
	CapExternal:   "reach a service it did not start",
	CapReuse:      "reset a stack to a fresh one's state and keep it for the next trial",
}

// Describe says what the capability lets a runtime do, e.g. "disconnect a service from
// the stack's network".
func (c Capability) Describe() string {
	if t, ok := capabilityText[c]; ok {
		return t
	}
	return string(c)
}

// Capabilities is the set of capabilities of one runtime.
type Capabilities []Capability

// Has reports whether the set holds c.
func (cs Capabilities) Has(c Capability) bool { return slices.Contains(cs, c) }

// missing describes the first capability of needs the set lacks, "" when it has them all.
func (cs Capabilities) missing(needs []Capability) string {
	for _, n := range needs {
		if !cs.Has(n) {
			return n.Describe()
		}
	}
	return ""
}

// String lists the set, sorted, comma-separated.
func (cs Capabilities) String() string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = string(c)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// Implemented is the set of capabilities that stand for an optional interface of the
// contract (Controller, Pauser, Stopper, Reviver, Disconnector, DataKeeper, Restorer, Flipper)
// which svc implements. A runtime's specs hold its declared set to it, so a declared
// capability has its method and an implemented one is declared.
func Implemented(svc Service) Capabilities {
	var cs Capabilities
	add := func(ok bool, c ...Capability) {
		if ok {
			cs = append(cs, c...)
		}
	}
	_, ok := svc.(Controller)
	add(ok, CapKill, CapRestart)
	_, ok = svc.(Pauser)
	add(ok, CapPause)
	_, ok = svc.(Stopper)
	add(ok, CapStop)
	_, ok = svc.(Reviver)
	add(ok, CapRevive)
	_, ok = svc.(Disconnector)
	add(ok, CapDisconnect)
	_, ok = svc.(DataKeeper)
	add(ok, CapDataDir)
	_, ok = svc.(Restorer)
	add(ok, CapSnapshot)
	_, ok = svc.(Flipper)
	add(ok, CapFlip)
	return cs
}

// Interfaced reports whether c stands for an optional interface of the contract (see
// Implemented); the others (proxy, exec, log, image, command, fixture, deploy, external, reuse) are what a
// runtime's Up, stacks and readiness checks do.
func (c Capability) Interfaced() bool {
	switch c {
	case CapKill, CapPause, CapRestart, CapStop, CapRevive, CapDisconnect, CapDataDir, CapSnapshot, CapFlip:
		return true
	}
	return false
}
