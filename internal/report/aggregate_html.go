package report

import (
	"bufio"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/drillhq/drill/internal/stats"
)

// aggregatePage is parsed once; html/template escapes every value by context.
var aggregatePage = template.Must(template.New("aggregate").Parse(aggregateTemplate))

// AggregateHTML renders the period report as one self-contained page (inline CSS and
// SVG, no scripts, no network) in the look of the run report, with an ECDF of each
// scenario's recovery time over the previous period's.
func AggregateHTML(w io.Writer, a AggregateReport) error {
	v, err := buildAggregateView(a)
	if err != nil {
		return fmt.Errorf("render aggregate html: %w", err)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := aggregatePage.Execute(bw, v); err != nil {
		return fmt.Errorf("render aggregate html: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("render aggregate html: %w", err)
	}
	return nil
}

// aggregateView is everything the period page shows, already formatted.
type aggregateView struct {
	Period, Span, Previous string
	BannerClass, Banner    string
	Headline               string
	Counts                 []countCell
	Rows                   []aggregateRow
	RTCHeader              string
	// Strategies are the sentences comparing strategies drilled against one service.
	Strategies []string
	// Forecasts are each scenario's forecast of a real incident.
	Forecasts    []aggregateForecastRow
	ForecastNote string
	Groups       []groupView
	Schema       string
}

type aggregateRow struct {
	Name, Success, RTC, Lost      string
	Runs, Trials                  int
	RTO, RTOClass, RPO, RPOClass  string
	Trend, TrendClass             string
	Consistency, ConsistencyClass string
}

type groupView struct {
	Name, Objectives, Notes string
	Drilled                 bool
	Counts                  []countCell
	Verdicts                []objectiveRow
	TrendWord, TrendClass   string
	Trend                   string
	ECDF                    template.HTML
	ECDFNote                string
	CurLegend, PrevLegend   string
	Errors                  []ErrorCount
	Consistency             string
	Findings                []Finding
	Evidence                []evidenceRow
}

type evidenceRow struct {
	RunID, Started, Runtime, Verdict, Class, File, Digest string
	Trials                                                int
}

func buildAggregateView(a AggregateReport) (*aggregateView, error) {
	// The banner is the period's worst verdict (as a run's is its verdict); the
	// regressions and the scenarios not drilled follow it in words.
	v := &aggregateView{Period: a.Period.Label, Span: a.Period.Span(), Previous: a.Previous.Label,
		Headline: strings.ReplaceAll(verdictLine(a)+" "+regressionLine(a), "**", ""), Schema: a.Schema}
	v.BannerClass, v.Banner = verdictClass(a.Verdict), periodHeadline(a)
	if drilled(a) == 0 {
		v.BannerClass = "muted"
	}
	errs := 0
	for _, g := range a.Groups {
		errs += g.Counts.Errors
	}
	v.RTCHeader = rtcHeader(a.Groups)
	for _, c := range a.Strategies {
		v.Strategies = append(v.Strategies, c.Summary)
	}
	v.Forecasts, v.ForecastNote = aggregateForecastRows(a), aggregateForecastNote
	v.Counts = []countCell{{"runs", a.Runs, ""}, {"trials", a.Trials, ""}, {"scenarios drilled", drilled(a), ""},
		{"regressions", a.Regressions, failIf(a.Regressions)}, {"errored trials", errs, mutedIf(errs)}}
	for _, g := range a.Groups {
		v.Rows = append(v.Rows, aggregateRow{Name: groupName(g), Runs: g.Runs, Trials: g.Counts.Trials,
			Success: rateText(g.SuccessRate), RTC: rtcCompact(g.RTC, g.Objectives.Quantile, v.RTCHeader),
			Lost: fmt.Sprintf("%d/%d", g.RPC.LostWrites, g.RPC.AckedWrites),
			RTO:  verdictName(g.RTC.RTO.Verdict), RTOClass: verdictClass(g.RTC.RTO.Verdict),
			RPO: verdictName(g.RPC.RPO.Verdict), RPOClass: verdictClass(g.RPC.RPO.Verdict),
			Trend: strings.Trim(trendWord(g.Trend), "*"), TrendClass: trendClass(g.Trend),
			Consistency:      fmt.Sprintf("%d/%d", g.Counts.ConsistencyFailures, g.Counts.ConsistencyChecks),
			ConsistencyClass: failIf(g.Counts.ConsistencyFailures)})
		if g.Runs == 0 {
			r := &v.Rows[len(v.Rows)-1]
			r.RTO, r.RTOClass, r.RPO, r.RPOClass, r.Lost, r.Consistency = "–", "muted", "–", "muted", "–", "–"
		}
		gv, err := buildGroupView(g, a)
		if err != nil {
			return nil, err
		}
		v.Groups = append(v.Groups, gv)
	}
	return v, nil
}

func buildGroupView(g GroupAggregate, a AggregateReport) (groupView, error) {
	o, c := g.Objectives, g.Counts
	conf := fmt.Sprintf("%g%%", o.Confidence*100)
	q := fmt.Sprintf("p%g", o.Quantile*100)
	gv := groupView{Name: groupName(g), Objectives: objectivesText(o), Drilled: g.Runs > 0,
		TrendWord: strings.Trim(trendWord(g.Trend), "*"), TrendClass: trendClass(g.Trend), Trend: g.Trend.Summary,
		Errors: g.ErrorMessages, Findings: g.Findings,
		Consistency: fmt.Sprintf("%s run after recovery: %d failed, %d could not decide.", plural(c.ConsistencyChecks, "check"),
			c.ConsistencyFailures, c.ConsistencyUnknown)}
	var notes []string
	if g.ObjectivesChanged {
		notes = append(notes, "The objectives changed during the period; the latest run's are shown and judge the pooled trials.")
	}
	if len(g.ScenarioSHA256) > 1 {
		notes = append(notes, fmt.Sprintf("The scenario file changed during the period (%d versions).", len(g.ScenarioSHA256)))
	}
	gv.Notes = strings.Join(notes, " ")
	gv.Counts = []countCell{{"runs", g.Runs, ""}, {"trials", c.Trials, ""}, {"recovered", c.Recovered, "pass"},
		{"not recovered", c.NotRecovered, failIf(c.NotRecovered)}, {"not detected", c.NotDetected, failIf(c.NotDetected)},
		{"errors", c.Errors, mutedIf(c.Errors)}}
	if c.FalsePositives > 0 {
		gv.Counts = append(gv.Counts, countCell{StandingFalsePositive.Label(), c.FalsePositives, "inconclusive"})
	}
	if c.ControlTrials > 0 {
		gv.Counts = append(gv.Counts, countCell{"control trials", c.ControlTrials, ""}, countCell{"controls fired", c.ControlFired, failIf(c.ControlFired)})
	}
	gv.Verdicts = []objectiveRow{
		objective(fmt.Sprintf("RTO (%s of RTC)", q), "≤ "+o.RTO.D().String(), rtcText(g.RTC, o.Quantile),
			bound("≤", g.RTC.RTO.Upper, g.RTC.RTO.UpperOK, conf), g.RTC.RTO),
		objective(fmt.Sprintf("RPO (%s of RPC)", q), "≤ "+o.RPO.D().String(),
			fmt.Sprintf("max RPC %s; %d of %d acknowledged writes lost", msText(g.RPC.MaxMs), g.RPC.LostWrites, g.RPC.AckedWrites),
			bound("≤", g.RPC.RPO.Upper, g.RPC.RPO.UpperOK, conf), g.RPC.RPO),
		objective("Rollback success rate", fmt.Sprintf("≥ %g%%", o.SuccessRate*100),
			fmt.Sprintf("%s; %s interval %s – %s", rateText(g.SuccessRate), conf, pct(float64(g.SuccessRate.Lower)), pct(float64(g.SuccessRate.Upper))),
			rateBound(g.SuccessRate.Verdict, conf), g.SuccessRate.Verdict),
	}
	for _, e := range g.Evidence {
		gv.Evidence = append(gv.Evidence, evidenceRow{RunID: e.RunID, Started: utcTime(e.Started), Runtime: e.Runtime,
			Verdict: e.Verdict, Class: verdictClassName(e.Verdict), File: e.AuditFile, Digest: e.AuditDigest, Trials: e.Trials})
	}
	cur, prev := secondsOf(g.RTC.SamplesMs), secondsOf(g.Trend.PreviousSamplesMs)
	if len(finiteSorted(cur))+len(finiteSorted(prev)) == 0 {
		gv.ECDFNote = "No trial recovered in either period, so there is no recovery time to show."
		return gv, nil
	}
	svg, err := ecdfOverlay(overlayInput{Current: cur, Previous: prev, CurLabel: a.Period.Label, PrevLabel: a.Previous.Label,
		RTO: o.RTO.D().Seconds(), Quantile: o.Quantile})
	if err != nil {
		return gv, err
	}
	gv.ECDF = svg
	gv.CurLegend = fmt.Sprintf("%s (n=%d)", a.Period.Label, len(cur))
	gv.PrevLegend = fmt.Sprintf("%s (n=%d)", a.Previous.Label, len(prev))
	gv.ECDFNote = fmt.Sprintf("Share of the incidents whose recovery time is at most x (false positives and control trials are no incidents): %s (solid blue) over %s (dashed grey). A curve further right is slower recovery; one that stops below 100%% had trials that never recovered. The dashed red line is the RTO.",
		a.Period.Label, a.Previous.Label)
	return gv, nil
}

// rtcHeader names the overview's RTC column by the groups' common quantile.
func rtcHeader(gs []GroupAggregate) string {
	q := 0.0
	for _, g := range gs {
		switch {
		case g.Runs == 0:
		case q == 0:
			q = g.Objectives.Quantile
		case q != g.Objectives.Quantile:
			return "RTC"
		}
	}
	return fmt.Sprintf("RTC median · p%g · max", q*100)
}

// rtcCompact is the overview cell: bare numbers under a header naming them.
func rtcCompact(r RTCSummary, q float64, header string) string {
	if header == "RTC" || r.N == 0 {
		return rtcText(r, q)
	}
	return fmt.Sprintf("%s · %s · %s", msText(r.MedianMs), msText(r.QuantileMs), msText(r.MaxMs))
}

func secondsOf(ms []stats.Float) []float64 {
	out := make([]float64, len(ms))
	for i, v := range ms {
		out[i] = float64(v) / 1000
	}
	return out
}

func trendClass(t Trend) string {
	switch t.Status {
	case TrendRegression:
		return "fail"
	case TrendImprovement:
		return "pass"
	case TrendNotDrilled:
		return "inconclusive"
	}
	return "muted"
}

// verdictClassName maps a verdict's name back to its CSS class.
func verdictClassName(name string) string {
	switch name {
	case "pass", "fail", "inconclusive":
		return name
	}
	return "muted"
}
