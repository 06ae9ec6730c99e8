package drilltest

import (
	"fmt"

	"github.com/onsi/gomega/types"

	"github.com/drillhq/drill"
)

// HaveFalsePositiveRateBelow succeeds when the control trials (the same procedure with a
// good change, where a trigger that fires is a false positive) show, at the scenario's
// confidence, that the trigger's false-positive rate is below rate: the Clopper–Pearson
// upper bound is under it. A run without control trials cannot be judged: that is an
// error.
func HaveFalsePositiveRateBelow(rate float64) types.GomegaMatcher {
	return &matcher{expected: fmt.Sprintf("the false-positive rate to be below %g%%", rate*100), judge: func(res *drill.Result) (bool, string, error) {
		if rate <= 0 || rate > 1 {
			return false, "", fmt.Errorf("drilltest: HaveFalsePositiveRateBelow(%g): the rate must be in (0, 1]", rate)
		}
		got, upper, ok := res.FalsePositiveRate()
		if !ok {
			return false, "", fmt.Errorf("drilltest: scenario %q: no control trial ran, so no false-positive rate (add control trials to the scenario)", res.Scenario)
		}
		return upper < rate, fmt.Sprintf("%d of %d control trials fired the trigger (%.1f%%); the %g%% upper bound is %.1f%%",
			res.ControlsFired, res.Controls, got*100, res.Objectives.Confidence*100, upper*100), nil
	}}
}
