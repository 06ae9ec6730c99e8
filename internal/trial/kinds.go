package trial

import (
	"errors"

	"github.com/drillhq/drill/internal/inject"
	"github.com/drillhq/drill/internal/readiness"
	"github.com/drillhq/drill/internal/rollback"
)

// Kinds holds the registries a trial builds its scenario's kinds from: its faults, its
// change and rollback mechanisms, its trigger, its probe, its workload and its services'
// readiness checks. They are built once by the caller
// (internal/kinds.Default and whatever a library user adds) and passed in, so a trial
// never knows which kinds exist.
type Kinds struct {
	Faults     *inject.Registry
	Mechanisms *rollback.Registry
	Triggers   *rollback.TriggerRegistry
	// Probes are the probe kinds a scenario names with probes.kind.
	Probes *ProbeRegistry
	// Workloads are the workload kinds a scenario names with workload.kind.
	Workloads *WorkloadRegistry
	// Readiness are the services' readiness kinds, which the runtime polls (passed to
	// Up with stack.WithReadiness).
	Readiness *readiness.Registry
}

// check fails when a registry is missing: a Config built without its kinds.
func (k Kinds) check() error {
	if k.Faults == nil || k.Mechanisms == nil || k.Triggers == nil || k.Probes == nil || k.Workloads == nil || k.Readiness == nil {
		return errors.New("check kinds: Config.Kinds needs every registry (see internal/kinds.Default)")
	}
	return nil
}
