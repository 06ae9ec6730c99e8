package trial_test

import (
	"context"
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/kinds"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/trial"
)

// lostEngine runs real process stacks whose runtime reports that it stopped answering,
// as a container engine lost mid-trial does (stack.Healthier): the stacks themselves
// run, so the change, the fault and the rollback are real.
type lostEngine struct{ stack.Runtime }

type lostStack struct{ stack.Stack }

func (r lostEngine) Up(ctx context.Context, spec scenario.Stack, opts ...stack.UpOption) (stack.Stack, error) {
	st, err := r.Runtime.Up(ctx, spec, opts...)
	if st == nil {
		return nil, err
	}
	return lostStack{st}, err
}

func (lostStack) Healthy(context.Context) error {
	return errors.New("ping docker engine: Cannot connect to the Docker daemon")
}

var _ = Describe("a runtime lost during a trial", func() {
	It("makes the trial an error naming the runtime, never a judged outcome", func() {
		sc := withVerify("{}", "")
		res := trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: lostEngine{process.New()}}, 1, 1)
		Expect(res.Outcome).To(Equal(trial.Errored))
		Expect(res.Error).To(HavePrefix("runtime failed during the trial: ping docker engine: Cannot connect to the Docker daemon"))
		Expect(res.Timing.RTC).To(BeNil())
	})
})
