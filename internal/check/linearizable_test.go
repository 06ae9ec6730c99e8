package check_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/check"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func w(client int, key, v string, call, ret int) check.KVOp {
	return check.KVOp{ClientID: client, Key: key, Kind: check.Write, Value: v, Call: ms(call), Return: ms(ret)}
}

func r(client int, key, v string, call, ret int) check.KVOp {
	return check.KVOp{ClientID: client, Key: key, Kind: check.Read, Value: v, Found: true, Call: ms(call), Return: ms(ret)}
}

// concurrentHistory simulates a linearizable register store: clients each run ops
// sequentially with overlapping intervals, every op taking effect at a random point
// inside its interval. It returns the history in call order.
func concurrentHistory(seed uint64, clients, opsPerClient, keys int) []check.KVOp {
	rng := rand.New(rand.NewPCG(seed, 1))
	type point struct {
		at time.Duration
		op int
	}
	var ops []check.KVOp
	var points []point
	for c := range clients {
		t := time.Duration(rng.IntN(1000))
		for i := range opsPerClient {
			call := t
			ret := call + time.Duration(1+rng.IntN(2000))
			op := check.KVOp{ClientID: c, Key: fmt.Sprintf("k%d", rng.IntN(keys)), Call: call, Return: ret}
			if rng.IntN(2) == 0 {
				op.Kind, op.Value = check.Write, fmt.Sprintf("c%d-%d", c, i)
			} else {
				op.Kind = check.Read
			}
			points = append(points, point{call + time.Duration(rng.Int64N(int64(ret-call)+1)), len(ops)})
			ops = append(ops, op)
			t = ret + time.Duration(rng.IntN(100))
		}
	}
	// apply in linearization-point order to fill in what reads saw
	slices.SortFunc(points, func(a, b point) int { return cmp.Compare(a.at, b.at) })
	state := map[string]string{}
	for _, p := range points {
		op := &ops[p.op]
		if op.Kind == check.Write {
			state[op.Key] = op.Value
			continue
		}
		op.Value, op.Found = state[op.Key]
	}
	return ops
}

var _ = Describe("Linearizable", func() {
	It("passes a linearizable history with concurrent ops, absent reads and an unknown write", func() {
		h := []check.KVOp{
			{ClientID: 0, Key: "x", Kind: check.Read, Call: ms(0), Return: ms(1)}, // absent
			w(0, "x", "1", 2, 10),
			r(1, "x", "1", 3, 4), // concurrent with the write: may see it
			r(1, "x", "1", 11, 12),
			{ClientID: 2, Key: "x", Kind: check.Write, Value: "2", Call: ms(13), Unknown: true},
			r(0, "x", "1", 14, 15), // the unknown write has not happened yet…
			r(1, "x", "2", 20, 21), // …and now it has
			w(3, "y", "a", 0, 1),
			r(3, "y", "a", 2, 3),
			{ClientID: 3, Key: "y", Kind: check.Read, Value: "zzz", Call: ms(4), Unknown: true}, // says nothing
		}
		f := check.Linearizable(h, 5*time.Second)
		Expect(f).To(Equal(check.Finding{Checker: "linearizable", Status: check.Pass, Message: "10 ops over 2 keys linearizable"}))
	})

	It("fails a stale read, naming the key", func() {
		h := []check.KVOp{
			w(0, "x", "1", 0, 1),
			w(0, "x", "2", 2, 3),
			r(1, "x", "1", 4, 5), // after write 2 returned
			w(0, "y", "a", 0, 1),
			r(1, "y", "a", 2, 3),
		}
		f := check.Linearizable(h, 5*time.Second)
		Expect(f).To(Equal(check.Finding{Checker: "linearizable", Status: check.Fail,
			Message: "1 of 2 keys not linearizable: x", IDs: []string{"x"}}))
	})

	It("fails a read of a value no write wrote, even with unknown writes around", func() {
		h := []check.KVOp{
			{ClientID: 0, Key: "x", Kind: check.Write, Value: "1", Call: ms(0), Unknown: true},
			r(1, "x", "9", 4, 5),
		}
		Expect(check.Linearizable(h, 5*time.Second)).To(HaveField("IDs", []string{"x"}))
	})

	It("passes an empty history", func() {
		Expect(check.Linearizable(nil, time.Second)).To(HaveField("Status", check.Pass))
	})

	It("passes a simulated concurrent history over many keys", func() {
		h := concurrentHistory(1, 8, 200, 20)
		f := check.Linearizable(h, 20*time.Second)
		Expect(f.Status).To(Equal(check.Pass), f.Message)
	})

	It("is Unknown, quickly, when a long highly concurrent history outlasts a tiny timeout", func() {
		h := concurrentHistory(2, 64, 300, 1) // 19,200 ops on one key, 64 at a time
		start := time.Now()
		f := check.Linearizable(h, time.Millisecond)
		Expect(time.Since(start)).To(BeNumerically("<", 5*time.Second))
		Expect(f.Status).To(Equal(check.Unknown), f.Message)
		Expect(f.Message).To(Equal("1 of 1 keys undecided after 1ms (19200 ops): k0"))
		Expect(f.IDs).To(Equal([]string{"k0"}))
	})
})
