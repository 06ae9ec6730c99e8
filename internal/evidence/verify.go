package evidence

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	ita1 "github.com/in-toto/attestation/go/v1"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/drillhq/drill/internal/audit"
)

// ErrNotVerified matches (errors.Is) every error Verify returns for evidence that does
// not verify, as opposed to evidence that could not be read.
var ErrNotVerified = errors.New("evidence does not verify")

// Checked is what Verify found of one subject.
type Checked struct {
	Name, Kind string
	// Problem says what changed; empty when the subject is as signed.
	Problem string
}

// Verification is the outcome of Verify.
type Verification struct {
	// Statements are the predicate types of the statements whose signature verified.
	Statements []string
	Subjects   []Checked
}

// Problems are the subjects' problems, one a line.
func (v Verification) Problems() []string {
	var out []string
	for _, s := range v.Subjects {
		if s.Problem != "" {
			out = append(out, s.Problem)
		}
	}
	return out
}

// Verify checks the bundle offline against pub: every envelope's signature, then every
// subject the statements name (relative to the bundle's directory) against its signed
// digest, and every audit log's hash chain and final digest. The error wraps
// ErrNotVerified and names each thing that changed.
func Verify(ctx context.Context, bundle string, pub ed25519.PublicKey) (Verification, error) {
	var v Verification
	b, err := os.ReadFile(bundle)
	if err != nil {
		return v, fmt.Errorf("verify evidence: %w", err)
	}
	verifier, err := dsse.NewEnvelopeVerifier(edKey{pub: pub})
	if err != nil {
		return v, fmt.Errorf("verify evidence: %w", err)
	}
	var subjects []*ita1.ResourceDescriptor
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 64<<20)
	for n := 1; sc.Scan(); n++ {
		st, err := statement(ctx, verifier, sc.Bytes())
		if err != nil {
			return v, fmt.Errorf("%w: %s line %d: %v", ErrNotVerified, filepath.Base(bundle), n, err)
		}
		v.Statements = append(v.Statements, st.GetPredicateType())
		for _, s := range st.GetSubject() {
			if !slices.ContainsFunc(subjects, func(x *ita1.ResourceDescriptor) bool { return x.GetName() == s.GetName() }) {
				subjects = append(subjects, s)
			}
		}
	}
	if len(v.Statements) == 0 {
		return v, fmt.Errorf("%w: %s holds no statement", ErrNotVerified, filepath.Base(bundle))
	}
	dir := filepath.Dir(bundle)
	for _, s := range subjects {
		v.Subjects = append(v.Subjects, checkSubject(dir, s))
	}
	if p := v.Problems(); len(p) > 0 {
		return v, fmt.Errorf("%w: %s", ErrNotVerified, strings.Join(p, "\n"))
	}
	return v, nil
}

// statement verifies one envelope line and decodes its Statement.
func statement(ctx context.Context, verifier *dsse.EnvelopeVerifier, line []byte) (*ita1.Statement, error) {
	var env dsse.Envelope
	if err := json.Unmarshal(line, &env); err != nil {
		return nil, fmt.Errorf("not a DSSE envelope: %w", err)
	}
	if env.PayloadType != PayloadType {
		return nil, fmt.Errorf("payload type %q, want %q", env.PayloadType, PayloadType)
	}
	_, payload, err := verifier.VerifyAndDecode(ctx, &env)
	if err != nil {
		return nil, fmt.Errorf("signature does not verify with this key: the statement was changed after signing, or signed with another key (%v)", err)
	}
	st := &ita1.Statement{}
	if err := protojson.Unmarshal(payload, st); err != nil {
		return nil, fmt.Errorf("not an in-toto Statement: %w", err)
	}
	if err := st.Validate(); err != nil {
		return nil, fmt.Errorf("not a valid in-toto Statement: %w", err)
	}
	return st, nil
}

// checkSubject compares one subject with the file it names.
func checkSubject(dir string, s *ita1.ResourceDescriptor) Checked {
	ann := s.GetAnnotations().GetFields()
	c := Checked{Name: s.GetName(), Kind: ann["kind"].GetStringValue()}
	path := filepath.Join(dir, filepath.FromSlash(s.GetName()))
	sum, err := fileSHA256(path)
	if err != nil {
		c.Problem = fmt.Sprintf("%s %s: cannot be read: %v", c.Kind, c.Name, err)
		return c
	}
	var problems []string
	if want := s.GetDigest()["sha256"]; sum != want {
		problems = append(problems, fmt.Sprintf("%s %s changed since signing (sha256 signed %s, now %s)", c.Kind, c.Name, short(want), short(sum)))
	}
	if c.Kind == SubjectAudit {
		problems = append(problems, checkAudit(path, c.Name, ann["final_digest"].GetStringValue())...)
	}
	c.Problem = strings.Join(problems, "\n")
	return c
}

// checkAudit re-derives an audit log's chain and compares its final digest with the
// signed one: a log edited and re-chained has an intact chain and another final digest.
func checkAudit(path, name, want string) []string {
	sum, err := audit.Verify(path)
	switch {
	case err != nil:
		return []string{fmt.Sprintf("audit log %s: %v", name, err)}
	case want != "" && sum.Digest != want:
		return []string{fmt.Sprintf("audit log %s was re-chained: its chain is intact but ends in %s, not the signed final digest %s", name, short(sum.Digest), short(want))}
	}
	return nil
}

func short(hex string) string {
	if len(hex) > 12 {
		return hex[:12] + "…"
	}
	return hex
}
