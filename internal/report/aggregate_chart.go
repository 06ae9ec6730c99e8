package report

import (
	"fmt"
	"html/template"
	"math"
	"slices"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// overlayInput is what the period ECDF shows: both periods' pooled RTC in seconds
// (+Inf: never recovered) and the RTO.
type overlayInput struct {
	Current, Previous   []float64
	CurLabel, PrevLabel string
	RTO, Quantile       float64
}

// ecdfOverlay draws the ECDF of RTC for the current period (solid blue) over the
// previous one's (dashed grey) with the RTO; the page's legend names the curves. A
// curve moved right is recovery that got slower; never-recovered trials keep a curve
// below 100%.
func ecdfOverlay(in overlayInput) (template.HTML, error) {
	cur, prev := finiteSorted(in.Current), finiteSorted(in.Previous)
	data := 0.0
	for _, s := range [][]float64{cur, prev} {
		if len(s) > 0 {
			data = math.Max(data, s[len(s)-1])
		}
	}
	p, hi, scale, offScale := ecdfAxes(data, in.RTO)
	if q := in.Quantile; q > 0 && q < 1 {
		p.Add(hline{y: q, label: fmt.Sprintf("p%g", q*100), color: mutedColor})
	}
	if len(prev) > 0 {
		line, err := plotter.NewLine(ecdfPoints(prev, len(in.Previous), hi, scale))
		if err != nil {
			return "", fmt.Errorf("draw ecdf overlay: %w", err)
		}
		line.Color, line.Width, line.Dashes = neutralColor, vg.Points(1.5), []vg.Length{vg.Points(4), vg.Points(2.5)}
		p.Add(line)
	}
	if len(cur) > 0 {
		line, err := plotter.NewLine(ecdfPoints(cur, len(in.Current), hi, scale))
		if err != nil {
			return "", fmt.Errorf("draw ecdf overlay: %w", err)
		}
		line.Color, line.Width = blueColor, vg.Points(1.75)
		p.Add(line)
	}
	p.Add(vline{x: in.RTO * scale, label: "RTO " + fmtSeconds(in.RTO), color: failColor, offScale: offScale,
		dashes: []vg.Length{vg.Points(5), vg.Points(3)}})
	return renderSVG(p, vg.Points(640), vg.Points(260),
		fmt.Sprintf("ECDF of recovery time (RTC): %s over %s, with the RTO", in.CurLabel, in.PrevLabel))
}

// finiteSorted is the finite values of xs, ascending.
func finiteSorted(xs []float64) []float64 {
	out := slices.DeleteFunc(slices.Clone(xs), func(v float64) bool { return math.IsInf(v, 0) || math.IsNaN(v) })
	slices.Sort(out)
	return out
}
