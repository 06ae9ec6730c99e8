package rollback_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/testenv"
)

func TestRollback(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Rollback Suite")
}

// httpcall is the path of the specs' HTTP client command (testdata/httpcall), built once.
var httpcall string

var _ = BeforeSuite(func() {
	dir, err := testenv.TempDir()
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, dir)
	Expect(testenv.BuildFixtures(context.Background(), dir)).To(Succeed())
	httpcall = filepath.Join(dir, "httpcall")
	out, err := exec.Command("go", "build", "-o", httpcall, "./testdata/httpcall").CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), string(out))
})
