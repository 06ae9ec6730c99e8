package report

import (
	"fmt"
	"html/template"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// maxECDFVertices caps the ECDF's drawn steps: beyond a few thousand, more vertices
// are finer than a pixel. Every sample still sets the curve (see ecdfPoints).
const maxECDFVertices = 2000

// ecdfInput is what the RTC ECDF shows: every judged trial's RTC in seconds (+Inf for
// a trial that never recovered), the RTO, and the verdict's bound on the quantile.
type ecdfInput struct {
	Samples    []float64
	RTO        float64
	Quantile   float64
	Upper      float64
	UpperOK    bool
	Confidence float64
}

// ecdfChart draws the empirical CDF of RTC with the RTO as a vertical line. Trials that
// never recovered keep the curve below 100%, which is how they count against the RTO.
func ecdfChart(in ecdfInput) (template.HTML, error) {
	finite := make([]float64, 0, len(in.Samples))
	for _, s := range in.Samples {
		if !math.IsInf(s, 0) && !math.IsNaN(s) {
			finite = append(finite, s)
		}
	}
	sort.Float64s(finite)
	data := 0.0
	if len(finite) > 0 {
		data = finite[len(finite)-1]
	}
	if in.UpperOK && !math.IsInf(in.Upper, 0) {
		data = math.Max(data, in.Upper)
	}
	p, hi, scale, offScale := ecdfAxes(data, in.RTO)

	q := in.Quantile
	if q > 0 && q < 1 {
		p.Add(hline{y: q, label: fmt.Sprintf("p%g", q*100), color: mutedColor})
	}
	if len(finite) > 0 {
		line, err := plotter.NewLine(ecdfPoints(finite, len(in.Samples), hi, scale))
		if err != nil {
			return "", fmt.Errorf("draw ecdf: %w", err)
		}
		line.Color, line.Width = blueColor, vg.Points(1.75)
		p.Add(line)
	}
	p.Add(vline{x: in.RTO * scale, label: "RTO " + fmtSeconds(in.RTO), color: failColor, offScale: offScale,
		dashes: []vg.Length{vg.Points(5), vg.Points(3)}})
	if in.UpperOK && !math.IsInf(in.Upper, 0) {
		p.Add(vline{x: in.Upper * scale, color: purpleColor, level: 1,
			label:  fmt.Sprintf("p%g ≤ %s @%g%%", q*100, fmtSeconds(in.Upper), in.Confidence*100),
			dashes: []vg.Length{vg.Points(1.5), vg.Points(2)}})
	}
	return renderSVG(p, vg.Points(640), vg.Points(280), "ECDF of recovery time (RTC) with the RTO")
}

// ecdfPoints is the step function of the sorted finite samples over n trials (n minus
// the finite count never recovered), extended flat to xMax. Above maxECDFVertices
// samples it is evaluated at evenly spaced ranks, always keeping the first and last.
func ecdfPoints(sorted []float64, n int, xMax, scale float64) plotter.XYs {
	m := len(sorted)
	step := 1
	if m > maxECDFVertices {
		step = (m + maxECDFVertices - 1) / maxECDFVertices
	}
	pts := make(plotter.XYs, 0, 2*(m/step)+4)
	pts = append(pts, plotter.XY{X: 0, Y: 0})
	prev := 0.0
	for i := 0; i < m; i += step {
		// The last sample of a run of equal values carries the step's full height.
		j := min(i+step-1, m-1)
		for j+1 < m && sorted[j+1] == sorted[j] {
			j++
		}
		x := sorted[j] * scale
		y := float64(j+1) / float64(n)
		pts = append(pts, plotter.XY{X: sorted[i] * scale, Y: prev}, plotter.XY{X: x, Y: y})
		prev = y
		i = j - step + 1
	}
	return append(pts, plotter.XY{X: xMax * scale, Y: prev})
}

// ecdfAxes makes the plot an ECDF of recovery times is drawn on: seconds on x up to a
// little past the larger of the data's maximum and the RTO, shares on y. An RTO far
// beyond every recovery would squeeze the curve against the axis: then the axis ends
// past the data and offScale says the RTO is to be marked at the right edge. hi is the
// axis end in seconds and scale converts seconds into the axis unit.
func ecdfAxes(data, rto float64) (p *plot.Plot, hi, scale float64, offScale bool) {
	hi = math.Max(rto, data)
	if data > 0 && rto > 4*data {
		hi, offScale = data, true
	}
	if hi <= 0 {
		hi = 1
	}
	scale, unit := timeUnit(hi)
	hi *= 1.08
	p = newChart("RTC ("+unit+")", "judged trials recovered within")
	p.X.Min, p.X.Max = 0, hi*scale
	p.Y.Min, p.Y.Max = 0, 1.08
	p.Y.Tick.Marker = plot.TickerFunc(func(_, _ float64) []plot.Tick {
		var ts []plot.Tick
		for v := 0.0; v <= 1.0001; v += 0.25 {
			ts = append(ts, plot.Tick{Value: v, Label: fmt.Sprintf("%.0f%%", v*100)})
		}
		return ts
	})
	return p, hi, scale, offScale
}
