package inject_test

import (
	"context"
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/inject"
	"github.com/drillhq/drill/internal/scenario"
)

// customFault is a fault kind registered by a test.
type customFault struct{ name string }

func (f customFault) Apply(context.Context, inject.Target) (inject.Revert, error) {
	return func(context.Context) error { return nil }, nil
}

var _ = Describe("Registry", func() {
	It("holds every built-in kind", func() {
		Expect(inject.NewRegistry().Kinds()).To(Equal([]string{
			"bandwidth", "disconnect", "down", "kill", "latency", "limit_data", "pause",
			"reset_peer", "restart", "slicer", "slow_close", "stop", "timeout",
		}))
	})

	It("rejects an unknown kind, suggesting the nearest and listing the valid ones", func() {
		_, err := inject.NewRegistry().Build(scenario.Fault{Kind: "latncy", Target: "web"})
		Expect(err).To(MatchError(`build fault: unknown kind "latncy" (did you mean "latency"?); valid kinds: ` +
			"bandwidth, disconnect, down, kill, latency, limit_data, pause, reset_peer, restart, slicer, slow_close, stop, timeout"))
		_, err = inject.NewRegistry().Build(scenario.Fault{Kind: "meteor", Target: "web"})
		Expect(err).To(MatchError(HavePrefix(`build fault: unknown kind "meteor"; valid kinds: bandwidth,`)))
	})

	It("rejects a fault without a target or with negative offsets", func() {
		_, err := inject.NewRegistry().Build(scenario.Fault{Kind: "kill"})
		Expect(err).To(MatchError(`fault "kill": missing target (a proxy or service name)`))
		_, err = inject.NewRegistry().Build(scenario.Fault{Kind: "kill", Target: "x", For: -1})
		Expect(err).To(MatchError(`fault "kill": at and for must not be negative`))
	})

	It("builds registered custom kinds, each registry on its own", func() {
		r := inject.NewRegistry()
		r.Register("custom", func(params map[string]any) (inject.Fault, error) {
			if params["fail"] != nil {
				return nil, errors.New("custom: told to fail")
			}
			return customFault{name: "c"}, nil
		})
		f, err := r.Build(scenario.Fault{Kind: "custom", Target: "x"})
		Expect(err).NotTo(HaveOccurred())
		Expect(f).To(Equal(customFault{name: "c"}))
		_, err = r.Build(scenario.Fault{Kind: "custom", Target: "x", Params: map[string]any{"fail": true}})
		Expect(err).To(MatchError("custom: told to fail"))
		Expect(r.Kinds()).To(ContainElement("custom"))
		Expect(inject.NewRegistry().Kinds()).NotTo(ContainElement("custom"))
	})
})
