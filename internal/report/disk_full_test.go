package report_test

import (
	"bytes"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/testenv"
)

var _ = Describe("a run's files on a full disk", func() {
	It("are each whole or absent, never truncated, and the write fails saying so", func() {
		formats := []report.Renderer{report.JSONFormat{}, report.MarkdownFormat{}, report.HTMLFormat{}, report.JUnitFormat{}}
		f := report.NewFormats()
		for _, x := range formats {
			f.Register(x)
		}
		res := fixtureResults()
		doc := report.Document{Run: res}
		whole := map[string][]byte{}
		for _, x := range formats {
			var b bytes.Buffer
			Expect(x.Render(&b, doc)).To(Succeed())
			whole[x.Ext()] = b.Bytes()
		}
		// Room for some files and not all: every size from one page to past the total.
		total := 0
		for _, b := range whole {
			total += len(b)
		}
		Expect(total).To(BeNumerically(">", 3*4096), "the fixture fills more than three pages")
		for size := 4096; size < total; size += 4096 {
			dir := filepath.Join(GinkgoT().TempDir(), "disk")
			unmount, err := testenv.FullDisk(dir, size)
			if err != nil {
				Skip(err.Error())
			}
			base := filepath.Join(dir, "run")
			err = f.WriteAll(base, doc)
			Expect(err).To(MatchError(ContainSubstring("no space left on device")), "a %d-byte disk", size)
			for ext, want := range whole {
				got, err := os.ReadFile(base + ext)
				if os.IsNotExist(err) {
					continue
				}
				Expect(err).NotTo(HaveOccurred())
				Expect(got).To(Equal(want), "%s on a %d-byte disk: whole or absent", ext, size)
			}
			if _, err := os.Stat(base + ".json"); err == nil {
				_, err := report.Read(base + ".json")
				Expect(err).NotTo(HaveOccurred(), "a results file that exists decodes")
			}
			entries, err := os.ReadDir(dir)
			Expect(err).NotTo(HaveOccurred())
			for _, e := range entries {
				Expect(e.Name()).NotTo(HavePrefix("."), "no temp file left on a %d-byte disk", size)
			}
			unmount()
		}
	})
})
