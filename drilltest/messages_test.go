package drilltest_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"github.com/drillhq/drill"
	"github.com/drillhq/drill/drilltest"
)

// judged builds a Result of n recovered trials with the given RTCs and lost writes,
// as Run would report it.
func judged(verdict drill.Verdict, rtc []time.Duration, lost ...string) *drill.Result {
	res := &drill.Result{Scenario: "bad-release", Verdict: verdict, Trials: len(rtc), Judged: len(rtc), Recovered: len(rtc),
		Objectives: drill.Objectives{RTO: 5 * time.Second, SuccessRate: 0.9, Quantile: 0.9, Confidence: 0.95},
		RTO:        drill.Judgement{Verdict: verdict, N: len(rtc), Needed: 29, Reason: "RTC p90 bound is 1s"},
		RPO:        drill.Judgement{Verdict: drill.Pass, N: len(rtc)}, SuccessRate: drill.Judgement{Verdict: drill.Pass, N: len(rtc)},
		AckedWrites: 100 * len(rtc), LostWrites: len(lost), ConsistencyChecks: len(rtc)}
	for i, d := range rtc {
		t := drill.Trial{Index: i + 1, Outcome: drill.Recovered, RTC: d, Acked: 100, Has: map[string]bool{"rtc": true, "rpc": true},
			Consistency: []drill.Finding{{Checker: "conservation", Status: "pass"}}}
		if i == 0 {
			t.Lost = lost
		}
		res.TrialResults = append(res.TrialResults, t)
	}
	return res
}

func rtcs(n int, d time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d + time.Duration(i)*time.Millisecond
	}
	return out
}

// errored is a run in which no trial could run: nothing to judge.
var errored = &drill.Result{Scenario: "bad-release", Trials: 2, Errors: 2,
	TrialResults: []drill.Trial{{Index: 1, Outcome: drill.Errored, Error: "start ledger: no such file"}}}

// messages runs m against actual and returns (matched, failure or negated message).
func messages(m types.GomegaMatcher, actual any) (bool, string) {
	ok, err := m.Match(actual)
	Expect(err).NotTo(HaveOccurred())
	if ok {
		return ok, m.NegatedFailureMessage(actual)
	}
	return ok, m.FailureMessage(actual)
}

var _ = Describe("matcher messages", func() {
	type messageCase struct {
		matcher       types.GomegaMatcher
		pass, fail    *drill.Result
		passSays      []string
		failSays      []string
		emptyErrorSay string
	}
	DescribeTable("name the scenario, the objective, the measured bound and the trial count",
		func(c messageCase) {
			By("the pass message (shown when a match was not expected)")
			ok, msg := messages(c.matcher, c.pass)
			Expect(ok).To(BeTrue(), msg)
			Expect(msg).To(HavePrefix("expected not "))
			for _, s := range append([]string{`scenario "bad-release"`}, c.passSays...) {
				Expect(msg).To(ContainSubstring(s))
			}
			By("the failure message")
			ok, msg = messages(c.matcher, c.fail)
			Expect(ok).To(BeFalse(), msg)
			Expect(msg).To(HavePrefix("expected "))
			for _, s := range append([]string{`scenario "bad-release"`}, c.failSays...) {
				Expect(msg).To(ContainSubstring(s))
			}
			By("the error on a result with no judged trial, and on no result")
			_, err := c.matcher.Match(errored)
			Expect(err).To(MatchError(ContainSubstring(c.emptyErrorSay)))
			_, err = c.matcher.Match(nil)
			Expect(err).To(MatchError(ContainSubstring("expected a non-nil *drill.Result")))
		},
		Entry("MeetObjectives", messageCase{
			matcher: drilltest.MeetObjectives(),
			pass:    judged(drill.Pass, rtcs(29, time.Second)), fail: judged(drill.Inconclusive, rtcs(3, time.Second)),
			passSays:      []string{"29 trials judged", "verdict pass", "RTO (p90 of RTC ≤ 5s): pass, n = 29"},
			failSays:      []string{"3 trials judged", "verdict inconclusive", "RTO (p90 of RTC ≤ 5s): inconclusive, n = 3 (29 needed)", "RTC p90 bound is 1s"},
			emptyErrorSay: "no trial ran to a judgement (2 trials: 2 errored, 0 interrupted): start ledger: no such file"}),
		Entry("HaveVerdict", messageCase{
			matcher: drilltest.HaveVerdict(drill.Fail),
			pass:    judged(drill.Fail, rtcs(29, 9*time.Second)), fail: judged(drill.Pass, rtcs(29, time.Second)),
			passSays: []string{"verdict fail", "n = 29"}, failSays: []string{"to be fail", "verdict pass", "n = 29"},
			emptyErrorSay: "no trial ran to a judgement"}),
		Entry("HaveRTCBelow", messageCase{
			matcher: drilltest.HaveRTCBelow(2*time.Second, 0.9),
			pass:    judged(drill.Pass, rtcs(29, time.Second)), fail: judged(drill.Pass, rtcs(29, 3*time.Second)),
			passSays:      []string{"p90 of RTC to be below 2s", "95% upper bound of p90 RTC over 29 samples is 1.028s"},
			failSays:      []string{"p90 of RTC to be below 2s", "over 29 samples is 3.028s"},
			emptyErrorSay: "no trial ran to a judgement"}),
		Entry("LoseNoAcknowledgedWrites", messageCase{
			matcher: drilltest.LoseNoAcknowledgedWrites(),
			pass:    judged(drill.Pass, rtcs(3, time.Second)), fail: judged(drill.Fail, rtcs(3, time.Second), "t-17", "t-18"),
			passSays:      []string{"0 of 300 acknowledged writes were lost over 3 trials"},
			failSays:      []string{"2 of 300 acknowledged writes were lost over 3 trials: trial 1: t-17, trial 1: t-18"},
			emptyErrorSay: "no trial ran to a judgement"}),
		Entry("BeConsistent", messageCase{
			matcher: drilltest.BeConsistent(),
			pass:    judged(drill.Pass, rtcs(3, time.Second)),
			fail: func() *drill.Result {
				r := judged(drill.Fail, rtcs(3, time.Second))
				r.ConsistencyFailures = 1
				r.TrialResults[1].Consistency = []drill.Finding{{Checker: "conservation", Status: "fail", Message: "money created: 12"}}
				return r
			}(),
			passSays:      []string{"3 trials judged", "3 consistency checks: 0 failed, 0 undecided"},
			failSays:      []string{"3 consistency checks: 1 failed", "trial 2 conservation fail: money created: 12"},
			emptyErrorSay: "no trial ran to a judgement"}),
		Entry("HaveFalsePositiveRateBelow", messageCase{
			matcher: drilltest.HaveFalsePositiveRateBelow(0.2),
			pass: func() *drill.Result {
				r := judged(drill.Pass, rtcs(3, time.Second))
				r.Controls = 29
				return r
			}(),
			fail: func() *drill.Result {
				r := judged(drill.Pass, rtcs(3, time.Second))
				r.Controls, r.ControlsFired = 10, 1
				return r
			}(),
			passSays:      []string{"false-positive rate to be below 20%", "0 of 29 control trials fired the trigger (0.0%); the 95% upper bound is 9.8%"},
			failSays:      []string{"1 of 10 control trials fired the trigger (10.0%); the 95% upper bound is 39.4%"},
			emptyErrorSay: "no trial ran to a judgement"}),
	)

	It("does not call too few trials a pass of HaveRTCBelow, and says how many would do", func() {
		ok, msg := messages(drilltest.HaveRTCBelow(2*time.Second, 0.9), judged(drill.Inconclusive, rtcs(5, time.Second)))
		Expect(ok).To(BeFalse())
		Expect(msg).To(ContainSubstring("5 RTC samples cannot bound p90 at 95% (29 needed)"))
	})

	It("cannot judge what the run did not measure", func() {
		r := judged(drill.Pass, rtcs(3, time.Second))
		_, err := drilltest.HaveFalsePositiveRateBelow(0.1).Match(r)
		Expect(err).To(MatchError(ContainSubstring("no control trial ran")))
		r.ConsistencyChecks = 0
		_, err = drilltest.BeConsistent().Match(r)
		Expect(err).To(MatchError(ContainSubstring("no consistency check ran")))
		for i := range r.TrialResults {
			delete(r.TrialResults[i].Has, "rpc")
		}
		_, err = drilltest.LoseNoAcknowledgedWrites().Match(r)
		Expect(err).To(MatchError(ContainSubstring("no trial accounted for its writes")))
		_, err = drilltest.HaveRTCBelow(time.Second, 1.5).Match(r)
		Expect(err).To(MatchError(ContainSubstring("quantile must be in (0, 1)")))
	})
})
