package report

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"image/color"
	"math"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// The report's palette (GitHub Primer's accessible light scale), shared by the charts
// and the page's CSS so a colour means the same thing everywhere.
var (
	mutedColor   = rgb(0x59636e)
	gridColor    = rgb(0xe1e6eb)
	passColor    = rgb(0x1a7f37)
	failColor    = rgb(0xcf222e)
	amberColor   = rgb(0xbf8700)
	blueColor    = rgb(0x0969da)
	purpleColor  = rgb(0x8250df)
	neutralColor = rgb(0x818b98)
)

func rgb(v uint32) color.RGBA {
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

// chartFont is Liberation Sans: gonum measures text with its metrics, and it is
// metric-compatible with the Arial/Helvetica fallbacks the SVG names.
var chartFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

func textStyle(size float64, c color.Color) text.Style {
	return text.Style{Color: c, Font: font.From(chartFont, vg.Points(size)), Handler: plot.DefaultTextHandler}
}

// newChart is a plot in the report's house style: quiet axes, light grid, sans text.
func newChart(xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.BackgroundColor = color.White
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(chartFont, vg.Points(10))
		a.Label.TextStyle.Color = mutedColor
		a.Tick.Label.Font = font.From(chartFont, vg.Points(9))
		a.Tick.Label.Color = mutedColor
		a.LineStyle.Color = neutralColor
		a.Tick.LineStyle.Color = neutralColor
		a.Tick.Length = vg.Points(4)
		a.Padding = vg.Points(2)
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = cleanTicks{}, cleanTicks{}
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = gridColor, gridColor
	g.Vertical.Width, g.Horizontal.Width = vg.Points(0.5), vg.Points(0.5)
	p.Add(g)
	return p
}

// renderSVG draws p and returns it as an inline <svg> element: no XML prolog, a
// viewBox that scales to its container, an accessible title, and a font fallback list.
func renderSVG(p *plot.Plot, w, h vg.Length, title string) (template.HTML, error) {
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("render chart: %w", err)
	}
	return inlineSVG(buf.String(), w, h, title)
}

func inlineSVG(doc string, w, h vg.Length, title string) (template.HTML, error) {
	start := strings.Index(doc, "<svg")
	if start < 0 {
		return "", fmt.Errorf("render chart: no <svg> element")
	}
	end := strings.IndexByte(doc[start:], '>')
	if end < 0 {
		return "", fmt.Errorf("render chart: unterminated <svg> tag")
	}
	body := doc[start+end+1:]
	body = strings.ReplaceAll(body, "font-family:Liberation Sans;", "font-family:Liberation Sans,Arial,Helvetica,sans-serif;")
	var b strings.Builder
	b.Grow(len(body) + 256)
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.4g %.4g" role="img" aria-label="%s"><title>%s</title>`,
		w.Points(), h.Points(), html.EscapeString(title), html.EscapeString(title))
	b.WriteString(body)
	return template.HTML(b.String()), nil
}

// timeUnit picks milliseconds or seconds for an axis spanning up to maxSeconds.
func timeUnit(maxSeconds float64) (scale float64, name string) {
	if maxSeconds < 2 {
		return 1000, "ms"
	}
	return 1, "s"
}

// cleanTicks are gonum's default ticks labelled with only the decimals their spacing
// needs ("250", not "250.00").
type cleanTicks struct{}

// Ticks implements plot.Ticker.
func (cleanTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := (plot.DefaultTicks{}).Ticks(lo, hi)
	var major []float64
	for _, t := range ts {
		if t.Label != "" {
			major = append(major, t.Value)
		}
	}
	prec := tickDecimals(major)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'f', prec, 64)
			if ts[i].Label == "-0" {
				ts[i].Label = "0"
			}
		}
	}
	return ts
}

// tickDecimals is the fewest decimals that write every value exactly: 2.5 needs one
// ("2.5", not "2"), 250 none. Six at most: finer ticks are not drawn.
func tickDecimals(vals []float64) int {
	for prec := 0; prec < 6; prec++ {
		scale := math.Pow(10, float64(prec))
		exact := true
		for _, v := range vals {
			x := v * scale
			if math.Abs(x-math.Round(x)) > 1e-6*max(1, math.Abs(x)) {
				exact = false
				break
			}
		}
		if exact {
			return prec
		}
	}
	return 6
}

// vline is a vertical marker across the data area with a label near the top.
type vline struct {
	x     float64
	label string
	color color.Color
	// labelColor overrides color for the label text (nil: color).
	labelColor color.Color
	dashes     []vg.Length
	// level is the label's row from the top, so close markers do not overprint.
	level int
	// offScale: x lies beyond the axis; the label is drawn at the right edge with an arrow.
	offScale bool
}

// Plot implements plot.Plotter.
func (v vline) Plot(c draw.Canvas, p *plot.Plot) {
	v.stroke(c, p)
	v.text(c, p)
}

func (v vline) stroke(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	if x := trX(v.x); x >= c.Min.X-0.5 && x <= c.Max.X+0.5 {
		c.StrokeLine2(draw.LineStyle{Color: v.color, Width: vg.Points(1.25), Dashes: v.dashes}, x, c.Min.Y, x, c.Max.Y)
	}
}

func (v vline) text(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x := trX(v.x)
	if v.offScale && x > c.Max.X {
		sty := textStyle(8.5, v.color)
		sty.XAlign, sty.YAlign = draw.XRight, draw.YTop
		c.FillText(sty, vg.Point{X: c.Max.X, Y: c.Max.Y - vg.Points(2)}, v.label+" (off scale) →")
		return
	}
	if x < c.Min.X-0.5 || x > c.Max.X+0.5 || v.label == "" {
		return
	}
	lc := v.labelColor
	if lc == nil {
		lc = v.color
	}
	sty := textStyle(8.5, lc)
	sty.YAlign = draw.YTop
	sty.XAlign = draw.XLeft
	w := sty.Width(v.label)
	lx := x + vg.Points(3)
	if lx+w > c.Max.X {
		sty.XAlign = draw.XRight
		lx = x - vg.Points(3)
	}
	y := c.Max.Y - vg.Points(2) - vg.Length(v.level)*vg.Points(11)
	// A white backing keeps the label legible where it crosses a curve or grid line.
	x0 := lx - vg.Points(1)
	if sty.XAlign == draw.XRight {
		x0 = lx - w - vg.Points(1)
	}
	h := sty.Height(v.label)
	c.FillPolygon(color.White, []vg.Point{{X: x0, Y: y}, {X: x0 + w + vg.Points(2), Y: y}, {X: x0 + w + vg.Points(2), Y: y - h}, {X: x0, Y: y - h}})
	c.FillText(sty, vg.Point{X: lx, Y: y}, v.label)
}

// hline is a horizontal reference line with a label at its right end.
type hline struct {
	y     float64
	label string
	color color.Color
}

// Plot implements plot.Plotter.
func (h hline) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	y := trY(h.y)
	c.StrokeLine2(draw.LineStyle{Color: h.color, Width: vg.Points(0.75), Dashes: []vg.Length{vg.Points(2), vg.Points(2)}}, c.Min.X, y, c.Max.X, y)
	sty := textStyle(8.5, h.color)
	sty.XAlign, sty.YAlign = draw.XRight, draw.YBottom
	c.FillText(sty, vg.Point{X: c.Max.X - vg.Points(2), Y: y + vg.Points(1)}, h.label)
}

// fmtSeconds renders seconds as a rounded duration; +Inf reads as never.
func fmtSeconds(s float64) string {
	if math.IsInf(s, 1) {
		return "∞"
	}
	if math.IsNaN(s) {
		return "–"
	}
	return time.Duration(s * float64(time.Second)).Round(100 * time.Microsecond).String()
}
