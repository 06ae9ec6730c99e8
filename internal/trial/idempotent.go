package trial

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/drillhq/drill/internal/check"
)

// NameIdempotent is the checker name of the verify.idempotent finding.
const NameIdempotent = "idempotent"

// served is what a recovered service holds, as far as a second rollback could change it.
type served struct {
	release  string
	schema   *check.SchemaInfo
	ids      []string
	balances map[string]int64
}

// checkIdempotent runs the rollback once more on the recovered service and checks it
// changed nothing a user would notice: the release that serves, the data's schema, every
// write the workload reads back and the ledger's balances. A rollback that is not
// idempotent (a restore that rewinds the data again, a migration whose down step breaks
// a second time) is a finding, kept with the user checks' so drill check reproduces it.
func (t *run) checkIdempotent(ctx context.Context) {
	if !t.sc.Verify.Idempotent || t.res.Outcome != Recovered || t.again == nil || ctx.Err() != nil {
		return
	}
	finding := check.Finding{Checker: NameIdempotent, Status: check.Pass}
	before, err := t.served(ctx)
	if err == nil {
		t.event(EventIdempotentRun, "the rollback once more, on the recovered service")
		err = t.again(ctx)
	}
	var after served
	if err == nil {
		after, err = t.served(ctx)
	}
	switch {
	case err != nil:
		finding.Status, finding.Message = check.Unknown, fmt.Sprintf("could not run the rollback twice: %v", err)
	default:
		if diff := before.diff(after); diff != "" {
			finding.Status, finding.Message = check.Fail, "the second rollback changed "+diff
		} else {
			finding.Message = fmt.Sprintf("the second rollback changed nothing (release %s, %d writes, %d accounts)",
				after.release, len(after.ids), len(after.balances))
		}
	}
	t.res.UserChecks = append(t.res.UserChecks, finding)
}

// served reads what the service holds now.
func (t *run) served(ctx context.Context) (served, error) {
	var s served
	svc, err := t.st.Service(t.sc.RollbackSteps()[0].Mechanism.Service) // the service the rollback acts on first
	if err != nil {
		return s, err
	}
	s.release = svc.Release()
	if t.wl != nil {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		s.ids, err = t.wl.FinalRead(rctx)
		cancel()
		if err != nil {
			return s, fmt.Errorf("read back: %w", err)
		}
		slices.Sort(s.ids)
	}
	if t.ledger != nil {
		state, schema, err := t.readLedger(ctx)
		if err != nil {
			return s, fmt.Errorf("read ledger: %w", err)
		}
		s.balances, s.schema = state.Balances, schema
		if s.schema != nil {
			s.schema.Release = "" // compared on its own, from the stack
		}
	}
	return s, nil
}

// diff names what differs between two readings ("" when nothing does).
func (s served) diff(o served) string {
	switch {
	case s.release != o.release:
		return fmt.Sprintf("the release: %s, then %s", s.release, o.release)
	case (s.schema == nil) != (o.schema == nil) || s.schema != nil && *s.schema != *o.schema:
		return fmt.Sprintf("the schema: %v, then %v", s.schema, o.schema)
	case !slices.Equal(s.ids, o.ids):
		return fmt.Sprintf("the data: %d writes held, then %d", len(s.ids), len(o.ids))
	case !maps.Equal(s.balances, o.balances):
		return "the data: the balances"
	}
	return ""
}
