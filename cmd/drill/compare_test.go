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

	It("prints the plans side by side and writes the comparison as JSON, Markdown and HTML", func() {
		dir := GinkgoT().TempDir()
		ref, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(), "scenarios", "compare-plans.yaml"))
		Expect(err).NotTo(HaveOccurred())
		doc := strings.ReplaceAll(string(ref), "compression: 60}", "compression: 6000}")
		doc = strings.Replace(doc, "control: {trials: 3}", "", 1)
		doc = strings.Replace(doc, "  false_positive_rate: 0.2\n", "", 1)
		Expect(os.WriteFile(filepath.Join(dir, "plans.yaml"), []byte(doc), 0o644)).To(Succeed())
		cmd := drill(dir, "compare", "--runtime", "process", "--trials", "2", "--seed", "8", "--out", "out", "plans.yaml")
		out, err := cmd.Output()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(ContainSubstring("| measure | automated | manual | hybrid |"))
		Expect(string(out)).To(ContainSubstring("| automated vs manual |"))
		for _, ext := range []string{"json", "md", "html"} {
			m, err := filepath.Glob(filepath.Join(dir, "out", "compare-plans-compare-*."+ext))
			Expect(err).NotTo(HaveOccurred())
			Expect(m).To(HaveLen(1), ext)
		}
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
