package drilltest_test

import (
	"context"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill"
	"github.com/drillhq/drill/drilltest"
	"github.com/drillhq/drill/internal/testenv"
)

// This is how a team runs a drill in its own CI suite.
var _ = Describe("a rollback drill inside a Ginkgo suite", func() {
	It("runs the reference scenario through the public API and judges it with the matchers", func() {
		sc, err := drill.Load(filepath.Join(testenv.ModuleRoot(), "scenarios", "bad-release.yaml"))
		Expect(err).NotTo(HaveOccurred())
		res, err := drill.Run(context.Background(), sc, drill.WithTrials(2), drill.WithRuntime("process"), drill.WithSeed(7))
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Seed).To(Equal(int64(7)))
		Expect(res.Trials).To(HaveLen(2))
		Expect(res).To(drilltest.LoseNoAcknowledgedWrites())
		// Two trials cannot bound p90 at 95%: the verdict is Inconclusive, which is not a pass.
		Expect(res).NotTo(drilltest.MeetObjectives())
		Expect(drilltest.MeetObjectives().FailureMessage(res)).To(ContainSubstring("29 needed"))
	})

	It("keeps could-not-evaluate apart from did-not-match", func() {
		_, err := drilltest.MeetObjectives().Match(nil)
		Expect(err).To(HaveOccurred())
		_, err = drilltest.LoseNoAcknowledgedWrites().Match(&drill.Result{})
		Expect(err).To(MatchError(ContainSubstring("no trial ran")))
	})

	It("reports a misspelled fault parameter at load time", func() {
		_, err := drill.Parse("f.yaml", []byte(`
version: 1
name: f
objectives: {rto: 1s}
stack:
  services:
    - {name: s, fixture: ledger, port: 8080, health: /healthz, release: v1, releases: [{name: v1}]}
probes: {http: {service: s, path: /healthz}}
faults:
  - {kind: latency, target: s, params: {latncy: 100ms}}
rollback:
  mechanism: {kind: redeploy, service: s}
  trigger: {kind: automated, condition: "error_rate > 0.5"}
`))
		Expect(err).To(MatchError(And(ContainSubstring("f.yaml"), ContainSubstring(`did you mean "latency"`))))
	})
})
