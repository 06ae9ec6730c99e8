package drilltest

import (
	"fmt"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/drillhq/drill"
)

// LoseNoAcknowledgedWrites succeeds when no trial lost an acknowledged write (an RPO of
// zero, shown trial by trial rather than at a confidence bound). A run whose workload
// accounted for no write cannot be judged: that is an error.
func LoseNoAcknowledgedWrites() types.GomegaMatcher {
	return &matcher{expected: "no acknowledged write to be lost", judge: func(res *drill.Result) (bool, string, error) {
		var lost []string
		measured := 0
		for _, t := range res.TrialResults {
			if !t.Has["rpc"] {
				continue
			}
			measured++
			for _, id := range t.Lost {
				lost = append(lost, fmt.Sprintf("trial %d: %s", t.Index, id))
			}
		}
		if measured == 0 {
			return false, "", fmt.Errorf("drilltest: scenario %q: no trial accounted for its writes (does the scenario have a workload?)", res.Scenario)
		}
		said := fmt.Sprintf("%d of %d acknowledged writes were lost over %d trials", len(lost), res.AckedWrites, measured)
		if len(lost) > 0 {
			shown := lost[:min(len(lost), 10)]
			said += ": " + strings.Join(shown, ", ")
		}
		return len(lost) == 0, said, nil
	}}
}

// BeConsistent succeeds when every consistency check run after recovery passed. A check
// that could not decide (unknown) is not a pass, and a run that checked nothing cannot
// be judged: that is an error.
func BeConsistent() types.GomegaMatcher {
	return &matcher{expected: "the data to be consistent after recovery", judge: func(res *drill.Result) (bool, string, error) {
		if res.ConsistencyChecks == 0 {
			return false, "", fmt.Errorf("drilltest: scenario %q: no consistency check ran (add verify checks to the scenario)", res.Scenario)
		}
		said := fmt.Sprintf("%d consistency checks: %d failed, %d undecided", res.ConsistencyChecks, res.ConsistencyFailures, res.ConsistencyUnknown)
		var bad []string
		for _, t := range res.TrialResults {
			for _, f := range t.Consistency {
				if f.Status != "pass" && len(bad) < 5 {
					bad = append(bad, fmt.Sprintf("trial %d %s %s: %s", t.Index, f.Checker, f.Status, f.Message))
				}
			}
		}
		if len(bad) > 0 {
			said += "\n  " + strings.Join(bad, "\n  ")
		}
		return res.ConsistencyFailures == 0 && res.ConsistencyUnknown == 0, said, nil
	}}
}
