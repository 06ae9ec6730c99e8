package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/report"
)

var _ = Describe("the forecast in the HTML report, in Chromium", func() {
	It("shows P(RTC ≤ RTO), the quantiles, the tail and the sensitivity, inside the window", func() {
		var b bytes.Buffer
		Expect(report.HTML(&b, fixtureResults())).To(Succeed())
		Expect(b.String()).To(ContainSubstring("Forecast: a real incident"))
		// The page has no script; the test copy gets one that reports the forecast
		// section's rendered size and its text on Chromium's console.
		probe := `<script>const f=document.querySelector("section.forecast");` +
			`console.log("forecast "+f.offsetHeight+" "+f.scrollWidth+" "+f.clientWidth+" "+document.documentElement.scrollWidth+" | "+f.innerText.replace(/\s+/g," "))</script></body>`
		doc := strings.Replace(b.String(), "</body>", probe, 1)
		dir := GinkgoT().TempDir()
		page := filepath.Join(dir, "report.html")
		Expect(os.WriteFile(page, []byte(doc), 0o644)).To(Succeed())

		img, log := screenshot(dir, page, 1280, 2400)
		Expect(img.Bounds().Dx()).To(Equal(1280))
		m := regexp.MustCompile(`forecast (\d+) (\d+) (\d+) (\d+) \| ([^"]*)`).FindStringSubmatch(log)
		Expect(m).NotTo(BeNil(), log)
		n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
		Expect(n(1)).To(BeNumerically(">", 150), "the section is rendered, table and method")
		Expect(n(2)).To(BeNumerically("<=", n(3)), "the section scrolls sideways")
		Expect(n(4)).To(BeNumerically("<=", 1280), "the page scrolls sideways")
		text := m[5]
		Expect(text).To(ContainSubstring("P(RTC ≤ 2s) [95% interval] 0.67 [0.09, 0.99]"))
		Expect(text).To(ContainSubstring("forecast p50 [interval] 0.7 s"))
		Expect(text).To(ContainSubstring("tail dominated by execution"))
		Expect(text).To(ContainSubstring("halving detection P 0.67"))
		Expect(text).To(ContainSubstring("Clopper–Pearson"))
	})
})
