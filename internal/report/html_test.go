package report_test

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/net/html"

	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/stats"
)

func renderHTML(r *report.Results) string {
	var b bytes.Buffer
	Expect(report.HTML(&b, r)).To(Succeed())
	return b.String()
}

// externalRef matches a src or href attribute that would reach the network.
var externalRef = regexp.MustCompile(`(?i)\b(src|href|xlink:href)\s*=\s*["']?\s*(https?:)?//`)

// unbalanced reports the first mismatched tag in page, or "" if every non-void
// element is closed in order (SVG self-closing tags count as closed).
func unbalanced(page string) string {
	void := map[string]bool{"meta": true, "link": true, "br": true, "img": true, "hr": true, "input": true, "col": true, "source": true, "wbr": true}
	z := html.NewTokenizer(strings.NewReader(page))
	var stack []string
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				return z.Err().Error()
			}
			if len(stack) > 0 {
				return "unclosed <" + strings.Join(stack, "> <") + ">"
			}
			return ""
		case html.StartTagToken:
			name, _ := z.TagName()
			if !void[string(name)] {
				stack = append(stack, string(name))
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if len(stack) == 0 || stack[len(stack)-1] != string(name) {
				return fmt.Sprintf("</%s> closes %v", name, stack)
			}
			stack = stack[:len(stack)-1]
		}
	}
}

var _ = Describe("HTML", func() {
	It("matches the golden page for the fixture run", func() {
		expectGolden("report.golden.html", []byte(renderHTML(fixtureResults())))
	})

	It("is self-contained: no script, no external src or href", func() {
		page := renderHTML(fixtureResults())
		Expect(externalRef.FindAllString(page, -1)).To(BeEmpty())
		Expect(page).NotTo(ContainSubstring("<script"))
		Expect(page).NotTo(ContainSubstring("<link"))
		Expect(page).NotTo(ContainSubstring("<?xml"))
	})

	It("holds the ECDF, both timelines and the loss chart as inline SVG", func() {
		page := renderHTML(fixtureResults())
		Expect(strings.Count(page, "<svg")).To(Equal(4))
		Expect(page).To(ContainSubstring(`aria-label="ECDF of recovery time (RTC) with the RTO"`))
		Expect(page).To(ContainSubstring("Representative trial #1 (median RTC)"))
		Expect(page).To(ContainSubstring("Worst trial #3 (not recovered)"))
		Expect(page).To(ContainSubstring(">RTO 2s</text>"))
	})

	It("parses with every element closed in order", func() {
		page := renderHTML(fixtureResults())
		_, err := html.Parse(strings.NewReader(page))
		Expect(err).NotTo(HaveOccurred())
		Expect(unbalanced(page)).To(BeEmpty())
	})

	It("escapes text from the run", func() {
		page := renderHTML(fixtureResults())
		Expect(page).NotTo(ContainSubstring(`<script>alert`))
		Expect(page).To(ContainSubstring(`&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`))
	})

	It("shows the verdicts, truncated lost ids and the environment", func() {
		page := renderHTML(fixtureResults())
		Expect(page).To(ContainSubstring(`<section class="banner fail"`))
		Expect(page).To(ContainSubstring(`<span class="pill inconclusive">inconclusive</span>`))
		Expect(page).To(ContainSubstring("t-47</code> <span class=\"more\">+3 more</span>"))
		Expect(page).NotTo(ContainSubstring("t-48"))
		Expect(page).To(ContainSubstring("b77f0f521c3875a4b50e20c5d31648c67f35a5c5d71dde71de23449852214f03"))
		Expect(page).To(ContainSubstring("2026-11-20 09:00:31 UTC"))
		Expect(page).To(ContainSubstring("∞ (not recovered)"))
	})

	It("paints a passing run green and says nothing was lost", func() {
		r := fixtureResults()
		r.Trials = r.Trials[:1]
		r.Summary.Verdict = stats.Pass
		r.Summary.LostWrites = 0
		page := renderHTML(r)
		Expect(page).To(ContainSubstring(`<section class="banner pass"`))
		Expect(page).To(ContainSubstring("No acknowledged write was lost: 1 trial checked their writes"))
		Expect(page).To(ContainSubstring("Trial #1 (median and worst RTC)"))
	})

	It("renders a run whose every trial errored", func() {
		r := fixtureResults()
		r.Trials = r.Trials[3:4]
		page := renderHTML(r)
		Expect(page).To(ContainSubstring("No trial was an incident"))
		Expect(strings.Count(page, "<svg")).To(BeZero())
		Expect(unbalanced(page)).To(BeEmpty())
	})
})
