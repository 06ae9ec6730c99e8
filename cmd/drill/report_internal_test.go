package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/report"
)

// storedRunsDir holds three real results files (2026Q4) kept by internal/report.
const storedRunsDir = "../../internal/report/testdata/aggregate-runs"

// copyRuns copies the stored results files into a fresh directory.
func copyRuns() string {
	dir := GinkgoT().TempDir()
	paths, err := filepath.Glob(filepath.Join(storedRunsDir, "*.json"))
	Expect(err).NotTo(HaveOccurred())
	Expect(len(paths)).To(BeNumerically(">=", 3))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(filepath.Join(dir, filepath.Base(p)), b, 0o644)).To(Succeed())
	}
	return dir
}

var _ = Describe("drill report", func() {
	var out *bytes.Buffer
	BeforeEach(func() { out = &bytes.Buffer{} })
	reportCmd := func(args ...string) error { return cmdReport(context.Background(), args, out) }

	It("writes the period report in three formats and prints the Markdown and the paths", func() {
		runs := copyRuns()
		Expect(os.WriteFile(filepath.Join(runs, "package.json"), []byte(`{"name":"not a run"}`), 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(runs, "notes.json"), []byte(`not json at all`), 0o644)).To(Succeed())
		dest := filepath.Join(GinkgoT().TempDir(), "reports")

		Expect(reportCmd(runs, "--quarter", "2026Q4", "--out", dest)).To(Succeed())
		base := filepath.Join(dest, "drill-report-2026Q4")
		Expect(out.String()).To(ContainSubstring("drill: warning: skipped " + filepath.Join(runs, "package.json") + ": not a drill results file"))
		Expect(out.String()).To(ContainSubstring("drill: warning: skipped " + filepath.Join(runs, "notes.json")))
		Expect(out.String()).To(ContainSubstring("# drill period report: 2026Q4"))
		Expect(out.String()).To(ContainSubstring("3 runs, 15 trials over 2 scenarios"))
		Expect(out.String()).To(ContainSubstring("Report: " + base + ".md\nHTML:   " + base + ".html\nJSON:   " + base + ".json\n"))

		md, err := os.ReadFile(base + ".md")
		Expect(err).NotTo(HaveOccurred())
		Expect(out.String()).To(ContainSubstring(string(md)))
		page, err := os.ReadFile(base + ".html")
		Expect(err).NotTo(HaveOccurred())
		Expect(string(page)).To(HavePrefix("<!DOCTYPE html>"))
		var agg report.AggregateReport
		raw, err := os.ReadFile(base + ".json")
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(raw, &agg)).To(Succeed())
		Expect(agg.Schema).To(Equal("drill.aggregate/v1"))
		Expect(agg.Runs).To(Equal(3))
	})

	It("defaults to the latest run's quarter and the first DIR, and reads its own output back without complaint", func() {
		runs := copyRuns()
		Expect(reportCmd(runs)).To(Succeed())
		Expect(filepath.Join(runs, "drill-report-2026Q4.json")).To(BeAnExistingFile())
		out.Reset()
		Expect(reportCmd(runs)).To(Succeed(), "the aggregate JSON in DIR is not a results file, nor a warning")
		Expect(out.String()).NotTo(ContainSubstring("warning"))
	})

	It("takes an inclusive range of days and pools runs from several DIRs", func() {
		a, b := copyRuns(), GinkgoT().TempDir()
		paths, err := filepath.Glob(filepath.Join(a, "kill-unflushed-*.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(os.Rename(paths[0], filepath.Join(b, filepath.Base(paths[0])))).To(Succeed())
		Expect(reportCmd(a, b, "--since", "2026-11-21", "--until", "2026-11-21", "--out", b)).To(Succeed())
		Expect(out.String()).To(ContainSubstring("# drill period report: 2026-11-21 – 2026-11-21"))
		Expect(out.String()).To(ContainSubstring("3 runs, 15 trials over 2 scenarios; compared with 2026-11-20 – 2026-11-20 (0 runs)"))
		Expect(filepath.Join(b, "drill-report-2026-11-21_2026-11-21.html")).To(BeAnExistingFile())

		out.Reset()
		Expect(reportCmd(a, b, "--since", "2026-11-22", "--until", "2026-12-31", "--out", b)).To(Succeed())
		Expect(out.String()).To(ContainSubstring("0 runs, 0 trials over 0 scenarios"), "a period without drills is reported, not an error")
	})

	It("counts a run copied into two DIRs once", func() {
		a, b := copyRuns(), copyRuns()
		Expect(reportCmd(a, b, "--out", GinkgoT().TempDir())).To(Succeed())
		Expect(out.String()).To(ContainSubstring("3 runs, 15 trials over 2 scenarios"))
		Expect(strings.Count(out.String(), "already read from "+a)).To(Equal(3))
	})

	It("fails with exit 2 naming a corrupt results file", func() {
		runs := copyRuns()
		paths, err := filepath.Glob(filepath.Join(runs, "bad-release-*.json"))
		Expect(err).NotTo(HaveOccurred())
		raw, err := os.ReadFile(paths[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(paths[0], raw[:len(raw)/2], 0o644)).To(Succeed())

		err = reportCmd(runs, "--quarter", "2026Q4")
		Expect(auditExitCode(err)).To(Equal(exitConfig))
		Expect(err.Error()).To(ContainSubstring("corrupt results file " + paths[0]))
		Expect(filepath.Join(runs, "drill-report-2026Q4.md")).NotTo(BeAnExistingFile())
	})

	It("fails with exit 2 on a results file whose fields do not decode", func() {
		runs := copyRuns()
		paths, err := filepath.Glob(filepath.Join(runs, "kill-unflushed-*.json"))
		Expect(err).NotTo(HaveOccurred())
		raw, err := os.ReadFile(paths[0])
		Expect(err).NotTo(HaveOccurred())
		broken := strings.Replace(string(raw), `"verdict": "fail"`, `"verdict": "maybe"`, 1)
		Expect(broken).NotTo(Equal(string(raw)))
		Expect(os.WriteFile(paths[0], []byte(broken), 0o644)).To(Succeed())
		err = reportCmd(runs)
		Expect(auditExitCode(err)).To(Equal(exitConfig))
		Expect(err.Error()).To(ContainSubstring(paths[0]))
	})

	DescribeTable("reports usage and input problems with exit 2",
		func(args []string, msg string) {
			err := cmdReport(context.Background(), args, out)
			Expect(auditExitCode(err)).To(Equal(exitConfig))
			Expect(err.Error()).To(ContainSubstring(msg))
		},
		Entry("no DIR", []string{}, "usage: drill report DIR"),
		Entry("bad quarter", []string{storedRunsDir, "--quarter", "2026Q5"}, "want YYYYQn"),
		Entry("quarter and range", []string{storedRunsDir, "--quarter", "2026Q4", "--since", "2026-10-01"}, "not both"),
		Entry("since without until", []string{storedRunsDir, "--since", "2026-10-01"}, "--since and --until go together"),
		Entry("until before since", []string{storedRunsDir, "--since", "2026-10-02", "--until", "2026-10-01"}, "is before --since"),
		Entry("unknown flag", []string{storedRunsDir, "--year", "2026"}, "flag provided but not defined"),
		Entry("missing DIR", []string{"/nonexistent/runs"}, "no such file"),
		Entry("DIR without results", []string{"."}, "no results files in ."),
	)

	It("fails with exit 4 when a DIR cannot be read", func() {
		file := filepath.Join(GinkgoT().TempDir(), "plain")
		Expect(os.WriteFile(file, nil, 0o644)).To(Succeed())
		err := reportCmd(file)
		Expect(auditExitCode(err)).To(Equal(exitInfra))
		Expect(err.Error()).To(ContainSubstring("read directory"))
	})
})
