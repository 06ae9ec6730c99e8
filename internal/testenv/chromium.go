package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// ErrNoChromium says chromium is not installed (make deps installs Debian's).
var ErrNoChromium = errors.New("start chromium: not installed: run make deps (apt-get install chromium)")

// Browser is a headless chromium a spec started: Stderr holds its log (console lines
// included); Kill ends its whole process group.
type Browser struct {
	Cmd    *exec.Cmd
	Stderr bytes.Buffer
}

// StartChromium starts Debian's chromium headless in its own process group: it writes
// only under dir (profile, cache, HOME), its stdout goes to stdout, and cancelling ctx
// kills the whole group. args follow the common flags (a URL, --screenshot=...).
func StartChromium(ctx context.Context, dir string, stdout io.Writer, args ...string) (*Browser, error) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		return nil, ErrNoChromium
	}
	cmd := exec.CommandContext(ctx, bin, append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--disable-crash-reporter", "--disable-breakpad", "--hide-scrollbars",
		"--user-data-dir=" + filepath.Join(dir, "profile"), "--disk-cache-dir=" + filepath.Join(dir, "cache"),
		"--enable-logging=stderr", "--v=0"}, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "XDG_CACHE_HOME="+filepath.Join(dir, "cache"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	b := &Browser{Cmd: cmd}
	cmd.Stdout, cmd.Stderr = stdout, &b.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return b, nil
}

// Kill ends the browser's whole process group (a no-op once it has ended).
func (b *Browser) Kill() { _ = syscall.Kill(-b.Cmd.Process.Pid, syscall.SIGKILL) }

// Screenshot renders the HTML file page headless in a window of width×height and
// returns the screenshot and chromium's log (console lines included). Its files go
// under dir; ErrNoChromium says chromium is not installed.
func Screenshot(ctx context.Context, dir, page string, width, height int, stdout io.Writer) (image.Image, string, error) {
	shot := filepath.Join(dir, "screenshot.png")
	b, err := StartChromium(ctx, dir, stdout, "--screenshot="+shot, fmt.Sprintf("--window-size=%d,%d", width, height), "file://"+page)
	if err != nil {
		return nil, "", err
	}
	defer b.Kill()
	if err := b.Cmd.Wait(); err != nil {
		return nil, b.Stderr.String(), fmt.Errorf("run chromium: %w", err)
	}
	f, err := os.Open(shot)
	if err != nil {
		return nil, b.Stderr.String(), fmt.Errorf("read screenshot: %w", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, b.Stderr.String(), fmt.Errorf("decode screenshot: %w", err)
	}
	return img, b.Stderr.String(), nil
}
