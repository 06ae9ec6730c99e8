package trial

import (
	"time"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/rollback"
)

// alert is the evidence a game day's operator decides on: the trigger's window when its
// condition held, and since when probes have been failing after the change.
func (t *run) alert(trigger *rollback.Automated, from measure.Offset) rollback.Alert {
	v := trigger.Window()
	a := rollback.Alert{Trial: t.res.Index, Condition: t.sc.Rollback.Trigger.Condition,
		ErrorRate: v.ErrorRate, P95Ms: v.P95Ms, Samples: v.Samples, Raised: time.Now().UTC()}
	t.mu.Lock()
	first := measure.FirstFailure(t.probes, from)
	t.mu.Unlock()
	if first != nil {
		a.Since = t.clock.Base().Add(first.D()).UTC()
	}
	return a
}
