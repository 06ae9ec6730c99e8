package report

import (
	"fmt"

	"github.com/drillhq/drill/internal/measure"
)

// MachineCondition is the machine's condition at the start and the end of a run: drill's
// own timing error grows with its load and stolen CPU time, so a reader of a verdict
// sees what the machine was doing.
type MachineCondition struct {
	Start measure.Machine `json:"start"`
	End   measure.Machine `json:"end"`
}

// Text states both readings and the share of CPU time stolen between them.
func (m MachineCondition) Text() string {
	return fmt.Sprintf("start: %s; end: %s; %.1f%% of CPU time stolen by the hypervisor during the run",
		m.Start, m.End, m.End.StealShare(m.Start)*100)
}
