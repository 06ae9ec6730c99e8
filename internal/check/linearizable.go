package check

import (
	"fmt"
	"hash/fnv"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/anishathalye/porcupine"
)

// NameLinearizable is the linearizability checker's name.
const NameLinearizable = "linearizable"

// register is one key's state in the model.
type register struct {
	value   string
	present bool
}

// registerModel is porcupine's model of a key-value store: one register per key,
// histories partitioned by key. Inputs are KVOps; outputs are unused.
var registerModel = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		var keys []string
		for _, op := range history {
			k := op.Input.(KVOp).Key
			if _, ok := byKey[k]; !ok {
				keys = append(keys, k)
			}
			byKey[k] = append(byKey[k], op)
		}
		out := make([][]porcupine.Operation, len(keys))
		for i, k := range keys {
			out[i] = byKey[k]
		}
		return out
	},
	Init: func() any { return register{} },
	Step: func(state, input, _ any) (bool, any) {
		s, op := state.(register), input.(KVOp)
		if op.Kind == Write {
			return true, register{value: op.Value, present: true}
		}
		return s == register{value: op.Value, present: op.Found}, s
	},
	Hash: func(state any) uint64 {
		s := state.(register)
		h := fnv.New64a()
		h.Write([]byte(s.value))
		if s.present {
			h.Write([]byte{1})
		}
		return h.Sum64()
	},
	DescribeOperation: func(input, _ any) string { return input.(KVOp).String() },
}

// operations turns a history into porcupine's form: unknown reads dropped, unknown
// writes returning at infinity.
func operations(history []KVOp) []porcupine.Operation {
	ops := make([]porcupine.Operation, 0, len(history))
	for _, op := range history {
		ret := int64(op.Return)
		if op.Unknown {
			if op.Kind == Read {
				continue
			}
			ret = math.MaxInt64
		}
		ops = append(ops, porcupine.Operation{ClientId: op.ClientID, Input: op, Call: int64(op.Call), Return: ret})
	}
	return ops
}

// Linearizable checks that a key-value history is linearizable, each key a register,
// keys checked in parallel within timeout overall (at most 1 minute when timeout is
// not positive). A key found not linearizable is a Fail naming the keys; keys left
// undecided when time runs out make it Unknown, never Pass.
func Linearizable(history []KVOp, timeout time.Duration) Finding {
	if timeout <= 0 {
		timeout = time.Minute
	}
	deadline := time.Now().Add(timeout)
	parts := registerModel.Partition(operations(history))
	type verdict struct {
		key    string
		result porcupine.CheckResult
	}
	results := make([]verdict, len(parts))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(parts)) {
		wg.Go(func() {
			for i := range next {
				key := parts[i][0].Input.(KVOp).Key
				left := time.Until(deadline)
				if left <= 0 { // 0 would mean no timeout to porcupine
					results[i] = verdict{key, porcupine.Unknown}
					continue
				}
				results[i] = verdict{key, porcupine.CheckOperationsTimeout(registerModel, parts[i], left)}
			}
		})
	}
	for i := range parts {
		next <- i
	}
	close(next)
	wg.Wait()

	var illegal, undecided []string
	for _, v := range results {
		switch v.result {
		case porcupine.Illegal:
			illegal = append(illegal, v.key)
		case porcupine.Unknown:
			undecided = append(undecided, v.key)
		}
	}
	slices.Sort(illegal)
	slices.Sort(undecided)
	n := len(history)
	switch {
	case len(illegal) > 0:
		msg := fmt.Sprintf("%d of %d keys not linearizable: %s", len(illegal), len(parts), list(illegal))
		if len(undecided) > 0 {
			msg += fmt.Sprintf(" (%d undecided in %v)", len(undecided), timeout)
		}
		return fail(NameLinearizable, msg, illegal)
	case len(undecided) > 0:
		f := unknown(NameLinearizable, fmt.Sprintf("%d of %d keys undecided after %v (%d ops): %s",
			len(undecided), len(parts), timeout, n, list(undecided)))
		f.IDs = undecided
		return f
	}
	return pass(NameLinearizable, fmt.Sprintf("%d ops over %d keys linearizable", n, len(parts)))
}
