package trial

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/drillhq/drill/internal/check"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// kvStream separates the key-value workload's random stream from the other workloads'
// (all are derived from the trial seed).
const kvStream = 0x6b76 // "kv"

// verifier holds what the verify section needs during and after a trial: the
// linearizable workload's recording client and the user-defined checks, built against
// the running stack when the trial clock starts.
type verifier struct {
	kv     *kvWorkload
	checks []check.Checker
}

// startVerify builds the verify section's checks and starts the key-value register
// workload (when verify.linearizable is set) in bg, until ctx is done: the caller
// stops it together with the probes and the workload.
func (t *run) startVerify(ctx context.Context, st stack.Stack, bg *sync.WaitGroup) error {
	v, err := newVerifier(t.sc, st, t.clock.Base(), t.res.Seed)
	if err != nil {
		return err
	}
	t.verify = v
	if v.kv != nil {
		bg.Go(func() { v.kv.run(ctx) })
	}
	return nil
}

// finishVerify stores the key-value history (Measure checks it) and, when the service
// is serving, runs the user-defined checks, whose findings it stores for Measure.
func (t *run) finishVerify(ctx context.Context) {
	v := t.verify
	if v == nil {
		return
	}
	if v.kv != nil {
		t.res.KV = v.kv.client.History()
		if t.res.KV == nil {
			t.res.KV = []check.KVOp{} // ran, recorded nothing: an unknown finding
		}
	}
	if len(v.checks) == 0 || (t.res.Outcome != Recovered && t.res.Outcome != NotDetected) || ctx.Err() != nil {
		return
	}
	failed := 0
	t.res.UserChecks = make([]check.Finding, 0, len(v.checks))
	for _, c := range v.checks {
		f := c.Check(ctx)
		if f.Status != check.Pass {
			failed++
		}
		t.res.UserChecks = append(t.res.UserChecks, f)
	}
	t.event("user_checks", fmt.Sprintf("%d run, %d did not pass", len(v.checks), failed))
}

// newVerifier builds the user-defined checks and the key-value workload of sc against
// the running stack; HTTP checks and the workload go through the services' front proxies.
func newVerifier(sc *scenario.Scenario, st stack.Stack, base time.Time, seed int64) (*verifier, error) {
	vf := sc.Verify
	v := &verifier{}
	var env []string
	for _, c := range vf.Checks {
		opts := []check.Option{check.WithTimeout(c.Timeout.D())}
		if c.Path != "" {
			svc, err := st.Service(c.Service)
			if err != nil {
				return nil, fmt.Errorf("build check %s: %w", c.Name, err)
			}
			v.checks = append(v.checks, check.HTTP(c.Name, "http://"+svc.Endpoint()+c.Path, opts...))
			continue
		}
		if env == nil {
			var err error
			if env, err = endpointEnv(sc, st); err != nil {
				return nil, fmt.Errorf("build check %s: %w", c.Name, err)
			}
			// A check may inspect the data a service keeps: DRILL_DATA_<SERVICE>.
			names := make([]string, 0, len(sc.Stack.Services))
			for _, s := range sc.Stack.Services {
				names = append(names, s.Name)
			}
			env = append(env, stack.DataEnv(st, names)...)
		}
		v.checks = append(v.checks, check.Command(c.Name, c.Command, append(opts, check.WithEnv(env...))...))
	}
	if l := vf.Linearizable; l != nil {
		svc, err := st.Service(l.Service)
		if err != nil {
			return nil, fmt.Errorf("build linearizable workload: %w", err)
		}
		opTimeout := scenario.DefaultWorkloadTimeout
		if sc.Workload.Timeout > 0 {
			opTimeout = sc.Workload.Timeout.D()
		}
		v.kv = newKVWorkload(*l, check.NewKVClient(svc.Endpoint(), base, check.WithTimeout(opTimeout)), seed)
	}
	return v, nil
}

// kvWorkload drives a recording key-value client on the open-loop schedule: operation
// seq is client seq mod clients's turn, and reads or writes (the unique value seq) a
// key drawn from a generator seeded by the trial seed and seq alone, so the same seed
// makes the same operations whatever the scheduling. A client is sequential, as in a
// Jepsen history: one still busy with its previous operation skips its turn.
type kvWorkload struct {
	cfg    scenario.Linearizable
	client *check.KVClient
	seed   int64
	busy   []sync.Mutex
}

func newKVWorkload(cfg scenario.Linearizable, client *check.KVClient, seed int64) *kvWorkload {
	return &kvWorkload{cfg: cfg, client: client, seed: seed, busy: make([]sync.Mutex, cfg.Clients)}
}

// run operates until ctx is done; operations in flight then end, a write without an
// answer being recorded as unknown.
func (k *kvWorkload) run(ctx context.Context) {
	measure.OpenLoop(ctx, time.Duration(float64(time.Second)/k.cfg.Rate), func(seq int) {
		client, key, write := k.plan(seq)
		if !k.busy[client].TryLock() {
			return
		}
		defer k.busy[client].Unlock()
		if write {
			_ = k.client.Put(ctx, client, key, strconv.Itoa(seq)) // the history records the outcome
			return
		}
		_, _, _ = k.client.Get(ctx, client, key)
	})
}

// plan is operation seq's client, key and kind, a pure function of the seed and seq.
func (k *kvWorkload) plan(seq int) (client int, key string, write bool) {
	rng := rand.New(rand.NewPCG(uint64(k.seed)^kvStream, uint64(seq)))
	return seq % k.cfg.Clients, "k" + strconv.Itoa(rng.IntN(k.cfg.Keys)), rng.IntN(2) == 0
}

// linearizable judges a key-value history: no operation completed says nothing, so it
// is unknown rather than a vacuous pass.
func linearizable(history []check.KVOp, timeout time.Duration) check.Finding {
	if len(history) == 0 {
		return check.Finding{Checker: check.NameLinearizable, Status: check.Unknown,
			Message: "no key-value operation completed: nothing to check"}
	}
	if timeout <= 0 {
		timeout = scenario.DefaultLinearizableTimeout
	}
	return check.Linearizable(history, timeout)
}
