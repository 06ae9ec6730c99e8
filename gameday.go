package drill

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/user"

	"github.com/drillhq/drill/internal/gameday"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/rollback"
	"github.com/drillhq/drill/internal/runner"
	"github.com/drillhq/drill/internal/trial"
)

// GameDay makes a run a game day: the decision of a manual or hybrid trigger is a real
// operator's. When the alert fires drill shows its evidence on Out and on a local web
// page (127.0.0.1, a random port, printed on Out) with the drill's live status, and
// waits for approve, reject or pause from In or the page. Who answered and when goes
// into the audit log and the results.
type GameDay struct {
	// Operator names who answers (default: the OS user).
	Operator string
	// In is where the operator types answers (nil: the page only), read line by line
	// until the run ends (a line that arrives after it is consumed unanswered, so give
	// each run its own reader); Out is where the alert and the page's address are shown
	// (nil: nowhere).
	In  io.Reader
	Out io.Writer
	// DecisionsOut, when set, is where the measured decision times are written as a
	// decisions file, for a later run's manual trigger (model: empirical, samples_file).
	DecisionsOut string
}

// WithGameDay makes the run a game day (see GameDay). Its trials run one at a time.
func WithGameDay(g GameDay) Option {
	return func(o *options) error {
		if g.Operator == "" {
			u, err := user.Current()
			if err != nil || u.Username == "" {
				return errors.New("with game day: no operator name and no OS user: pass --operator NAME")
			}
			g.Operator = u.Username
		}
		o.gameDay = &g
		return nil
	}
}

// startGameDay wires the game day's console into cfg: it serves the page and reads the
// terminal until ctx ends. stop ends both and waits for the page's server.
func startGameDay(ctx context.Context, g *GameDay, sc *Scenario, cfg *runner.Config) (stop func(), err error) {
	console := gameday.New(g.Operator, g.Out, sc.Objectives.RTO.D())
	ctx, cancel := context.WithCancel(ctx)
	url, stopPage, err := console.Serve(ctx)
	if err != nil {
		cancel()
		return nil, err
	}
	if g.Out != nil {
		fmt.Fprintf(g.Out, "game day: operator %s; live status and decisions at %s (this run's secret %s: every request to the page must carry it)\n", g.Operator, url, console.Secret())
	}
	if g.In != nil {
		go console.ReadTerminal(ctx, g.In)
	}
	cfg.Operator, cfg.OperatorName, cfg.OnProbe = console, g.Operator, console.Probe
	onEvent := cfg.OnEvent
	cfg.OnEvent = func(i int, e trial.Event) {
		console.Event(i, e)
		if onEvent != nil {
			onEvent(i, e)
		}
	}
	return func() { cancel(); stopPage() }, nil
}

// writeDecisions stores the run's measured decisions when the game day asks for them.
func writeDecisions(g *GameDay, res *report.Results) error {
	if g == nil || g.DecisionsOut == "" || res == nil {
		return nil
	}
	return rollback.WriteDecisions(g.DecisionsOut, gameday.Records(res.Scenario.Name, res.Trials))
}
