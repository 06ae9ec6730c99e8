package report

// aggregateTemplate is the period report page: the run report's CSS (htmlCSS) plus a
// few rules for the trend line, so both pages read alike when filed together.
const aggregateTemplate = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>drill · period report {{.Period}} · {{.Banner}}</title>
<style>` + htmlCSS + aggregateCSS + `</style>
</head>
<body>
<header class="top">
  <p class="eyebrow">drill · rollback drill period report</p>
  <h1>{{.Period}}</h1>
  <p class="sub">{{.Span}} (UTC) · compared with {{.Previous}}</p>
</header>

<section class="banner {{.BannerClass}}" aria-label="trend">
  <div class="banner-head">
    <span class="verdict-word">{{.Banner}}</span>
    <span class="headline">{{.Headline}}</span>
  </div>
</section>

<section class="counts" aria-label="period counts">
{{- range .Counts}}
  <div class="count {{.Class}}"><span class="n">{{.Value}}</span><span class="l">{{.Label}}</span></div>
{{- end}}
</section>

{{- if .Rows}}
<section>
  <h2>Scenarios</h2>
  <div class="scroll">
  <table class="objectives overview">
    <thead><tr><th>Scenario</th><th>Trend</th><th class="num">Runs</th><th class="num">Trials</th><th>Success rate</th><th>{{.RTCHeader}}</th><th>RTO</th><th>RPO</th><th class="num">Lost writes</th><th class="num">Checks failed</th></tr></thead>
    <tbody>
    {{- range .Rows}}
      <tr><th scope="row">{{.Name}}</th><td><span class="pill {{.TrendClass}}">{{.Trend}}</span></td><td class="num">{{.Runs}}</td><td class="num">{{.Trials}}</td><td>{{.Success}}</td><td>{{.RTC}}</td><td><span class="pill {{.RTOClass}}">{{.RTO}}</span></td><td><span class="pill {{.RPOClass}}">{{.RPO}}</span></td><td class="num">{{.Lost}}</td><td class="num{{if .ConsistencyClass}} bad{{end}}">{{.Consistency}}</td></tr>
    {{- end}}
    </tbody>
  </table>
  </div>
</section>
{{- else}}
<section><p class="empty">No drills ran in {{.Period}} or {{.Previous}}.</p></section>
{{- end}}

{{- if .Strategies}}
<section>
  <h2>Strategies compared</h2>
  <ul>{{range .Strategies}}<li>{{.}}</li>{{end}}</ul>
</section>
{{- end}}

{{- if .Forecasts}}
<section class="forecast">
  <h2>Forecast: a real incident</h2>
  <p class="note">{{.ForecastNote}}</p>
  <div class="scroll">
  <table>
    <thead><tr><th>Scenario</th><th>P(RTC ≤ RTO) [interval]</th><th>Forecast p90 [interval]</th><th>Tail dominated by</th><th>Cheapest improvement</th><th>Expected downtime a year [interval]</th></tr></thead>
    <tbody>
    {{- range .Forecasts}}
      <tr><th scope="row">{{.Scenario}}</th><td>{{.P}}</td><td>{{.P90}}</td><td>{{.Tail}}</td><td>{{.Improvement}}</td><td>{{.Downtime}}</td></tr>
    {{- end}}
    </tbody>
  </table>
  </div>
</section>
{{- end}}

{{- range .Groups}}
<section class="card group">
  <h2>{{.Name}}</h2>
  <p class="note">Objectives: {{.Objectives}}.{{if .Notes}} {{.Notes}}{{end}}</p>
  <p class="trend {{.TrendClass}}"><span class="pill {{.TrendClass}}">{{.TrendWord}}</span> {{.Trend}}</p>
  {{- if .Drilled}}
  <div class="counts">
  {{- range .Counts}}
    <div class="count {{.Class}}"><span class="n">{{.Value}}</span><span class="l">{{.Label}}</span></div>
  {{- end}}
  </div>
  <div class="scroll">
  <table class="objectives">
    <thead><tr><th>Objective</th><th class="num">Target</th><th>Pooled</th><th class="num">Confidence bound</th><th>Trials</th><th>Verdict</th></tr></thead>
    <tbody>
    {{- range .Verdicts}}
      <tr><th scope="row">{{.Name}}</th><td class="num">{{.Target}}</td><td>{{.Measured}}</td><td class="num">{{.Bound}}</td><td>{{.Trials}}</td><td><span class="pill {{.Class}}">{{.Verdict}}</span></td></tr>
    {{- end}}
    </tbody>
  </table>
  </div>
  <ul class="why">
  {{- range .Verdicts}}
    <li><strong>{{.Name}}</strong> — {{.Reason}}</li>
  {{- end}}
  </ul>
  {{- end}}
  {{- if .ECDF}}
  <figure>{{.ECDF}}
  <p class="legend"><span class="sw cur"></span>{{.CurLegend}} <span class="sw prev"></span>{{.PrevLegend}} <span class="sw rto"></span>RTO</p>
  <figcaption>{{.ECDFNote}}</figcaption></figure>
  {{- else}}
  <p class="empty">{{.ECDFNote}}</p>
  {{- end}}
  {{- if .Drilled}}
  <h3>Errors</h3>
  {{- if .Errors}}
  <p class="note">Errored trials could not run; they are not failed rollbacks and enter no verdict.</p>
  <table><thead><tr><th class="num">trials</th><th>error</th></tr></thead><tbody>
  {{- range .Errors}}<tr><td class="num">{{.Count}}</td><td class="notecell">{{.Message}}</td></tr>{{end}}
  </tbody></table>
  {{- else}}
  <p class="empty ok">No trial errored.</p>
  {{- end}}
  <h3>Consistency findings</h3>
  <p class="note">{{.Consistency}}</p>
  {{- if .Findings}}
  <table><thead><tr><th>run</th><th class="num">trial</th><th>checker</th><th>status</th><th>message</th></tr></thead><tbody>
  {{- range .Findings}}<tr><td><code>{{.RunID}}</code></td><td class="num">{{.Trial}}</td><td>{{.Checker}}</td><td class="bad">{{.Status}}</td><td class="notecell">{{.Message}}</td></tr>{{end}}
  </tbody></table>
  {{- end}}
  <h3>Evidence</h3>
  <div class="scroll">
  <table class="evidence"><thead><tr><th>run</th><th>started</th><th>runtime</th><th class="num">trials</th><th>verdict</th><th>audit log</th><th>SHA-256 digest</th></tr></thead><tbody>
  {{- range .Evidence}}
    <tr><td><code>{{.RunID}}</code></td><td>{{.Started}}</td><td>{{.Runtime}}</td><td class="num">{{.Trials}}</td><td><span class="pill {{.Class}}">{{.Verdict}}</span></td><td>{{if .File}}<code>{{.File}}</code>{{else}}<span class="bad">none</span>{{end}}</td><td class="ids">{{if .Digest}}<code>{{.Digest}}</code>{{else}}–{{end}}</td></tr>
  {{- end}}
  </tbody></table>
  </div>
  <p class="note">Check a log against its digest with <code>drill audit verify --digest DIGEST FILE</code>.</p>
  {{- end}}
</section>
{{- end}}

<footer>Generated by drill from the runs' results files ({{.Schema}}). All times are UTC. Trials of all runs of a scenario are pooled; verdicts use order-statistic and Clopper–Pearson bounds at the objectives' confidence, trends a one-sided Mann–Whitney test at p &lt; 0.05 with Cliff's δ at least small. Errored trials are kept apart from every verdict.</footer>
</body>
</html>
`

const aggregateCSS = `
.group h3{margin:18px 0 6px}
.group .counts{margin:12px 0}
.trend{margin:8px 0 12px;display:flex;gap:10px;align-items:baseline}
.trend .pill{flex:none}
.trend.fail{color:var(--fail-ink);font-weight:600}
.why{margin:8px 0 14px;padding-left:18px;color:var(--muted);font-size:13px}
.evidence td.ids{max-width:360px}
.nowrap{white-space:nowrap}
.overview{font-size:12.5px;width:100%}.overview th,.overview td{padding:6px 6px}.overview thead th{font-size:11px;letter-spacing:0;white-space:normal}
.overview tbody th{white-space:normal;overflow-wrap:anywhere;min-width:9em}
.sw.cur{background:var(--blue);margin-left:0}.sw.prev{background:var(--grey)}.sw.rto{background:var(--fail)}
`
