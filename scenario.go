package drill

import "github.com/drillhq/drill/internal/scenario"

// Scenario is a decoded scenario: what Load and Parse return, and what a Go program
// builds field by field (then calls Check). Its parts have the names below; the YAML
// keys of a scenario file are their fields' names in snake case (see
// schema/scenario.schema.json).
type Scenario = scenario.Scenario

// The parts of a Scenario, for building one in Go.
type (
	// ScenarioObjectives are the RTO, RPO and success rate a scenario requires, with the quantile and
	// confidence they are judged at.
	ScenarioObjectives = scenario.Objectives
	// Stack is the services (and proxies) a trial starts.
	Stack = scenario.Stack
	// Service is one service of the stack, with its releases.
	Service = scenario.Service
	// Release is one version of a service.
	Release = scenario.Release
	// Proxy is a Toxiproxy proxy in front of a service, for network faults.
	Proxy = scenario.Proxy
	// Workload is the traffic whose acknowledged writes RPC accounts for.
	Workload = scenario.Workload
	// Probes are the steady-state checks that time impact and recovery.
	Probes = scenario.Probes
	// HTTPProbe probes a service's HTTP endpoint.
	HTTPProbe = scenario.HTTPProbe
	// Change is the bad release deployed at t_fault.
	Change = scenario.Change
	// Fault is one injected fault (a Toxiproxy toxic, a container fault, ...).
	Fault = scenario.Fault
	// Rollback is the rollback plan: a mechanism and the trigger that starts it.
	Rollback = scenario.Rollback
	// Mechanism is how the rollback acts (redeploy, blue-green, restore, hook, ...).
	Mechanism = scenario.Mechanism
	// Trigger is what starts the rollback (automated, manual, hybrid).
	Trigger = scenario.Trigger
	// Verify configures the consistency checks run after recovery.
	Verify = scenario.Verify
	// Duration is a time.Duration written as "500ms" or "5s" in a scenario file.
	Duration = scenario.Duration
)
