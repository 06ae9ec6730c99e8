package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/fixture"
)

func TestDrill(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "drill CLI Suite")
}

// binDir holds drill, built once for the suite as a user would build it: plain
// "go build" (dynamically linked when cgo is on), no make, nothing beside it. The
// fixtures and the proxy server run as its own hidden subcommands.
var binDir string

var _ = BeforeSuite(func() {
	var err error
	binDir, err = os.MkdirTemp("", "drill-cli-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, binDir)
	build := exec.Command("go", "build", "-o", filepath.Join(binDir, "drill"), ".")
	out, err := build.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), string(out))
})

// drill returns a command running the built drill binary in dir with its own TMPDIR.
func drill(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(binDir, "drill"), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TMPDIR="+filepath.Join(dir, "tmp"), fixture.DirEnv+"=")
	Expect(os.MkdirAll(filepath.Join(dir, "tmp"), 0o755)).To(Succeed())
	return cmd
}
