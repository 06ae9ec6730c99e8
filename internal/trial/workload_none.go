package trial

import (
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
)

// noWorkload is workload.kind none: no workload, only probes measure the trial.
type noWorkload struct{}

// Workload returns no workload.
func (noWorkload) Workload(scenario.Workload, WorkloadEnv) (measure.Workload, error) { return nil, nil }
