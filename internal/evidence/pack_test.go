package evidence_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/drillhq/drill/internal/evidence"
)

// fullConfig is an evidence config that says everything drill cannot know.
var fullConfig = evidence.Config{
	Organisation: "Example Bank", System: "ledger staging", BIARef: "BIA-2026-07",
	Approver:     &evidence.Person{Name: "dana", Role: "head of operations"},
	Participants: []evidence.Person{{Name: "bob", Role: "incident commander"}},
	Scope:        []evidence.ConfigScope{{Name: "ledger", Digest: "sha256:" + string(bytes.Repeat([]byte("a"), 64))}},
	Owner:        "sre-team",
}

// validate checks the pack's JSON against schema/evidence.schema.json.
func validate(p *evidence.Pack) error {
	GinkgoHelper()
	sch, err := jsonschema.NewCompiler().Compile("../../schema/evidence.schema.json")
	Expect(err).NotTo(HaveOccurred())
	b, err := json.Marshal(p)
	Expect(err).NotTo(HaveOccurred())
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	Expect(err).NotTo(HaveOccurred())
	return sch.Validate(inst)
}

// missingFields are the fields a pack lists as missing.
func missingFields(p *evidence.Pack) []string {
	var out []string
	for _, m := range p.Missing {
		Expect(m.Reason).NotTo(BeEmpty(), "missing %s says why", m.Field)
		Expect(m.Clauses).NotTo(BeEmpty(), "missing %s names its clauses", m.Field)
		out = append(out, m.Field)
	}
	return out
}

var _ = Describe("the evidence pack of a quarter", func() {
	var (
		dir  string
		runs []run
	)
	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		runs = quarter(dir)
	})

	It("validates against its schema, with the runs, a FAIL, a game day and a control run", func() {
		p := build(dir, runs, q4(), evidence.Config{}, evidence.FindingsFile{})
		Expect(validate(p)).To(Succeed())
		Expect(p.Runs).To(HaveLen(5))
		Expect(p.Verdict).To(Equal("fail"), "the worst verdict of the quarter")
		Expect(p.TestType).To(Equal(evidence.TestGameDay))
		Expect(p.Runs).To(ContainElement(And(HaveField("RunID", "20261203T100000Z-gameday1"), HaveField("TestType", evidence.TestGameDay))))
		Expect(p.Participants).To(ConsistOf(And(HaveField("Person.Name", "alice"), HaveField("Person.Role", "operator"),
			HaveField("Decisions", 1), HaveField("DecisionMedianMs", 40000.0))))
		Expect(p.Findings).To(ContainElement(And(HaveField("Kind", "false_positive"), HaveField("FirstRun", "20261210T100000Z-control1"))))
		Expect(p.Conditions).To(ConsistOf(And(HaveField("Scenario", "bad-release"), HaveField("Activation.Trigger", "automated"),
			HaveField("Activation.Condition", Not(BeEmpty())))), "kill-unflushed's scenario file is gone: its conditions are missing")
		for _, r := range p.Runs {
			Expect(r.AuditFile).NotTo(BeEmpty())
			Expect(r.ResultsSHA256).To(HaveLen(64))
		}
		Expect(p.Timeline).NotTo(BeEmpty())
		Expect(p.Outcomes).To(ContainElement(And(HaveField("RunID", "20261121T233412Z-502ac34e"), HaveField("Verdict", "fail"))))
	})

	It("tags every field with the clauses it serves, and names every required field it lacks with the reason", func() {
		p := build(dir, runs, q4(), evidence.Config{}, evidence.FindingsFile{})
		Expect(p.Clauses).To(HaveKeyWithValue("conditions.activation", ContainElement(evidence.DORAActivation)))
		Expect(p.Clauses).To(HaveKeyWithValue("conditions.success", ContainElements(evidence.DORASuccess, evidence.SOC2)))
		Expect(p.Clauses).To(HaveKeyWithValue("timeline", ContainElement(evidence.DORARecords)))
		Expect(p.Clauses).To(HaveKeyWithValue("findings", ContainElements(evidence.DORAFindings, evidence.ISO22301, evidence.NIST80084)))
		Expect(p.Clauses).To(HaveKeyWithValue("period", ContainElement(evidence.PCIDSS)))
		Expect(p.Clauses).To(HaveKeyWithValue("outcomes", ContainElements(evidence.SOC2, evidence.DORAOutcome)))
		Expect(p.Clauses).To(HaveKeyWithValue("participants", ContainElement(evidence.NIST80084)))
		Expect(p.Clauses).To(HaveKeyWithValue("bia_ref", ContainElement(evidence.ISO22301)))
		for _, regime := range []string{"DORA", "SOC 2", "ISO 22301", "PCI DSS", "NIST SP 800-84"} {
			Expect(evidence.Regimes()).To(ContainElement(HavePrefix(regime)), "a field serves %s", regime)
		}

		By("each regime's coverage: the fields its clauses ask for, those missing among them")
		Expect(p.Regimes).To(HaveLen(5))
		for _, g := range p.Regimes {
			n := 0
			for _, clauses := range p.Clauses {
				if slices.ContainsFunc(clauses, func(c string) bool { return strings.HasPrefix(c, g.Name) }) {
					n++
				}
			}
			Expect(g.Fields).To(Equal(n), g.Name)
		}
		Expect(p.Regimes).To(ContainElement(And(HaveField("Name", "DORA"), HaveField("Missing", ContainElements("conditions.activation", "bia_ref")))))
		Expect(p.Regimes).To(ContainElement(And(HaveField("Name", "PCI DSS"), HaveField("Missing", ConsistOf("system", "scope")))))

		By("without a config: what drill cannot know is named, with the reason")
		Expect(missingFields(p)).To(ConsistOf("organisation", "system", "bia_ref", "scope", "conditions.activation", "conditions.success", "approver", "findings.owner"))

		By("with a full config: only what the runs themselves lack (kill-unflushed's scenario file)")
		p = build(dir, runs, q4(), fullConfig, evidence.FindingsFile{})
		Expect(validate(p)).To(Succeed())
		Expect(missingFields(p)).To(ConsistOf("conditions.activation", "conditions.success"))
		Expect(p.Participants).To(HaveLen(2))
		Expect(p.Findings).To(HaveEach(HaveField("Owner", "sre-team")))

		By("a scenario's labels say what the config does not: bia_ref and system")
		runs[2].res.Labels = map[string]string{"bia_ref": "BIA-9", "system": "ledger"}
		Expect(runs[2].res.Write(runs[2].path)).To(Succeed())
		p = build(dir, runs, q4(), evidence.Config{}, evidence.FindingsFile{})
		Expect(p.BIARef).To(Equal("BIA-9"))
		Expect(p.System).To(Equal("ledger"))
		Expect(missingFields(p)).NotTo(ContainElements("bia_ref", "system"))
		p = build(dir, runs, q4(), fullConfig, evidence.FindingsFile{})
		Expect(p.BIARef).To(Equal("BIA-2026-07"), "the config wins")

		By("an audit log gone from beside its results: the run's records are named missing")
		Expect(os.Remove(filepath.Join(dir, runs[0].res.Audit.File))).To(Succeed())
		p = build(dir, runs, q4(), fullConfig, evidence.FindingsFile{})
		Expect(missingFields(p)).To(ContainElement("runs.audit_file"))
	})

	It("rejects a pack that breaks its schema (the schema is not vacuous)", func() {
		p := build(dir, runs, q4(), fullConfig, evidence.FindingsFile{})
		p.Verdict = "great"
		Expect(validate(p)).To(MatchError(ContainSubstring("verdict")))
		p = build(dir, runs, q4(), fullConfig, evidence.FindingsFile{})
		p.Findings[0].ID = "F1"
		Expect(validate(p)).NotTo(Succeed())
	})
})
