package measure

import (
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
)

// drill validate refuses what the pacer cannot keep by scenario's copy of its limits
// (scenario does not import measure): they must be the pacer's own.
var _ = ginkgo.Describe("the limits drill validate states", func() {
	ginkgo.It("are the pacer's tolerance and wake-up granularity", func() {
		gomega.Expect(scenario.PacerTolerance).To(gomega.Equal(OnScheduleTolerance))
		gomega.Expect(scenario.PacerWake).To(gomega.Equal(minWake))
		gomega.Expect(ConstantPacer{Rate: scenario.MaxWorkloadRate}.Due(1)).To(gomega.Equal(minWake),
			"at the highest rate validate accepts, one operation is due per wake-up")
	})
})
