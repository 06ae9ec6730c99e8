package trial_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/trial"
)

var _ = Describe("a Prometheus probe on a fresh Prometheus and exporter: scenarios/prometheus-fresh.yaml", Label("real-stack"), func() {
	It("waits for the first sample of its own query before the warm-up: no trial errors, none needs a readiness of its own", func(ctx SpecContext) {
		sc := loadReference("prometheus-fresh.yaml")
		for i := 1; i <= 5; i++ {
			res := runOnProcess(ctx, sc, GinkgoT().TempDir(), i, 3)
			Expect(res.Outcome).To(Equal(trial.Recovered), "trial %d: %s", i, res.Error)
			Expect(res.Events).NotTo(BeEmpty())
			up := res.Events[0]
			Expect(up.Name).To(Equal(trial.EventStackUp))
			Expect(up.Detail).To(MatchRegexp(`the probe's query had its first sample \S+ later`), "trial %d: the wait is stated", i)
			GinkgoWriter.Println("trial", i, strings.TrimSpace(up.Detail))
		}
	}, NodeTimeout(5*time.Minute))
})
