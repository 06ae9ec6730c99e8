package evidence

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	trpb "github.com/in-toto/attestation/go/predicates/test_result/v0"
	ita1 "github.com/in-toto/attestation/go/v1"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/drillhq/drill/internal/atomicfile"
)

// The statements' types: the DSSE payload type of an in-toto Statement, in-toto's
// test-result predicate, and drill's own predicate with the period's numbers.
const (
	PayloadType         = "application/vnd.in-toto+json"
	TestResultPredicate = "https://in-toto.io/attestation/test-result/v0.1"
	DrillPredicate      = "https://github.com/drillhq/drill/evidence/v1"
)

// Subject kinds: what a subject of the signed statements is.
const (
	SubjectResults = "results"
	SubjectAudit   = "audit_log"
	SubjectPack    = "pack"
	// SubjectDerived is a file made from the pack (its OSCAL export).
	SubjectDerived = "derived"
)

// subject is one file the statements cover, named relative to the bundle's directory.
type subject struct {
	name, kind string
	// auditDigest is an audit log's final digest (the hash of its last entry), signed
	// beside the file's digest so that a log re-chained after an edit is named as such.
	auditDigest string
}

// subjects are the results files and audit logs of the pack's runs, the pack file and
// the files derived from it.
func subjects(p *Pack, packFile string, derived []string) []subject {
	var out []subject
	for _, r := range p.Runs {
		out = append(out, subject{name: r.ResultsFile, kind: SubjectResults})
		if r.AuditFile != "" {
			out = append(out, subject{name: r.AuditFile, kind: SubjectAudit, auditDigest: r.AuditDigest})
		}
	}
	out = append(out, subject{name: packFile, kind: SubjectPack})
	for _, d := range derived {
		out = append(out, subject{name: d, kind: SubjectDerived})
	}
	return out
}

// Sign writes the bundle (JSON lines of DSSE envelopes, the in-toto bundle format) of
// the pack written at dir/packFile: a test-result Statement and a drill Statement,
// each over the runs' results files, their audit logs, the pack and the files derived
// from it (names relative to dir, the OSCAL export), signed with key.
func Sign(ctx context.Context, dir, packFile string, derived []string, p *Pack, key ed25519.PrivateKey, bundle string) error {
	var descs []*ita1.ResourceDescriptor
	for _, s := range subjects(p, packFile, derived) {
		sum, err := fileSHA256(filepath.Join(dir, filepath.FromSlash(s.name)))
		if err != nil {
			return fmt.Errorf("sign evidence: %w", err)
		}
		d := &ita1.ResourceDescriptor{Name: s.name, Digest: map[string]string{"sha256": sum}}
		ann := map[string]any{"kind": s.kind}
		if s.auditDigest != "" {
			ann["final_digest"] = s.auditDigest
		}
		if d.Annotations, err = structpb.NewStruct(ann); err != nil {
			return fmt.Errorf("sign evidence: %w", err)
		}
		descs = append(descs, d)
	}
	testResult, err := testResultPredicate(p)
	if err != nil {
		return err
	}
	drillPred, err := drillPredicate(p)
	if err != nil {
		return err
	}
	signer, err := dsse.NewEnvelopeSigner(edKey{priv: key, pub: key.Public().(ed25519.PublicKey)})
	if err != nil {
		return fmt.Errorf("sign evidence: %w", err)
	}
	var out bytes.Buffer
	for _, st := range []*ita1.Statement{
		{Type: ita1.StatementTypeUri, Subject: descs, PredicateType: TestResultPredicate, Predicate: testResult},
		{Type: ita1.StatementTypeUri, Subject: descs, PredicateType: DrillPredicate, Predicate: drillPred},
	} {
		if err := st.Validate(); err != nil {
			return fmt.Errorf("sign evidence: %w", err)
		}
		payload, err := protojson.Marshal(st)
		if err != nil {
			return fmt.Errorf("sign evidence: %w", err)
		}
		env, err := signer.SignPayload(ctx, PayloadType, payload)
		if err != nil {
			return fmt.Errorf("sign evidence: %w", err)
		}
		line, err := json.Marshal(env)
		if err != nil {
			return fmt.Errorf("sign evidence: %w", err)
		}
		out.Write(append(line, '\n'))
	}
	if err := atomicfile.Write(bundle, out.Bytes(), 0o644); err != nil {
		return fmt.Errorf("sign evidence: %w", err)
	}
	return nil
}

// testResultPredicate is in-toto's test-result predicate of the period: each run a
// test, passed, warned (inconclusive) or failed, configured by its scenario.
func testResultPredicate(p *Pack) (*structpb.Struct, error) {
	tr := &trpb.TestResult{Result: "PASSED"}
	for _, r := range p.Runs {
		id := r.Scenario + "/" + r.RunID
		switch r.Verdict {
		case "pass":
			tr.PassedTests = append(tr.PassedTests, id)
		case "fail":
			tr.FailedTests = append(tr.FailedTests, id)
		default:
			tr.WarnedTests = append(tr.WarnedTests, id)
		}
	}
	switch {
	case len(tr.FailedTests) > 0:
		tr.Result = "FAILED"
	case len(tr.WarnedTests) > 0:
		tr.Result = "WARNED"
	}
	for _, s := range p.Scope {
		if s.Kind == "scenario" {
			tr.Configuration = append(tr.Configuration, &ita1.ResourceDescriptor{Name: s.Name, Digest: map[string]string{"sha256": s.Digest[len("sha256:"):]}})
		}
	}
	return protoStruct(tr)
}

// drillPredicate carries the period's numbers: the verdict, each objective's outcome,
// the audit logs' final digests and the findings.
func drillPredicate(p *Pack) (*structpb.Struct, error) {
	b, err := json.Marshal(struct {
		Period   Period    `json:"period"`
		Verdict  string    `json:"verdict"`
		Outcomes []Outcome `json:"outcomes"`
		Findings []Finding `json:"findings"`
		Missing  []Missing `json:"missing"`
	}{p.Period, p.Verdict, p.Outcomes, p.Findings, p.Missing})
	return jsonStruct(b, err)
}

// protoStruct converts a predicate message to the Statement's Struct.
func protoStruct(m proto.Message) (*structpb.Struct, error) {
	return jsonStruct(protojson.Marshal(m))
}

// jsonStruct converts a predicate's JSON (and the error of encoding it) to a Struct.
func jsonStruct(b []byte, err error) (*structpb.Struct, error) {
	if err != nil {
		return nil, fmt.Errorf("sign evidence: %w", err)
	}
	s := &structpb.Struct{}
	if err := protojson.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("sign evidence: %w", err)
	}
	return s, nil
}

// fileSHA256 is the hex SHA-256 of a file's bytes.
func fileSHA256(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}
