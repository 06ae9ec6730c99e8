package scenario

// Names the format accepts for its closed sets. Fault, mechanism, trigger and workload
// kinds are open: their registries validate them (TriggerKinds lists the built-in
// triggers; the workload kinds' own rules are theirs, WorkloadRules).
const (
	// WorkloadNone runs no workload: only probes measure the trial (the default kind).
	WorkloadNone = "none"
	// MechanismRedeploy is the mechanism the plan describes in full (the release it goes
	// back to, its strategy); other kinds are described by their parameters.
	MechanismRedeploy = "redeploy"
	// MechanismBlueGreen flips a service's switch back to the release left standing by.
	MechanismBlueGreen = "blue-green"
	// TriggerAutomated fires the rollback when its condition holds over the probe window.
	TriggerAutomated = "automated"
	// TriggerManual follows the alert with a modelled human decision (game days: a real one).
	TriggerManual = "manual"
	// TriggerHybrid follows the alert with an approval gate that has a timeout.
	TriggerHybrid = "hybrid"
	// FixtureLedger is drill's demo ledger service (fixtures/ledger).
	FixtureLedger = "ledger"
	// FixtureWrites is drill's application in front of PostgreSQL or Redis (fixtures/writes).
	FixtureWrites = "writes"
	// StrategyStartFirst deploys a release beside the running one and switches traffic
	// once it is ready: no gap (a rolling update with maxUnavailable 0).
	StrategyStartFirst = "start-first"
	// StrategyRecreate stops the running release, then starts the new one: a gap.
	StrategyRecreate = "recreate"
	// StrategyBlueGreen is start-first that keeps the previous release running, idle,
	// behind the switch: the blue-green mechanism flips traffic back to it.
	StrategyBlueGreen = "blue-green"
)

// TriggerKinds and Fixtures list the accepted names, in the order the
// schema and messages show them.
var (
	TriggerKinds = []string{TriggerAutomated, TriggerManual, TriggerHybrid}
	Fixtures     = []string{FixtureLedger, FixtureWrites}
	Strategies   = []string{StrategyStartFirst, StrategyRecreate, StrategyBlueGreen}
)

// service returns the service named name, or nil.
func (s *Scenario) service(name string) *Service {
	for i := range s.Stack.Services {
		if s.Stack.Services[i].Name == name {
			return &s.Stack.Services[i]
		}
	}
	return nil
}

// Service returns the service named name, or nil when the stack has none by that name.
func (s *Scenario) Service(name string) *Service { return s.service(name) }

// ReleaseNamed returns the service's release named name, or nil.
func (svc *Service) ReleaseNamed(name string) *Release {
	for i := range svc.Releases {
		if svc.Releases[i].Name == name {
			return &svc.Releases[i]
		}
	}
	return nil
}

// ControlTrials is how many control trials a run of the scenario interleaves (0 without
// a control section).
func (s *Scenario) ControlTrials() int {
	if s.Control == nil {
		return 0
	}
	return s.Control.Trials
}
