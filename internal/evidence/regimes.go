package evidence

import (
	"slices"
	"strings"
)

// Clauses of the regimes the pack serves, as the pack's clause tags name them.
const (
	DORAScope      = "DORA RTS 2024/1774 Art. 25"
	DORAActivation = "DORA RTS 2024/1774 Art. 26(1)(a)"
	DORASuccess    = "DORA RTS 2024/1774 Art. 26(1)(f)"
	DORAOutcome    = "DORA RTS 2024/1774 Art. 26"
	DORARecords    = "DORA Art. 11(8)"
	DORAFindings   = "DORA Art. 24(5)"
	SOC2           = "SOC 2 A1.3"
	ISO22301       = "ISO 22301 §8.5"
	PCIDSS         = "PCI DSS 12.10.2"
	NIST80084      = "NIST SP 800-84"
)

// requirement is one field of the pack and the clauses that ask for it; present says
// whether a pack holds it, and why it is missing when it does not (one definition of
// each field's presence, used by the pack, its Missing list and the specs).
type requirement struct {
	field   string
	clauses []string
	present func(p *Pack) bool
	why     string
}

// requirements are the fields the regimes ask of a recovery test's evidence.
var requirements = []requirement{
	{"runs", []string{SOC2, PCIDSS, NIST80084}, func(p *Pack) bool { return len(p.Runs) > 0 },
		"no run of the period: drill evidence needs the results of at least one run"},
	{"period", []string{PCIDSS, ISO22301, SOC2}, func(p *Pack) bool { return !p.Period.Start.IsZero() && !p.Period.End.IsZero() },
		"the period has no start or end"},
	{"generated", []string{NIST80084}, func(p *Pack) bool { return p.Generated.Version != "" && p.Generated.BinarySHA256 != "" },
		"the drill binary's digest could not be read"},
	{"organisation", []string{DORAScope, NIST80084}, func(p *Pack) bool { return p.Organisation != "" },
		"drill does not know it: set organisation in the evidence config"},
	{"system", []string{DORAScope, PCIDSS, NIST80084}, func(p *Pack) bool { return p.System != "" },
		"drill does not know it: set system in the evidence config (or a system label in the scenarios)"},
	{"bia_ref", []string{DORAScope, ISO22301}, func(p *Pack) bool { return p.BIARef != "" },
		"drill does not know the risk or business-impact analysis the tests serve: set bia_ref in the evidence config (or a bia_ref label in the scenarios)"},
	{"test_type", []string{NIST80084, ISO22301}, func(p *Pack) bool { return p.TestType != "" },
		"no run to tell the test type from: set test_type in the evidence config"},
	{"scope", []string{DORAScope, PCIDSS, NIST80084}, func(p *Pack) bool {
		return slices.ContainsFunc(p.Scope, func(s ScopeItem) bool { return s.Kind == "system" })
	},
		"the results pin the scenarios, not the images or binaries of the systems tested: list them with their digests under scope in the evidence config"},
	{"conditions.activation", []string{DORAActivation}, func(p *Pack) bool { return len(p.Conditions) > 0 && len(p.Conditions) == distinctScenarios(p) },
		"a scenario file the runs name is gone or changed since (its digest differs): the trigger is read from it; keep the scenario files beside the results"},
	{"conditions.success", []string{DORASuccess, SOC2}, func(p *Pack) bool { return len(p.Conditions) > 0 && len(p.Conditions) == distinctScenarios(p) },
		"a scenario file the runs name is gone or changed since (its digest differs)"},
	{"outcomes", []string{DORAOutcome, SOC2, ISO22301, NIST80084}, func(p *Pack) bool { return len(p.Outcomes) > 0 },
		"no objective was judged"},
	{"outcomes.integrity", []string{SOC2}, func(p *Pack) bool {
		return slices.ContainsFunc(p.Outcomes, func(o Outcome) bool { return o.Objective == "integrity" })
	}, "no run checked the data's integrity: set verify.final_read or verify checks in the scenario"},
	{"runs.audit_file", []string{DORARecords, SOC2}, func(p *Pack) bool { return !slices.ContainsFunc(p.Runs, func(r Run) bool { return r.AuditFile == "" }) },
		"a run's audit log is not beside its results file: copy it there (drill run writes RUN.audit.jsonl), or the pack cannot sign the records of that run"},
	{"timeline", []string{DORARecords, SOC2}, func(p *Pack) bool { return len(p.Timeline) > 0 },
		"no trial recorded a timeline"},
	{"participants", []string{NIST80084, DORAScope}, func(p *Pack) bool { return len(p.Participants) > 0 },
		"no game-day operator decided and the evidence config lists no participants"},
	{"approver", []string{NIST80084, ISO22301}, func(p *Pack) bool { return p.Approver != nil && p.Approver.Name != "" },
		"drill does not know who approved the test: set approver in the evidence config"},
	{"findings", []string{DORAFindings, ISO22301, NIST80084, SOC2}, func(*Pack) bool { return true }, ""},
	// The forecast is the expected outcome a DORA test states beside the actual one
	// (RTS Art. 26), and its sensitivity the recommendation ISO 22301 §8.5 and NIST SP
	// 800-84's after-action report ask for; it is a model, not a test executed, so it
	// serves no SOC 2 or PCI DSS clause (docs/evidence.md).
	{"forecasts", []string{DORAOutcome, ISO22301, NIST80084}, func(p *Pack) bool {
		return len(p.Forecasts) > 0 && !slices.ContainsFunc(p.Forecasts, func(f Forecast) bool { return f.Error != "" })
	}, "a scenario had no incident to forecast from (its forecast names why): run trials whose defect has an impact"},
	{"findings.owner", []string{DORAFindings, ISO22301}, func(p *Pack) bool {
		return !slices.ContainsFunc(p.Findings, func(f Finding) bool { return f.Status != StatusClosed && f.Owner == "" })
	}, "an open finding has no owner: set it in the findings file"},
}

// distinctScenarios counts the scenarios of the pack's runs.
func distinctScenarios(p *Pack) int {
	seen := map[string]bool{}
	for _, r := range p.Runs {
		seen[r.Scenario] = true
	}
	return len(seen)
}

// regimes are the regimes the clauses belong to, each named by its clauses' prefix.
var regimes = []string{"DORA", "SOC 2", "ISO 22301", "PCI DSS", "NIST SP 800-84"}

// tag fills p.Clauses, p.Missing and p.Regimes from the requirements.
func tag(p *Pack) {
	p.Clauses = map[string][]string{}
	p.Missing = []Missing{}
	p.Regimes = make([]Regime, len(regimes))
	for i, name := range regimes {
		p.Regimes[i] = Regime{Name: name, Missing: []string{}}
	}
	for _, r := range requirements {
		p.Clauses[r.field] = r.clauses
		present := r.present(p)
		if !present {
			p.Missing = append(p.Missing, Missing{Field: r.field, Clauses: r.clauses, Reason: r.why})
		}
		for i := range p.Regimes {
			g := &p.Regimes[i]
			if !slices.ContainsFunc(r.clauses, func(c string) bool { return strings.HasPrefix(c, g.Name) }) {
				continue
			}
			g.Fields++
			if !present {
				g.Missing = append(g.Missing, r.field)
			}
		}
	}
}

// Regimes lists each clause the pack's fields serve, sorted, for the page.
func Regimes() []string {
	var out []string
	for _, r := range requirements {
		for _, c := range r.clauses {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	slices.Sort(out)
	return out
}
