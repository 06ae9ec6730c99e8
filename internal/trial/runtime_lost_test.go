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

// wrapped runs real stacks of a runtime, each wrapped by wrap: the stacks themselves
// run, so the change, the fault and the rollback are real.
type wrapped struct {
	stack.Runtime
	wrap func(stack.Stack) stack.Stack
}

func (r wrapped) Up(ctx context.Context, spec scenario.Stack, opts ...stack.UpOption) (stack.Stack, error) {
	st, err := r.Runtime.Up(ctx, spec, opts...)
	if st == nil {
		return nil, err
	}
	return r.wrap(st), err
}

// lostEngine runs real process stacks whose runtime reports that it stopped answering,
// as a container engine lost mid-trial does (stack.Healthier).
func lostEngine(rt stack.Runtime) stack.Runtime {
	return wrapped{rt, func(st stack.Stack) stack.Stack { return lostStack{st} }}
}

type lostStack struct{ stack.Stack }

func (lostStack) Healthy(context.Context) error {
	return errors.New("ping docker engine: Cannot connect to the Docker daemon")
}

var _ = Describe("a runtime lost during a trial", func() {
	It("makes the trial an error naming the runtime, never a judged outcome", func() {
		sc := withVerify("{}", "")
		res := trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: lostEngine(process.New())}, 1, 1)
		Expect(res.Outcome).To(Equal(trial.Errored))
		Expect(res.Error).To(HavePrefix("runtime failed during the trial: ping docker engine: Cannot connect to the Docker daemon"))
		Expect(res.Timing.RTC).To(BeNil())
	})
})

// stuckTeardown runs real process stacks whose teardown, once done, reports that
// something outlived it, as a namespace still terminating past the kubernetes runtime's
// bound does.
func stuckTeardown(rt stack.Runtime) stack.Runtime {
	return wrapped{rt, func(st stack.Stack) stack.Stack { return stuckStack{st} }}
}

type stuckStack struct{ stack.Stack }

func (s stuckStack) Down(ctx context.Context) error {
	return errors.Join(s.Stack.Down(ctx), errors.New("delete namespace drill-x-1: not gone after 90s"))
}

var _ = Describe("a teardown that fails", func() {
	It("is in the trial's result, naming what was left and how to remove it", func() {
		sc := withVerify("{}", "")
		res := trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: stuckTeardown(process.New())}, 1, 1)
		Expect(res.Error).To(ContainSubstring("tear down stack: delete namespace drill-x-1: not gone after 90s: run drill clean"))
	})
})
