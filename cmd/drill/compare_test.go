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

	It("prints the plans side by side, names the plan in progress lines, writes JSON, Markdown, HTML, JUnit, an audit log and raw records, and exits by its verdicts", func() {
		dir := GinkgoT().TempDir()
		ref, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(), "scenarios", "compare-plans.yaml"))
		Expect(err).NotTo(HaveOccurred())
		doc := strings.ReplaceAll(string(ref), "compression: 60}", "compression: 6000}")
		doc = strings.Replace(doc, "control: {trials: 3}", "", 1)
		doc = strings.Replace(doc, "  false_positive_rate: 0.2\n", "", 1)
		Expect(os.WriteFile(filepath.Join(dir, "plans.yaml"), []byte(doc), 0o644)).To(Succeed())
		code, out, stderr, _ := drillIn(dir, "compare", "--runtime", "process", "--trials", "2", "--seed", "8", "--out", "out", "plans.yaml")
		// Two trials a plan bound no p90: every plan is inconclusive, and so is the exit
		// code, as drill run's would be.
		Expect(code).To(Equal(3), stderr)
		Expect(out).To(ContainSubstring("| measure | automated | manual | hybrid |"))
		Expect(out).To(ContainSubstring("| automated vs manual |"))
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
			Pairs []map[string]any `json:"pairs"`
		}
		Expect(json.Unmarshal(data, &cmp)).To(Succeed())
		Expect(cmp.Schema).To(Equal("drill.compare/v1"))
		Expect(cmp.Plans).To(HaveLen(3))
		Expect(cmp.Pairs).To(HaveLen(3))
	})
})
