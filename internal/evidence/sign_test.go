package evidence_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/audit"
	"github.com/drillhq/drill/internal/evidence"
)

// signed writes a quarter's runs, its pack and the signed bundle into a new directory,
// with a new key pair; it returns the directory, the bundle and the public key file.
func signed() (dir, bundle, pub string, runs []run) {
	GinkgoHelper()
	dir = GinkgoT().TempDir()
	runs = quarter(dir)
	priv, pub, err := evidence.GenerateKey(filepath.Join(GinkgoT().TempDir(), "drill"))
	Expect(err).NotTo(HaveOccurred())
	key, err := evidence.ReadPrivateKey(priv)
	Expect(err).NotTo(HaveOccurred())
	p := build(dir, runs, q4(), fullConfig, evidence.FindingsFile{})
	b, err := json.MarshalIndent(p, "", "  ")
	Expect(err).NotTo(HaveOccurred())
	Expect(os.WriteFile(filepath.Join(dir, "pack.json"), b, 0o644)).To(Succeed())
	Expect(os.WriteFile(filepath.Join(dir, "pack.oscal.json"), []byte("{}\n"), 0o644)).To(Succeed())
	bundle = filepath.Join(dir, "pack.intoto.jsonl")
	Expect(evidence.Sign(context.Background(), dir, "pack.json", []string{"pack.oscal.json"}, p, key, bundle)).To(Succeed())
	return dir, bundle, pub, runs
}

// verify verifies bundle with the public key file pub.
func verify(bundle, pub string) (evidence.Verification, error) {
	GinkgoHelper()
	k, err := evidence.ReadPublicKey(pub)
	Expect(err).NotTo(HaveOccurred())
	return evidence.Verify(context.Background(), bundle, k)
}

// flipByte changes one byte of the file at path, in the middle of its content.
func flipByte(path string) {
	GinkgoHelper()
	b, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	i := bytes.Index(b, []byte("trial_end"))
	if i < 0 {
		i = len(b) / 2
	}
	b[i] ^= 0x01
	Expect(os.WriteFile(path, b, 0o644)).To(Succeed())
}

var _ = Describe("signed evidence", func() {
	It("verifies offline: two signed in-toto statements over the results, the audit logs and the pack", func() {
		_, bundle, pub, runs := signed()
		v, err := verify(bundle, pub)
		Expect(err).NotTo(HaveOccurred())
		Expect(v.Statements).To(Equal([]string{evidence.TestResultPredicate, evidence.DrillPredicate}))
		Expect(v.Subjects).To(HaveLen(2*len(runs) + 2))
		Expect(v.Subjects).To(HaveEach(HaveField("Problem", "")))
		Expect(v.Subjects).To(ContainElement(And(HaveField("Name", "pack.json"), HaveField("Kind", evidence.SubjectPack))))
		Expect(v.Subjects).To(ContainElement(And(HaveField("Name", "pack.oscal.json"), HaveField("Kind", evidence.SubjectDerived))))
	})

	DescribeTable("fails naming what changed",
		func(tamper func(dir string, runs []run), want ...string) {
			dir, bundle, pub, runs := signed()
			tamper(dir, runs)
			_, err := verify(bundle, pub)
			Expect(err).To(MatchError(evidence.ErrNotVerified))
			for _, w := range want {
				Expect(err).To(MatchError(ContainSubstring(w)))
			}
		},
		Entry("one byte of a results file", func(dir string, runs []run) { flipByte(runs[2].path) },
			"results kill-unflushed-20261121T233412Z-502ac34e.json changed since signing"),
		Entry("one byte of an audit log", func(dir string, runs []run) { flipByte(filepath.Join(dir, runs[0].res.Audit.File)) },
			"audit_log "+"bad-release-20261121T233400Z-9984f998.audit.jsonl changed since signing", "audit log bad-release-20261121T233400Z-9984f998.audit.jsonl: entry seq"),
		Entry("one byte of the pack", func(dir string, runs []run) { flipByte(filepath.Join(dir, "pack.json")) },
			"pack pack.json changed since signing"),
		Entry("one byte of the OSCAL export", func(dir string, runs []run) { flipByte(filepath.Join(dir, "pack.oscal.json")) },
			"derived pack.oscal.json changed since signing"),
		Entry("an audit log edited and re-chained", func(dir string, runs []run) { rechain(filepath.Join(dir, runs[3].res.Audit.File)) },
			"changed since signing", "audit log bad-release-20261203T100000Z-gameday1.audit.jsonl was re-chained: its chain is intact but ends in"),
		Entry("a file removed", func(dir string, runs []run) { Expect(os.Remove(runs[1].path)).To(Succeed()) },
			"results bad-release-20261121T233406Z-8cddcf7c.json: cannot be read"),
	)

	It("fails on a statement changed after signing, and on another key", func() {
		_, bundle, pub, _ := signed()
		b, err := os.ReadFile(bundle)
		Expect(err).NotTo(HaveOccurred())
		lines := bytes.SplitN(b, []byte("\n"), 2)
		var env struct {
			PayloadType string `json:"payloadType"`
			Payload     []byte `json:"payload"`
			Signatures  []any  `json:"signatures"`
		}
		Expect(json.Unmarshal(lines[0], &env)).To(Succeed())
		env.Payload = bytes.Replace(env.Payload, []byte("FAILED"), []byte("PASSED"), 1)
		forged, err := json.Marshal(env)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(bundle, append(append(forged, '\n'), lines[1]...), 0o644)).To(Succeed())
		_, err = verify(bundle, pub)
		Expect(err).To(MatchError(And(ContainSubstring("line 1"), ContainSubstring("signature does not verify"))))

		_, bundle, _, _ = signed()
		_, other, err := evidence.GenerateKey(filepath.Join(GinkgoT().TempDir(), "other"))
		Expect(err).NotTo(HaveOccurred())
		_, err = verify(bundle, other)
		Expect(err).To(MatchError(ContainSubstring("signature does not verify")))
	})
})

// rechain edits the log's second entry and recomputes every hash after it, as a
// forger who knows the format would: the chain verifies, its final digest differs.
func rechain(path string) {
	GinkgoHelper()
	b, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	prev := strings.Repeat("0", 64)
	for i, l := range lines {
		body, _, ok := strings.Cut(l, `,"hash":"`)
		Expect(ok).To(BeTrue())
		if i == 1 {
			body = strings.Replace(body, `"outcome":"`, `"outcome":"x`, 1)
		}
		body = body[:strings.LastIndex(body, `"prev":"`)] + `"prev":"` + prev + `"}`
		sum := sha256.Sum256([]byte(body))
		prev = hex.EncodeToString(sum[:])
		lines[i] = strings.TrimSuffix(body, "}") + `,"hash":"` + prev + `"}`
	}
	Expect(os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644)).To(Succeed())
	_, err = audit.Verify(path)
	Expect(err).NotTo(HaveOccurred(), "the forged chain is intact")
}
