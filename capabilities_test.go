package drill_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill"
)

var _ = Describe("a scenario the chosen runtime cannot carry out", func() {
	// quickDisconnect is quick with a disconnect fault, which only docker can inject.
	quickDisconnect := strings.Replace(quick, "warmup: 150ms\n", "warmup: 150ms\nfaults: [{kind: disconnect, target: ledger, at: 100ms, for: 1s}]\n", 1)
	line := strconv.Itoa(strings.Count(quickDisconnect[:strings.Index(quickDisconnect, "faults:")], "\n") + 1)

	It("is refused by Run before anything starts, with an error errors.Is finds as ErrUnsupported", func() {
		sc, err := drill.Parse("q.yaml", []byte(quickDisconnect))
		Expect(err).NotTo(HaveOccurred(), "no runtime chosen yet: nothing to refuse")
		var events []drill.Event
		start := time.Now()
		res, err := drill.Run(context.Background(), sc, drill.WithRuntime("process"), drill.WithTrials(1),
			drill.OnEvent(func(e drill.Event) { events = append(events, e) }))
		Expect(res).To(BeNil())
		Expect(errors.Is(err, drill.ErrUnsupported)).To(BeTrue(), "%v", err)
		Expect(err).To(MatchError(ContainSubstring("runtime process cannot carry out the scenario (nothing started):\nfaults[0]: fault disconnect needs a runtime that can disconnect a service from the stack's network (docker)")))
		Expect(events).To(BeEmpty())
		Expect(time.Since(start)).To(BeNumerically("<", 10*time.Second), "the rollback timeout is 10s: no trial ran")
		Expect(fixtures()).To(BeEmpty())

		Expect(drill.CheckRuntime(sc, "docker")).To(Succeed())
		Expect(drill.CheckRuntime(sc, "process")).To(MatchError(drill.ErrUnsupported))
	})

	It("names the scenario file's line when Run knows the file, and ForRuntime makes Load refuse it", func() {
		path := filepath.Join(GinkgoT().TempDir(), "q.yaml")
		Expect(os.WriteFile(path, []byte(quickDisconnect), 0o644)).To(Succeed())
		sc, err := drill.Load(path)
		Expect(err).NotTo(HaveOccurred())
		_, err = drill.Run(context.Background(), sc, drill.WithRuntime("process"), drill.WithFile(path))
		Expect(err).To(MatchError(ContainSubstring("\n" + path + ":" + line + ": faults[0]: fault disconnect needs")))

		_, err = drill.Load(path, drill.ForRuntime("process"))
		Expect(err).To(MatchError(HavePrefix(path + ":" + line + ": faults[0]: fault disconnect needs")))
		_, err = drill.Load(path, drill.ForRuntime("docker"))
		Expect(err).NotTo(HaveOccurred())
		_, err = drill.Load(path, drill.ForRuntime("dokcer"))
		Expect(err).To(MatchError(`load scenario: unknown runtime "dokcer"`))
	})

	It("is refused by Check when no runtime could carry it out (a hook URL naming no service)", func() {
		sc, err := drill.Parse("q.yaml", []byte(quick))
		Expect(err).NotTo(HaveOccurred())
		sc.Rollback.Mechanism = drill.Mechanism{Kind: "hook", Service: "ledger", Params: map[string]any{"url": "http://${DRILL_ENDPOINT_BILLING}/rollback"}}
		Expect(drill.Check(sc)).To(MatchError("rollback.mechanism: mechanism hook: params.url names $DRILL_ENDPOINT_BILLING, which names no service of the stack: drill sets only $DRILL_ENDPOINT_LEDGER"))
	})
})

// partitionProbe is a probe kind a program adds that needs a runtime able to disconnect
// a service (it judges what a partition does): it states so with Needs.
type partitionProbe struct{ statusProbe }

// Needs implements the needs of a kind a program adds.
func (partitionProbe) Needs() []drill.Need {
	return []drill.Need{{Capability: drill.CapDisconnect, Instead: "use an http probe"}}
}

var _ = Describe("a kind a program adds", func() {
	It("states what it needs, and a runtime that lacks it is refused at the kind's line", func() {
		doc := strings.Replace(quick, "probes: {interval: 20ms, timeout: 300ms, recover_after: 3, http: {service: ledger, path: /healthz}}",
			"probes: {interval: 20ms, timeout: 300ms, recover_after: 3, kind: partition, params: {service: ledger, path: /healthz}}", 1)
		path := filepath.Join(GinkgoT().TempDir(), "p.yaml")
		Expect(os.WriteFile(path, []byte(doc), 0o644)).To(Succeed())
		line := strconv.Itoa(strings.Count(doc[:strings.Index(doc, "kind: partition")], "\n") + 1)
		build := func(params map[string]any) (drill.Probe, error) {
			p := &partitionProbe{}
			return p, drill.DecodeParams("probe", "partition", params, &p.statusProbe)
		}
		kinds := drill.KindsFrom(drill.WithProbe("partition", build))

		_, err := drill.Load(path, kinds, drill.ForRuntime("process"))
		Expect(err).To(MatchError(path + ":" + line + ": probes: probe partition needs a runtime that can disconnect a service from the stack's network (docker); on runtime process, use an http probe instead"))
		_, err = drill.Load(path, kinds, drill.ForRuntime("docker"))
		Expect(err).NotTo(HaveOccurred())

		sc, err := drill.Load(path, kinds)
		Expect(err).NotTo(HaveOccurred())
		res, err := drill.Run(context.Background(), sc, drill.WithRuntime("process"), drill.WithFile(path), drill.WithProbe("partition", build))
		Expect(res).To(BeNil())
		Expect(err).To(MatchError(drill.ErrUnsupported))
		Expect(err).To(MatchError(ContainSubstring(path + ":" + line + ": probes: probe partition needs")))
	})
})
