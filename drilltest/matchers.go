// Package drilltest runs rollback drills inside a team's Ginkgo suite and judges them
// with Gomega matchers:
//
//	var _ = Describe("bad release", Ordered, Label("drill"), func() {
//		res := drilltest.RunScenario("scenarios/bad-release.yaml", drill.WithTrials(5))
//		It("meets its objectives", func() { Expect(res()).To(drilltest.MeetObjectives()) })
//		It("loses no acknowledged write", func() { Expect(res()).To(drilltest.LoseNoAcknowledgedWrites()) })
//	})
//
// Every message names the scenario, the objective, the measured bound and the trial
// count. As in Gomega, "could not evaluate" (no result, no trial that ran, nothing
// measured) is an error, kept apart from "did not match".
package drilltest

import (
	"errors"
	"fmt"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/drillhq/drill"
)

// result checks that actual is a *drill.Result with at least one judged trial.
func result(actual any) (*drill.Result, error) {
	res, ok := actual.(*drill.Result)
	if !ok || res == nil {
		return nil, fmt.Errorf("drilltest: expected a non-nil *drill.Result, got %T", actual)
	}
	if res.Judged == 0 {
		return nil, fmt.Errorf("drilltest: scenario %q: no trial ran to a judgement (%d trials: %d errored, %d interrupted): %s",
			res.Scenario, res.Trials, res.Errors, res.Interrupted, firstError(res))
	}
	return res, nil
}

func firstError(res *drill.Result) string {
	for _, t := range res.TrialResults {
		if t.Error != "" {
			return t.Error
		}
	}
	return "no trial error recorded"
}

// matcher is a Gomega matcher built from one judging function, which returns whether
// the result matched and the sentence that describes what was measured. It keeps no
// state: each message judges actual again.
type matcher struct {
	judge    func(*drill.Result) (bool, string, error)
	expected string // e.g. "the drill to meet its objectives"
}

func (m *matcher) Match(actual any) (bool, error) {
	res, err := result(actual)
	if err != nil {
		return false, err
	}
	ok, _, err := m.judge(res)
	return ok, err
}

// describe is what was measured, or why it could not be judged.
func (m *matcher) describe(actual any) string {
	res, err := result(actual)
	if err == nil {
		var said string
		if _, said, err = m.judge(res); err == nil {
			return fmt.Sprintf("scenario %q, %d trials judged: %s", res.Scenario, res.Judged, said)
		}
	}
	return err.Error()
}

func (m *matcher) FailureMessage(actual any) string {
	return "expected " + m.expected + ", but " + m.describe(actual)
}

func (m *matcher) NegatedFailureMessage(actual any) string {
	return "expected not " + m.expected + ", but " + m.describe(actual)
}

// MeetObjectives succeeds when the run's verdict is Pass: every objective's confidence
// bound meets it and no consistency check failed. Inconclusive does not match: the
// failure message says how many trials would decide it.
func MeetObjectives() types.GomegaMatcher {
	return &matcher{expected: "the drill to meet its objectives", judge: func(res *drill.Result) (bool, string, error) {
		return res.Verdict == drill.Pass, fmt.Sprintf("verdict %s%s", res.Verdict, objectiveLines(res)), nil
	}}
}

// HaveVerdict succeeds when the run's overall verdict is v (drill.Pass, drill.Inconclusive
// or drill.Fail), e.g. to assert that a known-bad rollback plan fails.
func HaveVerdict(v drill.Verdict) types.GomegaMatcher {
	return &matcher{expected: "the drill's verdict to be " + v.String(), judge: func(res *drill.Result) (bool, string, error) {
		if v < drill.Pass || v > drill.Fail {
			return false, "", fmt.Errorf("drilltest: HaveVerdict(%d): not a verdict (use drill.Pass, drill.Inconclusive or drill.Fail)", int(v))
		}
		return res.Verdict == v, fmt.Sprintf("verdict %s%s", res.Verdict, objectiveLines(res)), nil
	}}
}

// objectiveLines describes each objective's judgement, one line each.
func objectiveLines(res *drill.Result) string {
	q := quantileName(res.Objectives.Quantile)
	var b strings.Builder
	for _, o := range []struct {
		name string
		j    drill.Judgement
	}{
		{fmt.Sprintf("RTO (%s of RTC ≤ %s)", q, res.Objectives.RTO), res.RTO},
		{fmt.Sprintf("RPO (%s of RPC ≤ %s)", q, res.Objectives.RPO), res.RPO},
		{fmt.Sprintf("success rate (≥ %g%%)", res.Objectives.SuccessRate*100), res.SuccessRate},
	} {
		fmt.Fprintf(&b, "\n  %s: %s, n = %d", o.name, o.j.Verdict, o.j.N)
		if o.j.Verdict == drill.Inconclusive && o.j.Needed > o.j.N {
			fmt.Fprintf(&b, " (%d needed)", o.j.Needed)
		}
		if o.j.Reason != "" {
			fmt.Fprintf(&b, " — %s", o.j.Reason)
		}
	}
	if res.ConsistencyFailures > 0 {
		fmt.Fprintf(&b, "\n  consistency: %d of %d checks failed", res.ConsistencyFailures, res.ConsistencyChecks)
	}
	return b.String()
}

// quantileName is "p90" for 0.9.
func quantileName(q float64) string { return fmt.Sprintf("p%g", q*100) }

var errNoQuantile = errors.New("drilltest: the quantile must be in (0, 1), e.g. 0.9 for p90")
