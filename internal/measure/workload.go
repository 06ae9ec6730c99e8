package measure

import "context"

// Workload is the traffic that runs through a trial and whose history measures lost
// writes: Setup once before the trial clock starts, Run open loop until ctx ends
// (recording every operation in the History), FinalRead once the service recovered
// (the ids of every write the service holds). Ledger and HTTPWorkload implement it.
type Workload interface {
	Setup(ctx context.Context) error
	Run(ctx context.Context, clock Clock, h *History)
	FinalRead(ctx context.Context) ([]string, error)
}

var (
	_ Workload = (*Ledger)(nil)
	_ Workload = (*HTTPWorkload)(nil)
	_ Prober   = (*HTTPProbe)(nil)
	_ Prober   = (*TCPProbe)(nil)
	_ Prober   = (*ExecProbe)(nil)
	_ Prober   = (*PrometheusProbe)(nil)
)
