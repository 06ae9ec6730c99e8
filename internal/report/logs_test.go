package report_test

import (
	"bytes"
	"encoding/xml"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/report"
)

// hrefs are the relative link targets of a Markdown or HTML report.
var hrefs = regexp.MustCompile(`\]\(([^)]+)\)|href="([^"#]+)"`)

// linkedLogs are the targets of the report's links into logDir, unescaped.
func linkedLogs(out, logDir string) []string {
	var got []string
	for _, m := range hrefs.FindAllStringSubmatch(out, -1) {
		target := m[1] + m[2]
		if !strings.HasPrefix(target, logDir+"/") {
			continue
		}
		p, err := url.PathUnescape(target)
		Expect(err).NotTo(HaveOccurred())
		got = append(got, p)
	}
	return got
}

var _ = Describe("service output linked from the reports", func() {
	var (
		dir, base string
		r         *report.Results
	)
	BeforeEach(func() {
		// A run's output directory as the CLI leaves it: <base>.logs/trial-<i>/ beside
		// the reports, with a file per service instance.
		dir = GinkgoT().TempDir()
		base = filepath.Join(dir, "bad-release-run1")
		for i, files := range map[int][]string{
			1: {"ledger.1.v1.log", "ledger.2.v2.log"}, 2: {"ledger.1.v1.log", "ledger.2.v2.log"},
			3: {"ledger.1.v1.log", "ledger.2.v2 (retry).log"}, 4: {"ledger.1.v1.log"}, 5: {"ledger.1.v1.log"},
		} {
			d := filepath.Join(base+".logs", report.TrialDir(i))
			Expect(os.MkdirAll(d, 0o755)).To(Succeed())
			for _, f := range files {
				Expect(os.WriteFile(filepath.Join(d, f), []byte("output\n"), 0o644)).To(Succeed())
			}
		}
		var err error
		r = fixtureResults()
		r.Logs, err = report.CollectLogs(base + ".logs")
		Expect(err).NotTo(HaveOccurred())
	})

	// Trials 2 (lost writes), 3 (not recovered) and 4 (errored) failed; 1 and 5 did not.
	expectLinks := func(out string) {
		GinkgoHelper()
		links := linkedLogs(out, "bad-release-run1.logs")
		trials := map[string]bool{}
		for _, l := range links {
			p := filepath.Join(dir, l)
			_, err := os.Stat(p)
			Expect(err).NotTo(HaveOccurred(), "link %s from the report leads nowhere", l)
			trials[strings.Split(l, "/")[1]] = true
		}
		Expect(trials).To(Equal(map[string]bool{"trial-2": true, "trial-3": true, "trial-4": true}))
		Expect(links).To(ContainElement("bad-release-run1.logs/trial-3/ledger.2.v2 (retry).log"))
	}

	It("lists each trial's files, and nothing for a directory without any", func() {
		Expect(r.Logs.Dir).To(Equal("bad-release-run1.logs"))
		Expect(r.Logs.Trials).To(HaveLen(5))
		Expect(r.Logs.Trials[2]).To(Equal(report.TrialLogs{Index: 3, Files: []string{"ledger.1.v1.log", "ledger.2.v2 (retry).log"}}))
		none, err := report.CollectLogs(filepath.Join(dir, "missing.logs"))
		Expect(err).NotTo(HaveOccurred())
		Expect(none).To(BeNil())
	})

	It("links, from the Markdown report, the files of every failed trial and says where the rest are", func() {
		var b bytes.Buffer
		Expect(report.Markdown(&b, r)).To(Succeed())
		Expect(os.WriteFile(base+".md", b.Bytes(), 0o644)).To(Succeed())
		expectLinks(b.String())
		Expect(b.String()).To(ContainSubstring("`bad-release-run1.logs/trial-N/` beside this report"))
	})

	It("links them from the HTML report too", func() {
		var b bytes.Buffer
		Expect(report.HTML(&b, r)).To(Succeed())
		expectLinks(b.String())
		Expect(b.String()).To(ContainSubstring("<code>bad-release-run1.logs/trial-N/</code> beside this report"))
	})

	It("names, in the JUnit file, the files of every failed trial by their paths beside it", func() {
		var b bytes.Buffer
		Expect(report.JUnit(&b, r)).To(Succeed())
		var doc struct {
			Suites []struct {
				SystemOut string `xml:"system-out"`
			} `xml:"testsuite"`
		}
		Expect(xml.Unmarshal(b.Bytes(), &doc)).To(Succeed())
		Expect(doc.Suites).To(HaveLen(1))
		out := doc.Suites[0].SystemOut
		Expect(out).To(ContainSubstring("Service output: bad-release-run1.logs/trial-N/ beside this file"))
		named := regexp.MustCompile(`bad-release-run1\.logs/trial-\d+/[^,\n]+`).FindAllString(out, -1)
		trials := map[string]bool{}
		for _, p := range named {
			_, err := os.Stat(filepath.Join(dir, p))
			Expect(err).NotTo(HaveOccurred(), "%s named by the JUnit file is not there", p)
			trials[strings.Split(p, "/")[1]] = true
		}
		Expect(trials).To(Equal(map[string]bool{"trial-2": true, "trial-3": true, "trial-4": true}))
		Expect(named).To(ContainElement("bad-release-run1.logs/trial-3/ledger.2.v2 (retry).log"))
	})

	It("says nothing of service output when the run kept none (docker)", func() {
		r.Logs = nil
		var md, html bytes.Buffer
		Expect(report.Markdown(&md, r)).To(Succeed())
		Expect(report.HTML(&html, r)).To(Succeed())
		Expect(md.String()).NotTo(ContainSubstring("Service output"))
		var junit bytes.Buffer
		Expect(report.JUnit(&junit, r)).To(Succeed())
		Expect(junit.String()).NotTo(ContainSubstring("Service output"))
		Expect(html.String()).NotTo(ContainSubstring("service output"))
	})
})
