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
	state, schema, err := t.readLedger(ctx)
	if err != nil {
		t.res.CaptureError = "capture ledger state: " + err.Error()
		return
	}
	t.res.Ledger, t.res.Schema = &state, schema
}

// readLedger reads the ledger fixture's state and, when it reports them, its schema
// versions (nil otherwise).
func (t *run) readLedger(ctx context.Context) (check.LedgerState, *check.SchemaInfo, error) {
	ledger := check.NewLedger(t.ledger.Endpoint, check.WithTimeout(5*time.Second))
	state, err := ledger.State(ctx)
	if err != nil {
		return state, nil, err
	}
	if info, err := ledger.Schema(ctx); err == nil {
		return state, &info, nil
	}
	return state, nil, nil
}

// params are the scenario's settings Measure needs.
func (t *run) params() Params { return ParamsOf(t.sc) }
