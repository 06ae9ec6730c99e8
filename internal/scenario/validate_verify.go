package scenario

import (
	"fmt"
	"strings"
)

// verify checks the final read, the linearizable workload and the user-defined checks.
func (v *validator) verify() {
	vf := v.s.Verify
	if l := vf.Linearizable; l != nil {
		v.linearizable(l)
	}
	seen := map[string]string{}
	for i, c := range vf.Checks {
		v.check(c, fmt.Sprintf("verify.checks[%d]", i), seen)
	}
}

// linearizable checks the key-value register workload: it needs the /kv API of drill's
// ledger fixture.
func (v *validator) linearizable(l *Linearizable) {
	const p = "verify.linearizable"
	v.ref(p+".service", l.Service)
	if svc := v.s.service(l.Service); svc != nil && svc.Fixture != FixtureLedger {
		v.errf(p+".service", "%s.service %q must be a service with fixture: %s (the workload drives its PUT and GET /kv/{key} API)%s",
			p, l.Service, FixtureLedger, v.known(v.ledgerServices()))
	}
	if l.Clients < 1 {
		v.errf(p+".clients", "%s.clients must be at least 1, got %d", p, l.Clients)
	}
	if l.Keys < 1 {
		v.errf(p+".keys", "%s.keys must be at least 1, got %d", p, l.Keys)
	}
	if l.Rate <= 0 {
		v.errf(p+".rate", "%s.rate must be greater than 0 operations per second, got %g", p, l.Rate)
	}
	if l.Rate > MaxWorkloadRate {
		v.errf(p+".rate", "%s.rate %s is beyond what drill can deliver: its pacer keeps at most %s operations a second on schedule, so use at most %s",
			p, rateText(l.Rate), rateText(MaxWorkloadRate), rateText(MaxWorkloadRate))
	}
	if l.Timeout <= 0 {
		v.errf(p+".timeout", "%s.timeout must be greater than 0: porcupine's budget for checking the history", p)
	}
}

// check checks one user-defined check: a unique name and exactly one of an HTTP path
// on a service or a command.
func (v *validator) check(c VerifyCheck, path string, seen map[string]string) {
	switch prev, dup := seen[c.Name]; {
	case strings.TrimSpace(c.Name) == "":
		v.errf(path, "%s.name is required: it names the check's finding", path)
	case dup:
		v.errf(path+".name", "check name %q is already used by %s", c.Name, prev)
	default:
		seen[c.Name] = path
	}
	hasPath, hasCommand := c.Path != "", len(c.Command) > 0
	switch {
	case hasPath && hasCommand:
		v.errf(path+".command", "%s sets path and command: set exactly one (path with service: an HTTP check; command: a command check)", path)
	case !hasPath && !hasCommand:
		v.errf(path, "%s needs path (with service) or command, e.g. {name: fsck, command: [sh, -c, 'test -n \"$DRILL_ENDPOINT_LEDGER\"']}", path)
	case hasPath:
		v.ref(path+".service", c.Service)
		v.path(path+".path", c.Path)
	case hasCommand:
		if c.Service != "" {
			v.errf(path+".service", "%s.service applies to HTTP checks (with path) only: a command check reaches services through DRILL_ENDPOINT_<SERVICE>", path)
		}
		if strings.TrimSpace(c.Command[0]) == "" {
			v.errf(path+".command", "%s.command[0] must name the program to run", path)
		}
	}
	if c.Timeout <= 0 {
		v.errf(path+".timeout", "%s.timeout must be greater than 0", path)
	}
}

// ledgerServices names the services running drill's ledger fixture.
func (v *validator) ledgerServices() []string {
	var names []string
	for _, svc := range v.s.Stack.Services {
		if svc.Fixture == FixtureLedger {
			names = append(names, svc.Name)
		}
	}
	return names
}
