package audit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// ErrClosed is returned by Append after Close.
var ErrClosed = errors.New("audit log is closed")

// Option configures a Log.
type Option func(*config)

type config struct {
	now func() time.Time
}

// WithClock sets the clock stamping entries (time.Now by default), so tests get
// deterministic times. Times are always recorded in UTC.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// Log is an append-only audit log file being written by one run. It is safe for
// concurrent use: entries are sequenced, chained and written one at a time.
type Log struct {
	mu     sync.Mutex
	f      *os.File
	now    func() time.Time
	seq    int64
	head   string // hash of the last entry written, GenesisPrev before the first
	broken error  // set when a write failed: the file may hold a torn line
	ended  bool   // run_end was written: the log takes no further entry
}

// Create creates a new audit log at path. It fails if path exists: a log is never
// rewritten or reopened, so an existing trail cannot be replaced by a fresh one.
func Create(path string, opts ...Option) (*Log, error) {
	c := config{now: time.Now}
	for _, o := range opts {
		o(&c)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create audit log: %w", err)
	}
	syncDir(filepath.Dir(path))
	return &Log{f: f, now: c.now, head: GenesisPrev}, nil
}

// syncDir makes the new file's directory entry durable; best effort, since some
// filesystems refuse fsync on directories.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// Append stamps e with the next seq, the current UTC time, the previous entry's hash
// and its own hash, then writes it as one line in a single write and fsyncs. After a
// failed write the log refuses further entries: the chain may end in a torn line. So it
// does after run_end: a run's log ends there.
func (l *Log) Append(e Entry) error {
	if err := e.validate(); err != nil {
		return fmt.Errorf("append audit entry: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return fmt.Errorf("append audit entry: %w", ErrClosed)
	}
	if l.broken != nil {
		return fmt.Errorf("append audit entry: log unusable after earlier failure: %w", l.broken)
	}
	if l.ended {
		return fmt.Errorf("append audit entry %s: the log ended with %s (Verify would reject the entry)", e.Action, ActionRunEnd)
	}
	e.Seq = l.seq + 1
	e.Time = l.now().UTC().Round(0)
	e.Prev = l.head
	canon, err := e.canonical()
	if err != nil {
		return fmt.Errorf("append audit entry: %w", err)
	}
	e.Hash = sum(canon)
	if _, err := l.f.Write(line(canon, e.Hash)); err != nil {
		l.broken = err
		return fmt.Errorf("append audit entry: %w", err)
	}
	if err := l.f.Sync(); err != nil {
		l.broken = err
		return fmt.Errorf("append audit entry: sync: %w", err)
	}
	l.seq, l.head, l.ended = e.Seq, e.Hash, e.Action == ActionRunEnd
	return nil
}

// Digest returns the hash of the last entry appended, the run's final digest that
// reports carry; GenesisPrev before the first entry.
func (l *Log) Digest() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.head
}

// Close closes the file. Closing twice is not an error.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	if err != nil {
		return fmt.Errorf("close audit log: %w", err)
	}
	return nil
}
