package report

// htmlTemplate is the report page. Everything is inline (CSS, SVG) so the file can be
// archived, mailed or attached to an audit as is, and prints on A4/Letter.
const htmlTemplate = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>drill · {{.Scenario}} · {{.Verdict}}</title>
<style>` + htmlCSS + `</style>
</head>
<body>
<header class="top">
  <p class="eyebrow">drill · rollback drill report</p>
  <h1>{{.Scenario}}</h1>
  <p class="sub">Run <code>{{.RunID}}</code> · {{.Started}} · {{.Runtime}} runtime</p>
</header>

<section class="banner {{.VerdictClass}}" aria-label="verdict">
  <div class="banner-head">
    <span class="verdict-word">{{.Verdict}}</span>
    <span class="headline">{{.Headline}}</span>
  </div>
  <ul class="reasons">
  {{- range .Objectives}}
    <li><span class="pill {{.Class}}">{{.Verdict}}</span><span><strong>{{.Name}}</strong> — {{.Reason}}</span></li>
  {{- end}}
  </ul>
</section>

<section class="counts" aria-label="trial counts">
{{- range .Counts}}
  <div class="count {{.Class}}"><span class="n">{{.Value}}</span><span class="l">{{.Label}}</span></div>
{{- end}}
</section>

<section>
  <h2>Objectives</h2>
  <div class="scroll">
  <table class="objectives">
    <thead><tr><th>Objective</th><th>Target</th><th>Measured</th><th>Confidence bound</th><th>Trials</th><th>Verdict</th></tr></thead>
    <tbody>
    {{- range .Objectives}}
      <tr><th scope="row">{{.Name}}</th><td class="num">{{.Target}}</td><td>{{.Measured}}</td><td class="num">{{.Bound}}</td><td>{{.Trials}}</td><td><span class="pill {{.Class}}">{{.Verdict}}</span></td></tr>
    {{- end}}
    </tbody>
  </table>
  </div>
  <p class="note">{{.Medians}} {{.Resolution}}</p>
  {{- if .LoadNote}}<p class="note bad">{{.LoadNote}}</p>{{end}}
  {{- if .TimingNote}}<p class="note bad">{{.TimingNote}}</p>{{end}}
  {{- if .OverlapNote}}<p class="note bad">{{.OverlapNote}}</p>{{end}}
  {{- if .DecisionNote}}<p class="note">{{.DecisionNote}}</p>{{end}}
</section>

<section class="card">
  <h2>Recovery time</h2>
  {{- if .ECDF}}
  <figure>{{.ECDF}}<figcaption>{{.ECDFNote}}</figcaption></figure>
  {{- else}}
  <p class="empty">{{.ECDFNote}}</p>
  {{- end}}
</section>

{{- with .Forecast}}
<section class="card forecast">
  <h2>Forecast: a real incident</h2>
  {{- if .Empty}}
  <p class="empty">{{.Empty}}</p>
  {{- else}}
  <div class="scroll">
  <table class="objectives">
    <tbody>
    {{- range .Rows}}
      <tr><th scope="row">{{.Name}}</th><td>{{.Value}}</td></tr>
    {{- end}}
    </tbody>
  </table>
  </div>
  <p class="note">{{.Method}}</p>
  {{- end}}
</section>
{{- end}}

{{- if .Timelines}}
<section class="card">
  <h2>Trial timelines</h2>
  {{- range .Timelines}}
  <figure>
    <h3>{{.Title}}</h3>
    {{.SVG}}
    <figcaption>{{.Caption}}</figcaption>
  </figure>
  {{- end}}
  <p class="legend"><span class="sw fault"></span>t_fault <span class="sw impact"></span>impact <span class="sw detect"></span>detect (TTD ends) <span class="sw trigger"></span>trigger (TTM ends) <span class="sw recovered"></span>recovered (TTR ends)</p>
</section>
{{- end}}

<section class="card">
  <h2>Lost writes</h2>
  {{- if .Loss}}
  <figure>{{.Loss}}<figcaption>{{.LossNote}}</figcaption></figure>
  {{- else}}
  <p class="empty {{.LossClass}}">{{.LossNote}}</p>
  {{- end}}
  {{- if .LossRows}}
  <div class="scroll">
  <table>
    <thead><tr><th class="num">#</th><th class="num">lost</th><th class="num">acked</th><th class="num">unknown</th><th class="num">RPC</th><th>lost write ids</th></tr></thead>
    <tbody>
    {{- range .LossRows}}
      <tr><td class="num">{{.Index}}</td><td class="num bad">{{.Lost}}</td><td class="num">{{.Acked}}</td><td class="num">{{.Unknown}}</td><td class="num">{{.RPC}}</td><td class="ids"><code>{{.IDs}}</code>{{if .More}} <span class="more">+{{.More}} more</span>{{end}}</td></tr>
    {{- end}}
    </tbody>
  </table>
  </div>
  {{- end}}
  {{- if .LossRowsNote}}<p class="note">{{.LossRowsNote}}</p>{{end}}
</section>

{{- with .Steps}}
<section>
  <h2>Steps</h2>
  <p class="note">Each step of the change and of the rollback, in the order they ran: what it cost over the trials that ran it.</p>
  <div class="scroll">
  <table class="trials">
    <thead><tr><th>phase</th><th>step</th><th class="num">runs</th><th class="num">median</th><th class="num">max</th><th class="num">retried</th><th class="num">failed</th><th class="num">skipped</th></tr></thead>
    <tbody>
    {{- range .}}
      <tr><td>{{.Phase}}</td><td>{{.Name}}</td><td class="num">{{.Runs}}</td><td class="num">{{.Median}}</td><td class="num">{{.Max}}</td><td class="num">{{.Retried}}</td><td class="num{{if .Failed}} bad{{end}}">{{.Failed}}</td><td class="num">{{.Skipped}}</td></tr>
    {{- end}}
    </tbody>
  </table>
  </div>
</section>
{{- end}}

<section>
  <h2>Trials</h2>
  {{- if .TrialsNote}}<p class="note">{{.TrialsNote}}</p>{{end}}
  {{- with .LogsDir}}<p class="note">Each trial's service output is in <code>{{.}}/trial-N/</code> beside this report, one file per service instance; each trial that failed links its files.</p>{{end}}
  <div class="scroll">
  <table class="trials">
    <thead><tr><th class="num">#</th><th>outcome</th><th class="num">RTC</th><th class="num">TTD</th><th class="num">TTM</th><th class="num">TTR</th><th class="num">RPC</th><th class="num">lost</th><th class="num">acked</th><th class="num">failed probes</th><th>note</th></tr></thead>
    <tbody>
    {{- range .Trials}}
      <tr><td class="num">{{.Index}}{{if .Representative}} <span class="tag">median</span>{{end}}{{if .Worst}} <span class="tag">worst</span>{{end}}</td><td><span class="pill {{.Class}}">{{.Outcome}}</span></td><td class="num">{{.RTC}}</td><td class="num">{{.TTD}}</td><td class="num">{{.TTM}}</td><td class="num">{{.TTR}}</td><td class="num">{{.RPC}}</td><td class="num{{if .Flagged}} bad{{end}}">{{.Lost}}</td><td class="num">{{.Acked}}</td><td class="num">{{.Probes}}</td><td class="notecell">{{.Note}}{{if .LogsDir}} <span class="logs"><a href="{{.LogsDir}}">output</a>:{{range $i, $l := .Logs}}{{if $i}},{{end}} <a href="{{$l.Href}}">{{$l.Name}}</a>{{end}}</span>{{end}}</td></tr>
    {{- end}}
    </tbody>
  </table>
  </div>
</section>

<section class="card env">
  <h2>Environment</h2>
  <dl>
  {{- range .Env}}
    <dt>{{.Key}}</dt><dd>{{if .Code}}<code>{{.Value}}</code>{{else}}{{.Value}}{{end}}</dd>
  {{- end}}
  </dl>
</section>

<footer>Generated by drill from the run's results file. All times are UTC; durations are rounded to 0.1 ms. Errored trials could not run and are kept apart from the verdicts.</footer>
</body>
</html>
`

const htmlCSS = `
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;
--pass:#1a7f37;--pass-bg:#dafbe1;--pass-line:#4ac26b;
--amber:#7d4e00;--amber-bg:#fff8c5;--amber-line:#d4a72c;
--fail:#cf222e;--fail-ink:#a40e26;--fail-bg:#ffebe9;--fail-line:#ff818266;
--blue:#0969da;--purple:#8250df;--grey:#818b98}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0 auto;max-width:1080px;padding:32px 28px 48px;color:var(--ink);background:#fff;
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue","Noto Sans","Liberation Sans",Arial,sans-serif;
font-variant-numeric:tabular-nums}
code{font:0.86em/1.4 ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;overflow-wrap:anywhere}
h1{font-size:30px;line-height:1.2;margin:2px 0 4px;letter-spacing:-0.01em}
h2{font-size:19px;margin:0 0 12px}
h3{font-size:15px;margin:0 0 4px}
section{margin:0 0 28px}
.eyebrow{margin:0;color:var(--muted);font-size:13px;font-weight:600;letter-spacing:.06em;text-transform:uppercase}
.sub{margin:0;color:var(--muted)}
.top{margin-bottom:20px}
.banner{border:1px solid;border-left-width:8px;border-radius:8px;padding:16px 20px}
.banner.pass{background:var(--pass-bg);border-color:var(--pass-line);border-left-color:var(--pass)}
.banner.inconclusive{background:var(--amber-bg);border-color:var(--amber-line);border-left-color:#bf8700}
.banner.fail{background:var(--fail-bg);border-color:var(--fail-line);border-left-color:var(--fail)}
.banner.muted{background:var(--soft);border-color:var(--line)}
.banner-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px 16px}
.verdict-word{font-size:28px;font-weight:800;letter-spacing:.04em}
.banner.pass .verdict-word{color:var(--pass)}
.banner.inconclusive .verdict-word{color:var(--amber)}
.banner.fail .verdict-word{color:var(--fail-ink)}
.headline{font-size:16px;font-weight:600}
.reasons{list-style:none;margin:10px 0 0;padding:0}
.reasons li{margin:5px 0;display:grid;grid-template-columns:8.8em 1fr;gap:10px;align-items:baseline}
.pill{display:inline-block;min-width:6.5em;text-align:center;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:700;
text-transform:uppercase;letter-spacing:.03em;border:1px solid;white-space:nowrap}
.pill.pass{color:var(--pass);background:#fff;border-color:var(--pass-line)}
.pill.inconclusive{color:var(--amber);background:#fff;border-color:var(--amber-line)}
.pill.fail{color:#fff;background:var(--fail);border-color:var(--fail)}
.pill.muted{color:var(--muted);background:var(--soft);border-color:var(--line)}
.trials .pill,.objectives .pill{min-width:0;text-transform:none;letter-spacing:0;font-weight:600}
.counts{display:flex;flex-wrap:wrap;gap:10px}
.count{flex:1 1 120px;border:1px solid var(--line);border-radius:8px;padding:10px 14px;background:#fff}
.count .n{display:block;font-size:26px;font-weight:700;line-height:1.1}
.count .l{color:var(--muted);font-size:13px}
.count.pass .n{color:var(--pass)} .count.fail .n{color:var(--fail-ink)} .count.muted .n{color:var(--muted)} .count.inconclusive .n{color:var(--amber)}
.card{border:1px solid var(--line);border-radius:10px;padding:18px 20px}
figure{margin:0 0 18px}
figure:last-child{margin-bottom:0}
figcaption,.note{color:var(--muted);font-size:13px;margin-top:6px}
.empty{margin:0;padding:12px 14px;border-radius:6px;background:var(--soft);color:var(--muted)}
.empty.ok{background:var(--pass-bg);color:#116329}
.empty.inconclusive{background:var(--amber-bg);color:var(--amber)}
svg.chart{display:block;width:100%;height:auto;max-width:960px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13.5px}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{font-size:12px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.03em;border-bottom:2px solid var(--line);white-space:nowrap}
tbody tr:nth-child(even){background:#fafbfc}
tbody th{font-weight:600;white-space:nowrap}
.num{text-align:right;white-space:nowrap}
td.bad{color:var(--fail-ink);font-weight:700}
p.note.bad{color:var(--fail-ink)}
td.ids{max-width:420px}
.more{color:var(--muted);font-size:12px;white-space:nowrap}
.notecell{color:var(--muted);font-size:12.5px;max-width:280px}
.tag{display:inline-block;font-size:11px;padding:0 5px;border-radius:4px;background:#ddf4ff;color:#0550ae;font-weight:600}
.legend{font-size:12.5px;color:var(--muted);margin:4px 0 0}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 12px;vertical-align:-1px}
.sw.fault{background:var(--grey);margin-left:0}.sw.impact{background:var(--fail)}.sw.detect{background:#bf8700}.sw.trigger{background:var(--purple)}.sw.recovered{background:var(--pass)}
.env dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 18px;margin:0}
.env dt{color:var(--muted);font-weight:600}
.env dd{margin:0;min-width:0}
footer{color:var(--muted);font-size:12.5px;border-top:1px solid var(--line);padding-top:12px}
@media (max-width:640px){body{padding:20px 14px}.env dl{grid-template-columns:1fr}.env dd{margin-bottom:6px}}
@media print{
@page{margin:14mm}
body{max-width:none;padding:0;font-size:10.5pt}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
figure,tr,.banner,.counts,.env{break-inside:avoid}
.card{border-color:#bbb}
thead{display:table-header-group}
.scroll{overflow:visible}
h2{break-after:avoid}
}
`
