package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/evidence"
)

var _ = Describe("drill evidence, keygen and verify", func() {
	var out *bytes.Buffer
	BeforeEach(func() { out = &bytes.Buffer{} })
	code := func(err error) int {
		var ee *exitError
		if err == nil {
			return 0
		}
		Expect(err).To(BeAssignableToTypeOf(ee))
		return err.(*exitError).code
	}

	It("signs a quarter's pack with a key from keygen, verifies it, and names a changed results file (exit 1)", func() {
		runs := copyRuns()
		keys := filepath.Join(GinkgoT().TempDir(), "drill")
		Expect(cmdKeygen([]string{"--out", keys}, out)).To(Succeed())
		Expect(code(cmdKeygen([]string{"--out", keys}, out))).To(Equal(exitConfig), "keygen never overwrites a key")
		info, err := os.Stat(keys + ".key")
		Expect(err).NotTo(HaveOccurred())
		Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o600)))

		cfg := filepath.Join(runs, "evidence.yaml")
		Expect(os.WriteFile(cfg, []byte("organisation: Example Bank\nsystem: ledger staging\nbia_ref: BIA-7\napprover: {name: dana, role: head of operations}\n"), 0o644)).To(Succeed())
		Expect(cmdEvidence(context.Background(), []string{runs, "--quarter", "2026Q4", "--config", cfg, "--key", keys + ".key"}, out)).To(Succeed())
		Expect(out.String()).To(ContainSubstring("Evidence 2026Q4: 3 runs, verdict fail"))
		Expect(out.String()).To(ContainSubstring("missing scope (DORA RTS 2024/1774 Art. 25): the results pin the scenarios"))
		Expect(out.String()).To(ContainSubstring("Signed:   " + filepath.Join(runs, "drill-evidence-2026Q4.intoto.jsonl")))
		var p evidence.Pack
		b, err := os.ReadFile(filepath.Join(runs, "drill-evidence-2026Q4.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(b, &p)).To(Succeed())
		Expect(p.Organisation).To(Equal("Example Bank"))
		Expect(p.Generated.BinarySHA256).To(HaveLen(64))
		Expect(filepath.Join(runs, "drill-findings.yaml")).To(BeARegularFile())
		Expect(filepath.Join(runs, "drill-evidence-2026Q4.oscal.json")).To(BeARegularFile())
		page, err := os.ReadFile(filepath.Join(runs, "drill-evidence-2026Q4.html"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(page)).To(ContainSubstring("<b>Signed</b> by key "))
		Expect(string(page)).To(ContainSubstring("statement drill-evidence-2026Q4.intoto.jsonl, which covers this page"))
		Expect(string(page)).NotTo(ContainSubstring("verified"), "verification is drill verify's to say")

		bundle := filepath.Join(runs, "drill-evidence-2026Q4.intoto.jsonl")
		out.Reset()
		Expect(cmdVerify(context.Background(), []string{"--key", keys + ".pub", bundle}, out)).To(Succeed())
		Expect(out.String()).To(ContainSubstring(": ok, 2 statements signed by"))

		By("the pages are subjects: one byte of either changed fails verify, naming the page")
		for _, name := range []string{"drill-evidence-2026Q4.html", "drill-evidence-2026Q4.md"} {
			path := filepath.Join(runs, name)
			orig, err := os.ReadFile(path)
			Expect(err).NotTo(HaveOccurred())
			i := bytes.Index(orig, []byte("fail"))
			Expect(i).To(BeNumerically(">", 0))
			changed := bytes.Clone(orig)
			changed[i] = 'p' // "fail" → "pail"
			Expect(os.WriteFile(path, changed, 0o644)).To(Succeed())
			err = cmdVerify(context.Background(), []string{"--key", keys + ".pub", bundle}, out)
			Expect(code(err)).To(Equal(exitFail), name)
			Expect(err).To(MatchError(ContainSubstring(name+" changed since signing")), name)
			Expect(os.WriteFile(path, orig, 0o644)).To(Succeed())
		}
		out.Reset()
		Expect(cmdVerify(context.Background(), []string{"--key", keys + ".pub", bundle}, out)).To(Succeed())

		results := filepath.Join(runs, "kill-unflushed-20261121T233412Z-502ac34e.json")
		b, err = os.ReadFile(results)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(results, bytes.Replace(b, []byte(`"seed": `), []byte(`"seed":  `), 1), 0o644)).To(Succeed())
		err = cmdVerify(context.Background(), []string{"--key", keys + ".pub", bundle}, out)
		Expect(code(err)).To(Equal(exitFail))
		Expect(err).To(MatchError(ContainSubstring("results kill-unflushed-20261121T233412Z-502ac34e.json changed since signing")))
	})

	It("forecasts each scenario at the evidence config's delivery rates, saying so", func() {
		runs := copyRuns()
		cfg := filepath.Join(runs, "evidence.yaml")
		Expect(os.WriteFile(cfg, []byte("forecast: {deploys_per_month: 20, change_failure_rate: 0.1}\n"), 0o644)).To(Succeed())
		Expect(cmdEvidence(context.Background(), []string{runs, "--quarter", "2026Q4", "--config", cfg}, out)).To(Succeed())
		var p evidence.Pack
		b, err := os.ReadFile(filepath.Join(runs, "drill-evidence-2026Q4.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(b, &p)).To(Succeed())
		Expect(p.Forecasts).NotTo(BeEmpty())
		for _, f := range p.Forecasts {
			Expect(f.AnnualDowntime).NotTo(BeNil(), f.Scenario)
			Expect(f.AnnualDowntime.RatesFrom).To(Equal("the evidence config's forecast section"))
			Expect(f.AnnualDowntime.IncidentsPerYear).To(BeNumerically("~", 24, 1e-9))
			Expect(f.AnnualDowntime.FailedOutageH).To(Equal(4.0), "the default")
		}
		md, err := os.ReadFile(filepath.Join(runs, "drill-evidence-2026Q4.md"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(md)).To(ContainSubstring("at 20 deploys a month, 10% failing (from the evidence config's forecast section)"))

		Expect(os.WriteFile(cfg, []byte("forecast: {deploys_per_month: 20, change_failure_rate: 10}\n"), 0o644)).To(Succeed())
		err = cmdEvidence(context.Background(), []string{runs, "--quarter", "2026Q4", "--config", cfg}, out)
		Expect(code(err)).To(Equal(exitConfig))
		Expect(err).To(MatchError(ContainSubstring("evidence.yaml: forecast: set deploy rate: change-failure rate must be in (0, 1], got 10")))
	})

	It("writes one run's pack with --run", func() {
		runs := copyRuns()
		Expect(cmdEvidence(context.Background(), []string{runs, "--run", "20261121T233412Z-502ac34e"}, out)).To(Succeed())
		Expect(out.String()).To(ContainSubstring("Evidence run 20261121T233412Z-502ac34e: 1 runs, verdict fail"))
		Expect(out.String()).To(ContainSubstring("Unsigned: give --key"))
		var p evidence.Pack
		b, err := os.ReadFile(filepath.Join(runs, "drill-evidence-20261121T233412Z-502ac34e.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(b, &p)).To(Succeed())
		Expect(p.Runs).To(ConsistOf(HaveField("RunID", "20261121T233412Z-502ac34e")))
		Expect(p.Period.Span).To(Equal("2026-11-21 – 2026-11-21"))
		Expect(code(cmdEvidence(context.Background(), []string{runs, "--run", "nope"}, out))).To(Equal(exitConfig))
	})

	It("refuses a bad config at the key, and usage errors, with exit 2", func() {
		runs := copyRuns()
		cfg := filepath.Join(runs, "evidence.yaml")
		Expect(os.WriteFile(cfg, []byte("organisaton: typo\n"), 0o644)).To(Succeed())
		err := cmdEvidence(context.Background(), []string{runs, "--config", cfg}, out)
		Expect(code(err)).To(Equal(exitConfig))
		Expect(err).To(MatchError(ContainSubstring("line 1: field organisaton not found")))
		Expect(code(cmdEvidence(context.Background(), nil, out))).To(Equal(exitConfig))
		Expect(code(cmdVerify(context.Background(), []string{"bundle"}, out))).To(Equal(exitConfig))
		Expect(code(cmdKeygen(nil, out))).To(Equal(exitConfig))
	})
})
