package drill_test

import (
	"context"
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/testenv"
)

func TestDrill(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "drill API Suite")
}

// fixtureDir holds the drill binary that runs the fixtures: a test binary is not drill.
var fixtureDir string

var _ = BeforeSuite(func() {
	var err error
	fixtureDir, err = testenv.TempDir()
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, fixtureDir)
	Expect(testenv.BuildFixtures(context.Background(), fixtureDir)).To(Succeed())
})
