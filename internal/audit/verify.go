package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// ErrTampered matches (errors.Is) every error Verify returns for a log whose content
// breaks the chain, as opposed to a log that could not be read.
var ErrTampered = errors.New("audit log tampered")

// TamperError names the first offending line of a log and, when it could be read,
// the entry's seq.
type TamperError struct {
	Line   int    // 1-based line number in the file
	Seq    int64  // seq the line carries; 0 when the line could not be parsed
	Reason string // one line: what is wrong and what it means
}

func (e *TamperError) Error() string {
	if e.Seq == 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	}
	return fmt.Sprintf("entry seq %d at line %d: %s", e.Seq, e.Line, e.Reason)
}

// Is makes errors.Is(err, ErrTampered) true.
func (e *TamperError) Is(target error) bool { return target == ErrTampered }

// Summary describes a log whose chain verified.
type Summary struct {
	Entries    int
	First      time.Time // time of the first entry
	Last       time.Time // time of the last entry
	LastAction string    // "run_end" when the run finished writing its log
	Digest     string    // hash of the last entry: compare with the digest a report carries
}

// Finished reports whether the log ends with the run's run_end entry. An intact chain
// without it is the log of a run that never finished (killed outright, or still
// running): every entry it has is genuine, but it does not tell the whole run, and its
// digest is not one a report carries.
func (s Summary) Finished() bool { return s.LastAction == ActionRunEnd }

// Unfinished returns an error matching ErrUnfinished when the log has no run_end
// entry, naming its last entry; nil for a finished run's log.
func (s Summary) Unfinished() error {
	if s.Finished() {
		return nil
	}
	return fmt.Errorf("%w: chain intact through %d entries but no %s entry (last: %q at %s) — the run was killed or is still running; its log does not cover the whole run",
		ErrUnfinished, s.Entries, ActionRunEnd, s.LastAction, s.Last.Format(time.RFC3339Nano))
}

// ErrUnfinished matches (errors.Is) Summary.Unfinished's error: a log whose chain is
// intact but that has no run_end entry. It is never ErrTampered.
var ErrUnfinished = errors.New("unfinished run")

// record is one raw line of the file.
type record struct {
	n          int    // line number
	raw        []byte // without the newline
	terminated bool   // ended in "\n"
	entry      Entry
	err        error // parse error
}

// Verify reads the log at path and re-derives its hash chain. It returns a
// *TamperError (matching ErrTampered) naming the first line that is torn, unparsable,
// not canonical, modified, removed-after, out of order or appended after the run_end
// entry (a second run_end included), and any other error when the
// file cannot be read. A log with no entries does not verify. An intact chain verifies
// whether or not the run finished: ask Summary.Unfinished before calling the log whole.
func Verify(path string) (Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return Summary{}, fmt.Errorf("verify audit log: %w", err)
	}
	defer f.Close()
	recs, err := readRecords(f)
	if err != nil {
		return Summary{}, fmt.Errorf("verify audit log: %w", err)
	}
	if len(recs) == 0 {
		return Summary{}, &TamperError{Line: 1, Reason: "log has no entries (expected seq 1) — it was emptied or never written"}
	}
	bySeq := map[int64]int{} // seq → first line carrying it, to tell reordering from removal
	for _, r := range recs {
		if r.err == nil {
			if _, dup := bySeq[r.entry.Seq]; !dup {
				bySeq[r.entry.Seq] = r.n
			}
		}
	}
	prev := GenesisPrev
	ended := 0 // line of the run_end entry, 0 before it
	for i, r := range recs {
		want := int64(i + 1)
		if err := check(r, want, prev, bySeq); err != nil {
			return Summary{}, err
		}
		if ended > 0 {
			return Summary{}, &TamperError{Line: r.n, Seq: r.entry.Seq, Reason: fmt.Sprintf(
				"%q entry after the run's %s at line %d — a run's log ends with its run_end, so this entry (chained after it) was appended later", r.entry.Action, ActionRunEnd, ended)}
		}
		if r.entry.Action == ActionRunEnd {
			ended = r.n
		}
		prev = r.entry.Hash
	}
	last := recs[len(recs)-1].entry
	return Summary{
		Entries:    len(recs),
		First:      recs[0].entry.Time,
		Last:       last.Time,
		LastAction: last.Action,
		Digest:     last.Hash,
	}, nil
}

func readRecords(r io.Reader) ([]record, error) {
	br := bufio.NewReader(r)
	var recs []record
	for n := 1; ; n++ {
		b, err := br.ReadBytes('\n')
		if len(b) > 0 {
			rec := record{n: n, raw: bytes.TrimSuffix(b, []byte("\n")), terminated: b[len(b)-1] == '\n'}
			rec.entry, rec.err = parse(rec.raw)
			recs = append(recs, rec)
		}
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func parse(raw []byte) (Entry, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return Entry{}, errors.New("empty line")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var e Entry
	if err := dec.Decode(&e); err != nil {
		return Entry{}, err
	}
	if dec.More() {
		return Entry{}, errors.New("data after the entry's object")
	}
	return e, nil
}

// check verifies one record as the entry with seq want following the hash prev.
func check(r record, want int64, prev string, bySeq map[int64]int) error {
	e := r.entry
	tamper := func(format string, args ...any) error {
		return &TamperError{Line: r.n, Seq: e.Seq, Reason: fmt.Sprintf(format, args...)}
	}
	if !r.terminated {
		if r.err != nil {
			e.Seq = 0
		}
		return tamper("last line is truncated (no newline; expected seq %d) — the log was cut or torn mid-write", want)
	}
	if r.err != nil {
		return &TamperError{Line: r.n, Reason: fmt.Sprintf("unparsable entry (expected seq %d): %v", want, r.err)}
	}
	if name, off := e.Time.Zone(); name != "UTC" || off != 0 {
		return tamper("time %s is not UTC — the entry was not written by drill", e.Time.Format(time.RFC3339Nano))
	}
	canon, err := e.canonical()
	if err != nil {
		return tamper("%v", err)
	}
	if !bytes.Equal(line(canon, e.Hash), append(bytes.Clone(r.raw), '\n')) {
		return tamper("not in canonical form (members, order, spacing or escaping changed) — the line was rewritten")
	}
	if sum(canon) != e.Hash {
		return tamper("hash mismatch — the entry was modified after it was written")
	}
	prevOK := e.Prev == prev
	switch {
	case e.Seq > want:
		if at, ok := bySeq[want]; ok {
			return tamper("out of order: expected seq %d here, found at line %d — entries were reordered", want, at)
		}
		if want == 1 {
			return tamper("expected seq 1 and prev of %d zeros, seq 1 is missing — the first entry was removed", len(GenesisPrev))
		}
		return tamper("prev %s entry seq %d and seq %d is missing — an entry was removed", matchWord(prevOK), want-1, want)
	case e.Seq < want:
		return tamper("out of order: expected seq %d, seq %d comes after a later entry — entries were reordered or duplicated", want, e.Seq)
	case !prevOK && want == 1:
		return tamper("prev is not %d zeros for the first entry — the chain start was rewritten", len(GenesisPrev))
	case !prevOK:
		return tamper("prev does not match entry seq %d — entry seq %d was rewritten with a new hash, or entries were removed and renumbered", want-1, want-1)
	}
	return nil
}

func matchWord(ok bool) string {
	if ok {
		return "matches"
	}
	return "does not match"
}
