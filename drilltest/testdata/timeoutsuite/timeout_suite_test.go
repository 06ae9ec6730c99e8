// Package timeoutsuite_test is a suite whose drill outlasts its node timeout. drilltest's
// own suite runs it in a child "go test" and checks that the timeout cancelled the drill
// and that nothing it started outlived it. It is not run on its own (testdata).
package timeoutsuite_test

import (
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill"
	"github.com/drillhq/drill/drilltest"
)

func TestTimeout(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "a drill that outlasts its node timeout")
}

var _ = Describe("thirty trials in four seconds", Ordered, func() {
	res := drilltest.RunScenario(filepath.Join("..", "..", "..", "scenarios", "bad-release.yaml"),
		drill.WithTrials(30), drill.WithRuntime("process"), NodeTimeout(4*time.Second), GracePeriod(30*time.Second))

	It("is never reached", func() {
		Expect(res()).To(BeNil())
	})
})
