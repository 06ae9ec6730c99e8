package trial_test

import (
	"fmt"

	"github.com/drillhq/drill/fixtures/ledger/truth"
	"github.com/drillhq/drill/internal/trial"
)

func dump(res trial.Result, events []truth.Event) {
	base := res.Started.UnixNano()
	fmt.Println("EVENTS")
	for _, e := range res.Events {
		fmt.Printf("  %8.1f %s %s\n", e.At.Ms(), e.Name, e.Detail)
	}
	fmt.Println("TRUTH")
	for _, e := range events {
		if e.Ev == "ack" {
			continue
		}
		fmt.Printf("  %8.1f %s %s pid=%d\n", float64(e.T-base)/1e6, e.Ev, e.Release, e.PID)
	}
	fmt.Println("PROBES after fault")
	for _, p := range res.Probes {
		if p.Start >= res.Timing.Fault {
			fmt.Printf("  %8.1f-%8.1f ok=%v %s\n", p.Start.Ms(), p.End.Ms(), p.OK, p.Err)
		}
	}
	fmt.Printf("timing %+v\n", res.Timing)
	if res.Loss != nil {
		fmt.Printf("loss oldest=%v rpc=%v lost=%d\n", res.Loss.OldestLostAck, res.Loss.RPC, len(res.Loss.Lost))
	}
}
