package trial

import (
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
)

// noWorkload is workload.kind none: no workload, only probes measure the trial.
type noWorkload struct{}

// Workload returns no workload.
func (noWorkload) Workload(scenario.Workload, WorkloadEnv) (measure.Workload, error) { return nil, nil }

// Default fills nothing.
func (noWorkload) Default(*scenario.Workload, func(string, bool) bool) {}

// Check refuses the keys of workloads that send operations.
func (noWorkload) Check(w scenario.Workload, c scenario.WorkloadChecker) {
	c.Unused(w, "workload.kind "+WorkloadHTTP, "setup", "write", "read")
	c.Unused(w, "the workload kinds configured by params", "params")
}

// Info says nothing runs and nothing is read back.
func (noWorkload) Info(scenario.Workload) scenario.WorkloadInfo {
	return scenario.WorkloadInfo{Start: "no workload"}
}
