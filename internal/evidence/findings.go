package evidence

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/drillhq/drill/internal/atomicfile"
)

// Finding statuses. A finding is open while the latest run that judged it failed it;
// remediated when the findings file says the team fixed it and no run has retested it
// yet; closed when a run after its last failure passed it (RetestRun names that run);
// accepted when the findings file accepts the risk.
const (
	StatusOpen       = "open"
	StatusRemediated = "remediated"
	StatusClosed     = "closed"
	StatusAccepted   = "accepted"
)

// Finding is a gap a run showed: an objective not shown met, a false positive, a lost
// write, a broken invariant. Its ID is stable: the same gap of the same scenario keeps
// it in every run and period, so the team's owner, ticket and due date follow it.
type Finding struct {
	ID       string `json:"id" yaml:"id"`
	Scenario string `json:"scenario" yaml:"scenario"`
	// Kind is what failed: rto, rpo, success_rate, false_positive, lost_writes or
	// integrity.
	Kind  string `json:"kind" yaml:"kind"`
	Title string `json:"title" yaml:"title"`
	// Status is open, remediated, closed or accepted.
	Status string `json:"status" yaml:"status"`
	// FirstRun and LastRun are the first and latest runs that showed the gap (in any
	// period the findings file remembers).
	FirstRun string `json:"first_run" yaml:"first_run"`
	LastRun  string `json:"last_run" yaml:"last_run"`
	// RetestRun is the run that passed after the last failure, closing the finding.
	RetestRun string `json:"retest_run,omitempty" yaml:"retest_run,omitempty"`
	// Owner, Ticket, Due and AcceptedRisk are the team's, kept in the findings file.
	Owner        string `json:"owner,omitempty" yaml:"owner,omitempty"`
	Ticket       string `json:"ticket,omitempty" yaml:"ticket,omitempty"`
	Due          string `json:"due,omitempty" yaml:"due,omitempty"`
	AcceptedRisk string `json:"accepted_risk,omitempty" yaml:"accepted_risk,omitempty"`
}

// FindingID is the stable id of a gap of kind in scenario.
func FindingID(scenario, kind string) string {
	h := sha256.Sum256([]byte(scenario + "\x00" + kind))
	return "DRILL-" + strings.ToUpper(hex.EncodeToString(h[:4]))
}

// FindingsFile is the file the team keeps: every finding drill opened, with their
// owner, ticket, due date, and status remediated or accepted once they set it.
type FindingsFile struct {
	Findings []Finding `yaml:"findings"`
}

// ReadFindings reads a findings file strictly; a missing file is an empty one.
func ReadFindings(path string) (FindingsFile, error) {
	var f FindingsFile
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, fmt.Errorf("read findings: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return f, fmt.Errorf("read findings %s: %w", path, err)
	}
	for i, x := range f.Findings {
		if x.ID == "" {
			return f, fmt.Errorf("read findings %s: findings[%d] has no id: keep the ids drill wrote", path, i)
		}
		if !slices.Contains([]string{StatusOpen, StatusRemediated, StatusClosed, StatusAccepted}, x.Status) {
			return f, fmt.Errorf("read findings %s: findings[%d] (%s): status %q: use open, remediated, closed or accepted", path, i, x.ID, x.Status)
		}
	}
	return f, nil
}

// WriteFindings writes the findings file the team edits.
func WriteFindings(path string, findings []Finding) error {
	var b bytes.Buffer
	b.WriteString("# drill findings: edit owner, ticket, due, accepted_risk, and status (remediated once fixed,\n# accepted to accept the risk); keep the ids. drill evidence reads this file back.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(FindingsFile{Findings: findings}); err != nil {
		return fmt.Errorf("write findings: %w", err)
	}
	if err := atomicfile.Write(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write findings: %w", err)
	}
	return nil
}

// check is one judgement of a run that can open or close a finding: failed says the
// gap showed, judged says the run could tell either way.
type check struct {
	kind, title    string
	failed, judged bool
}

// track follows each finding through the runs in time order, starting from the
// findings file's.
type track struct {
	byID  map[string]*Finding
	order []string
}

func newTrack(known []Finding) *track {
	t := &track{byID: map[string]*Finding{}}
	for _, f := range known {
		f := f
		t.byID[f.ID] = &f
		t.order = append(t.order, f.ID)
	}
	return t
}

// observe applies one run's checks of scenario.
func (t *track) observe(scenario, runID string, checks []check) {
	for _, c := range checks {
		id := FindingID(scenario, c.kind)
		f, known := t.byID[id]
		switch {
		case c.failed && !known:
			f = &Finding{ID: id, Scenario: scenario, Kind: c.kind, Title: c.title, Status: StatusOpen, FirstRun: runID}
			t.byID[id] = f
			t.order = append(t.order, id)
			fallthrough
		case c.failed:
			f.LastRun, f.RetestRun = runID, ""
			if f.Status != StatusAccepted {
				f.Status = StatusOpen // a relapse reopens a remediated or closed finding
			}
		case known && c.judged && f.Status != StatusAccepted && f.Status != StatusClosed:
			f.Status, f.RetestRun = StatusClosed, runID
		}
	}
}

// findings lists every finding, in the order they were first seen, with owner
// defaulted for open ones.
func (t *track) findings(owner string) []Finding {
	out := make([]Finding, 0, len(t.order))
	for _, id := range t.order {
		f := *t.byID[id]
		if f.Owner == "" && f.Status == StatusOpen {
			f.Owner = owner
		}
		out = append(out, f)
	}
	return out
}
