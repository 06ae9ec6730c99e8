package trial_test

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/drillhq/drill/fixtures/ledger/truth"
	"github.com/drillhq/drill/internal/trial"
)

// dump prints a trial's events, the fixture's ground truth and the probes after the
// change, for a failing accuracy spec.
func dump(res trial.Result, events []truth.Event) {
	base := res.Started.UnixNano()
	GinkgoWriter.Println("EVENTS")
	for _, e := range res.Events {
		GinkgoWriter.Printf("  %8.1f %s %s\n", e.At.Ms(), e.Name, e.Detail)
	}
	GinkgoWriter.Println("TRUTH")
	for _, e := range events {
		if e.Ev == "ack" {
			continue
		}
		GinkgoWriter.Printf("  %8.1f %s %s pid=%d\n", float64(e.T-base)/1e6, e.Ev, e.Release, e.PID)
	}
	GinkgoWriter.Println("PROBES after fault")
	for _, p := range res.Probes {
		if p.Start >= res.Timing.Fault {
			GinkgoWriter.Printf("  %8.1f-%8.1f ok=%v %s\n", p.Start.Ms(), p.End.Ms(), p.OK, p.Err)
		}
	}
	GinkgoWriter.Printf("timing %+v\n", res.Timing)
	if res.Loss != nil {
		GinkgoWriter.Printf("loss oldest=%v rpc=%v lost=%d\n", res.Loss.OldestLostAck, res.Loss.RPC, len(res.Loss.Lost))
	}
}
