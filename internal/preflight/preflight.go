// Package preflight checks, before any stack starts, that a validated scenario asks only
// what the chosen runtime can do and what its stack holds. Each fault, mechanism,
// trigger, probe and readiness kind states its needs (stack.Needer), so do the services'
// kinds, and each runtime has a capability set: a configuration the runtime cannot
// carry out is a usage error at the scenario's line, with what would work instead,
// never a failed rollback found after the rollback's timeout.
package preflight

import (
	"fmt"
	"slices"
	"strings"

	"github.com/drillhq/drill/internal/readiness"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/trial"
)

// Runtime is the runtime a run will use and what every known runtime can do.
type Runtime struct {
	// Name is the chosen runtime; empty checks only what no runtime can make up for
	// (the stack's needs). A name Known lacks can do nothing.
	Name string
	// Known maps each known runtime's name to its capability set; Known[Name] is the
	// chosen one's, the others are offered instead.
	Known map[string]stack.Capabilities
}

// Check returns every problem of sc on rt, with the kinds k builds the scenario from
// (internal/kinds.Default and what a program added; a probe kind k.Probes lacks, or a
// nil k.Probes, states no needs), each at the key it is about with what would
// work instead, in the scenario's order; none when the runtime and the stack can carry
// the scenario out. sc must be valid (Parse, or Validate for one built in Go): kinds
// that do not build are skipped, validation reports them. Parse reports the problems at
// their lines (scenario.WithCheck), ProblemsError without.
func Check(sc *scenario.Scenario, rt Runtime, k trial.Kinds) []scenario.Problem {
	if k.Faults == nil || k.Mechanisms == nil || k.Triggers == nil || k.Readiness == nil {
		return []scenario.Problem{{Path: "", Msg: "check needs: the kinds need every registry (see internal/kinds.Default)"}}
	}
	c := &checker{sc: sc, rt: rt, seen: map[scenario.Problem]bool{}}
	for _, it := range items(sc, k) {
		for _, n := range it.needs {
			c.need(it, n)
		}
	}
	return c.found
}

// StackKind is what the kind of sc's stack needs of a runtime, for auto to pick one
// that has it: external services need a runtime that reaches services it did not start.
func StackKind(sc *scenario.Scenario) []stack.Capability {
	if sc.Stack.HasExternal() {
		return []stack.Capability{stack.CapExternal}
	}
	return nil
}

// item is one kind of the scenario with its needs: where it is written, what to call it
// in a message, and the service its needs are about by default.
type item struct {
	path    string // "faults[0]", "rollback.mechanism", "stack.services[1]"
	what    string // "fault disconnect", "mechanism restore"
	service string // the fault's target, the mechanism's service
	key     string // the key naming its service: "target", "service", or none
	needs   []stack.Need
	params  string // what a need's Param is under: "params." (a kind's), "" (a command's)
}

// items lists every kind of sc that states needs.
func items(sc *scenario.Scenario, k trial.Kinds) []item {
	var out []item
	for i, f := range sc.Faults {
		if b, err := k.Faults.Build(f); err == nil {
			out = append(out, item{path: fmt.Sprintf("faults[%d]", i), what: "fault " + f.Kind, service: f.Target, key: "target", needs: needsOf(b), params: "params."})
		}
	}
	for _, am := range sc.Mechanisms() {
		if b, err := k.Mechanisms.Build(am.Mechanism); err == nil {
			m := am.Mechanism
			out = append(out, item{path: am.Path, what: "mechanism " + m.Kind, service: m.Service, key: "service", needs: needsOf(b), params: "params."})
		}
	}
	triggers := []scenario.Trigger{sc.Rollback.Trigger}
	paths := []string{"rollback.trigger"}
	if sc.Compare != nil {
		for i, p := range sc.Compare.Plans {
			triggers, paths = append(triggers, p.Trigger), append(paths, fmt.Sprintf("compare.plans[%d].trigger", i))
		}
	}
	for i, t := range triggers {
		if b, err := k.Triggers.Build(t); t.Kind != "" && err == nil {
			out = append(out, item{path: paths[i], what: "trigger " + t.Kind, needs: needsOf(b), params: "params."})
		}
	}
	if pr := sc.Probes; pr.Registered != "" && k.Probes != nil {
		if b, err := k.Probes.Build(pr.Registered, pr.Params); err == nil {
			out = append(out, item{path: "probes", what: "probe " + pr.Registered, needs: needsOf(b), params: "params."})
		}
	}
	for i, svc := range sc.Stack.Services {
		out = append(out, serviceItems(fmt.Sprintf("stack.services[%d]", i), svc, k.Readiness)...)
	}
	out = append(out, deployItems(sc)...)
	if sc.Stack.Reuse {
		out = append(out, item{path: "stack.reuse", what: "stack reuse",
			needs: []stack.Need{{Capability: stack.CapReuse, Instead: "remove stack.reuse (every trial then starts a new stack)"}}})
	}
	return append(out, commandItems(sc)...)
}

// commandItems states what the commands drill runs on its host need: the exec probe's
// and the verify checks' DRILL_ENDPOINT_<SERVICE> name services of the stack (a name
// that is not set would fail the probe or the check, judged as the rollback's failure).
func commandItems(sc *scenario.Scenario) []item {
	var out []item
	if e := sc.Probes.Exec; e != nil {
		out = append(out, item{path: "probes.exec", what: "probe exec", needs: stack.EndpointNeeds("command", e.Command)})
	}
	for i, c := range sc.Verify.Checks {
		out = append(out, item{path: fmt.Sprintf("verify.checks[%d]", i), what: "check " + c.Name, needs: stack.EndpointNeeds("command", c.Command)})
	}
	return out
}

// deployItems states that the change's deploys need a runtime that deploys releases.
func deployItems(sc *scenario.Scenario) []item {
	var out []item
	need := []stack.Need{{Capability: stack.CapDeploy, Instead: "make the change a hook step (the team's own deploy command or URL)"}}
	for i, st := range sc.ChangeSteps() {
		if st.Kind != scenario.StepDeploy {
			continue
		}
		path := fmt.Sprintf("change.steps[%d]", i)
		if !sc.MultiStep() {
			path = "change"
		}
		out = append(out, item{path: path, what: "deploy of " + st.Service, service: st.Service, needs: need})
	}
	return out
}

// needsOf is what a built kind needs: nothing unless it is a stack.Needer.
func needsOf(kind any) []stack.Need {
	if n, ok := kind.(stack.Needer); ok {
		return n.Needs()
	}
	return nil
}

// serviceItems states what running the service needs of the runtime: its kind (fixture,
// image, command) and its readiness check's, as the check's kind states them.
func serviceItems(path string, svc scenario.Service, ready *readiness.Registry) []item {
	var out []item
	switch {
	case svc.Image != "":
		out = append(out, item{path: path + ".image", what: "service " + svc.Name, service: svc.Name, needs: []stack.Need{{Capability: stack.CapImage, Instead: "run it with command (its argv) or as a fixture"}}})
	case len(svc.Command) > 0:
		out = append(out, item{path: path + ".command", what: "service " + svc.Name, service: svc.Name, needs: []stack.Need{{Capability: stack.CapCommand, Instead: "run it from an image"}}})
	case svc.Fixture != "":
		out = append(out, item{path: path + ".fixture", what: "service " + svc.Name, service: svc.Name, needs: []stack.Need{{Capability: stack.CapFixture, Instead: "run it from an image or a command"}}})
	case svc.External != "":
		out = append(out, item{path: path + ".external", what: "service " + svc.Name, service: svc.Name, needs: []stack.Need{{Capability: stack.CapExternal, Instead: "use --runtime external (auto picks it for a stack of external services)"}}})
	}
	if svc.Ready != nil {
		if key, needs := ready.Needs(*svc.Ready); len(needs) > 0 {
			at := path + ".ready." + key
			if svc.Ready.Kind != "" {
				at = path + ".ready" // a registered kind's params are under ready.params
			}
			out = append(out, item{path: at, what: "readiness check " + or(svc.Ready.Kind, key) + " of " + svc.Name, service: svc.Name, needs: needs, params: "params."})
		}
	}
	return out
}

// checker collects the problems of one scenario.
type checker struct {
	sc    *scenario.Scenario
	rt    Runtime
	found []scenario.Problem
	seen  map[scenario.Problem]bool
}

// errf records a problem at path, once, prefixed with the item's path as Parse's are.
func (c *checker) errf(it item, path, format string, args ...any) {
	pr := scenario.Problem{Path: path, Msg: it.path + ": " + fmt.Sprintf(format, args...)}
	if !c.seen[pr] {
		c.seen[pr] = true
		c.found = append(c.found, pr)
	}
}

// need checks one need of it: the runtime's capability, then the stack's fact.
func (c *checker) need(it item, n stack.Need) {
	path := it.path
	if n.Param != "" {
		path += "." + it.params + n.Param
	}
	if n.Capability != "" && c.rt.Name != "" && !c.rt.Known[c.rt.Name].Has(n.Capability) {
		c.errf(it, path, "%s needs a runtime that can %s (%s); on runtime %s, %s",
			it.what, n.Capability.Describe(), c.alternatives(n.Capability), c.rt.Name, instead(n.Instead, "choose one of those"))
	}
	if n.Stack == "" {
		return
	}
	if n.Param == "" && it.key != "" {
		path += "." + it.key
	}
	name := or(n.Service, it.service)
	switch n.Stack {
	case stack.NeedService:
		c.service(it, path, name, n)
	case stack.NeedEndpoint:
		c.endpoint(it, path, n)
	default:
		if svc := c.sc.Service(name); svc != nil {
			c.fact(it, path, svc, n)
		}
	}
}

// alternatives names the known runtimes that have capability.
func (c *checker) alternatives(capability stack.Capability) string {
	var names []string
	for name, cs := range c.rt.Known {
		if cs.Has(capability) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "no known runtime can"
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// service checks that name is a service of the stack. A name that is neither a service
// nor a proxy was reported by validation.
func (c *checker) service(it item, path, name string, n stack.Need) {
	if c.sc.Service(name) != nil {
		return
	}
	for _, px := range c.sc.Stack.Proxies {
		if px.Name == name {
			c.errf(it, path, "%s acts on a service and %q is a proxy: target its upstream service %q, or put a toxic or down fault on the proxy", it.what, name, px.Upstream)
			return
		}
	}
	if n.Param != "" {
		c.errf(it, path, "%s: %s%s %q is not a service of the stack%s", it.what, it.params, n.Param, name, c.known())
	}
}

// endpoint checks that n.Var is DRILL_ENDPOINT_<SERVICE> of a service of the stack.
func (c *checker) endpoint(it item, path string, n stack.Need) {
	for _, svc := range c.sc.Stack.Services {
		if stack.EnvName(stack.EndpointEnvPrefix, svc.Name) == n.Var {
			return
		}
	}
	var vars []string
	for _, svc := range c.sc.Stack.Services {
		vars = append(vars, "$"+stack.EnvName(stack.EndpointEnvPrefix, svc.Name))
	}
	c.errf(it, path, "%s: %s%s names $%s, which names no service of the stack: drill sets only %s",
		it.what, it.params, n.Param, n.Var, strings.Join(vars, ", "))
}

// fact checks a need of svc that the stack's declaration settles.
func (c *checker) fact(it item, path string, svc *scenario.Service, n stack.Need) {
	switch n.Stack {
	case stack.NeedData:
		if !svc.KeepsData() {
			c.errf(it, path, "%s needs service %s to keep its data in its data directory, and nothing of it names ${DATA_DIR}; %s", it.what, svc.Name, instead(n.Instead, ""))
		}
	case stack.NeedRelease:
		if svc.ReleaseNamed(n.Release) == nil {
			var names []string
			for _, r := range svc.Releases {
				names = append(names, r.Name)
			}
			c.errf(it, path, "%s: service %s has no release %q (one of: %s)", it.what, svc.Name, n.Release, strings.Join(names, ", "))
		}
	case stack.NeedStandby:
		if svc.Strategy != scenario.StrategyBlueGreen {
			c.errf(it, path, "%s needs service %s to deploy blue-green (its strategy is %s), so that its previous release stands by; %s", it.what, svc.Name, or(svc.Strategy, scenario.StrategyStartFirst), instead(n.Instead, ""))
		}
	}
}

// known renders " (one of: a, b)" with the stack's services.
func (c *checker) known() string {
	names := make([]string, 0, len(c.sc.Stack.Services))
	for _, svc := range c.sc.Stack.Services {
		names = append(names, svc.Name)
	}
	return " (one of: " + strings.Join(names, ", ") + ")"
}

// instead is what to do instead: the need's own advice, else fallback.
func instead(advice, fallback string) string {
	if advice != "" {
		return advice + " instead"
	}
	return fallback
}

// or returns a unless it is empty, else b.
func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
