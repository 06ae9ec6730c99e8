package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/drillhq/drill/internal/kinds"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/scenario"
)

// NewInput pins the results file at path, holding r decoded from bytes whose SHA-256
// is sum (report.Decode), named relative to packDir; it notes whether the run's audit
// log is beside it, and reads the scenario file the run names when it is still there
// with the digest the run recorded.
func NewInput(packDir, path, sum string, r *report.Results) (Input, error) {
	rel, err := relTo(packDir, path)
	if err != nil {
		return Input{}, fmt.Errorf("name results file: %w", err)
	}
	in := Input{Path: rel, SHA256: sum, Results: r, Scenario: scenarioOf(r.Scenario, filepath.Dir(path))}
	if a := r.Audit; a != nil {
		_, err := os.Stat(filepath.Join(filepath.Dir(path), a.File))
		in.AuditFound = err == nil
	}
	return in, nil
}

// relTo names path relative to dir, slash-separated, as the signed statement does.
func relTo(dir, path string) (string, error) {
	ad, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	ap, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(ad, ap)
	if err != nil {
		return "", err
	}
	return filepath.ToSlash(rel), nil
}

// scenarioOf is the run's scenario when its file is still there with the digest the run
// recorded and it parses with drill's built-in kinds; nil otherwise (the pack then names
// the conditions as missing).
// A relative file name is the one the run was given, from where drill ran: it is
// looked for from here, then from the results file's directory and the one above it
// (runs/ beside scenarios/).
func scenarioOf(ref report.ScenarioRef, resultsDir string) *scenario.Scenario {
	places := []string{ref.File}
	if !filepath.IsAbs(ref.File) {
		places = append(places, filepath.Join(resultsDir, ref.File), filepath.Join(resultsDir, "..", ref.File))
	}
	for _, file := range places {
		b, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != ref.SHA256 {
			continue
		}
		if sc, err := scenario.Parse(ref.File, b, scenario.WithWorkloads(kinds.Default().Workloads)); err == nil {
			return sc
		}
	}
	return nil
}
