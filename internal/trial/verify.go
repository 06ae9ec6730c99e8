package trial

import (
	"context"
	"time"

	"github.com/drillhq/drill/internal/check"
)

// captureState records what the invariant checks judge, from the live service: for the
// ledger workload, every balance and stored transfer, and the schema versions. Captured
// when the service is serving: after a recovery, and when the trigger never fired (a
// release that corrupts data while its health stays green is exactly what the checks
// exist to catch).
func (t *run) captureState(ctx context.Context) {
	if t.ledger == nil || (t.res.Outcome != Recovered && t.res.Outcome != NotDetected) || ctx.Err() != nil {
		return
	}
	ledger := check.NewLedger(t.ledger.Endpoint, check.WithTimeout(5*time.Second))
	state, err := ledger.State(ctx)
	if err != nil {
		t.res.CaptureError = "capture ledger state: " + err.Error()
		return
	}
	t.res.Ledger = &state
	if info, err := ledger.Schema(ctx); err == nil {
		t.res.Schema = &info
	}
}

// params are the scenario's settings Measure needs.
func (t *run) params() Params { return ParamsOf(t.sc) }
