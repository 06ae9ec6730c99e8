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

var _ = Describe("the period report in Chromium", func() {
	It("fits its scenario table in a 1400 px window, long names and all", func() {
		runs := aggStoredRuns()
		for _, r := range runs {
			r.Labels = map[string]string{"service": "payments-ledger-eu-west-1-primary-with-a-rather-long-name"}
		}
		q4, err := report.ParseQuarter("2026Q4")
		Expect(err).NotTo(HaveOccurred())
		var b bytes.Buffer
		Expect(report.AggregateHTML(&b, report.Aggregate(runs, q4, nil))).To(Succeed())
		// The page has no script; the test copy gets one that reports the table's width
		// against the room it has, on Chromium's console.
		probe := `<script>const t=document.querySelector(".overview");` +
			`console.log("overview "+t.scrollWidth+" "+t.parentElement.clientWidth+" "+document.documentElement.scrollWidth+" "+window.innerWidth)</script></body>`
		doc := strings.Replace(b.String(), "</body>", probe, 1)
		dir := GinkgoT().TempDir()
		page := filepath.Join(dir, "period.html")
		Expect(os.WriteFile(page, []byte(doc), 0o644)).To(Succeed())

		_, log := screenshot(dir, page, 1400, 1200)
		m := regexp.MustCompile(`overview (\d+) (\d+) (\d+) (\d+)`).FindStringSubmatch(log)
		Expect(m).NotTo(BeNil(), log)
		n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
		table, room, pageWidth, window := n(1), n(2), n(3), n(4)
		Expect(window).To(Equal(1400))
		Expect(table).To(BeNumerically("<=", room), "the scenario table scrolls sideways")
		Expect(pageWidth).To(BeNumerically("<=", window), "the page scrolls sideways")
	})
})
