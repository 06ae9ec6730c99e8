package trial_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/fixtures/ledger/truth"
	"github.com/drillhq/drill/internal/kinds"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
	"github.com/drillhq/drill/internal/stack/process"
	"github.com/drillhq/drill/internal/testenv/dockerenv"
	"github.com/drillhq/drill/internal/trial"
)

// runTrials runs trials 1..n of sc on rt, each with a data directory of its own, on a
// stack kept from one trial to the next when reuse (the runner's slot), and returns
// each result with the fixture's ground truth of that trial.
func runTrials(rt stack.Runtime, sc *scenario.Scenario, n int, reuse bool) ([]trial.Result, [][]truth.Event) {
	var slot *trial.Slot
	if reuse {
		slot = &trial.Slot{}
		DeferCleanup(func() { Expect(slot.Close(context.Background())).To(Succeed()) })
	}
	var results []trial.Result
	var truths [][]truth.Event
	for i := 1; i <= n; i++ {
		dir := GinkgoT().TempDir()
		if slot != nil {
			slot.More = func() bool { return i < n }
		}
		res := trial.Run(context.Background(), trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: rt,
			UpOptions: []stack.UpOption{stack.WithDataDir(dir)}, Slot: slot}, i, int64(i))
		events, err := truth.Read(filepath.Join(dir, "ledger", "truth.jsonl"))
		Expect(err).NotTo(HaveOccurred())
		results, truths = append(results, res), append(truths, events)
	}
	if reuse {
		Expect(slot.Held()).To(BeFalse(), "the last trial tears its stack down")
	}
	return results, truths
}

// rtcError is a recovered bad-release trial's RTC error against the fixture's record:
// from v2's first failed answer to its recovery after the trigger (truth.Recovery: the
// restored release's first success or the last failure any client got, the later).
func rtcError(res trial.Result, events []truth.Event) time.Duration {
	GinkgoHelper()
	clock := res.Started.UnixNano()
	down, ok := truth.FirstFailure(events, clock+int64(res.Timing.Fault))
	Expect(ok).To(BeTrue(), "the fixture recorded no failure after the change")
	Expect(res.Timing.Trigger).NotTo(BeNil())
	up, ok := truth.Recovery(events, clock+int64(*res.Timing.Trigger))
	Expect(ok).To(BeTrue(), "the fixture recorded no recovery after the rollback")
	return res.Timing.RTC.D() - time.Duration(up.T-down.T)
}

// reuseSpecs prove a reused stack indistinguishable from a new one on a runtime: the
// same scenario run with and without stack reuse gives the same outcomes, measures
// within the accuracy bound of the fixture's ground truth, a first trial's record in
// every reused trial's truth (one start of v1, nothing before it), and exactly the
// lost writes a crash took.
func reuseSpecs(newRuntime func() stack.Runtime, trials int) {
	It("measures the same on a reused stack as on new ones, within one probe interval + 10ms of the ground truth", func() {
		sc, err := scenario.Parse("accuracy.yaml", []byte(scenarioYAML("always", `{LEDGER_DEFECT: errors, LEDGER_ERROR_RATE: "1.0"}`)), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		sc.Stack.Reuse = true
		bound := sc.Probes.Interval.D() + 10*time.Millisecond
		rt := newRuntime()
		summary := map[bool]string{}
		for _, reuse := range []bool{false, true} {
			results, truths := runTrials(rt, sc, trials, reuse)
			var errs []time.Duration
			var setups []measure.Offset
			beyond := 0
			for i, res := range results {
				if res.Error != "" || res.Outcome != trial.Recovered {
					dump(res, truths[i])
				}
				Expect(res.Error).To(BeEmpty())
				Expect(res.ResetError).To(BeEmpty())
				Expect(res.Outcome).To(Equal(trial.Recovered), "trial %d (reuse %t)", i+1, reuse)
				Expect(res.Loss.Lost).To(BeEmpty())
				switch {
				case !reuse:
					Expect(res.Stack).To(BeEmpty(), "without a slot a trial's stack is its own, as always")
				case i == 0:
					Expect(res.Stack).To(Equal(trial.StackNew), "the first trial starts its stack")
				default:
					Expect(res.Stack).To(Equal(trial.StackReused), "trial %d ran on the previous trial's stack, reset", i+1)
				}
				// The fixture's record of this trial starts as a new stack's: the initial
				// release's one start, nothing of an earlier trial before it.
				Expect(truths[i][0].Ev).To(BeElementOf(truth.Recovered, truth.Start))
				starts := truth.Starts(truths[i])
				Expect(starts[0].Release).To(Equal("v1"))
				Expect(starts[0].T).To(BeNumerically("<", res.Started.UnixNano()), "v1 started before the trial's clock")
				Expect(truths[i][0].IDs).To(BeEmpty(), "no transfer of an earlier trial recovered")
				// The bound is the accuracy spec's, widened by drill's own timing error in
				// this trial (its latest probe's lateness), which the results carry.
				late := measure.ProbeLateness(res.Probes, sc.Probes.Interval.D()).D()
				e := rtcError(res, truths[i])
				GinkgoWriter.Printf("reuse=%t trial %d (%s): RTC error %s, drill's probe lateness %s, setup %s\n", reuse, i+1, res.Stack, e, late, res.Setup)
				if e > bound+late || e < -bound-late {
					dump(res, truths[i])
					beyond++
				}
				errs = append(errs, e)
				setups = append(setups, res.Setup)
			}
			slices.Sort(errs)
			slices.Sort(setups)
			summary[reuse] = fmt.Sprintf("n=%d RTC error median %s, max |%s|, %d beyond %s + the trial's probe lateness; setup median %s (first %s)",
				len(errs), errs[len(errs)/2], max(-errs[0], errs[len(errs)-1]), beyond, bound, setups[len(setups)/2], results[0].Setup)
			AddReportEntry(fmt.Sprintf("%s reuse=%t", rt.Name(), reuse), summary[reuse])
			Expect(beyond).To(BeZero(), summary[reuse])
			Expect(errs[len(errs)/2]).To(BeNumerically("~", 0, sc.Probes.Interval.D()), "median RTC error within one probe interval: "+summary[reuse])
		}
		GinkgoWriter.Printf("%s: new stacks %s\n%s: reused %s\n", rt.Name(), summary[false], rt.Name(), summary[true])
	})

	It("reports exactly the lost writes a crash took, on a stack reset after the previous trial's kill", func() {
		sc, err := scenario.Parse("crash.yaml", []byte(killScenario), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		sc.Stack.Reuse = true
		results, truths := runTrials(newRuntime(), sc, 3, true)
		for i, res := range results {
			Expect(res.Error).To(BeEmpty())
			Expect(res.Outcome).To(Equal(trial.Recovered))
			if i > 0 {
				Expect(res.Stack).To(Equal(trial.StackReused))
			}
			recovered := lastRecovered(truths[i])
			var want []string
			for _, op := range res.History {
				if op.Outcome == measure.OK && !recovered[op.ID] {
					want = append(want, op.ID)
				}
			}
			Expect(want).NotTo(BeEmpty(), "the crash lost nothing: the spec proves nothing")
			Expect(res.Loss.Lost).To(ConsistOf(want))
			Expect(res.Loss.Unexpected).To(BeEmpty())
		}
	})
}

var _ = Describe("a stack reused across trials (stack.reuse)", func() {
	Context("on the process runtime", func() {
		reuseSpecs(func() stack.Runtime { return process.New() }, 10)
	})

	Context("on the docker runtime", Label("docker"), func() {
		reuseSpecs(func() stack.Runtime { return dockerenv.Runtime() }, 6)
	})

	It("starts a new stack, saying why, when the kept one cannot be reset", func() {
		sc, err := scenario.Parse("accuracy.yaml", []byte(scenarioYAML("always", `{LEDGER_DEFECT: errors, LEDGER_ERROR_RATE: "1.0"}`)), scenario.WithWorkloads(trial.NewWorkloadRegistry()))
		Expect(err).NotTo(HaveOccurred())
		sc.Stack.Reuse = true
		rt := process.New()
		more := true
		slot := &trial.Slot{More: func() bool { return more }}
		DeferCleanup(func() { Expect(slot.Close(context.Background())).To(Succeed()) })
		cfg := trial.Config{Kinds: kinds.Default().Kinds, Scenario: sc, Runtime: rt, Slot: slot}
		first := trial.Run(context.Background(), cfg, 1, 1)
		Expect(first.Outcome).To(Equal(trial.Recovered))
		Expect(slot.Held()).To(BeTrue(), "a clean trial keeps its stack")
		// The next trial's stack differs from the kept one: no reset can make it.
		other := *sc
		other.Stack.Services = slices.Clone(sc.Stack.Services)
		other.Stack.Services[0].Env = map[string]string{"LEDGER_DURABILITY": "never"}
		cfg.Scenario, more = &other, false
		second := trial.Run(context.Background(), cfg, 2, 2)
		Expect(second.Outcome).To(Equal(trial.Recovered))
		Expect(second.Stack).To(Equal(trial.StackNew))
		Expect(second.ResetError).To(ContainSubstring("not the one this stack was made from"))
		Expect(second.Events[0].Detail).To(ContainSubstring("new stack: the previous trial's could not be reset"))
		Expect(slot.Held()).To(BeFalse(), "the last trial tears down")
	})
})
