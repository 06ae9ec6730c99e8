// Package gameday is drill's game-day console: when a manual or hybrid trigger's alert
// fires during `drill run --interactive`, it shows the evidence at the terminal and on a
// small local web page (with the drill's live status) and waits for a real operator to
// approve, reject or pause. The first answer from either place decides.
package gameday

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/trial"
)

// Choices an operator can make; pause holds the decision (its time still counts).
const (
	ChoiceApprove = rollback.ChoiceApprove
	ChoiceReject  = rollback.ChoiceReject
	ChoicePause   = "pause"
)

// Where an answer came from, recorded with the decision and in the audit log.
const (
	FromTerminal = "terminal"
	FromPage     = "page"
)

// ErrNoQuestion is returned by Answer when no alert waits for a decision.
var ErrNoQuestion = errors.New("answer alert: no alert is waiting for a decision")

// Console is an Operator (rollback.Operator) for game days, fed the drill's live status
// through Event and Probe. It is safe for concurrent use.
type Console struct {
	name string
	out  io.Writer
	rto  time.Duration

	mu      sync.Mutex
	status  Status
	faultAt time.Time
	asking  chan answer // non-nil while an alert waits: answers go here
	pausedT time.Time   // when the pending decision was paused (zero: not paused)
	secret  string      // the page's per-run secret (see Serve)
}

// answer is an operator's choice and where it was made.
type answer struct{ choice, from string }

// Status is the drill's live status as the web page shows it.
type Status struct {
	Trial    int    `json:"trial"`
	Phase    string `json:"phase"`
	Probes   int    `json:"probes"`
	Failures int    `json:"failures"`
	// ElapsedMs is the time since the change (t_fault) of the current trial; RTOMs the objective.
	ElapsedMs float64 `json:"elapsed_ms"`
	RTOMs     float64 `json:"rto_ms"`
	// Alert is the evidence of the alert waiting for a decision (nil: none waits).
	Alert *AlertView `json:"alert,omitempty"`
	// Paused says the waiting decision is paused.
	Paused bool `json:"paused"`
	// Decisions are the answers given so far in this run.
	Decisions []string `json:"decisions"`
	// Refused counts the requests the page refused (no secret, foreign Origin or Host):
	// a sign that someone other than the operator tried to read or steer the game day.
	Refused int `json:"refused"`
}

// AlertView is an alert as the page shows it.
type AlertView struct {
	Text      string    `json:"text"`
	ErrorRate float64   `json:"error_rate"`
	P95Ms     float64   `json:"p95_ms"`
	Since     time.Time `json:"since"`
	Raised    time.Time `json:"raised"`
}

// New returns a console that answers as operator name, writes to out (the terminal) and
// shows elapsed time against rto.
func New(name string, out io.Writer, rto time.Duration) *Console {
	return &Console{name: name, out: out, rto: rto, status: Status{Decisions: []string{}}, secret: newSecret()}
}

// Secret is the per-run secret every request to the page must carry (see Serve).
func (c *Console) Secret() string { return c.secret }

// Event updates the live status with a trial's event (runner OnEvent).
func (c *Console) Event(index int, e trial.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if index != c.status.Trial {
		c.status = Status{Trial: index, Decisions: c.status.Decisions, Refused: c.status.Refused}
		c.faultAt = time.Time{}
	}
	c.status.Phase = string(e.Name)
	if e.Name == trial.EventFault {
		c.faultAt = time.Now()
	}
}

// Probe counts a trial's probes for the live status.
func (c *Console) Probe(index int, r measure.ProbeResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if index != c.status.Trial {
		return
	}
	c.status.Probes++
	if !r.OK {
		c.status.Failures++
	}
}

// refused counts a request the page refused.
func (c *Console) refused() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.status.Refused++
}

// Status returns the live status.
func (c *Console) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.status
	s.Decisions = append([]string{}, s.Decisions...)
	if !c.faultAt.IsZero() {
		s.ElapsedMs = float64(time.Since(c.faultAt)) / float64(time.Millisecond)
	}
	s.RTOMs = float64(c.rto) / float64(time.Millisecond)
	s.Paused = !c.pausedT.IsZero()
	return s
}

// Ask implements rollback.Operator: it shows the alert and waits for approve or reject
// from the terminal or the page; pause holds the decision until one of them comes.
func (c *Console) Ask(ctx context.Context, a rollback.Alert) (rollback.Answer, error) {
	answers := make(chan answer, 1)
	c.mu.Lock()
	c.asking, c.pausedT = answers, time.Time{}
	c.status.Alert = &AlertView{Text: a.Text(), ErrorRate: a.ErrorRate, P95Ms: a.P95Ms, Since: a.Since, Raised: a.Raised}
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.asking, c.pausedT, c.status.Alert = nil, time.Time{}, nil
		c.mu.Unlock()
	}()
	c.printf("\nALERT %s\nroll back? [a]pprove / [r]eject / [p]ause > ", a.Text())
	var paused time.Duration
	var pausedAt time.Time
	for {
		select {
		case ans := <-answers:
			choice, now := ans.choice, time.Now()
			if choice == ChoicePause {
				if pausedAt.IsZero() {
					pausedAt = now
				}
				c.printf("paused: the service is still down; approve or reject when ready > ")
				continue
			}
			if !pausedAt.IsZero() {
				paused += now.Sub(pausedAt)
			}
			c.mu.Lock()
			c.status.Decisions = append(c.status.Decisions, fmt.Sprintf("trial %d: %s by %s at %s from the %s", a.Trial, choice, c.name, now.UTC().Format(time.RFC3339), ans.from))
			c.mu.Unlock()
			c.printf("%s by %s from the %s\n", choice, c.name, ans.from)
			return rollback.Answer{Choice: choice, Operator: c.name, Decided: now.UTC(), Paused: paused, From: ans.from}, nil
		case <-ctx.Done():
			c.printf("\nno answer: %v\n", ctx.Err())
			return rollback.Answer{Operator: c.name}, ctx.Err()
		}
	}
}

// Answer gives the waiting alert an answer (approve, reject or pause) made at from
// (FromTerminal or FromPage). It returns ErrNoQuestion when no alert waits.
func (c *Console) Answer(choice, from string) error {
	switch choice {
	case ChoiceApprove, ChoiceReject, ChoicePause:
	default:
		return fmt.Errorf("answer alert: unknown choice %q: approve, reject or pause", choice)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.asking == nil {
		return ErrNoQuestion
	}
	if choice == ChoicePause && c.pausedT.IsZero() {
		c.pausedT = time.Now()
	}
	select {
	case c.asking <- answer{choice: choice, from: from}:
		if choice != ChoicePause {
			c.asking = nil // the first answer decides
		}
		return nil
	default:
		return errors.New("answer alert: an answer is already being taken")
	}
}

func (c *Console) printf(format string, args ...any) {
	if c.out != nil {
		_, _ = fmt.Fprintf(c.out, format, args...)
	}
}
