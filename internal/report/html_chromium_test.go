package report_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/report"
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
		bin, err := exec.LookPath("chromium")
		if err != nil {
			Skip("chromium not installed: run make deps (apt-get install chromium)")
		}
		dir := GinkgoT().TempDir()
		page := filepath.Join(dir, "report.html")
		shot := filepath.Join(dir, "report.png")
		var b bytes.Buffer
		Expect(report.HTML(&b, fixtureResults())).To(Succeed())
		Expect(os.WriteFile(page, b.Bytes(), 0o644)).To(Succeed())

		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		DeferCleanup(cancel)
		cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
			"--no-first-run", "--disable-crash-reporter", "--disable-breakpad", "--hide-scrollbars",
			"--user-data-dir="+filepath.Join(dir, "profile"), "--disk-cache-dir="+filepath.Join(dir, "cache"),
			"--enable-logging=stderr", "--v=0",
			"--screenshot="+shot, "--window-size=1280,2000", "file://"+page)
		// Chromium writes only under the temp dir, and its whole process group ends with the spec.
		cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "XDG_CACHE_HOME="+filepath.Join(dir, "cache"))
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = GinkgoWriter, &stderr
		Expect(cmd.Start()).To(Succeed())
		pgid := cmd.Process.Pid
		DeferCleanup(func() { _ = syscall.Kill(-pgid, syscall.SIGKILL) })
		Expect(cmd.Wait()).To(Succeed(), stderr.String())

		Expect(consoleMessages(stderr.String())).To(BeEmpty())
		f, err := os.Open(shot)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(f.Close)
		img, err := png.Decode(f)
		Expect(err).NotTo(HaveOccurred())
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
