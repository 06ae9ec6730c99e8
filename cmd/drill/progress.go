package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/drillhq/drill"
	"github.com/drillhq/drill/internal/trial"
)

// progress reports a run on stderr: on a terminal, one status line kept up to date
// (trial i of N, its phase, elapsed time, ETA) above which each finished trial is
// printed; elsewhere (CI logs, pipes) plain lines, one per phase change and per trial.
type progress struct {
	w        io.Writer
	name     string
	total    int
	quiet    bool
	tty      bool
	start    time.Time
	mu       sync.Mutex
	finished int
	status   string
}

// phases names what a trial is doing after each of its events.
var phases = map[trial.EventName]string{
	trial.EventStackUp:       "warm-up (steady state must hold)",
	trial.EventFault:         "change made, watching the trigger",
	trial.EventDetect:        "trigger fired",
	trial.EventRollbackStart: "rolling back",
	trial.EventRollbackEnd:   "waiting for recovery",
	trial.EventFinalRead:     "verifying",
}

func newProgress(w io.Writer, name string, total int, quiet bool) *progress {
	return &progress{w: w, name: name, total: total, quiet: quiet, tty: isTerminal(w), start: time.Now()}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (p *progress) event(e drill.Event) {
	if p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		if phase, ok := phases[trial.EventName(e.Name)]; ok {
			p.status = fmt.Sprintf("%s  trial %d/%d  %s  %s", p.name, e.Trial, p.total, phase, p.clock())
			fmt.Fprintf(p.w, "\r\033[K%s", p.status)
		}
		return
	}
	switch trial.EventName(e.Name) {
	case trial.EventFault, trial.EventDetect, trial.EventRollbackStart, trial.EventFaultApplied, trial.EventFaultError:
		fmt.Fprintf(p.w, "  trial %d  %-14s at %s  %s\n", e.Trial, e.Name, short(e.At), e.Detail)
	}
}

func (p *progress) trial(r drill.Trial) {
	if p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finished++
	line := fmt.Sprintf("%s trial %d/%d: %s", p.name, r.Index, p.total, r.Outcome)
	if r.Has["rtc"] {
		line += fmt.Sprintf("  RTC %s (TTD %s, TTR %s)", short(r.RTC), measured(r, "ttd", r.TTD), measured(r, "ttr", r.TTR))
	}
	if r.Has["rpc"] {
		line += fmt.Sprintf("  RPC %s, lost %d of %d acked", short(r.RPC), len(r.Lost), r.Acked)
	}
	if r.Stack == "reused" {
		line += fmt.Sprintf("  (reused stack, set up in %s)", short(r.Setup))
	}
	if r.ResetError != "" {
		line += "  (new stack: reset failed: " + r.ResetError + ")"
	}
	if r.Error != "" {
		line += "  error: " + r.Error
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s\n", line)
		return
	}
	fmt.Fprintf(p.w, "%s  [%s]\n", line, p.clock())
}

// short rounds a measure to the 0.1 ms the reports show.
func short(d time.Duration) string { return d.Round(100 * time.Microsecond).String() }

// measured is the named measure of the trial, or "–" when it was not measured.
func measured(r drill.Trial, name string, d time.Duration) string {
	if !r.Has[name] {
		return "–"
	}
	return short(d)
}

// done clears the status line before the summary is printed.
func (p *progress) done() {
	if p.tty && !p.quiet {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// clock says how long the run has taken and, from the mean trial so far, how long the
// rest should take.
func (p *progress) clock() string {
	elapsed := time.Since(p.start)
	s := fmt.Sprintf("%s elapsed", elapsed.Round(time.Second))
	if p.finished > 0 && p.finished < p.total {
		eta := elapsed / time.Duration(p.finished) * time.Duration(p.total-p.finished)
		s += fmt.Sprintf(", ETA %s", eta.Round(time.Second))
	}
	return s
}
