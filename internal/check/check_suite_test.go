package check_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestCheck(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Check Suite")
}

// ledgerBinary is the real ledger fixture, built once for the specs that run it.
var ledgerBinary string

var _ = BeforeSuite(func() {
	dir, err := os.MkdirTemp("", "check-ledger-bin-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, dir)
	ledgerBinary = filepath.Join(dir, "ledger")
	build := exec.Command("go", "build", "-o", ledgerBinary, "github.com/drillhq/drill/fixtures/ledger/cmd/ledger")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), string(out))
})
