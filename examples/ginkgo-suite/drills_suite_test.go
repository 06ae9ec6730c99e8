// Package drills_test is an example of a team's rollback drills in CI, written with
// Ginkgo and drill's drilltest package. Copy this directory, point scenarioDir at your
// scenarios, and run:
//
//	go test ./...                                   # the quick drills
//	ginkgo --label-filter=slow --junit-report=drills.xml ./...   # the full-size ones
//
// github-actions.yml beside this file is the same as a GitHub Actions workflow.
package drills_test

import (
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/drilltest"
)

func TestDrills(t *testing.T) {
	RegisterFailHandler(Fail)
	suite, reporter := GinkgoConfiguration()
	// Full-size drills take minutes: they run only when asked for by label
	// (ginkgo --label-filter=slow), e.g. on a nightly schedule.
	if suite.LabelFilter == "" {
		suite.LabelFilter = "!slow"
	}
	RunSpecs(t, "Rollback drills", suite, reporter)
}

var _ = BeforeSuite(func(ctx SpecContext) {
	// A test binary is not drill: build the drill of the version go.mod requires, which
	// runs drill's demo fixture and proxy server for the trials.
	Expect(drilltest.BuildDrill(ctx)).To(Succeed())
})

// runtime is where the trials run: "process" (local processes, no Docker needed) unless
// DRILL_RUNTIME says "docker" or "auto".
func runtime() string {
	if r := os.Getenv("DRILL_RUNTIME"); r != "" {
		return r
	}
	return "process"
}
