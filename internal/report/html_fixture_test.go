package report_test

import (
	"fmt"
	"time"

	"github.com/drillhq/drill/internal/check"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/trial"
)

// fxStart is the fixture run's fixed start, so golden files never change by the clock.
var fxStart = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func fxOff(d time.Duration) *measure.Offset { o := measure.Offset(d); return &o }

// fxProbes are probes every 25ms over [0, end) that fail within [badFrom, badTo).
func fxProbes(end, badFrom, badTo time.Duration) []measure.ProbeResult {
	var ps []measure.ProbeResult
	for i, at := 0, time.Duration(0); at < end; i, at = i+1, at+25*time.Millisecond {
		ok := at < badFrom || at >= badTo
		p := measure.ProbeResult{Seq: i, Start: measure.Offset(at), End: measure.Offset(at + 2*time.Millisecond), OK: ok, Status: 200}
		if !ok {
			p.Status, p.Err = 500, "status 500"
		}
		ps = append(ps, p)
	}
	return ps
}

// fxTrial is a trial whose fault is at 500ms; impact 25ms later; detect ttd later;
// trigger 1ms after; recovery ttr after that (0: never).
func fxTrial(idx int, ttd, ttr time.Duration, lost int, keepProbes bool) trial.Result {
	fault := 500 * time.Millisecond
	impact := fault + 25*time.Millisecond
	detect := impact + ttd
	trigger := detect + time.Millisecond
	t := trial.Result{
		Index: idx, Seed: int64(1000 + idx), Outcome: trial.Recovered,
		Started: fxStart.Add(time.Duration(idx) * 5 * time.Second), Setup: measure.Offset(40 * time.Millisecond),
		Timing: measure.Timing{Fault: measure.Offset(fault), Impact: fxOff(impact), Detect: fxOff(detect), Trigger: fxOff(trigger)},
		Events: []trial.Event{{At: measure.Offset(fault), Name: "t_fault", Detail: "deploy ledger v2"}},
	}
	end := trigger + 3*time.Second
	if ttr > 0 {
		t.Timing.Recovered = fxOff(trigger + ttr)
		end = trigger + ttr + 400*time.Millisecond
	} else {
		t.Outcome = trial.NotRecovered
	}
	t.Timing.Derive()
	l := &measure.Loss{Attempted: 120, Acked: 110, Failed: 6, Unknown: 4}
	for i := 0; i < lost; i++ {
		l.Lost = append(l.Lost, fmt.Sprintf("t-%d", 40+i))
	}
	if lost > 0 {
		l.OldestLostAck = fxOff(impact - 180*time.Millisecond)
		l.RPC = measure.Offset(180 * time.Millisecond)
	}
	t.Loss = l
	probeEnd := end
	if ttr > 0 {
		probeEnd = trigger + ttr
	}
	probes := fxProbes(end, impact, probeEnd)
	t.ProbeCount = len(probes)
	for _, p := range probes {
		if !p.OK {
			t.ProbeFailures++
		}
	}
	if keepProbes {
		t.Probes = probes
	}
	return t
}

// fixtureResults is a hand-built run covering every case the reports must show: three
// recovered trials (one losing writes, one a false positive: no incident), one that
// never recovered (losing more writes than the page lists, and failing a consistency
// check, which fails the run), one errored trial whose message needs escaping, an RTO
// verdict with an unbounded estimate; every trial kept its services' output.
func fixtureResults() *report.Results {
	trials := []trial.Result{
		fxTrial(1, 50*time.Millisecond, 300*time.Millisecond, 0, false),
		fxTrial(2, 75*time.Millisecond, 620*time.Millisecond, 2, true),
		fxTrial(3, 100*time.Millisecond, 0, 11, true),
		{Index: 4, Seed: 1004, Outcome: trial.Errored, Started: fxStart.Add(20 * time.Second),
			Error: `start stack: ledger v1: listen tcp 127.0.0.1:8080: address in use <script>alert("x")</script>`},
		fxTrial(5, 50*time.Millisecond, 1200*time.Millisecond, 0, false),
	}
	trials[4].FalsePositive = true
	// The trial that never recovered also broke an invariant: the run fails on it.
	trials[2].Consistency = []check.Finding{{Checker: check.NameConservation, Status: check.Fail, Message: "money created: 40"}}
	// The summary is Summarize's, as drill run writes it: the fixture cannot hold
	// counts its trials contradict (trial 5, a false positive, is no incident).
	obj := scenario.Objectives{RTO: scenario.Duration(2 * time.Second), RPO: 0, SuccessRate: 0.9, Quantile: 0.9, Confidence: 0.95}
	s := report.Summarize(trials, obj)
	return &report.Results{
		Schema: report.SchemaVersion, DrillVersion: "v0.3.0-test", RunID: "20261120T090000Z-5eed0001",
		Scenario: report.ScenarioRef{Name: "bad-release", File: "scenarios/bad-release.yaml",
			SHA256: "b77f0f521c3875a4b50e20c5d31648c67f35a5c5d71dde71de23449852214f03"},
		Objectives: obj,
		Runtime:    "process", Seed: 42, Started: fxStart, Finished: fxStart.Add(31*time.Second + 250*time.Millisecond),
		ProbeIntervalMs: 25, RecoverAfter: 3, Trials: trials, Summary: s,
		Logs: &report.Logs{Dir: "bad-release-20261120T090000Z-5eed0001.logs", Trials: []report.TrialLogs{
			{Index: 1, Files: []string{"ledger.1.v1.log", "ledger.2.v2.log", "ledger.3.v1.log"}},
			{Index: 2, Files: []string{"ledger.1.v1.log", "ledger.2.v2.log", "ledger.3.v1.log"}},
			{Index: 3, Files: []string{"ledger.1.v1.log", "ledger.2.v2.log", "ledger.3.v1.log"}},
			{Index: 4, Files: []string{"ledger.1.v1.log"}},
			{Index: 5, Files: []string{"ledger.1.v1.log", "ledger.2.v2.log", "ledger.3.v1.log"}},
		}},
	}
}
