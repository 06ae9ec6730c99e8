package drill_test

import (
	"context"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill"
)

var _ = Describe("a manual rollback plan through the public API", func() {
	It("reports each trial's modelled decision time and modelled RTC, and judges the RTO on the modelled RTC", func() {
		doc := strings.Replace(quick, `trigger: {kind: automated, condition: "error_rate > 0.5", window: 200ms}`,
			`trigger: {kind: manual, condition: "error_rate > 0.5", window: 200ms, params: {model: fixed, decision: 3m, compression: 3000}}`, 1)
		sc, err := drill.Parse("manual.yaml", []byte(doc))
		Expect(err).NotTo(HaveOccurred())
		res, err := drill.Run(context.Background(), sc, drill.WithTrials(1), drill.WithRuntime("process"), drill.WithSeed(2))
		Expect(err).NotTo(HaveOccurred())
		t := res.TrialResults[0]
		Expect(t.Has).To(HaveKey("decision"))
		Expect(t.DecisionTime).To(Equal(3 * time.Minute))
		Expect(t.Has).To(HaveKey("modelled_rtc"))
		Expect(t.ModelledRTC).To(BeNumerically(">", 3*time.Minute))
		Expect(t.RTC).To(BeNumerically("<", 10*time.Second), "the compressed run's own RTC")
		Expect(res.Verdict).NotTo(Equal(drill.Pass), "an RTO of 2s cannot pass a 3-minute decision")
	})

	It("refuses a misspelled trigger parameter when parsing", func() {
		doc := strings.Replace(quick, `trigger: {kind: automated, condition: "error_rate > 0.5", window: 200ms}`,
			`trigger: {kind: manual, condition: "error_rate > 0.5", params: {model: fixed, decision: 1m, compresion: 60}}`, 1)
		_, err := drill.Parse("bad.yaml", []byte(doc))
		Expect(err).To(MatchError(ContainSubstring(`unknown parameter "compresion" (did you mean "compression"?)`)))
	})
})
