package stack

import "regexp"

// StackNeed is a fact a kind needs of the scenario's stack, which no runtime can make
// up for: a service that exists, data kept in its data directory, a release to go back
// to, a previous release left standing by.
type StackNeed string

// The stack needs a kind can state.
const (
	// NeedService: Need.Service names a service of the stack (not a proxy).
	NeedService StackNeed = "service"
	// NeedData: the service keeps its data in its data directory (${DATA_DIR}), which
	// a snapshot copies.
	NeedData StackNeed = "data"
	// NeedRelease: the service has a release named Need.Release.
	NeedRelease StackNeed = "release"
	// NeedStandby: the service deploys blue-green, so its previous release stands by.
	NeedStandby StackNeed = "standby"
	// NeedEndpoint: Need.Var is DRILL_ENDPOINT_<SERVICE> of a service of the stack, the
	// only variables drill sets for a hook's URL and command.
	NeedEndpoint StackNeed = "endpoint"
)

// Need is one thing a fault, mechanism, trigger, probe or readiness check needs before
// it can run: a capability of the runtime, a fact of the stack, or both.
type Need struct {
	// Capability is what the runtime must be able to do; empty when the need is the
	// stack's alone.
	Capability Capability
	// Stack is what the stack must hold; empty when the need is the runtime's alone.
	Stack StackNeed
	// Service is the service the need is about; empty: the kind's own (a fault's
	// target, a mechanism's service).
	Service string
	// Release is the release NeedRelease asks for.
	Release string
	// Var is the variable NeedEndpoint asks for, as written (DRILL_ENDPOINT_BILLING).
	Var string
	// Param is the parameter the need comes from, for the line of a problem; empty:
	// the kind itself.
	Param string
	// Instead says what would work where the need cannot be met, e.g. "use a down or
	// reset_peer fault on its proxy".
	Instead string
}

// Needer is implemented by kinds (built faults, mechanisms, triggers, probes, readiness
// checks) that need more than every runtime and stack gives. A kind without it needs
// nothing in particular.
type Needer interface {
	// Needs lists what the kind needs, each need once.
	Needs() []Need
}

// endpointVarRE matches the DRILL_ENDPOINT_<SERVICE> variables a command names.
var endpointVarRE = regexp.MustCompile(EndpointEnvPrefix + `[A-Za-z0-9_]+`)

// EndpointNeeds are the NeedEndpoint needs of a command (a hook's, an exec probe's, a
// check's): every DRILL_ENDPOINT_<SERVICE> it names, from param.
func EndpointNeeds(param string, argv []string) []Need {
	var needs []Need
	for _, arg := range argv {
		for _, name := range endpointVarRE.FindAllString(arg, -1) {
			needs = append(needs, Need{Stack: NeedEndpoint, Var: name, Param: param})
		}
	}
	return needs
}
