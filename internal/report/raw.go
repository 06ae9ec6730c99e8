package report

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/drillhq/drill/internal/atomicfile"
	"github.com/drillhq/drill/internal/trial"
)

// RawSchemaVersion names the raw records file format.
const RawSchemaVersion = "drill.raw/v1"

type rawFile struct {
	Schema string      `json:"schema"`
	RunID  string      `json:"run_id"`
	Trials []trial.Raw `json:"trials"`
}

// WriteRaw stores the run's raw records, gzip-compressed JSON, at path and names the
// file in the results (so it must be called before Write). When the records were
// streamed there as the run went (StreamRaw), the file is already complete.
func (r *Results) WriteRaw(path string) error {
	if r.rawStreamed && r.RawFile == filepath.Base(path) {
		return nil
	}
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return fmt.Errorf("write raw records: %w", err)
	}
	defer f.Abort()
	zw := gzip.NewWriter(f)
	encErr := json.NewEncoder(zw).Encode(rawFile{Schema: RawSchemaVersion, RunID: r.RunID, Trials: r.Raw})
	if err := firstErr(encErr, zw.Close(), f.Commit()); err != nil {
		return fmt.Errorf("write raw records %s: %w", path, err)
	}
	r.RawFile = filepath.Base(path)
	return nil
}

// ReadRaw loads the raw records named by the results file at resultsPath.
func (r *Results) ReadRaw(resultsPath string) error {
	if r.RawFile == "" {
		return fmt.Errorf("read raw records: results %s name no raw file (written by an older drill?)", resultsPath)
	}
	path := filepath.Join(filepath.Dir(resultsPath), r.RawFile)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read raw records: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("read raw records %s: %w", path, err)
	}
	var raw rawFile
	if err := json.NewDecoder(zr).Decode(&raw); err != nil {
		return fmt.Errorf("read raw records %s: %w", path, err)
	}
	if raw.Schema != RawSchemaVersion || raw.RunID != r.RunID {
		return fmt.Errorf("read raw records %s: schema %q run %q, want %q run %q", path, raw.Schema, raw.RunID, RawSchemaVersion, r.RunID)
	}
	r.Raw = raw.Trials
	return nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
