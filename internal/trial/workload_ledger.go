package trial

import (
	"fmt"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
)

// WorkloadLedger is workload.kind ledger.
const WorkloadLedger = "ledger"

// ledgerWorkload is workload.kind ledger: transfers between the ledger fixture's
// accounts, read back after recovery (its consistency checks know the fixture).
type ledgerWorkload struct{}

// Workload sends transfers to the workload's service at its rate.
func (ledgerWorkload) Workload(w scenario.Workload, env WorkloadEnv) (measure.Workload, error) {
	ep, err := env.Endpoint(w.Service)
	if err != nil {
		return nil, err
	}
	return &measure.Ledger{Endpoint: ep, Rate: w.Rate, Accounts: w.Accounts, Timeout: w.Timeout.D(), Rand: env.Rand}, nil
}

// Default fills the rate, timeout and accounts.
func (ledgerWorkload) Default(w *scenario.Workload, unset func(string, bool) bool) {
	scenario.DefaultTraffic(w, unset)
	if unset("workload.accounts", w.Accounts == 0) {
		w.Accounts = scenario.DefaultWorkloadAccounts
	}
}

// Check checks the service, rate, timeout and accounts.
func (ledgerWorkload) Check(w scenario.Workload, c scenario.WorkloadChecker) {
	c.Unused(w, "workload.kind "+WorkloadHTTP, "setup", "write", "read")
	c.Unused(w, "the workload kinds configured by params", "params")
	c.Traffic(w, true)
	if w.Accounts < 2 {
		c.Errf("workload.accounts", "workload.accounts must be at least 2 (transfers move money between accounts), got %d", w.Accounts)
	}
}

// Info describes the transfers and the final read of every transfer.
func (ledgerWorkload) Info(w scenario.Workload) scenario.WorkloadInfo {
	return scenario.WorkloadInfo{
		Start: fmt.Sprintf("ledger workload on %s at %g op/s over %d accounts (timeout %s)", w.Service, w.Rate, w.Accounts, w.Timeout),
		FinalRead: fmt.Sprintf("final read of every transfer the ledger holds: lost acknowledged writes give RPC; then money conservation, exactly-once and schema version checked on the %d accounts",
			w.Accounts),
		ReadByDefault: true,
	}
}
