package drill

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/drillhq/drill/internal/kinds"
	"github.com/drillhq/drill/internal/runner"
	"github.com/drillhq/drill/internal/runtimes"
	"github.com/drillhq/drill/internal/scenario"
)

// MaxTrials bounds a run's trials: past every bound the statistics need (p99 at 95%
// needs 299 trials) and already hours of a machine; more belongs in several runs.
const MaxTrials = scenario.MaxTrials

// Option configures Run. An option that cannot apply returns an error, and Run returns
// every such error before starting anything.
type Option func(*options) error

type options struct {
	trials    int
	seed      int64
	runtime   string
	keepRaw   bool
	file      string
	log       io.Writer
	onTrial   func(Trial)
	onEvent   func(Event)
	auditPath string
	logDir    string
	runID     string
	parallel  int
	rawPath   string
	gameDay   *GameDay
	// kinds are the registries the run builds its scenario from: the built-in kinds
	// and those the options added.
	kinds *kinds.Kinds
}

// newOptions applies opts over the defaults, returning every option's error at once.
func newOptions(opts []Option) (*options, error) {
	o := &options{runtime: "auto", log: io.Discard, kinds: kinds.Default()}
	var errs []error
	for _, opt := range opts {
		if opt == nil {
			errs = append(errs, errors.New("nil option"))
			continue
		}
		if err := opt(o); err != nil {
			errs = append(errs, err)
		}
	}
	return o, errors.Join(errs...)
}

// WithTrials runs n trials instead of the scenario's own count; n must be from 1 to
// MaxTrials.
func WithTrials(n int) Option {
	return func(o *options) error {
		if n < 1 || n > MaxTrials {
			return fmt.Errorf("with trials %d: must be from 1 to %d", n, MaxTrials)
		}
		o.trials = n
		return nil
	}
}

// WithSeed fixes the seed every random choice derives from (recorded in the Result),
// so a run can be repeated exactly.
func WithSeed(seed int64) Option {
	return func(o *options) error { o.seed = seed; return nil }
}

// WithRuntime picks the runtime by name: "auto" (the default: the first available of the
// registered runtimes that can run the stack, docker where an engine answers, else
// process, and external for a stack of services drill did not start) or a registered
// runtime's name (internal/runtimes lists them).
func WithRuntime(name string) Option {
	return func(o *options) error {
		if reg := runtimes.Default(); !reg.Valid(name) {
			return fmt.Errorf("with runtime %q: unknown runtime (%s)", name, reg.Choices())
		}
		o.runtime = name
		return nil
	}
}

// WithRawRecords keeps every probe and workload operation, so Result.WriteFiles also
// writes what drill check re-derives the measures from.
func WithRawRecords() Option {
	return func(o *options) error { o.keepRaw = true; return nil }
}

// WithFile records the scenario's file name and hash in the Result.
func WithFile(path string) Option {
	return func(o *options) error {
		if path == "" {
			return errors.New("with file: empty path")
		}
		o.file = path
		return nil
	}
}

// WithLog writes the runtime choice and cleanup notes to w (default: nowhere), e.g.
// GinkgoWriter.
func WithLog(w io.Writer) Option {
	return func(o *options) error {
		if w == nil {
			return errors.New("with log: nil writer (use io.Discard for none)")
		}
		o.log = w
		return nil
	}
}

// WithAuditLog writes the run's hash-chained audit log to path (which must not exist)
// and records its final digest in the Result.
func WithAuditLog(path string) Option {
	return func(o *options) error {
		if path == "" {
			return errors.New("with audit log: empty path")
		}
		o.auditPath = path
		return nil
	}
}

// OnTrial calls f after each trial, e.g. to log progress in a test.
func OnTrial(f func(Trial)) Option {
	return func(o *options) error {
		if f == nil {
			return errors.New("on trial: nil function")
		}
		o.onTrial = f
		return nil
	}
}

// OnEvent calls f for each event of each trial as it happens (the change made, the
// trigger fired, the rollback started...), e.g. to show progress.
func OnEvent(f func(Event)) Option {
	return func(o *options) error {
		if f == nil {
			return errors.New("on event: nil function")
		}
		o.onEvent = f
		return nil
	}
}

// WithRunID names the run (default: a fresh NewRunID), e.g. to name its files before
// it starts. It must be a single path element: letters, digits, '-', '_' or '.'.
func WithRunID(id string) Option {
	return func(o *options) error {
		if id == "" || id == "." || id == ".." || strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != "" {
			return fmt.Errorf("with run id %q: use letters, digits, '-', '_' or '.'", id)
		}
		o.runID = id
		return nil
	}
}

// NewRunID returns a fresh run id: the UTC start time and a random suffix, sortable.
func NewRunID() string { return runner.NewRunID() }

// WithParallel runs up to n trials at once, each on its own stack (default 1: one after
// another). Each trial records how late its probes ran, so a machine too busy for n
// shows in the report as timing error.
func WithParallel(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return fmt.Errorf("with parallel %d: must be at least 1 (1 runs the trials one after another)", n)
		}
		o.parallel = n
		return nil
	}
}

// WithServiceLogs keeps the output of every service instance in files under
// dir/trial-<i>, so a failed start or a crash can be read after the run (the process
// runtime; docker keeps its container logs).
func WithServiceLogs(dir string) Option {
	return func(o *options) error {
		if dir == "" {
			return errors.New("with service logs: empty directory")
		}
		o.logDir = dir
		return nil
	}
}

// WithRawFile streams every trial's raw records (probes, writes, final read) to path as
// the trial ends, so memory stays flat in the number of trials; Result.WriteFiles with
// the base of the same path then leaves it as it is.
func WithRawFile(path string) Option {
	return func(o *options) error {
		if path == "" {
			return errors.New("with raw file: empty path")
		}
		o.rawPath = path
		return nil
	}
}
