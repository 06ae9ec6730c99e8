package rollback_test

import (
	"context"
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/scenario"
)

var _ = Describe("the mechanism registry", func() {
	reg := rollback.NewRegistry()
	build := func(kind string, params map[string]any) error {
		_, err := reg.Build(scenario.Mechanism{Kind: kind, Service: "ledger", Params: params})
		return err
	}

	It("holds the built-in kinds", func() {
		Expect(reg.Kinds()).To(Equal([]string{"blue-green", "call", "feature-flag", "hook", "migration", "redeploy", "restart", "restore"}))
	})

	It("refuses an unknown kind, suggesting the nearest", func() {
		Expect(build("redploy", nil)).To(MatchError(`build mechanism: unknown kind "redploy" (did you mean "redeploy"?); valid kinds: blue-green, call, feature-flag, hook, migration, redeploy, restart, restore`))
	})

	It("describes what a mechanism will do for the timeline", func() {
		t := rollback.Target{Service: "web", Previous: "v1"}
		describe := func(kind string, params map[string]any) string {
			m, err := reg.Build(scenario.Mechanism{Kind: kind, Params: params})
			Expect(err).NotTo(HaveOccurred())
			return rollback.Describe(kind, m, t)
		}
		Expect(describe("redeploy", nil)).To(Equal("redeploy web v1"))
		Expect(describe("redeploy", map[string]any{"release": "v0", "strategy": "recreate"})).To(Equal("redeploy web v0 (recreate)"))
		Expect(describe("restart", nil)).To(Equal("restart web"))
	})

	It("takes a new kind with one Register line", func() {
		r := rollback.NewRegistry()
		r.Register("noop", func(map[string]any) (rollback.Mechanism, error) { return noop{}, nil })
		m, err := r.Build(scenario.Mechanism{Kind: "noop"})
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Rollback(context.Background(), rollback.Target{})).To(MatchError("noop"))
	})

	DescribeTable("rejects bad parameters before anything starts",
		func(kind string, params map[string]any, msg string) {
			Expect(build(kind, params)).To(MatchError(msg))
		},
		Entry("misspelled redeploy parameter", "redeploy", map[string]any{"relase": "v1"},
			`mechanism "redeploy": unknown parameter "relase" (did you mean "release"?)`),
		Entry("unknown strategy", "redeploy", map[string]any{"strategy": "rolling"},
			`mechanism "redeploy": parameter "strategy" must be one of start-first, recreate, blue-green, got "rolling"`),
		Entry("restart takes none", "restart", map[string]any{"grace": "1s"},
			`mechanism "restart": unknown parameter "grace" (restart takes no parameters)`),
		Entry("flag path missing", "feature-flag", map[string]any{"body": "{}"},
			`mechanism "feature-flag": missing required parameter "path"`),
		Entry("flag path relative", "feature-flag", map[string]any{"path": "flags/x"},
			`mechanism "feature-flag": parameter "path" must start with "/", got "flags/x"`),
		Entry("flag status as text", "feature-flag", map[string]any{"path": "/f", "status": "ok"},
			`mechanism "feature-flag": parameter "status" must be a whole number, got string "ok"`),
		Entry("flag status out of range", "feature-flag", map[string]any{"path": "/f", "status": 2000},
			`mechanism "feature-flag": parameter "status" must be an HTTP status (100-599), got 2000`),
		Entry("hook with neither command nor url", "hook", map[string]any{"timeout": "1s"},
			`mechanism "hook": set exactly one of "command" (an argv) and "url"`),
		Entry("hook with both", "hook", map[string]any{"command": []any{"true"}, "url": "http://x/"},
			`mechanism "hook": set exactly one of "command" (an argv) and "url"`),
		Entry("hook command as a string", "hook", map[string]any{"command": "helm rollback web"},
			`mechanism "hook": parameter "command" must be a list of strings such as [sh, -c, "..."], got string "helm rollback web"`),
		Entry("hook misspelled wait", "hook", map[string]any{"command": []any{"true"}, "wait_pth": "/healthz"},
			`mechanism "hook": unknown parameter "wait_pth" (did you mean "wait_path"?)`),
		Entry("hook wait_service without wait_path", "hook", map[string]any{"command": []any{"true"}, "wait_service": "db"},
			`mechanism "hook": parameter "wait_service" needs "wait_path"`),
		Entry("hook url without scheme", "hook", map[string]any{"url": "localhost:8080/rollback"},
			`mechanism "hook": parameter "url" must start with http:// or https://, got "localhost:8080/rollback"`),
	)
})

// noop is a mechanism that does nothing but say so.
type noop struct{}

func (noop) Rollback(context.Context, rollback.Target) error { return errors.New("noop") }
