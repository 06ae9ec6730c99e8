package rollback_test

import (
	"context"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/scenario"
)

var _ = Describe("the hook's command", func() {
	hook := func(params map[string]any) rollback.Mechanism {
		m, err := rollback.NewRegistry().Build(scenario.Mechanism{Kind: "hook", Service: "web", Params: params})
		Expect(err).NotTo(HaveOccurred())
		return m
	}
	var out strings.Builder
	var steps []string
	var target rollback.Target
	BeforeEach(func() {
		out.Reset()
		steps = nil
		target = rollback.Target{Service: "web", Env: []string{"DRILL_ENDPOINT_WEB=127.0.0.1:1"}, Output: &out,
			Step: func(step, detail string) { steps = append(steps, step+": "+detail) }}
	})

	It("runs with the endpoints in its environment and keeps its output", func() {
		m := hook(map[string]any{"command": []any{"sh", "-c", `echo "undo on $DRILL_ENDPOINT_WEB"; echo warn >&2`}})
		Expect(m.Rollback(context.Background(), target)).To(Succeed())
		Expect(out.String()).To(Equal("undo on 127.0.0.1:1\nwarn\n"))
		Expect(steps).To(Equal([]string{`hook_done: sh -c echo "undo on $DRILL_ENDPOINT_WEB"; echo warn >&2`}))
	})

	It("fails the rollback with the command's last line when it exits non-zero", func() {
		m := hook(map[string]any{"command": []any{"sh", "-c", "echo starting; echo 'release web not found' >&2; exit 3"}})
		Expect(m.Rollback(context.Background(), target)).To(MatchError("hook sh: exit status 3: release web not found"))
		Expect(out.String()).To(ContainSubstring("starting"), "the output is kept even when it failed")
		Expect(steps).To(BeEmpty())
	})

	It("kills the command's whole process group at the timeout", func() {
		m := hook(map[string]any{"command": []any{"sh", "-c", "sleep 30 & sleep 30; wait"}, "timeout": "200ms"})
		start := time.Now()
		Expect(m.Rollback(context.Background(), target)).To(MatchError("hook sh: did not finish within 200ms (raise params.timeout)"))
		Expect(time.Since(start)).To(BeNumerically("<", 5*time.Second), "the background sleep did not hold the hook")
	})

	It("refuses a url naming an endpoint the stack does not have", func() {
		m := hook(map[string]any{"url": "http://$DRILL_ENDPOINT_DB/rollback"})
		Expect(m.Rollback(context.Background(), target)).To(MatchError("hook: url names $DRILL_ENDPOINT_DB, which is not set (set: DRILL_ENDPOINT_WEB)"))
	})
})
