package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strings"
)

// CompareHTML renders a comparison as one self-contained page: the plans side by side,
// their RTC ECDFs on one chart, and the pairwise tests.
func CompareHTML(w io.Writer, c *Comparison) error {
	var md bytes.Buffer
	if err := CompareMarkdown(&md, c); err != nil {
		return err
	}
	chart, err := compareECDF(c.Plans, c.Objectives.RTO.D().Seconds())
	if err != nil {
		return err
	}
	v := compareView{Title: c.Scenario.Name, Chart: chart}
	for _, p := range c.Plans {
		v.Plans = append(v.Plans, p.Name)
	}
	// The tables are the Markdown's: one source for both formats.
	var table *[][]string
	forecastNotes := false
	for _, line := range strings.Split(md.String(), "\n") {
		switch {
		case strings.HasPrefix(line, "## "):
			v.Heading = strings.TrimPrefix(line, "## ")
		case strings.HasPrefix(line, "| measure |"):
			table = &v.Measures
		case strings.HasPrefix(line, "| A vs B |"):
			table = &v.Pairs
		case strings.HasPrefix(line, "### Forecast"):
			table, forecastNotes = nil, true
		case strings.HasPrefix(line, "| forecast |"):
			table = &v.Forecast
		case strings.HasPrefix(line, "|---"):
		case strings.HasPrefix(line, "| ") && table != nil:
			cells := strings.Split(strings.Trim(line, "| "), " | ")
			for i := range cells {
				cells[i] = strings.ReplaceAll(cells[i], "**", "")
			}
			*table = append(*table, cells)
		case forecastNotes && line != "" && !strings.HasPrefix(line, "| "):
			v.ForecastNotes = append(v.ForecastNotes, line)
		case strings.HasPrefix(line, "- ") || (line != "" && !strings.HasPrefix(line, "#") && table == nil):
			v.Notes = append(v.Notes, strings.TrimPrefix(line, "- "))
		}
	}
	var b bytes.Buffer
	if err := compareTemplate.Execute(&b, v); err != nil {
		return fmt.Errorf("render comparison: %w", err)
	}
	_, err = w.Write(b.Bytes())
	return err
}

type compareView struct {
	Title, Heading  string
	Notes           []string
	Plans           []string
	Measures, Pairs [][]string
	Chart           template.HTML
	// Forecast is the plans' forecast table and ForecastNotes its rate and methods.
	Forecast      [][]string
	ForecastNotes []string
}

var compareTemplate = template.Must(template.New("compare").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>drill compare · {{.Title}}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;color:#1f2328;max-width:70rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;margin:1rem 0}th,td{border-bottom:1px solid #e1e6eb;padding:.3rem .7rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}p.note{color:#59636e}
</style></head><body>
<h1>{{.Heading}}</h1>
{{range .Notes}}<p class="note">{{.}}</p>{{end}}
<table><thead><tr><th>measure</th>{{range .Plans}}<th>{{.}}</th>{{end}}</tr></thead><tbody>
{{range .Measures}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}
</tbody></table>
<figure>{{.Chart}}<figcaption>Each plan's recovery times (RTC; modelled where the decision is modelled), one curve a plan: left is faster; a curve below 100% had trials that never recovered.</figcaption></figure>
<h2>Pairwise: RTC</h2>
<table><thead><tr><th>A vs B</th><th>shift B − A [95% CI]</th><th>Mann–Whitney (two-sided)</th><th>Cliff's δ</th><th>finding</th></tr></thead><tbody>
{{range .Pairs}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}
</tbody></table>
{{if .Forecast}}<section class="forecast">
<h2>Forecast: a real incident under each plan</h2>
<table><thead><tr><th>forecast</th>{{range .Plans}}<th>{{.}}</th>{{end}}</tr></thead><tbody>
{{range .Forecast}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}
</tbody></table>
{{range .ForecastNotes}}<p class="note">{{.}}</p>{{end}}
</section>{{end}}
</body></html>
`))
