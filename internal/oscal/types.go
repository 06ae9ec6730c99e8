// Package oscal exports an evidence pack as an OSCAL assessment-results document
// (NIST OSCAL 1.1.2) for GRC tools: one result per pack, an observation per measured
// objective with its figures, a finding per drill finding targeting the NIST SP 800-53
// control it bears on (CP-4, CP-9, CP-10), and a risk with owner and deadline per open
// one (the POA&M items). The types are written by hand for the subset drill emits; ids
// are UUIDv5 derived from the runs' audit chain heads, so exporting the same pack twice
// gives the same bytes.
package oscal

// Version is the OSCAL version the export follows.
const Version = "1.1.2"

// Document is the root of an OSCAL assessment-results file.
type Document struct {
	AssessmentResults AssessmentResults `json:"assessment-results"`
}

// AssessmentResults is the assessment-results model.
type AssessmentResults struct {
	UUID     string   `json:"uuid"`
	Metadata Metadata `json:"metadata"`
	ImportAP ImportAP `json:"import-ap"`
	Results  []Result `json:"results"`
}

// Metadata is the document's metadata.
type Metadata struct {
	Title              string             `json:"title"`
	LastModified       string             `json:"last-modified"`
	Version            string             `json:"version"`
	OSCALVersion       string             `json:"oscal-version"`
	Props              []Prop             `json:"props,omitempty"`
	Roles              []Role             `json:"roles,omitempty"`
	Parties            []Party            `json:"parties,omitempty"`
	ResponsibleParties []ResponsibleParty `json:"responsible-parties,omitempty"`
}

// ImportAP points at the assessment plan the results answer: the scenario files.
type ImportAP struct {
	Href    string `json:"href"`
	Remarks string `json:"remarks,omitempty"`
}

// Prop is a name-value property in drill's namespace.
type Prop struct {
	Name  string `json:"name"`
	NS    string `json:"ns,omitempty"`
	Value string `json:"value"`
	Class string `json:"class,omitempty"`
}

// Role is a role people play in the assessment.
type Role struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Party is a person or an organisation.
type Party struct {
	UUID string `json:"uuid"`
	Type string `json:"type"`
	Name string `json:"name,omitempty"`
}

// ResponsibleParty ties a role to parties.
type ResponsibleParty struct {
	RoleID     string   `json:"role-id"`
	PartyUUIDs []string `json:"party-uuids"`
}

// Result is one assessment: the period's runs.
type Result struct {
	UUID             string           `json:"uuid"`
	Title            string           `json:"title"`
	Description      string           `json:"description"`
	Start            string           `json:"start"`
	End              string           `json:"end,omitempty"`
	Props            []Prop           `json:"props,omitempty"`
	ReviewedControls ReviewedControls `json:"reviewed-controls"`
	Observations     []Observation    `json:"observations,omitempty"`
	Risks            []Risk           `json:"risks,omitempty"`
	Findings         []Finding        `json:"findings,omitempty"`
}

// ReviewedControls names the controls the assessment bears on.
type ReviewedControls struct {
	ControlSelections []ControlSelection `json:"control-selections"`
}

// ControlSelection selects controls by id.
type ControlSelection struct {
	IncludeControls []SelectControl `json:"include-controls"`
}

// SelectControl is one control by id ("cp-4").
type SelectControl struct {
	ControlID string `json:"control-id"`
}

// Observation is one measured objective of one run.
type Observation struct {
	UUID             string             `json:"uuid"`
	Title            string             `json:"title"`
	Description      string             `json:"description"`
	Props            []Prop             `json:"props,omitempty"`
	Methods          []string           `json:"methods"`
	Types            []string           `json:"types,omitempty"`
	RelevantEvidence []RelevantEvidence `json:"relevant-evidence,omitempty"`
	Collected        string             `json:"collected"`
}

// RelevantEvidence points at a file the observation rests on.
type RelevantEvidence struct {
	Href        string `json:"href"`
	Description string `json:"description"`
	Props       []Prop `json:"props,omitempty"`
}

// Risk is an open finding as a POA&M item: its owner and deadline.
type Risk struct {
	UUID        string `json:"uuid"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Statement   string `json:"statement"`
	Props       []Prop `json:"props,omitempty"`
	Status      string `json:"status"`
	Deadline    string `json:"deadline,omitempty"`
}

// Finding is a drill finding against a control objective.
type Finding struct {
	UUID                string               `json:"uuid"`
	Title               string               `json:"title"`
	Description         string               `json:"description"`
	Props               []Prop               `json:"props,omitempty"`
	Target              Target               `json:"target"`
	RelatedObservations []RelatedObservation `json:"related-observations,omitempty"`
	RelatedRisks        []RelatedRisk        `json:"related-risks,omitempty"`
}

// Target is the control objective a finding is about, satisfied or not.
type Target struct {
	Type     string       `json:"type"`
	TargetID string       `json:"target-id"`
	Status   TargetStatus `json:"status"`
}

// TargetStatus is satisfied or not-satisfied.
type TargetStatus struct {
	State string `json:"state"`
}

// RelatedObservation points at an observation.
type RelatedObservation struct {
	ObservationUUID string `json:"observation-uuid"`
}

// RelatedRisk points at a risk.
type RelatedRisk struct {
	RiskUUID string `json:"risk-uuid"`
}
