package runner

import (
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/trial"
)

// rawSink keeps each trial's raw records as the trial ends: streamed to the run's raw
// file when it has one, so the run holds no trial's records afterwards and its memory
// stays flat in the number of trials; else in the results, for the caller to write.
type rawSink struct {
	res    *report.Results
	stream *report.RawStream
	err    error
}

// openRawSink starts the raw file at path ("" keeps the records in res.Raw).
func openRawSink(res *report.Results, path string) (*rawSink, error) {
	s := &rawSink{res: res}
	if path == "" {
		return s, nil
	}
	var err error
	s.stream, err = res.StreamRaw(path)
	return s, err
}

// add keeps one trial's records; the first write error is kept for close and later
// trials still run (their results are still worth having).
func (s *rawSink) add(raw trial.Raw) {
	if s.stream == nil {
		s.res.Raw = append(s.res.Raw, raw)
		return
	}
	if err := s.stream.Add(raw); err != nil && s.err == nil {
		s.err = err
	}
}

// close completes the raw file and reports the first error met writing it.
func (s *rawSink) close() error {
	if s.stream == nil {
		return nil
	}
	if err := s.stream.Close(); err != nil && s.err == nil {
		s.err = err
	}
	return s.err
}
