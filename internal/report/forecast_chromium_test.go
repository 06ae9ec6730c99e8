package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/scenario"
)

var _ = Describe("the forecast in the HTML report, in Chromium", func() {
	It("shows P(RTC ≤ RTO), the quantiles, the tail and the sensitivity, inside the window", func() {
		var b bytes.Buffer
		Expect(report.HTML(&b, fixtureResults())).To(Succeed())
		Expect(b.String()).To(ContainSubstring("Forecast: a real incident"))
		m, n := forecastInChromium(b.String(), "report.html", 1280, 2400)
		Expect(n(1)).To(BeNumerically(">", 150), "the section is rendered, table and method")
		Expect(n(2)).To(BeNumerically("<=", n(3)), "the section scrolls sideways")
		Expect(n(4)).To(BeNumerically("<=", 1280), "the page scrolls sideways")
		text := m[5]
		Expect(text).To(ContainSubstring("P(RTC ≤ 2s) [95% interval] 0.67 [0.09, 0.99]"))
		Expect(text).To(ContainSubstring("forecast p50 [interval] 0.7 s"))
		Expect(text).To(ContainSubstring("tail dominated by execution"))
		Expect(text).To(ContainSubstring("halving detection P 0.67"))
		Expect(text).To(ContainSubstring("Clopper–Pearson"))
		Expect(text).To(ContainSubstring("expected downtime a year not stated: the scenario gives no deploy rate"))
	})

	It("shows the annual downtime at the scenario's delivery rates, saying where they came from", func() {
		r := fixtureResults()
		r.Forecast = &scenario.Forecast{DeploysPerMonth: 40, ChangeFailureRate: 0.05, FailedOutage: scenario.Duration(4 * time.Hour)}
		var b bytes.Buffer
		Expect(report.HTML(&b, r)).To(Succeed())
		m, n := forecastInChromium(b.String(), "report.html", 1280, 2400)
		Expect(n(4)).To(BeNumerically("<=", 1280), "the page scrolls sideways")
		// 3 incidents of which 1 did not recover: 24 bad releases a year, a third of them 4 h.
		Expect(m[5]).To(MatchRegexp(`expected downtime a year at 40 deploys a month, 5% failing \(from the scenario's forecast section\) 3[12]\.\d h \[`))
		Expect(m[5]).To(ContainSubstring("Annual downtime (rates from the scenario's forecast section)"))
	})
})

var _ = Describe("the forecast in the period report, in Chromium", func() {
	It("shows each scenario's P(RTC ≤ RTO) with its interval, inside the window", func() {
		q4, err := report.ParseQuarter("2026Q4")
		Expect(err).NotTo(HaveOccurred())
		var b bytes.Buffer
		Expect(report.AggregateHTML(&b, report.Aggregate(aggStoredRuns(), q4, nil))).To(Succeed())
		m, n := forecastInChromium(b.String(), "period.html", 1400, 1600)
		Expect(n(1)).To(BeNumerically(">", 80), "the section is rendered")
		Expect(n(2)).To(BeNumerically("<=", n(3)), "the section scrolls sideways")
		Expect(n(4)).To(BeNumerically("<=", 1400), "the page scrolls sideways")
		Expect(m[5]).To(ContainSubstring("bad-release (process) 1.00 [0.69, 1.00] (≤ 5s)"))
		Expect(m[5]).To(ContainSubstring("kill-unflushed (process) 1.00 [0.48, 1.00] (≤ 2s)"))
		Expect(m[5]).To(ContainSubstring("– (no forecast section in the scenario)"))
	})

	It("shows the annual downtime at the rates the scenario's latest run recorded", func() {
		q4, err := report.ParseQuarter("2026Q4")
		Expect(err).NotTo(HaveOccurred())
		runs := aggStoredRuns()
		for _, r := range runs {
			r.Forecast = &scenario.Forecast{DeploysPerMonth: 10, ChangeFailureRate: 0.1, FailedOutage: scenario.Duration(time.Hour)}
		}
		var b bytes.Buffer
		Expect(report.AggregateHTML(&b, report.Aggregate(runs, q4, nil))).To(Succeed())
		m, n := forecastInChromium(b.String(), "period.html", 1400, 1600)
		Expect(n(2)).To(BeNumerically("<=", n(3)), "the section scrolls sideways")
		Expect(n(4)).To(BeNumerically("<=", 1400), "the page scrolls sideways")
		Expect(m[5]).To(MatchRegexp(`bad-release \(process\) 1\.00 \[0\.69, 1\.00\] \(≤ 5s\) .* at 10 deploys a month, 10% failing`))
		Expect(m[5]).NotTo(ContainSubstring("no forecast section"))
	})
})

// forecastInChromium loads page (written as name) in headless Chromium at width ×
// height with a probe script added to the test copy (the page has none), and returns
// what it reports of section.forecast: its height, scroll and client widths, the page's
// scroll width (n(1)..n(4)) and its text (m[5]).
func forecastInChromium(page, name string, width, height int) ([]string, func(int) int) {
	GinkgoHelper()
	probe := `<script>const f=document.querySelector("section.forecast");` +
		`console.log("forecast "+f.offsetHeight+" "+f.scrollWidth+" "+f.clientWidth+" "+document.documentElement.scrollWidth+" | "+f.innerText.replace(/\s+/g," "))</script></body>`
	dir := GinkgoT().TempDir()
	path := filepath.Join(dir, name)
	Expect(os.WriteFile(path, []byte(strings.Replace(page, "</body>", probe, 1)), 0o644)).To(Succeed())
	img, log := screenshot(dir, path, width, height)
	Expect(img.Bounds().Dx()).To(Equal(width))
	m := regexp.MustCompile(`forecast (\d+) (\d+) (\d+) (\d+) \| ([^"]*)`).FindStringSubmatch(log)
	Expect(m).NotTo(BeNil(), log)
	return m, func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
}
