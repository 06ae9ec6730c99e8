package evidence_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/drillhq/drill/internal/evidence"
)

// FuzzReadFindings feeds arbitrary bytes to the findings file reader: it must never
// panic, and a file it accepts holds findings with ids and known statuses, which write
// and read back the same.
func FuzzReadFindings(f *testing.F) {
	f.Add([]byte("findings:\n  - {id: DRILL-0000AAAA, scenario: s, kind: rto, title: t, status: remediated, first_run: a, last_run: b, owner: carol}\n"))
	f.Add([]byte("findings: []\n"))
	f.Add([]byte("findings:\n  - {id: X, status: fixed}\n"))
	f.Add([]byte("owner: nobody\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "findings.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := evidence.ReadFindings(path)
		if err != nil {
			return
		}
		again := filepath.Join(dir, "again.yaml")
		if err := evidence.WriteFindings(again, got.Findings); err != nil {
			t.Fatalf("write accepted findings: %v", err)
		}
		back, err := evidence.ReadFindings(again)
		if err != nil {
			t.Fatalf("read back accepted findings: %v", err)
		}
		if len(back.Findings) != len(got.Findings) {
			t.Fatalf("read back %d findings, wrote %d", len(back.Findings), len(got.Findings))
		}
	})
}

// FuzzReadConfig feeds arbitrary bytes to the evidence config reader: it must never
// panic, and a config it accepts has a known test type and every scope entry named
// with a digest.
func FuzzReadConfig(f *testing.F) {
	f.Add([]byte("organisation: Example Bank\ntest_type: game-day\nscope: [{name: ledger, digest: 'sha256:00'}]\napprover: {name: dana, role: head}\n"))
	f.Add([]byte("test_type: drill\n"))
	f.Add([]byte("scope: [{name: x}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "evidence.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := evidence.ReadConfig(path)
		if err != nil {
			return
		}
		switch c.TestType {
		case "", evidence.TestSimulation, evidence.TestGameDay, evidence.TestLiveSwitchover:
		default:
			t.Fatalf("accepted test_type %q", c.TestType)
		}
		for _, s := range c.Scope {
			if s.Name == "" || s.Digest == "" {
				t.Fatalf("accepted scope entry %+v", s)
			}
		}
	})
}

// FuzzVerify feeds arbitrary bytes to the bundle verifier: it must never panic, and
// without the signer's key nothing verifies.
func FuzzVerify(f *testing.F) {
	f.Add([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"keyid":"","sig":"AAAA"}]}` + "\n"))
	f.Add([]byte("not json\n"))
	f.Add([]byte(""))
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "b.intoto.jsonl")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := evidence.Verify(context.Background(), path, pub)
		if err == nil {
			t.Fatal("a bundle no key signed verified")
		}
		if !errors.Is(err, evidence.ErrNotVerified) {
			t.Fatalf("not ErrNotVerified: %v", err)
		}
	})
}
