package report

import (
	"html/template"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/trial"
)

// Rows of the timeline chart, bottom to top.
const (
	rowProbes = 0.5
	rowPhases = 1.5
	rowsTop   = 3.4 // headroom for the marker labels
)

// marker is one of a trial's instants on the timeline.
type marker struct {
	name  string
	at    measure.Offset
	color color.Color
}

func timelineMarkers(tm measure.Timing) []marker {
	ms := []marker{{"fault", tm.Fault, neutralColor}}
	add := func(name string, o *measure.Offset, c color.Color) {
		if o != nil {
			ms = append(ms, marker{name, *o, c})
		}
	}
	add("live", tm.Live, neutralColor)
	add("impact", tm.Impact, failColor)
	add("detect", tm.Detect, amberColor)
	add("trigger", tm.Trigger, purpleColor)
	add("rollback end", tm.RollbackEnd, purpleColor)
	add("recovered", tm.Recovered, passColor)
	add("relapse", tm.Relapse, failColor)
	return ms
}

// outcomeMarkers are the instants that end a failed rollback on its timeline: where the
// mechanism failed ("rollback failed"), so the chart never stops at the trigger unsaid.
func outcomeMarkers(events []trial.Event) []marker {
	var ms []marker
	for _, e := range events {
		if e.Name == trial.EventRollbackFailed {
			ms = append(ms, marker{"rollback failed", e.At, failColor})
		}
	}
	return ms
}

// timelineChart draws one trial around its failure: the t_fault, impact, detect,
// trigger and recovered markers, the TTD/TTM/TTR phases between them, and the
// steady-state probes as a pass/fail strip when the run kept them.
func timelineChart(t *trial.Result, probeInterval measure.Offset, title string) (template.HTML, error) {
	tm := t.Timing
	ms := append(append(timelineMarkers(tm), decisionMarkers(t.Events)...), outcomeMarkers(t.Events)...)
	lo, hi := tm.Fault, tm.Fault
	for _, m := range ms {
		lo, hi = min(lo, m.at), max(hi, m.at)
	}
	if tm.Recovered == nil {
		// Unrecovered: show what the probes saw until the trial gave up.
		for _, p := range t.Probes {
			hi = max(hi, p.Start)
		}
	}
	pad := max((hi-lo)/8, 2*probeInterval, measure.Offset(5e6))
	lo, hi = lo-pad, hi+pad
	span := (hi - tm.Fault).D().Seconds()
	scale, unit := timeUnit(math.Max(span, (tm.Fault - lo).D().Seconds()))
	rel := func(o measure.Offset) float64 { return (o - tm.Fault).D().Seconds() * scale }

	p := newChart("time since t_fault ("+unit+")", "")
	p.X.Min, p.X.Max = rel(lo), rel(hi)
	p.Y.Min, p.Y.Max = 0, rowsTop
	p.Y.Tick.Marker = plot.ConstantTicks{{Value: rowProbes, Label: "probes"}, {Value: rowPhases, Label: "phases"}}
	p.Y.Tick.Length = 0
	p.Y.LineStyle.Width = 0

	ph := &bars{}
	phase := func(from, to *measure.Offset, c color.Color, label string) {
		if from != nil && to != nil {
			ph.add(rel(*from), rel(*to), rowPhases, c, label)
		}
	}
	phase(tm.Impact, tm.Detect, amberColor, "TTD")
	phase(tm.Detect, tm.Trigger, purpleColor, "TTM")
	phase(tm.Trigger, tm.Recovered, passColor, "TTR")
	if tm.Recovered == nil {
		// No recovery: the open phase runs to the end of the chart.
		end := hi - pad
		phase(cmpOr(tm.Trigger, tm.Detect, tm.Impact), &end, rgb(0xffcecb), "")
	}
	p.Add(ph)

	if len(t.Probes) > 0 {
		p.Add(probeStrip(t.Probes, probeInterval, rel))
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].at < ms[j].at })
	set := markerSet{}
	for _, m := range ms {
		v := vline{x: rel(m.at), label: m.name, color: m.color}
		if m.color == neutralColor {
			v.labelColor = mutedColor // the grey line's label needs a darker tone to read
		}
		set = append(set, v)
	}
	p.Add(set)
	return renderSVG(p, vg.Points(640), vg.Points(170), title)
}

func probeStrip(probes []measure.ProbeResult, interval measure.Offset, rel func(measure.Offset) float64) *bars {
	s := append([]measure.ProbeResult(nil), probes...)
	sort.Slice(s, func(i, j int) bool { return s[i].Start < s[j].Start })
	b := &bars{}
	for i, pr := range s {
		end := pr.Start + interval
		if i+1 < len(s) {
			end = min(end, s[i+1].Start)
		}
		c := passColor
		if !pr.OK {
			c = failColor
		}
		b.add(rel(pr.Start), rel(end), rowProbes, c, "")
	}
	return b
}

// markerSet draws vertical markers (sorted by x) and stacks each label on the lowest
// row where it does not overprint an earlier one: detect and trigger are often
// microseconds apart.
type markerSet []vline

// Plot implements plot.Plotter.
func (ms markerSet) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	// Lines first, labels after: no line may cross another marker's label.
	for _, m := range ms {
		m.stroke(c, p)
	}
	var rowEnd []vg.Length // right edge of the last label on each row
	for _, m := range ms {
		x := trX(m.x)
		w := textStyle(8.5, m.color).Width(m.label) + vg.Points(8)
		from, to := x, x+w
		if to > c.Max.X {
			from, to = x-w, x
		}
		level := 0
		for level < len(rowEnd) && rowEnd[level] > from {
			level++
		}
		if level == len(rowEnd) {
			rowEnd = append(rowEnd, 0)
		}
		rowEnd[level] = to
		m.level = level
		m.text(c, p)
	}
}

// bars are horizontal spans on the timeline's rows, optionally labelled inside.
type bars struct {
	spans []span
}

type span struct {
	from, to, row float64
	color         color.Color
	label         string
}

func (b *bars) add(from, to, row float64, c color.Color, label string) {
	b.spans = append(b.spans, span{from, to, row, c, label})
}

// Plot implements plot.Plotter. Every span is at least a hairline wide, so an
// instantaneous phase (a TTM of microseconds) stays visible.
func (b *bars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	half := vg.Points(9)
	for _, s := range b.spans {
		x0, x1 := trX(s.from), trX(s.to)
		if x1-x0 < vg.Points(1) {
			x1 = x0 + vg.Points(1)
		}
		y := trY(s.row)
		poly := c.ClipPolygonXY([]vg.Point{{X: x0, Y: y - half}, {X: x1, Y: y - half}, {X: x1, Y: y + half}, {X: x0, Y: y + half}})
		if len(poly) == 0 {
			continue
		}
		c.FillPolygon(s.color, poly)
		if s.label == "" {
			continue
		}
		sty := textStyle(8.5, color.White)
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
		if w := sty.Width(s.label); w+vg.Points(4) <= x1-x0 {
			c.FillText(sty, vg.Point{X: (x0 + x1) / 2, Y: y}, s.label)
		}
	}
}

// cmpOr is the first non-nil offset, or nil.
func cmpOr(os ...*measure.Offset) *measure.Offset {
	for _, o := range os {
		if o != nil {
			return o
		}
	}
	return nil
}
