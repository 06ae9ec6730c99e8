package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/drillhq/drill/internal/atomicfile"
	"github.com/drillhq/drill/internal/evidence"
	"github.com/drillhq/drill/internal/oscal"
	"github.com/drillhq/drill/internal/report"
)

const (
	evidenceUsage = "evidence: usage: drill evidence DIR... [--quarter 2026Q4 | --since 2026-10-01 --until 2026-12-31 | --run ID] [--config evidence.yaml] [--findings FILE] [--key FILE] [--out DIR]"
	keygenUsage   = "keygen: usage: drill keygen --out PREFIX"
	verifyUsage   = "verify: usage: drill verify --key PUB.pem BUNDLE.intoto.jsonl"
)

// cmdEvidence handles `drill evidence DIR...`: the evidence pack of a period's runs
// (default: the quarter of the latest run), or of one run (--run) as JSON, with the findings file the team
// edits, the OSCAL assessment-results export and the human page (HTML and Markdown); with --key (or $DRILL_EVIDENCE_KEY) also the signed bundle that drill verify
// checks. It exits 0 whatever the runs' verdicts, 2 on invalid input, 4 when a file
// cannot be read or written.
func cmdEvidence(ctx context.Context, args []string, stdout io.Writer) error {
	fset := flag.NewFlagSet("evidence", flag.ContinueOnError)
	quarter := fset.String("quarter", "", "UTC calendar quarter, e.g. 2026Q4")
	since := fset.String("since", "", "first day of the period (YYYY-MM-DD, UTC)")
	until := fset.String("until", "", "last day of the period (YYYY-MM-DD, UTC, inclusive)")
	config := fset.String("config", "", "evidence config: organisation, system, bia_ref, approver, participants, scope (docs/evidence.md)")
	findingsFile := fset.String("findings", "", "the findings file to read back and update (default: drill-findings.yaml in --out)")
	keyFile := fset.String("key", "", "ed25519 private key (drill keygen) to sign the pack with; default $"+evidence.KeyEnv+" when set")
	runID := fset.String("run", "", "one run's pack instead of a period's: its run id")
	out := fset.String("out", "", "directory for the pack (default: the first DIR)")
	dirs, err := parse(fset, args)
	if err != nil {
		return err
	}
	if len(dirs) == 0 {
		return withCode(exitConfig, errors.New(evidenceUsage))
	}
	period, explicit, err := reportPeriod(*quarter, *since, *until)
	if err != nil {
		return err
	}
	opts := evidence.Options{Version: version, At: time.Now()}
	if *config != "" {
		if opts.Config, err = evidence.ReadConfig(*config); err != nil {
			return withCode(exitConfig, err)
		}
	}
	files, err := readRunFiles(ctx, dirs, stdout)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return withCode(exitConfig, fmt.Errorf("evidence: no results files in %s", dirs))
	}
	dir := cmp.Or(*out, dirs[0])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return withCode(exitInfra, fmt.Errorf("make output directory: %w", err))
	}
	findingsPath := cmp.Or(*findingsFile, filepath.Join(dir, "drill-findings.yaml"))
	if opts.Findings, err = evidence.ReadFindings(findingsPath); err != nil {
		return withCode(exitConfig, err)
	}
	inputs, err := evidenceInputs(dir, files)
	if err != nil {
		return err
	}
	name := ""
	switch {
	case *runID != "":
		if explicit {
			return withCode(exitConfig, errors.New("evidence: give --run or a period, not both"))
		}
		if period, inputs, err = runPeriod(*runID, inputs); err != nil {
			return err
		}
		name = "drill-evidence-" + *runID
	case !explicit:
		runs := make([]*report.Results, len(files))
		for i, f := range files {
			runs[i] = f.res
		}
		period = report.QuarterOf(latest(runs))
	}
	opts.Period = period
	opts.BinarySHA256 = selfSHA256()
	name = cmp.Or(name, "drill-evidence-"+period.FileLabel())
	return writeEvidence(ctx, dir, name, findingsPath, *keyFile, evidence.Build(inputs, opts), stdout)
}

// runPeriod keeps the input of run id alone, with the days it ran as the period.
func runPeriod(id string, inputs []evidence.Input) (report.Period, []evidence.Input, error) {
	for _, in := range inputs {
		if r := in.Results; r.RunID == id {
			p, err := report.ParseRange(r.Started.UTC().Format(time.DateOnly), r.Finished.UTC().Format(time.DateOnly))
			if err != nil {
				return p, nil, withCode(exitConfig, fmt.Errorf("evidence: run %s: %w", id, err))
			}
			p.Label = "run " + id
			return p, []evidence.Input{in}, nil
		}
	}
	return report.Period{}, nil, withCode(exitConfig, fmt.Errorf("evidence: no run %q in the results files read", id))
}

// evidenceInputs pins each results file by digest, named relative to the pack's
// directory.
func evidenceInputs(dir string, files []runFile) ([]evidence.Input, error) {
	var inputs []evidence.Input
	for _, f := range files {
		in, err := evidence.NewInput(dir, f.path, f.sha256, f.res)
		if err != nil {
			return nil, withCode(exitInfra, fmt.Errorf("evidence: %w", err))
		}
		inputs = append(inputs, in)
	}
	return inputs, nil
}

// selfSHA256 is the digest of the running drill binary ("" when it cannot be read).
func selfSHA256() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	b, err := os.ReadFile(exe)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// writeEvidence writes the pack, the findings file and, with a key, the signed bundle.
func writeEvidence(ctx context.Context, dir, name, findingsPath, keyFile string, p *evidence.Pack, stdout io.Writer) error {
	packFile := name + ".json"
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return withCode(exitInfra, fmt.Errorf("evidence: %w", err))
	}
	if err := atomicfile.Write(filepath.Join(dir, packFile), append(b, '\n'), 0o644); err != nil {
		return withCode(exitInfra, fmt.Errorf("evidence: %w", err))
	}
	if err := evidence.WriteFindings(findingsPath, p.Findings); err != nil {
		return withCode(exitInfra, err)
	}
	doc, err := oscal.Export(p)
	if err != nil {
		return withCode(exitInfra, err)
	}
	oscalFile := filepath.Join(dir, name+".oscal.json")
	if err := atomicfile.Write(oscalFile, doc, 0o644); err != nil {
		return withCode(exitInfra, fmt.Errorf("evidence: %w", err))
	}
	fmt.Fprintf(stdout, "Evidence %s: %d runs, verdict %s, %d findings, %d required fields missing\n", p.Period.Label, len(p.Runs), p.Verdict, len(p.Findings), len(p.Missing))
	for _, m := range p.Missing {
		fmt.Fprintf(stdout, "  missing %s (%s): %s\n", m.Field, m.Clauses[0], m.Reason)
	}
	fmt.Fprintf(stdout, "Pack:     %s\nFindings: %s\nOSCAL:    %s\n", filepath.Join(dir, packFile), findingsPath, oscalFile)
	key, sig, err := evidenceKey(keyFile, name)
	if err != nil {
		return err
	}
	// The pages say who signs and which statement covers them, known before signing,
	// so that they are subjects of the statement like every other file of the pack.
	pages := []string{name + ".html", name + ".md"}
	for i, render := range []func(io.Writer, *evidence.Pack, evidence.Signature) error{evidence.HTML, evidence.Markdown} {
		var b bytes.Buffer
		if err := render(&b, p, sig); err != nil {
			return withCode(exitInfra, err)
		}
		if err := atomicfile.Write(filepath.Join(dir, pages[i]), b.Bytes(), 0o644); err != nil {
			return withCode(exitInfra, fmt.Errorf("evidence: %w", err))
		}
	}
	fmt.Fprintf(stdout, "Page:     %s (and .md)\n", filepath.Join(dir, pages[0]))
	if key == nil {
		fmt.Fprintln(stdout, "Unsigned: give --key (drill keygen) to sign it")
		return nil
	}
	derived := append([]string{name + ".oscal.json"}, pages...)
	if err := evidence.Sign(ctx, dir, packFile, derived, p, key, filepath.Join(dir, sig.Bundle)); err != nil {
		return withCode(exitInfra, err)
	}
	fmt.Fprintf(stdout, "Signed:   %s (the pack, OSCAL, both pages, results and audit logs)\n", filepath.Join(dir, sig.Bundle))
	return nil
}

// evidenceKey reads the signing key from keyFile or $DRILL_EVIDENCE_KEY and names the
// bundle it will sign; with neither it returns a nil key and the zero Signature.
func evidenceKey(keyFile, name string) (ed25519.PrivateKey, evidence.Signature, error) {
	if keyFile == "" && os.Getenv(evidence.KeyEnv) == "" {
		return nil, evidence.Signature{}, nil
	}
	key, err := evidence.ReadPrivateKey(keyFile)
	if err != nil {
		return nil, evidence.Signature{}, withCode(exitConfig, err)
	}
	sig := evidence.Signature{Bundle: name + ".intoto.jsonl"}
	if sig.KeyID, err = evidence.KeyID(key); err != nil {
		return nil, evidence.Signature{}, withCode(exitConfig, err)
	}
	return key, sig, nil
}

// cmdKeygen handles `drill keygen --out PREFIX`: a new ed25519 key pair for signing
// evidence, PREFIX.key (keep it secret) and PREFIX.pub (give it to the auditor).
func cmdKeygen(args []string, stdout io.Writer) error {
	fset := flag.NewFlagSet("keygen", flag.ContinueOnError)
	out := fset.String("out", "", "path prefix of the key files: PREFIX.key and PREFIX.pub")
	rest, err := parse(fset, args)
	if err != nil {
		return err
	}
	if *out == "" || len(rest) > 0 {
		return withCode(exitConfig, errors.New(keygenUsage))
	}
	priv, pub, err := evidence.GenerateKey(*out)
	if err != nil {
		return withCode(exitConfig, err)
	}
	fmt.Fprintf(stdout, "Private key: %s (keep it secret; drill evidence --key)\nPublic key:  %s (drill verify --key)\n", priv, pub)
	return nil
}

// cmdVerify handles `drill verify --key PUB BUNDLE`: it checks the bundle's signatures,
// every subject's digest and every audit log's chain and final digest, offline. It
// exits 0 when all hold, 1 naming each thing that changed, 2 on usage, 4 when the
// bundle or key cannot be read.
func cmdVerify(ctx context.Context, args []string, stdout io.Writer) error {
	fset := flag.NewFlagSet("verify", flag.ContinueOnError)
	keyFile := fset.String("key", "", "the signer's ed25519 public key (drill keygen's PREFIX.pub)")
	files, err := parse(fset, args)
	if err != nil {
		return err
	}
	if *keyFile == "" || len(files) != 1 {
		return withCode(exitConfig, errors.New(verifyUsage))
	}
	pub, err := evidence.ReadPublicKey(*keyFile)
	if err != nil {
		return withCode(exitConfig, err)
	}
	v, err := evidence.Verify(ctx, files[0], pub)
	switch {
	case errors.Is(err, evidence.ErrNotVerified):
		return withCode(exitFail, fmt.Errorf("verify: FAILED: %w", err))
	case err != nil:
		return withCode(exitInfra, fmt.Errorf("verify: %w", err))
	}
	fmt.Fprintf(stdout, "%s: ok, %d statements signed by %s, %d subjects as signed, audit chains intact\n", files[0], len(v.Statements), *keyFile, len(v.Subjects))
	return nil
}
