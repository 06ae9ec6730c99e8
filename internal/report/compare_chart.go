package report

import (
	"fmt"
	"html/template"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// planColors tell the plans apart on the comparison's ECDF.
var planColors = []color.RGBA{blueColor, amberColor, purpleColor, passColor, failColor, neutralColor}

// compareECDF draws every plan's RTC ECDF on one chart with the RTO: a plan whose curve
// stays left recovers sooner; one that stays below 100% had trials that never recovered.
func compareECDF(plans []PlanResults, rto float64) (template.HTML, error) {
	data := 0.0
	sorted := make([][]float64, len(plans))
	for i, p := range plans {
		for _, f := range p.Stats.RTCSeconds {
			if x := float64(f); !math.IsInf(x, 0) && !math.IsNaN(x) {
				sorted[i] = append(sorted[i], x)
				data = math.Max(data, x)
			}
		}
		sort.Float64s(sorted[i])
	}
	p, hi, scale, offScale := ecdfAxes(data, rto)
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.Padding = vg.Points(4)
	for i, pl := range plans {
		if len(sorted[i]) == 0 {
			continue
		}
		line, err := plotter.NewLine(ecdfPoints(sorted[i], len(pl.Stats.RTCSeconds), hi, scale))
		if err != nil {
			return "", fmt.Errorf("draw comparison ecdf: %w", err)
		}
		line.Color, line.Width = planColors[i%len(planColors)], vg.Points(1.75)
		p.Add(line)
		p.Legend.Add(pl.Name, line)
	}
	p.Add(vline{x: rto * scale, label: "RTO " + fmtSeconds(rto), color: failColor, offScale: offScale,
		dashes: []vg.Length{vg.Points(5), vg.Points(3)}})
	return renderSVG(p, vg.Points(640), vg.Points(300), "ECDF of recovery time (RTC) of every plan, with the RTO")
}
