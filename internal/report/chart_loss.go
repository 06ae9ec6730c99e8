package report

import (
	"fmt"
	"html/template"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/drillhq/drill/internal/trial"
)

// maxLossBars caps the bars of the lost-writes chart; more trials than this are
// grouped into consecutive buckets whose bar is the bucket's total.
const maxLossBars = 200

// lossChart draws lost acknowledged writes per trial (or per bucket of trials), with a
// grey tick under trials that have no loss check (errored, interrupted).
func lossChart(trials []trial.Result) (template.HTML, string, error) {
	n := len(trials)
	per := 1
	if n > maxLossBars {
		per = (n + maxLossBars - 1) / maxLossBars
	}
	cols := (n + per - 1) / per
	lost := make([]float64, cols)
	unchecked := make([]bool, cols)
	for i, t := range trials {
		if t.Loss == nil {
			unchecked[i/per] = true
			continue
		}
		lost[i/per] += float64(len(t.Loss.Lost))
	}
	top := 0.0
	for _, v := range lost {
		top = math.Max(top, v)
	}
	xLabel, caption := "trial", ""
	if per > 1 {
		xLabel = fmt.Sprintf("trial (bars are buckets of %d)", per)
		caption = fmt.Sprintf("Each bar sums %d consecutive trials (%d trials in all).", per, n)
	}
	first := float64(trials[0].Index)
	p := newChart(xLabel, "lost acknowledged writes")
	p.X.Min, p.X.Max = first-0.5, first+float64(cols*per)-0.5
	p.Y.Min, p.Y.Max = 0, math.Max(top*1.1, 1)
	if cols <= 30 {
		var ts []plot.Tick
		for i := 0; i < cols; i++ {
			ts = append(ts, plot.Tick{Value: first + float64(i), Label: fmt.Sprint(trials[i].Index)})
		}
		p.X.Tick.Marker = plot.ConstantTicks(ts)
	}
	p.Y.Tick.Marker = integerTicks{}
	p.Add(&columns{values: lost, unchecked: unchecked, first: first, per: float64(per)})
	svg, err := renderSVG(p, vg.Points(640), vg.Points(170), "Lost acknowledged writes per trial")
	return svg, caption, err
}

// integerTicks keeps only whole-number tick labels: writes come in ones.
type integerTicks struct{}

// Ticks implements plot.Ticker.
func (integerTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
		if t.Label != "" && t.Value == math.Trunc(t.Value) {
			ts = append(ts, t)
		}
	}
	return ts
}

// columns are the loss chart's bars, each centred on the trials it sums.
type columns struct {
	values    []float64
	unchecked []bool
	// first is the first trial's index; per is how many trials a bar sums.
	first, per float64
}

// Plot implements plot.Plotter.
func (b *columns) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	w := min(max((trX(b.per)-trX(0))*0.7, vg.Points(0.6)), vg.Points(28))
	for i, v := range b.values {
		x := trX(b.first + float64(i)*b.per + (b.per-1)/2)
		if b.unchecked[i] && v == 0 {
			c.StrokeLine2(draw.LineStyle{Color: neutralColor, Width: vg.Points(1.5)}, x, trY(0), x, trY(0)+vg.Points(4))
		}
		if v <= 0 {
			continue
		}
		c.FillPolygon(failColor, []vg.Point{{X: x - w/2, Y: trY(0)}, {X: x + w/2, Y: trY(0)}, {X: x + w/2, Y: trY(v)}, {X: x - w/2, Y: trY(v)}})
	}
}
