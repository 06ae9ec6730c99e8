package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/testenv"
)

var _ = Describe("drill compare", func() {
	It("refuses a scenario without plans to compare, with the config-error code", func() {
		code, _, stderr := runDrill("compare", filepath.Join(testenv.ModuleRoot(), "scenarios", "bad-release.yaml"))
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("has no compare section: add compare: {plans: [{name, trigger}, ...]}"))
	})

	It("refuses half a deploy rate before anything runs, naming what to add", func() {
		code, _, stderr := runDrill("compare", "--deploys-per-month", "10", filepath.Join(testenv.ModuleRoot(), "scenarios", "bad-release.yaml"))
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("compare: the forecast's annual downtime needs a change-failure rate too: give --change-failure-rate or forecast.change_failure_rate in the scenario"))
		code, _, stderr = runDrill("compare", "--change-failure-rate", "1.5", filepath.Join(testenv.ModuleRoot(), "scenarios", "compare-plans.yaml"))
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("change-failure rate must be in (0, 1], got 1.5"))
	})

	It("prints the plans side by side, names the plan in progress lines, writes JSON, Markdown, HTML, JUnit, an audit log and raw records, and exits by its verdicts", func() {
		dir := GinkgoT().TempDir()
		ref, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(), "scenarios", "compare-plans.yaml"))
		Expect(err).NotTo(HaveOccurred())
		doc := strings.ReplaceAll(string(ref), "compression: 60}", "compression: 6000}")
		doc = strings.Replace(doc, "control: {trials: 3}", "", 1)
		doc = strings.Replace(doc, "  false_positive_rate: 0.2\n", "", 1)
		Expect(os.WriteFile(filepath.Join(dir, "plans.yaml"), []byte(doc), 0o644)).To(Succeed())
		code, out, stderr, _ := drillIn(dir, "compare", "--runtime", "process", "--trials", "2", "--seed", "8", "--out", "out",
			"--change-failure-rate", "0.1", "plans.yaml")
		// Two trials a plan bound no p90: every plan is inconclusive, and so is the exit
		// code, as drill run's would be.
		Expect(code).To(Equal(3), stderr)
		Expect(out).To(ContainSubstring("| measure | automated | manual | hybrid |"))
		Expect(out).To(ContainSubstring("| automated vs manual |"))
		// The scenario's forecast section, the flag overriding its change-failure rate.
		Expect(out).To(ContainSubstring("At 40 deploys a month and a 10% change-failure rate (48.0 bad releases a year; a rollback that does not recover counts as 4h0m0s of outage), rates from the scenario's forecast section, --change-failure-rate overriding."))
		Expect(out).To(MatchRegexp(`\| expected downtime a year \[CI\] \| [^|]+\| [^|]+\| [^|]+\|`))
		Expect(strings.Count(out, "A real incident is taken to be like a trial")).To(Equal(1), "the method once")
		for _, plan := range []string{"automated", "manual", "hybrid"} {
			Expect(stderr).To(MatchRegexp(`(?m)^%s: trial 2: \w+$`, plan))
		}
		for _, ext := range []string{"json", "md", "html", "junit.xml", "audit.jsonl"} {
			m, err := filepath.Glob(filepath.Join(dir, "out", "compare-plans-compare-*[0-9a-f]."+ext))
			Expect(err).NotTo(HaveOccurred())
			Expect(m).To(HaveLen(1), ext)
		}
		for _, plan := range []string{"automated", "manual", "hybrid"} {
			m, _ := filepath.Glob(filepath.Join(dir, "out", "compare-plans-compare-*-"+plan+".raw.json.gz"))
			Expect(m).To(HaveLen(1), plan)
		}
		junit, _ := filepath.Glob(filepath.Join(dir, "out", "compare-plans-compare-*.junit.xml"))
		x, err := os.ReadFile(junit[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(string(x)).To(ContainSubstring(`<testsuite name="compare-plans/automated"`))
		Expect(string(x)).To(ContainSubstring(`<testsuite name="compare-plans/hybrid"`))
		logs, _ := filepath.Glob(filepath.Join(dir, "out", "compare-plans-compare-*.audit.jsonl"))
		vcode, vout, verr, _ := drillIn(dir, "audit", "verify", logs[0])
		Expect(vcode).To(Equal(0), vout+verr)
		m, _ := filepath.Glob(filepath.Join(dir, "out", "compare-plans-compare-*.json"))
		data, err := os.ReadFile(m[0])
		Expect(err).NotTo(HaveOccurred())
		var cmp struct {
			Schema string `json:"schema"`
			Plans  []struct {
				Name string `json:"name"`
			} `json:"plans"`
			Pairs     []map[string]any `json:"pairs"`
			Forecasts []struct {
				Plan     string `json:"plan"`
				Downtime struct {
					ChangeFailureRate float64 `json:"change_failure_rate"`
					Expected          int64   `json:"expected_ns"`
				} `json:"downtime"`
			} `json:"forecasts"`
		}
		Expect(json.Unmarshal(data, &cmp)).To(Succeed())
		Expect(cmp.Forecasts).To(HaveLen(3))
		for _, f := range cmp.Forecasts {
			Expect(f.Downtime.ChangeFailureRate).To(Equal(0.1), f.Plan)
			Expect(f.Downtime.Expected).To(BeNumerically(">", 0), f.Plan)
		}
		Expect(cmp.Schema).To(Equal("drill.compare/v1"))
		Expect(cmp.Plans).To(HaveLen(3))
		Expect(cmp.Pairs).To(HaveLen(3))
	})
})
