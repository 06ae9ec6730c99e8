package evidence

import (
	"crypto/ed25519"
	"fmt"
	"html/template"
	"io"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"
)

// Signature is what the page says of the pack's signature.
type Signature struct {
	// Bundle is the signed bundle's file name; empty: the pack is unsigned.
	Bundle string
	// KeyID is the signing key's id (SHA-256 of its public key, as DSSE names it).
	KeyID string
}

// KeyID is the id DSSE gives the key's public half.
func KeyID(key ed25519.PrivateKey) (string, error) {
	id, err := dsse.SHA256KeyID(key.Public())
	if err != nil {
		return "", fmt.Errorf("key id: %w", err)
	}
	return id, nil
}

// HTML writes the pack's page: the verdict, the signature, scope, conditions, findings
// and missing fields on the first screen; outcomes, participants and the timeline
// below. Self-contained, no script.
func HTML(w io.Writer, p *Pack, sig Signature) error {
	if err := pageTemplate.Execute(w, struct {
		*Pack
		Sig Signature
	}{p, sig}); err != nil {
		return fmt.Errorf("render evidence page: %w", err)
	}
	return nil
}

var pageTemplate = template.Must(template.New("evidence").Funcs(template.FuncMap{
	"short":       func(s string) string { return short(s) },
	"sub":         func(a, b int) int { return a - b },
	"pval":        forecastP,
	"quantiles":   forecastQuantiles,
	"improvement": forecastImprovement,
	"downtime":    forecastDowntime,
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>drill evidence {{.Period.Label}}</title>
<style>
body{font:14px/1.35 system-ui,sans-serif;margin:0;color:#1b1f24}
header{display:flex;justify-content:space-between;align-items:center;padding:14px 24px}
header.pass{background:#e6f4ea}header.inconclusive{background:#fff4e5}header.fail{background:#ffebe9}header.none{background:#eeeeee}
h1{font-size:22px;margin:0}.verdict{font-weight:700;text-transform:uppercase}
.sig{padding:10px 14px;border-radius:6px;max-width:420px}.sig.signed{background:#d7f5dd}.sig.unsigned{background:#e9ecef}
main{display:grid;grid-template-columns:1fr 1fr;gap:8px 24px;padding:8px 24px}
section h2{font-size:15px;margin:8px 0 4px;padding-left:8px}
.scope h2{border-left:8px solid #3b5bdb}.conditions h2{border-left:8px solid #7048e8}
.findings h2{border-left:8px solid #e8590c}.forecast h2{border-left:8px solid #0c8599}.missing h2{border-left:8px solid #c92a2a}
.wide{grid-column:1/3}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:2px 6px;border-bottom:1px solid #dee2e6;vertical-align:top}
td.status-open,td.v-fail{color:#c92a2a;font-weight:600}td.status-closed,td.v-pass{color:#2b8a3e;font-weight:600}
ul{margin:0;padding-left:18px}.regimes span{margin-right:6px;padding:0 4px;border-radius:3px}.regimes .full{background:#d3f9d8}.regimes .gap{background:#ffe3e3}.clauses{color:#555;font-size:12px}
</style></head><body>
<header class="{{.Verdict}}"><div><h1>Recovery test evidence {{.Period.Label}}{{with .Organisation}} · {{.}}{{end}}{{with .System}} · {{.}}{{end}}</h1>
<div>Verdict <span class="verdict">{{.Verdict}}</span> · {{len .Runs}} runs · {{.TestType}} · {{.Period.Span}}{{with .BIARef}} · BIA {{.}}{{end}}</div>
<div class="regimes">{{range .Regimes}}<span class="{{if .Missing}}gap{{else}}full{{end}}">{{.Name}} {{len .Missing | sub .Fields}}/{{.Fields}}</span> {{end}}fields present</div></div>
{{if .Sig.Bundle}}<div class="sig signed"><b>Signed</b> by key {{short .Sig.KeyID}} (in-toto, DSSE, ed25519), statement {{.Sig.Bundle}}, which covers this page, the pack, its OSCAL export, the results and audit logs. Whether they are as signed is what <code>drill verify --key PUB {{.Sig.Bundle}}</code> says, not this page.</div>
{{else}}<div class="sig unsigned"><b>Unsigned</b>: drill evidence --key signs the pack</div>{{end}}
</header>
<main>
<section class="scope"><h2>Scope</h2><table><tr><th>kind</th><th>name</th><th>digest</th></tr>
{{range .Scope}}<tr><td>{{.Kind}}</td><td>{{.Name}}</td><td>{{short .Digest}}</td></tr>{{end}}</table></section>
<section class="findings"><h2>Findings</h2><table><tr><th>id</th><th>scenario</th><th>gap</th><th>status</th><th>owner</th><th>due</th><th>retest</th></tr>
{{range .Findings}}<tr><td>{{.ID}}</td><td>{{.Scenario}}</td><td>{{.Title}}</td><td class="status-{{.Status}}">{{.Status}}</td><td>{{.Owner}}</td><td>{{.Due}}</td><td>{{.RetestRun}}</td></tr>{{else}}<tr><td colspan="7">none</td></tr>{{end}}</table></section>
<section class="conditions"><h2>Activation and success conditions</h2><table><tr><th>scenario</th><th>activation (trigger)</th><th>success (objectives)</th></tr>
{{range .Conditions}}<tr><td>{{.Scenario}}</td><td>{{.Activation.Trigger}}{{with .Activation.Condition}}: {{.}}{{end}}</td><td>RTO {{.Success.RTOMs}} ms, RPO {{.Success.RPOMs}} ms, success ≥ {{.Success.SuccessRate}}, p{{.Success.Quantile}} at {{.Success.Confidence}}; {{.Success.Integrity}}</td></tr>{{else}}<tr><td colspan="3">none readable: see missing fields</td></tr>{{end}}</table></section>
<section class="missing"><h2>Missing fields</h2>{{if .Missing}}<ul>{{range .Missing}}<li><b>{{.Field}}</b>: {{.Reason}} <span class="clauses">({{range $i, $c := .Clauses}}{{if $i}}; {{end}}{{$c}}{{end}})</span></li>{{end}}</ul>{{else}}none: every field the regimes ask for is present{{end}}</section>
<section class="forecast wide"><h2>Forecast: a real incident</h2><table><tr><th>scenario</th><th>P(RTC ≤ RTO) [interval]</th><th>p50 · p90 · p99</th><th>tail dominated by</th><th>cheapest improvement</th><th>expected downtime a year [interval]</th></tr>
{{range .Forecasts}}<tr><td>{{.Scenario}} ({{.Runtime}})</td>{{if .Error}}<td colspan="5">no forecast: {{.Error}}</td>{{else}}<td>{{pval .}}</td><td>{{quantiles .}}</td><td>{{.DominantPart}}</td><td>{{improvement .}}</td><td>{{downtime .}}</td>{{end}}</tr>{{else}}<tr><td colspan="6">no scenario to forecast</td></tr>{{end}}</table>
{{range .Forecasts}}{{if .Method}}<p class="clauses">{{.Scenario}}: {{.Incidents}} incidents of runs {{range $i, $r := .Runs}}{{if $i}}, {{end}}{{$r}}{{end}}; decision from {{.DecisionSource}}. {{.Method}}</p>{{end}}{{end}}</section>
<section class="outcomes wide"><h2>Expected and measured</h2><table><tr><th>run</th><th>objective</th><th>expected</th><th>measured</th><th>bound</th><th>n</th><th>verdict</th></tr>
{{range .Outcomes}}<tr><td>{{.RunID}}</td><td>{{.Objective}}</td><td>{{.Expected}}</td><td>{{.Measured}}</td><td>{{.Bound}}</td><td>{{.N}}</td><td class="v-{{.Verdict}}">{{.Verdict}}</td></tr>{{end}}</table></section>
<section class="people"><h2>Participants and approver</h2><ul>{{range .Participants}}<li>{{.Name}}, {{.Role}}{{if .Decisions}}: {{.Decisions}} decisions, median {{.DecisionMedianMs}} ms{{end}}</li>{{end}}{{with .Approver}}<li>approved by {{.Name}}, {{.Role}}</li>{{end}}</ul></section>
<section class="runs"><h2>Runs</h2><table><tr><th>run</th><th>scenario</th><th>started</th><th>verdict</th><th>results sha256</th><th>audit digest</th></tr>
{{range .Runs}}<tr><td>{{.RunID}}</td><td>{{.Scenario}}</td><td>{{.Started.Format "2006-01-02 15:04Z"}}</td><td class="v-{{.Verdict}}">{{.Verdict}}</td><td>{{short .ResultsSHA256}}</td><td>{{short .AuditDigest}}</td></tr>{{end}}</table>
<p>{{len .Timeline}} timeline events in the pack (DORA Art. 11(8)); generated by drill {{.Generated.Version}}.</p></section>
</main></body></html>
`))
