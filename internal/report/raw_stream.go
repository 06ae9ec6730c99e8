package report

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/drillhq/drill/internal/atomicfile"
	"github.com/drillhq/drill/internal/trial"
)

// RawStream writes a run's raw records file one trial at a time, as the run goes, so a
// run holds no trial's raw records after the trial ended: memory stays flat however many
// trials run. The file is the one WriteRaw writes (ReadRaw and drill check read it): it
// appears at its path, whole, once Close returned (until then it is a hidden temp file
// beside it), never truncated.
type RawStream struct {
	f    *atomicfile.File
	zw   *gzip.Writer
	bw   *bufio.Writer
	n    int
	path string
}

// StreamRaw starts the raw records file at path and names it in the results; WriteRaw
// then has nothing left to write. Add each trial's records, then Close.
func (r *Results) StreamRaw(path string) (*RawStream, error) {
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return nil, fmt.Errorf("stream raw records: %w", err)
	}
	s := &RawStream{f: f, zw: gzip.NewWriter(f), path: path}
	s.bw = bufio.NewWriterSize(s.zw, 64<<10)
	head, _ := json.Marshal(RawSchemaVersion)
	id, _ := json.Marshal(r.RunID)
	if _, err := fmt.Fprintf(s.bw, `{"schema":%s,"run_id":%s,"trials":[`, head, id); err != nil {
		f.Abort()
		return nil, fmt.Errorf("stream raw records %s: %w", path, err)
	}
	r.RawFile, r.rawStreamed = filepath.Base(path), true
	return s, nil
}

// Add appends one trial's raw records.
func (s *RawStream) Add(raw trial.Raw) error {
	b, err := json.Marshal(raw)
	if err != nil {
		return fmt.Errorf("stream raw records of trial %d: %w", raw.Index, err)
	}
	if s.n > 0 {
		b = append([]byte{','}, b...)
	}
	if _, err := s.bw.Write(b); err != nil {
		return fmt.Errorf("stream raw records %s: %w", s.path, err)
	}
	s.n++
	return nil
}

// Close ends the file; the records of every trial added are then readable.
func (s *RawStream) Close() error {
	_, err := s.bw.WriteString("]}\n")
	if err := firstErr(err, s.bw.Flush(), s.zw.Close(), s.f.Commit()); err != nil {
		return fmt.Errorf("stream raw records %s: %w", s.path, err)
	}
	return nil
}
