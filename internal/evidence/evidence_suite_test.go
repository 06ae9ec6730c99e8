package evidence_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/audit"
	"github.com/drillhq/drill/internal/evidence"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/stats"
)

func TestEvidence(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "evidence")
}

// storedRuns are real results files of three runs (two of bad-release, inconclusive;
// one of kill-unflushed, FAIL), as drill run wrote them.
const storedRuns = "../report/testdata/aggregate-runs"

// q4 is the quarter the stored runs are in.
func q4() report.Period {
	p, err := report.ParseQuarter("2026Q4")
	Expect(err).NotTo(HaveOccurred())
	return p
}

// run is one results file of a fixture quarter.
type run struct {
	path string
	res  *report.Results
}

// quarter writes into dir a quarter of runs: the three stored runs (a FAIL among them),
// a game day (an operator decided) and a run with control trials, one of whose trigger
// fired; each with an audit log the audit package writes beside it. bad-release's runs
// name its scenario file as it is now, so the pack reads its conditions;
// kill-unflushed's name a file that is gone.
func quarter(dir string) []run {
	GinkgoHelper()
	paths, err := filepath.Glob(filepath.Join(storedRuns, "*.json"))
	Expect(err).NotTo(HaveOccurred())
	Expect(paths).To(HaveLen(3))
	var runs []run
	for _, p := range paths {
		r, err := report.Read(p)
		Expect(err).NotTo(HaveOccurred())
		runs = append(runs, run{res: r})
	}
	gameDay := copyRun(runs[1].res, "20261203T100000Z-gameday1", 12*24*time.Hour)
	gameDay.Trials[0].Decision = &rollback.Decision{Kind: "manual", Proceed: true, Verdict: "decided",
		RealWait: measure.Offset(40 * time.Second), Operator: "alice"}
	control := copyRun(runs[0].res, "20261210T100000Z-control1", 19*24*time.Hour)
	control.Summary.ControlTrials, control.Summary.ControlFired = 3, 1
	runs = append(runs, run{res: gameDay}, run{res: control})
	for i := range runs {
		runs[i].path = writeRun(dir, runs[i].res)
	}
	return runs
}

// copyRun is r as another run id, started later by shift.
func copyRun(r *report.Results, id string, shift time.Duration) *report.Results {
	c := *r
	c.RunID, c.Started, c.Finished = id, r.Started.Add(shift), r.Finished.Add(shift)
	c.Trials = append(c.Trials[:0:0], r.Trials...)
	return &c
}

// passing makes r a run that passed every objective.
func passing(r *report.Results) *report.Results {
	s := &r.Summary
	for _, v := range []*stats.VerdictResult{&s.RTO, &s.RPO, &s.SuccessRate} {
		v.Verdict = stats.Pass
	}
	s.Verdict, s.ConsistencyFailures, s.LostWrites, s.ControlFired = stats.Pass, 0, 0, 0
	return r
}

// writeRun writes r and its audit log into dir and returns the results file's path.
func writeRun(dir string, r *report.Results) string {
	GinkgoHelper()
	name := r.Scenario.Name + "-" + r.RunID
	if r.Scenario.Name == "bad-release" {
		abs, err := filepath.Abs("../../scenarios/bad-release.yaml")
		Expect(err).NotTo(HaveOccurred())
		b, err := os.ReadFile(abs)
		Expect(err).NotTo(HaveOccurred())
		sum := sha256.Sum256(b)
		r.Scenario.File, r.Scenario.SHA256 = abs, hex.EncodeToString(sum[:])
	}
	log, err := audit.Create(filepath.Join(dir, name+".audit.jsonl"), audit.WithClock(func() time.Time { return r.Started }))
	Expect(err).NotTo(HaveOccurred())
	Expect(log.Append(audit.Entry{Actor: audit.ActorDrill, Action: audit.ActionRunStart, Outcome: audit.OutcomeOK, Detail: "scenario " + r.Scenario.Name})).To(Succeed())
	for _, t := range r.Trials {
		Expect(log.Append(audit.Entry{Actor: audit.ActorDrill, Action: "trial_end", Trial: t.Index, Outcome: string(t.Outcome)})).To(Succeed())
	}
	Expect(log.Append(audit.Entry{Actor: audit.ActorDrill, Action: audit.ActionRunEnd, Outcome: audit.OutcomeOK})).To(Succeed())
	r.Audit = &report.AuditRef{File: name + ".audit.jsonl", Digest: log.Digest()}
	Expect(log.Close()).To(Succeed())
	path := filepath.Join(dir, name+".json")
	Expect(r.Write(path)).To(Succeed())
	return path
}

// build reads the runs as drill evidence does and builds the pack of period.
func build(dir string, runs []run, period report.Period, cfg evidence.Config, findings evidence.FindingsFile) *evidence.Pack {
	GinkgoHelper()
	var inputs []evidence.Input
	for _, r := range runs {
		// As drill evidence does: the run and the digest of the bytes it was decoded from.
		res, sum, err := report.ReadPinned(r.path)
		Expect(err).NotTo(HaveOccurred())
		in, err := evidence.NewInput(dir, r.path, sum, res)
		Expect(err).NotTo(HaveOccurred())
		inputs = append(inputs, in)
	}
	return evidence.Build(inputs, evidence.Options{Period: period, Config: cfg, Findings: findings,
		Version: "test", BinarySHA256: "00", At: time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)})
}
