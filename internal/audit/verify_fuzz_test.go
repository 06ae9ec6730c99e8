package audit_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/drillhq/drill/internal/audit"
)

// FuzzVerify feeds arbitrary bytes to the audit log verifier: it must never panic, and
// it may accept a file only when every line's hash and chain really hold, which random
// bytes essentially never achieve: anything accepted must also verify a second time
// with the same digest.
func FuzzVerify(f *testing.F) {
	dir := f.TempDir()
	good := filepath.Join(dir, "seed.jsonl")
	log, err := audit.Create(good)
	if err != nil {
		f.Fatal(err)
	}
	for _, a := range []string{audit.ActionRunStart, audit.ActionStackUp, audit.ActionRunEnd} {
		if err := log.Append(audit.Entry{Actor: audit.ActorDrill, Action: a, Outcome: audit.OutcomeOK, Detail: "seed"}); err != nil {
			f.Fatal(err)
		}
	}
	if err := log.Close(); err != nil {
		f.Fatal(err)
	}
	seed, err := os.ReadFile(good)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("{}\n"))
	f.Add([]byte(""))
	f.Add(seed[:len(seed)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "log.jsonl")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		sum, err := audit.Verify(path)
		if err != nil {
			return
		}
		again, err := audit.Verify(path)
		if err != nil || again.Digest != sum.Digest {
			t.Fatalf("verified once, then %v / digest %q vs %q", err, again.Digest, sum.Digest)
		}
	})
}
