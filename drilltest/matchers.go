// Package drilltest has Gomega matchers for drill results, so a team's Ginkgo suite can
// run a rollback drill in CI and assert on it:
//
//	res, err := drill.Run(ctx, sc, drill.WithTrials(5))
//	Expect(err).NotTo(HaveOccurred())
//	Expect(res).To(drilltest.MeetObjectives())
//	Expect(res).To(drilltest.LoseNoAcknowledgedWrites())
//
// As in Gomega, "could not evaluate" (no result, no trial that ran) is an error, kept
// apart from "did not match".
package drilltest

import (
	"errors"
	"fmt"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/drillhq/drill"
	"github.com/drillhq/drill/internal/stats"
)

// MeetObjectives succeeds when the run's overall verdict is Pass: every objective's
// confidence bound meets it. Inconclusive does not match: run more trials (the failure
// message says how many).
func MeetObjectives() types.GomegaMatcher { return &verdictMatcher{} }

// LoseNoAcknowledgedWrites succeeds when no trial lost an acknowledged write.
func LoseNoAcknowledgedWrites() types.GomegaMatcher { return &lossMatcher{} }

type verdictMatcher struct{}

func result(actual any) (*drill.Result, error) {
	res, ok := actual.(*drill.Result)
	if !ok || res == nil {
		return nil, fmt.Errorf("drilltest: expected a non-nil *drill.Result, got %T", actual)
	}
	if res.Summary.Judged == 0 {
		return nil, errors.New("drilltest: no trial ran to a judgement (all errored or interrupted): " + firstError(res))
	}
	return res, nil
}

func firstError(res *drill.Result) string {
	for _, t := range res.Trials {
		if t.Error != "" {
			return t.Error
		}
	}
	return "no trials"
}

func (m *verdictMatcher) Match(actual any) (bool, error) {
	res, err := result(actual)
	if err != nil {
		return false, err
	}
	return res.Summary.Verdict == stats.Pass, nil
}

func (m *verdictMatcher) FailureMessage(actual any) string {
	res, err := result(actual)
	if err != nil {
		return err.Error()
	}
	s := res.Summary
	var b strings.Builder
	fmt.Fprintf(&b, "expected scenario %q to meet its objectives, verdict: %s", res.Scenario.Name, s.Verdict)
	for _, o := range []struct {
		name string
		v    stats.VerdictResult
	}{{"RTO", s.RTO}, {"RPO", s.RPO}, {"success rate", s.SuccessRate}} {
		if o.v.Verdict != stats.Pass {
			fmt.Fprintf(&b, "\n  %s: %s — %s", o.name, o.v.Verdict, o.v.Reason)
		}
	}
	return b.String()
}

func (m *verdictMatcher) NegatedFailureMessage(actual any) string {
	res, _ := actual.(*drill.Result)
	name := ""
	if res != nil {
		name = res.Scenario.Name
	}
	return fmt.Sprintf("expected scenario %q not to meet its objectives, but every objective passed", name)
}

type lossMatcher struct {
	lost []string
}

func (m *lossMatcher) Match(actual any) (bool, error) {
	res, err := result(actual)
	if err != nil {
		return false, err
	}
	m.lost = nil
	for _, t := range res.Trials {
		if t.Loss == nil {
			continue
		}
		for _, id := range t.Loss.Lost {
			m.lost = append(m.lost, fmt.Sprintf("trial %d: %s", t.Index, id))
		}
	}
	return len(m.lost) == 0, nil
}

func (m *lossMatcher) FailureMessage(any) string {
	shown := m.lost
	if len(shown) > 10 {
		shown = shown[:10]
	}
	return fmt.Sprintf("expected no acknowledged write to be lost, but %d were: %s", len(m.lost), strings.Join(shown, ", "))
}

func (m *lossMatcher) NegatedFailureMessage(any) string {
	return "expected some acknowledged write to be lost, but none was"
}
