package drilltest

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/onsi/gomega/types"

	"github.com/drillhq/drill"
	"github.com/drillhq/drill/internal/stats"
)

// HaveRTCBelow succeeds when the run shows, at the scenario's confidence, that the
// quantile q (0.9 for p90) of the recovery time capability is below d: the
// order-statistic upper bound of that quantile is under d. A trial that never recovered
// counts as an unbounded RTC. Too few trials to bound the quantile do not match; the
// message says how many would.
func HaveRTCBelow(d time.Duration, q float64) types.GomegaMatcher {
	return &matcher{expected: fmt.Sprintf("%s of RTC to be below %s", quantileName(q), d), judge: func(res *drill.Result) (bool, string, error) {
		if q <= 0 || q >= 1 {
			return false, "", errNoQuantile
		}
		var rtc []float64
		for _, t := range res.TrialResults {
			switch {
			case t.Control || (t.Outcome != drill.Recovered && t.Outcome != drill.NotRecovered && t.Outcome != drill.NotDetected):
			case t.Outcome == drill.Recovered && t.Has["rtc"]:
				rtc = append(rtc, t.RTC.Seconds())
			default:
				rtc = append(rtc, math.Inf(1))
			}
		}
		if len(rtc) == 0 {
			return false, "", fmt.Errorf("drilltest: scenario %q: no trial measured an RTC", res.Scenario)
		}
		sort.Float64s(rtc)
		conf := res.Objectives.Confidence
		bound, ok := stats.QuantileUpperBound(rtc, q, conf)
		if !ok {
			return false, fmt.Sprintf("%d RTC samples cannot bound %s at %g%% (%d needed); max RTC %s",
				len(rtc), quantileName(q), conf*100, stats.MinTrialsForUpperBound(q, conf), seconds(rtc[len(rtc)-1])), nil
		}
		return bound < d.Seconds(), fmt.Sprintf("the %g%% upper bound of %s RTC over %d samples is %s",
			conf*100, quantileName(q), len(rtc), seconds(bound)), nil
	}}
}

func seconds(s float64) string {
	if math.IsInf(s, 1) {
		return "unbounded (a trial never recovered)"
	}
	return time.Duration(s * float64(time.Second)).Round(100 * time.Microsecond).String()
}
