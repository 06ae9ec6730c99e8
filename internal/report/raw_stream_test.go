package report_test

import (
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/check"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/trial"
)

var _ = Describe("raw records streamed trial by trial", func() {
	It("make the file WriteRaw would, which ReadRaw reads back whole, and leave WriteRaw nothing to do", func() {
		dir := GinkgoT().TempDir()
		rawPath, resPath := filepath.Join(dir, "run.raw.json.gz"), filepath.Join(dir, "run.json")
		res := &report.Results{Schema: report.SchemaVersion, RunID: "run-1", Summary: report.Summarize(nil, objectives)}
		s, err := res.StreamRaw(rawPath)
		Expect(err).NotTo(HaveOccurred())
		var want []trial.Raw
		for i := 1; i <= 3; i++ {
			raw := trial.Raw{Index: i, Probes: []measure.ProbeResult{{Seq: i, OK: true}},
				History: []measure.Op{{ID: "t-1", Outcome: measure.OK}}, FinalRead: []string{"t-1"}}
			if i == 2 {
				raw.KV = []check.KVOp{}
			}
			Expect(s.Add(raw)).To(Succeed())
			want = append(want, raw)
		}
		Expect(s.Close()).To(Succeed())
		Expect(res.Raw).To(BeNil(), "nothing held in memory")
		Expect(res.WriteRaw(rawPath)).To(Succeed())
		Expect(res.Write(resPath)).To(Succeed())

		back, err := report.Read(resPath)
		Expect(err).NotTo(HaveOccurred())
		Expect(back.RawFile).To(Equal("run.raw.json.gz"))
		Expect(back.ReadRaw(resPath)).To(Succeed())
		Expect(back.Raw).To(Equal(want))
	})

	It("is an empty list when no trial ran", func() {
		dir := GinkgoT().TempDir()
		res := &report.Results{Schema: report.SchemaVersion, RunID: "run-2", Summary: report.Summarize(nil, objectives)}
		s, err := res.StreamRaw(filepath.Join(dir, "r.raw.json.gz"))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Close()).To(Succeed())
		Expect(res.Write(filepath.Join(dir, "r.json"))).To(Succeed())
		back, err := report.Read(filepath.Join(dir, "r.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(back.ReadRaw(filepath.Join(dir, "r.json"))).To(Succeed())
		Expect(back.Raw).To(BeEmpty())
	})
})
