package report

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/stats"
	"github.com/drillhq/drill/internal/trial"
)

// Limits that keep the page readable (and fast) for runs of thousands of trials.
// Charts always use every trial; only the tables are cut.
const (
	maxTrialRows = 200
	maxLossRows  = 200
	maxLostIDs   = 8
)

// htmlView is everything the page template shows, already formatted.
type htmlView struct {
	Scenario     string
	RunID        string
	Started      string
	Runtime      string
	Verdict      string
	VerdictClass string
	Headline     string
	Objectives   []objectiveRow
	Counts       []countCell
	Medians      string
	Resolution   string
	LoadNote     string
	TimingNote   string
	// OverlapNote says when drill's own probes piled up on a service before its fault.
	OverlapNote string
	// DecisionNote says what a manual or hybrid plan's decisions cost, and whether they
	// were compressed.
	DecisionNote string
	// Forecast is how a real incident would fare, from the run's parts.
	Forecast  *forecastView
	ECDF      template.HTML
	ECDFNote  string
	Timelines []timelineView
	Loss      template.HTML
	LossNote  string
	// LossClass colours the box without a chart: ok (green) only when every trial that
	// ran checked its writes and none was lost.
	LossClass    string
	LossRows     []lossRow
	LossRowsNote string
	Trials       []trialRow
	TrialsNote   string
	// LogsDir is the directory of the services' output beside the report ("": none kept).
	LogsDir string
	// Steps are the rows of the steps' table (multi-step changes only).
	Steps []stepRow
	Env   []envRow
}

type objectiveRow struct {
	Name, Target, Measured, Bound, Trials, Verdict, Class, Reason string
}

type countCell struct {
	Label string
	Value int
	Class string
}

type timelineView struct {
	Title, Caption        string
	SVG                   template.HTML
	Index                 int
	Representative, Worst bool
}

type lossRow struct {
	Index                int
	Lost, Acked, Unknown int
	RPC                  string
	IDs                  string
	More                 int
}

type trialRow struct {
	Index                          int
	Outcome, Class                 string
	RTC, TTD, TTM, TTR, RPC        string
	Lost, Acked, Probes, Note      string
	Worst, Representative, Flagged bool
	// LogsDir and Logs link a failed trial's service output.
	LogsDir string
	Logs    []logLink
}

type envRow struct {
	Key, Value string
	Code       bool
}

func buildView(r *Results) (*htmlView, error) {
	s := r.Summary
	o := r.Objectives
	q := fmt.Sprintf("p%g", o.Quantile*100)
	conf := fmt.Sprintf("%g%%", o.Confidence*100)
	v := &htmlView{
		Scenario:     r.Scenario.Name,
		RunID:        r.RunID,
		Started:      utcTime(r.Started),
		Runtime:      r.Runtime,
		Verdict:      s.Headline(),
		VerdictClass: verdictClass(s.Verdict),
		Headline:     headline(s),
		LoadNote:     loadFinding(s),
		TimingNote:   timingFinding(r),
		OverlapNote:  overlapFinding(r),
		Medians: fmt.Sprintf("Medians over the incidents that had each measure: TTD %s · TTM %s · TTR %s · RTC %s (%d recovered of %s).",
			spreadMedian(s.TTD), spreadMedian(s.TTM), spreadMedian(s.TTR), spreadMedian(s.RTC), s.RTC.N, plural(s.Incidents, "incident")),
		Resolution: fmt.Sprintf("Timing resolution: a probe every %s; recovery is the first of %d consecutive passing probes, so t_impact and t_recovered are each observed up to %s late.",
			ms(r.ProbeIntervalMs), r.RecoverAfter, ms(r.ProbeIntervalMs)),
	}
	rtcName, rtc := "RTC", s.RTC
	if s.Decision != nil {
		rtcName, rtc = "modelled RTC", s.Decision.ModelledRTC
		v.DecisionNote = s.Decision.Text(s.RTC)
	}
	v.Objectives = []objectiveRow{
		objective(fmt.Sprintf("RTO (%s of %s)", q, rtcName), "≤ "+o.RTO.D().String(),
			fmt.Sprintf("%s = %s over %s; median %s, max %s over %d recovered", q, fmtEstimate(s.RTO.Estimate, s.RTO.N),
				plural(s.Incidents, "incident"), spreadMedian(rtc), spreadMax(rtc), rtc.N),
			bound("≤", s.RTO.Upper, s.RTO.UpperOK, conf), s.RTO),
		objective(fmt.Sprintf("RPO (%s of RPC)", q), "≤ "+o.RPO.D().String(),
			fmt.Sprintf("max RPC %s; %d of %d acknowledged writes lost", spreadMax(s.RPC), s.LostWrites, s.AckedWrites),
			bound("≤", s.RPO.Upper, s.RPO.UpperOK, conf), s.RPO),
		objective("Rollback success rate", fmt.Sprintf("≥ %g%%", o.SuccessRate*100),
			fmt.Sprintf("%d of %s recovered", s.Recovered, plural(s.Incidents, "incident")),
			rateBound(s.SuccessRate, conf), s.SuccessRate),
	}
	if fp := s.FalsePositiveRate; fp != nil && o.FalsePositiveRate != nil {
		v.Objectives = append(v.Objectives, objective("Trigger false-positive rate", fmt.Sprintf("≤ %g%%", *o.FalsePositiveRate*100),
			fmt.Sprintf("%d of %d control trials fired the trigger", s.ControlFired, s.ControlTrials), fpBound(*fp, conf), *fp))
	}
	v.Counts = []countCell{
		{"trials", s.Trials, ""}, {"recovered", s.Recovered, "pass"}, {"not recovered", s.NotRecovered, failIf(s.NotRecovered)},
		{"not detected", s.NotDetected, failIf(s.NotDetected)}, {"errors", s.Errors, mutedIf(s.Errors)},
	}
	if s.Interrupted > 0 {
		v.Counts = append(v.Counts, countCell{"interrupted", s.Interrupted, "muted"})
	}
	if s.FalsePositives > 0 {
		v.Counts = append(v.Counts, countCell{StandingFalsePositive.Label(), s.FalsePositives, "inconclusive"})
	}
	if s.ControlTrials > 0 {
		v.Counts = append(v.Counts, countCell{"control trials", s.ControlTrials, ""},
			countCell{"controls fired", s.ControlFired, failIf(s.ControlFired)})
	}

	var err error
	if v.ECDF, v.ECDFNote, err = ecdfSection(r); err != nil {
		return nil, err
	}
	if v.Timelines, err = timelineSection(r); err != nil {
		return nil, err
	}
	if err = lossSection(r, v); err != nil {
		return nil, err
	}
	trialSection(r, v)
	v.Forecast = runForecast(r)
	v.Env = envRows(r)
	return v, nil
}

func objective(name, target, measured, bnd string, vr stats.VerdictResult) objectiveRow {
	trials := fmt.Sprintf("n = %d", vr.N)
	if vr.Verdict == stats.Inconclusive {
		if vr.NeededN > vr.N {
			trials += fmt.Sprintf("; %d needed", vr.NeededN)
		} else if vr.NeededN == 0 {
			trials += "; more trials would not decide it"
		}
	}
	return objectiveRow{Name: name, Target: target, Measured: measured, Bound: bnd, Trials: trials,
		Verdict: verdictName(vr.Verdict), Class: verdictClass(vr.Verdict), Reason: vr.Reason}
}

func headline(s Summary) string {
	if s.Headline() == "ERROR" {
		return "No trial could run: every one ended in an error of the runtime, not of the rollback; the trial table says why."
	}
	switch s.Verdict {
	case stats.Pass:
		return "Every objective is met with the stated confidence."
	case stats.Fail:
		return "At least one objective is missed with the stated confidence."
	case stats.Inconclusive:
		return "No objective is missed, but the trials do not yet show every objective is met."
	default:
		return "The run has no verdict."
	}
}

func verdictName(v stats.Verdict) string {
	if v < stats.Pass || v > stats.Fail {
		return "no verdict"
	}
	return v.String()
}

func verdictClass(v stats.Verdict) string {
	switch v {
	case stats.Pass:
		return "pass"
	case stats.Fail:
		return "fail"
	case stats.Inconclusive:
		return "inconclusive"
	default:
		return "muted"
	}
}

func failIf(n int) string {
	if n > 0 {
		return "fail"
	}
	return ""
}

func mutedIf(n int) string {
	if n > 0 {
		return "muted"
	}
	return ""
}

func fmtEstimate(v float64, n int) string {
	if n == 0 {
		return "–"
	}
	if math.IsInf(v, 1) {
		return "∞ (not recovered)"
	}
	return fmtSeconds(v)
}

func spreadMedian(s Spread) string {
	if s.N == 0 {
		return "–"
	}
	return s.Median.String()
}

func spreadMax(s Spread) string {
	if s.N == 0 {
		return "–"
	}
	return s.Max.String()
}

// judged are the incidents: the trials the RTO and the success rate rest on (see
// Standing), so the ECDF and the timelines show the same set as the verdicts.
func judged(ts []trial.Result) []*trial.Result {
	out := make([]*trial.Result, 0, len(ts))
	for i := range ts {
		if StandingOf(ts[i]).Incident() {
			out = append(out, &ts[i])
		}
	}
	return out
}

func ecdfSection(r *Results) (template.HTML, string, error) {
	js := judged(r.Trials)
	if len(js) == 0 {
		return "", "No trial was an incident, so there is no recovery time to show.", nil
	}
	samples := make([]float64, len(js))
	never := 0
	for i, t := range js {
		samples[i] = seconds(t.Timing.RTC)
		if t.Timing.RTC == nil {
			never++
		}
	}
	s, o := r.Summary, r.Objectives
	svg, err := ecdfChart(ecdfInput{Samples: samples, RTO: o.RTO.D().Seconds(), Quantile: o.Quantile,
		Upper: s.RTO.Upper, UpperOK: s.RTO.UpperOK, Confidence: o.Confidence})
	note := fmt.Sprintf("Share of the %s whose recovery time (impact to recovered) is at most x.", plural(len(js), "incident"))
	if s.RTC.N > 0 && o.RTO.D() > 4*s.RTC.Max.D() {
		note += fmt.Sprintf(" The RTO (%s) lies off the right edge: the slowest recovery took %.1f%% of it.", o.RTO.D(),
			100*s.RTC.Max.D().Seconds()/o.RTO.D().Seconds())
	} else {
		note += " The dashed red line is the RTO."
	}
	if s.RTO.UpperOK && !math.IsInf(s.RTO.Upper, 0) {
		note += fmt.Sprintf(" The dotted purple line is the %g%%-confidence upper bound on p%g that the RTO verdict compares with the RTO.",
			o.Confidence*100, o.Quantile*100)
	}
	if never > 0 {
		note += fmt.Sprintf(" %d never recovered, so the curve stops at %s%%: they count against the RTO as unbounded.",
			never, strconv.FormatFloat(math.Floor(1000*float64(len(js)-never)/float64(len(js)))/10, 'f', -1, 64))
	}
	return svg, note, err
}

// timelineSection shows the median-RTC trial (what a rollback usually looks like) and
// the worst one (a trial that never recovered, else the slowest).
func timelineSection(r *Results) ([]timelineView, error) {
	js := judged(r.Trials)
	var rec []*trial.Result
	var worst *trial.Result
	for _, t := range js {
		if t.Timing.RTC != nil {
			rec = append(rec, t)
		} else if worst == nil {
			worst = t
		}
	}
	sort.SliceStable(rec, func(i, j int) bool { return *rec[i].Timing.RTC < *rec[j].Timing.RTC })
	interval := measure.Offset(r.ProbeIntervalMs * float64(time.Millisecond))
	var out []timelineView
	add := func(t *trial.Result, title string, rep, bad bool) error {
		svg, err := timelineChart(t, interval, title)
		if err != nil {
			return err
		}
		out = append(out, timelineView{Title: title, Caption: timelineCaption(t), SVG: svg,
			Index: t.Index, Representative: rep, Worst: bad})
		return nil
	}
	if worst == nil && len(rec) > 0 {
		worst = rec[len(rec)-1]
	}
	if len(rec) > 0 {
		med := rec[(len(rec)-1)/2]
		title, both := fmt.Sprintf("Representative trial #%d (median RTC)", med.Index), false
		if worst != nil && worst.Index == med.Index {
			title, both = fmt.Sprintf("Trial #%d (median and worst RTC)", med.Index), true
			worst = nil
		}
		if err := add(med, title, true, both); err != nil {
			return nil, err
		}
	}
	if worst != nil {
		title := fmt.Sprintf("Worst trial #%d (%s)", worst.Index, standingLabel(*worst))
		if err := add(worst, title, false, true); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func timelineCaption(t *trial.Result) string {
	tm := t.Timing
	rtc := measure.Text(tm.RTC)
	if tm.RTC == nil {
		rtc = "∞ (" + standingLabel(*t) + ")"
	}
	parts := []string{"RTC " + rtc, "TTD " + measure.Text(tm.TTD), "TTM " + measure.Text(tm.TTM), "TTR " + measure.Text(tm.TTR)}
	c := strings.Join(parts, " · ")
	if t.Reason != "" {
		c += " — " + machinePaths(t.Reason)
	}
	if d := decisionNote(*t); d != "" {
		c += " — " + d
	}
	if len(t.Probes) > 0 {
		c += fmt.Sprintf(" — probe strip: %d probes, %d failed (green pass, red fail).", len(t.Probes), countFailed(t.Probes))
	} else {
		c += fmt.Sprintf(" — %d probes, %d failed (probes not kept: run with --keep-raw for the strip).", t.ProbeCount, t.ProbeFailures)
	}
	return c
}

func countFailed(ps []measure.ProbeResult) int {
	n := 0
	for _, p := range ps {
		if !p.OK {
			n++
		}
	}
	return n
}

func lossSection(r *Results, v *htmlView) error {
	total, checked, withLoss := 0, 0, 0
	for _, t := range r.Trials {
		if t.Loss == nil {
			continue
		}
		checked++
		if len(t.Loss.Lost) == 0 {
			continue
		}
		total += len(t.Loss.Lost)
		withLoss++
		if len(v.LossRows) == maxLossRows {
			continue
		}
		row := lossRow{Index: t.Index, Lost: len(t.Loss.Lost), Acked: t.Loss.Acked, Unknown: t.Loss.Unknown, RPC: t.Loss.RPC.String()}
		ids := t.Loss.Lost
		if len(ids) > maxLostIDs {
			row.More = len(ids) - maxLostIDs
			ids = ids[:maxLostIDs]
		}
		row.IDs = strings.Join(ids, ", ")
		v.LossRows = append(v.LossRows, row)
	}
	if withLoss > len(v.LossRows) {
		v.LossRowsNote = fmt.Sprintf("Showing the first %d of %d trials that lost writes; the results file lists them all.", len(v.LossRows), withLoss)
	}
	// Trials that ran but could not read their writes back: their losses are unknown,
	// so the box is never green over them.
	unread := 0
	for _, t := range r.Trials {
		if st := StandingOf(t); t.Loss == nil && (st.Judged() || st == StandingControl) && strings.Contains(t.Error, "final read impossible") {
			unread++
		}
	}
	v.LossClass = "muted"
	if checked == 0 {
		v.LossNote = "No trial checked its writes (no workload, or every trial errored)."
		if unread > 0 {
			v.LossClass, v.LossNote = "inconclusive", fmt.Sprintf("No trial checked its writes: %s could not read them back, so what they lost is unknown.", plural(unread, "trial"))
		}
		return nil
	}
	if total == 0 {
		v.LossClass = "ok"
		v.LossNote = fmt.Sprintf("No acknowledged write was lost: %s checked their writes (%d acknowledged in all).",
			plural(checked, "trial"), r.Summary.AckedWrites)
		if unread > 0 {
			v.LossClass = "inconclusive"
			v.LossNote += fmt.Sprintf(" %s could not read them back: what those lost is unknown.", plural(unread, "trial"))
		}
		return nil
	}
	svg, caption, err := lossChart(r.Trials)
	if err != nil {
		return err
	}
	v.Loss = template.HTML(svg)
	v.LossNote = strings.TrimSpace(fmt.Sprintf("%d acknowledged writes lost in %d of %d checked trials. %s Grey ticks mark trials without a write check.",
		total, withLoss, checked, caption))
	return nil
}

// trialSection lists every trial, or for big runs the ones that matter most: every
// trial that did not recover, then the slowest recoveries, in trial order.
func trialSection(r *Results, v *htmlView) {
	ts := make([]*trial.Result, len(r.Trials))
	for i := range r.Trials {
		ts[i] = &r.Trials[i]
	}
	worstIdx, repIdx := -1, -1
	for _, tl := range v.Timelines {
		if tl.Worst {
			worstIdx = tl.Index
		}
		if tl.Representative {
			repIdx = tl.Index
		}
	}
	if len(ts) > maxTrialRows {
		sort.SliceStable(ts, func(i, j int) bool { return interest(ts[i]) > interest(ts[j]) })
		ts = ts[:maxTrialRows]
		sort.SliceStable(ts, func(i, j int) bool { return ts[i].Index < ts[j].Index })
		v.TrialsNote = fmt.Sprintf("Showing %d of %d trials: every trial that did not recover, then the slowest recoveries. The results file holds all of them.",
			maxTrialRows, len(r.Trials))
	}
	v.Steps = stepRows(r.Summary.Steps)
	if r.Logs != nil {
		v.LogsDir = r.Logs.Dir
	}
	v.Trials = make([]trialRow, len(ts))
	for i, t := range ts {
		tm := t.Timing
		row := trialRow{Index: t.Index, Outcome: standingLabel(*t), Class: outcomeClass(*t),
			RTC: measure.Text(tm.RTC), TTD: measure.Text(tm.TTD), TTM: measure.Text(tm.TTM), TTR: measure.Text(tm.TTR), RPC: "–", Lost: "–", Acked: "–",
			Probes: fmt.Sprintf("%d / %d", t.ProbeFailures, t.ProbeCount), Note: note(*t),
			Worst: t.Index == worstIdx, Representative: t.Index == repIdx}
		if t.Loss != nil {
			row.RPC, row.Lost, row.Acked = t.Loss.RPC.String(), fmt.Sprint(len(t.Loss.Lost)), fmt.Sprint(t.Loss.Acked)
			row.Flagged = len(t.Loss.Lost) > 0
		}
		row.LogsDir, row.Logs = r.trialLogs(*t)
		v.Trials[i] = row
	}
}

// interest orders trials for the cut table: unrecovered first, then by RTC.
func interest(t *trial.Result) float64 {
	switch t.Outcome {
	case trial.Recovered:
		if t.Timing.RTC != nil {
			return t.Timing.RTC.D().Seconds()
		}
		return 0
	default:
		return math.Inf(1)
	}
}

func outcomeClass(t trial.Result) string {
	switch StandingOf(t) {
	case StandingRecovered:
		return "pass"
	case StandingNotRecovered, StandingNotDetected:
		return "fail"
	case StandingFalsePositive:
		return "inconclusive"
	default:
		return "muted"
	}
}

func envRows(r *Results) []envRow {
	o := r.Objectives
	rows := []envRow{
		{Key: "Run ID", Value: r.RunID, Code: true},
		{Key: "Scenario", Value: r.Scenario.Name},
		{Key: "Scenario file", Value: r.Scenario.File, Code: true},
		{Key: "Scenario SHA-256", Value: r.Scenario.SHA256, Code: true},
		{Key: "Runtime", Value: r.Runtime + engineText(r.Engine)},
		{Key: "Seed", Value: fmt.Sprint(r.Seed), Code: true},
		{Key: "drill version", Value: r.DrillVersion, Code: true},
		{Key: "Started", Value: utcTime(r.Started)},
		{Key: "Finished", Value: utcTime(r.Finished)},
	}
	if !r.Started.IsZero() && !r.Finished.IsZero() {
		rows = append(rows, envRow{Key: "Duration", Value: r.Finished.Sub(r.Started).Round(time.Millisecond).String()})
	}
	if r.Machine != nil {
		rows = append(rows, envRow{Key: "Machine", Value: r.Machine.Text()})
	}
	return append(rows,
		envRow{Key: "Objectives", Value: fmt.Sprintf("RTO %s, RPO %s at p%g; success rate ≥ %g%%; confidence %g%%",
			o.RTO.D(), o.RPO.D(), o.Quantile*100, o.SuccessRate*100, o.Confidence*100)},
		envRow{Key: "Probing", Value: fmt.Sprintf("every %s; recovered after %d consecutive passes", ms(r.ProbeIntervalMs), r.RecoverAfter)},
		envRow{Key: "Results schema", Value: r.Schema, Code: true},
	)
}

func utcTime(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
