package trial

import (
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
)

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
