package evidence_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/evidence"
	"github.com/drillhq/drill/internal/testenv"
)

// colourCount counts the pixels of colour c (0xRRGGBB) in img.
func colourCount(img image.Image, c uint32) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if (r>>8)<<16|(g>>8)<<8|bl>>8 == c {
				n++
			}
		}
	}
	return n
}

var _ = Describe("the evidence page", func() {
	It("says the verdict, the signature, scope, conditions, findings and missing fields in words", func() {
		dir := GinkgoT().TempDir()
		p := build(dir, quarter(dir), q4(), fullConfig, evidence.FindingsFile{})
		var b bytes.Buffer
		Expect(evidence.HTML(&b, p, evidence.Signature{Bundle: "pack.intoto.jsonl", KeyID: strings.Repeat("ab", 32)})).To(Succeed())
		page := b.String()
		Expect(page).To(HavePrefix("<!DOCTYPE html>"))
		Expect(page).To(ContainSubstring(`Verdict <span class="verdict">fail</span>`))
		Expect(page).To(ContainSubstring("<b>Signed</b>"))
		Expect(page).To(ContainSubstring("drill verify --key PUB pack.intoto.jsonl"))
		Expect(page).To(ContainSubstring(evidence.FindingID("kill-unflushed", "rto")))
		Expect(page).To(ContainSubstring("automated: "))
		Expect(page).To(ContainSubstring("<b>conditions.activation</b>"))
		Expect(page).NotTo(ContainSubstring("<script"))
		Expect(page).To(ContainSubstring("<h2>Forecast: a real incident</h2>"))
		Expect(page).To(MatchRegexp(`<td>bad-release \(process\)</td><td>\d\.\d\d \[\d\.\d\d, \d\.\d\d\] \(≤ 5\.0 s\)</td><td>p50 [^<]+ · p90 [^<]+ · p99 [^<]+</td><td>(detection|decision|execution)</td>`))
		Expect(page).To(ContainSubstring("not stated: no deploy rate (forecast: in the evidence config or the scenario)"))
		Expect(page).To(ContainSubstring("Clopper–Pearson"))
		b.Reset()
		Expect(evidence.HTML(&b, p, evidence.Signature{})).To(Succeed())
		Expect(b.String()).To(ContainSubstring("<b>Unsigned</b>"))

		By("the same parts in Markdown")
		b.Reset()
		Expect(evidence.Markdown(&b, p, evidence.Signature{Bundle: "pack.intoto.jsonl", KeyID: strings.Repeat("ab", 32)})).To(Succeed())
		md := b.String()
		Expect(md).To(ContainSubstring("**Verdict: fail** · 5 runs · game-day · 2026-10-01 – 2026-12-31 · BIA BIA-2026-07"))
		Expect(md).To(ContainSubstring("`drill verify --key PUB pack.intoto.jsonl`"))
		Expect(md).To(ContainSubstring("| " + evidence.FindingID("kill-unflushed", "rto") + " | kill-unflushed | RTO not shown met | open | sre-team |"))
		Expect(md).To(ContainSubstring(`error_rate > 0.5`))
		Expect(md).To(ContainSubstring("- **conditions.activation**: "))
		Expect(md).To(ContainSubstring("- alice, operator: 1 decisions, median 40000 ms"))
		Expect(md).To(MatchRegexp(`\| bad-release \(process\) \| \d\.\d\d \[\d\.\d\d, \d\.\d\d\] \(≤ 5\.0 s\) \| p50 `))
		Expect(md).To(ContainSubstring("Signed by key abababab"))
		Expect(md).To(MatchRegexp(`Fields present per regime: DORA \d+/\d+ · SOC 2 \d+/\d+ · ISO 22301 \d+/\d+ · PCI DSS \d+/\d+ · NIST SP 800-84 \d+/\d+`))
	})

	It("shows them on one screen in headless Chromium (screenshot)", func() {
		dir := GinkgoT().TempDir()
		p := build(dir, quarter(dir), q4(), fullConfig, evidence.FindingsFile{})
		var b bytes.Buffer
		Expect(evidence.HTML(&b, p, evidence.Signature{Bundle: "pack.intoto.jsonl", KeyID: strings.Repeat("ab", 32)})).To(Succeed())
		page := filepath.Join(dir, "evidence.html")
		Expect(os.WriteFile(page, b.Bytes(), 0o644)).To(Succeed())

		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		DeferCleanup(cancel)
		img, log, err := testenv.Screenshot(ctx, dir, page, 1280, 900, GinkgoWriter)
		if errors.Is(err, testenv.ErrNoChromium) {
			Skip(err.Error())
		}
		Expect(err).NotTo(HaveOccurred(), log)
		Expect(img.Bounds().Dx()).To(Equal(1280))
		Expect(img.Bounds().Dy()).To(Equal(900))
		// Each part's own colour (the stylesheet's) is on the first screen.
		for name, c := range map[string]uint32{
			"the fail banner": 0xffebe9, "the signature badge": 0xd7f5dd, "scope": 0x3b5bdb,
			"conditions": 0x7048e8, "findings": 0xe8590c, "missing fields": 0xc92a2a, "the forecast": 0x0c8599,
		} {
			Expect(colourCount(img, c)).To(BeNumerically(">", 50), "%s on the first screen", name)
		}
	})
})
