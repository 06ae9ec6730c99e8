package report_test

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

	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/testenv"
)

// consoleMessages are the page's console lines in Chromium's stderr log. The page has
// no script, so any console output (an uncaught error, a failed load) is a defect.
func consoleMessages(stderr string) []string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, ":CONSOLE") || strings.Contains(l, "Failed to load resource") {
			out = append(out, l)
		}
	}
	return out
}

var _ = Describe("HTML in Chromium", func() {
	It("counts console output in Chromium's log as page errors", func() {
		log := `[1:1:1121/231319.252300:WARNING:ui/base/idle/idle_linux.cc:111] None of the known D-Bus ScreenSaver services could be used.
[4867:4867:1121/231319.508607:INFO:CONSOLE:1] "Uncaught ReferenceError: f is not defined", source: file:///tmp/r.html (1)`
		Expect(consoleMessages(log)).To(HaveLen(1))
		Expect(consoleMessages(strings.Split(log, "\n")[0])).To(BeEmpty())
	})

	It("renders headless without console errors into a non-empty screenshot", func() {
		dir := GinkgoT().TempDir()
		page := filepath.Join(dir, "report.html")
		var b bytes.Buffer
		Expect(report.HTML(&b, fixtureResults())).To(Succeed())
		Expect(os.WriteFile(page, b.Bytes(), 0o644)).To(Succeed())

		img, log := screenshot(dir, page, 1280, 2000)
		Expect(consoleMessages(log)).To(BeEmpty())
		Expect(img.Bounds().Dx()).To(Equal(1280))
		Expect(img.Bounds().Dy()).To(Equal(2000))
		// The fail banner's background proves the stylesheet applied.
		banner := 0
		for y := 0; y < 400; y++ {
			for x := 0; x < 1280; x += 2 {
				r, g, bl, _ := img.At(x, y).RGBA()
				if r>>8 == 0xff && g>>8 == 0xeb && bl>>8 == 0xe9 {
					banner++
				}
			}
		}
		Expect(banner).To(BeNumerically(">", 10000))
	})
})

// screenshot loads page in headless Chromium at width × height and returns the image
// and Chromium's log (its console lines among them); it skips without Chromium.
func screenshot(dir, page string, width, height int) (image.Image, string) {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	img, log, err := testenv.Screenshot(ctx, dir, page, width, height, GinkgoWriter)
	if errors.Is(err, testenv.ErrNoChromium) {
		Skip(err.Error())
	}
	Expect(err).NotTo(HaveOccurred(), log)
	return img, log
}
