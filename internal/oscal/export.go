package oscal

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/drillhq/drill/internal/evidence"
)

// NS is the namespace of drill's props.
const NS = "https://github.com/drillhq/drill/ns/oscal"

// namespace is the UUIDv5 namespace of every id drill derives.
var namespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/drillhq/drill/oscal"))

// controls are the NIST SP 800-53 controls each kind of objective or finding bears on:
// contingency plan testing (CP-4), system backup (CP-9), recovery and reconstitution
// (CP-10).
var controls = map[string][]string{
	"rto":            {"cp-4", "cp-10"},
	"success_rate":   {"cp-4", "cp-10"},
	"false_positive": {"cp-4"},
	"rpo":            {"cp-9", "cp-10"},
	"lost_writes":    {"cp-9"},
	"integrity":      {"cp-9", "cp-10"},
}

// ids derives UUIDv5 ids from the pack's chain heads: the same pack gives the same ids.
type ids struct{ seed string }

func (i ids) of(parts ...string) string {
	return uuid.NewSHA1(namespace, []byte(i.seed+"\x00"+strings.Join(parts, "\x00"))).String()
}

// Export is the pack as an OSCAL assessment-results document, indented JSON. It depends
// on the pack's content only (not on when it is exported).
func Export(p *evidence.Pack) ([]byte, error) {
	doc := Document{AssessmentResults: assessment(p)}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export oscal: %w", err)
	}
	return append(b, '\n'), nil
}

// seed is what the ids derive from: every run's audit chain head and results digest.
func seed(p *evidence.Pack) string {
	var b strings.Builder
	b.WriteString(p.Period.Label)
	for _, r := range p.Runs {
		b.WriteString("\x00" + r.RunID + "\x00" + r.AuditDigest + "\x00" + r.ResultsSHA256)
	}
	return b.String()
}

func assessment(p *evidence.Pack) AssessmentResults {
	id := ids{seed: seed(p)}
	res := Result{
		UUID:        id.of("result"),
		Title:       "drill rollback drills, " + p.Period.Label,
		Description: fmt.Sprintf("%d runs of recovery tests (%s); verdict %s.", len(p.Runs), p.TestType, p.Verdict),
		Start:       stamp(p.Period.Start),
		End:         stamp(p.Period.End),
		Props:       []Prop{{Name: "verdict", NS: NS, Value: p.Verdict}},
		ReviewedControls: ReviewedControls{ControlSelections: []ControlSelection{{IncludeControls: []SelectControl{
			{ControlID: "cp-4"}, {ControlID: "cp-9"}, {ControlID: "cp-10"}}}}},
	}
	obsByRun := map[string][]string{}
	for _, o := range p.Outcomes {
		ob := observation(id, p, o)
		res.Observations = append(res.Observations, ob)
		obsByRun[o.RunID+"/"+o.Objective] = append(obsByRun[o.RunID+"/"+o.Objective], ob.UUID)
	}
	for _, f := range p.Findings {
		risk := risk(id, f)
		if f.Status != evidence.StatusClosed {
			res.Risks = append(res.Risks, risk)
		}
		res.Findings = append(res.Findings, findings(id, f, risk, obsByRun)...)
	}
	return AssessmentResults{
		UUID:     id.of("assessment-results"),
		Metadata: metadata(id, p),
		ImportAP: ImportAP{Href: "#" + id.of("assessment-plan"), Remarks: "The assessment plan is the scenario files in scope, each pinned by its digest in the evidence pack."},
		Results:  []Result{res},
	}
}

// metadata names the document and its people.
func metadata(id ids, p *evidence.Pack) Metadata {
	last := p.Period.Start
	for _, r := range p.Runs {
		if r.Finished.After(last) {
			last = r.Finished
		}
	}
	m := Metadata{
		Title:        "drill evidence " + p.Period.Label,
		LastModified: stamp(last),
		Version:      p.Generated.Version,
		OSCALVersion: Version,
		Props:        []Prop{{Name: "evidence-schema", NS: NS, Value: p.Schema}},
	}
	people := slices.Clone(p.Participants)
	if a := p.Approver; a != nil {
		people = append(people, evidence.Participant{Person: evidence.Person{Name: a.Name, Role: "approver"}})
	}
	roles := map[string][]string{}
	var order []string
	for _, x := range people {
		pid := id.of("party", x.Name)
		if !slices.ContainsFunc(m.Parties, func(q Party) bool { return q.UUID == pid }) {
			m.Parties = append(m.Parties, Party{UUID: pid, Type: "person", Name: x.Name})
		}
		role := roleID(x.Role)
		if _, ok := roles[role]; !ok {
			order = append(order, role)
			m.Roles = append(m.Roles, Role{ID: role, Title: x.Role})
		}
		roles[role] = append(roles[role], pid)
	}
	if p.Organisation != "" {
		m.Parties = append(m.Parties, Party{UUID: id.of("organisation", p.Organisation), Type: "organization", Name: p.Organisation})
	}
	for _, r := range order {
		m.ResponsibleParties = append(m.ResponsibleParties, ResponsibleParty{RoleID: r, PartyUUIDs: roles[r]})
	}
	return m
}

// roleID is an OSCAL token for a role's title.
func roleID(title string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(cmp.Or(title, "participant")) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteRune(c)
		default:
			b.WriteRune('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

// observation is one measured objective with its figures as props.
func observation(id ids, p *evidence.Pack, o evidence.Outcome) Observation {
	ob := Observation{
		UUID:        id.of("observation", o.RunID, o.Objective),
		Title:       fmt.Sprintf("%s of run %s", o.Objective, o.RunID),
		Description: fmt.Sprintf("Expected: %s. Measured: %s. %s", o.Expected, o.Measured, o.Reason),
		Methods:     []string{"TEST"},
		Types:       []string{"control-objective"},
		Props: []Prop{
			{Name: "objective", NS: NS, Value: o.Objective}, {Name: "verdict", NS: NS, Value: o.Verdict},
			{Name: "trials", NS: NS, Value: fmt.Sprint(o.N)}, {Name: "estimate", NS: NS, Value: fmt.Sprint(o.Estimate)},
		},
	}
	if o.Bound != "" {
		ob.Props = append(ob.Props, Prop{Name: "bound", NS: NS, Value: o.Bound})
	}
	for _, r := range p.Runs {
		if r.RunID == o.RunID {
			ob.Collected = stamp(r.Finished)
			ob.RelevantEvidence = []RelevantEvidence{{Href: r.ResultsFile, Description: "the run's results file",
				Props: []Prop{{Name: "sha256", NS: NS, Value: r.ResultsSHA256}}}}
		}
	}
	return ob
}

// risk is a finding as a POA&M item.
func risk(id ids, f evidence.Finding) Risk {
	r := Risk{
		UUID: id.of("risk", f.ID), Title: f.Title + " (" + f.Scenario + ")",
		Description: fmt.Sprintf("Finding %s of scenario %s, first shown by run %s, last by run %s.", f.ID, f.Scenario, f.FirstRun, f.LastRun),
		Statement:   "A rollback of " + f.Scenario + " may not restore service within its objectives: " + f.Title + ".",
		Status:      riskStatus(f.Status),
		Props:       []Prop{{Name: "finding-id", NS: NS, Value: f.ID}},
	}
	if f.Owner != "" {
		r.Props = append(r.Props, Prop{Name: "owner", NS: NS, Value: f.Owner})
	}
	if f.Ticket != "" {
		r.Props = append(r.Props, Prop{Name: "ticket", NS: NS, Value: f.Ticket})
	}
	if d, err := time.Parse(time.DateOnly, f.Due); err == nil {
		r.Deadline = stamp(d)
	}
	return r
}

// riskStatus maps a finding's status to OSCAL's risk status.
func riskStatus(s string) string {
	switch s {
	case evidence.StatusRemediated:
		return "remediating"
	case evidence.StatusAccepted:
		return "deviation-approved"
	case evidence.StatusClosed:
		return "closed"
	}
	return "open"
}

// findings are the finding against each control it bears on.
func findings(id ids, f evidence.Finding, r Risk, obs map[string][]string) []Finding {
	state := "not-satisfied"
	if f.Status == evidence.StatusClosed {
		state = "satisfied"
	}
	var out []Finding
	for _, c := range controls[f.Kind] {
		x := Finding{
			UUID: id.of("finding", f.ID, c), Title: f.Title + " (" + f.Scenario + ")",
			Description: fmt.Sprintf("%s: %s, status %s.", f.ID, f.Title, f.Status),
			Props:       []Prop{{Name: "finding-id", NS: NS, Value: f.ID}},
			Target:      Target{Type: "objective-id", TargetID: c + "_obj", Status: TargetStatus{State: state}},
		}
		for _, o := range obs[f.LastRun+"/"+f.Kind] {
			x.RelatedObservations = append(x.RelatedObservations, RelatedObservation{ObservationUUID: o})
		}
		if f.Status != evidence.StatusClosed {
			x.RelatedRisks = []RelatedRisk{{RiskUUID: r.UUID}}
		}
		out = append(out, x)
	}
	return out
}

// stamp is an OSCAL date-time: RFC 3339 in UTC with its zone.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
