// Command drill rehearses rollbacks: it starts a scenario's service stack, makes the
// bad change, lets the trigger fire the rollback, and measures recovery time and lost
// writes over many trials, into a verdict against the scenario's objectives.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	tclog "github.com/testcontainers/testcontainers-go/log"

	"github.com/drillhq/drill/internal/fixture"
	"github.com/drillhq/drill/internal/interrupt"
	"github.com/drillhq/drill/internal/measure"
)

// Exit codes, documented in README.md.
const (
	exitPass         = 0
	exitFail         = 1
	exitConfig       = 2
	exitInconclusive = 3
	exitInfra        = 4
	exitInterrupted  = 130
)

// exitError carries an exit code with a one-line message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func withCode(code int, err error) error { return &exitError{code: code, err: err} }

const usage = `drill rehearses rollbacks and measures them.

Usage:
  drill run FILE... [--trials N] [--seed S] [--runtime {runtimes}] [--out DIR] [--keep-raw] [--quiet]
  drill compare FILE [--trials N] [--seed S] [--runtime R] [--out DIR]   the same defect under each of the scenario's plans, side by side
  drill validate FILE... [--runtime R]   check scenario files, and what R can carry out (exit 2 on the first bad file)
  drill plan FILE             print the timeline of one trial
  drill report DIR... [--quarter Q | --since D --until D] [--out DIR]   period report with trends against the previous period
  drill check RESULTS.json...  re-derive every measure from the stored raw records (exit 1 if not reproduced)
  drill audit verify [--digest HEX] FILE...   check an audit log's hash chain (exit 1 if tampered, 5 if the run never finished)
  drill evidence DIR... [--quarter Q] [--config F] [--findings F] [--key F] [--out DIR]   the signed evidence pack of a period
  drill keygen --out PREFIX   an ed25519 key pair for signing evidence
  drill verify --key PUB BUNDLE   check a signed evidence bundle offline (exit 1 naming what changed)
  drill images [FILE...]      build or check the Docker images scenarios need (default scenarios/*.yaml)
  drill clean [--all]         remove containers, networks and temp dirs left by dead drill runs
  drill version

Exit codes: 0 pass, 1 objectives failed, 2 invalid config or usage,
3 inconclusive, 4 runtime or infrastructure error, 5 unfinished run (audit verify), 130 interrupted.
`

func main() {
	// testcontainers announces every engine connection on stderr; drill says itself
	// which runtime it picked.
	tclog.SetDefault(tclog.NewNoopLogger())
	// The runtimes start drill itself to run its fixtures and proxy server.
	fixture.Host()
	if code, ok := hosted(os.Args[1:], os.Stderr); ok {
		os.Exit(code)
	}
	measure.TuneGC() // the workload keeps its schedule (internal/measure/gc.go)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) (code int) {
	ctx, stop := interrupt.Context()
	defer stop()
	// A panic is a bug in drill. By the time it reaches here every stack it unwound
	// through has been torn down by its deferred Down; say so in one line, not a trace.
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "drill: internal error (a bug in drill; please report it): %v\n", r)
			code = exitInfra
		}
	}()
	err := dispatch(ctx, args, stdout, stderr)
	if err == nil {
		return exitPass
	}
	var help *helpRequested
	if errors.As(err, &help) {
		fmt.Fprint(stdout, help.text)
		return exitPass
	}
	var ee *exitError
	if !errors.As(err, &ee) {
		ee = &exitError{code: exitInfra, err: err}
	}
	if ee.err != nil && ee.err.Error() != "" {
		fmt.Fprintln(stderr, "drill:", ee.err)
	}
	return ee.code
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText())
		return withCode(exitConfig, errors.New("no command given"))
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "run":
		return cmdRun(ctx, rest, stdout, stderr)
	case "compare":
		return cmdCompare(ctx, rest, stdout, stderr)
	case "validate":
		return cmdValidate(rest, stdout)
	case "plan":
		return cmdPlan(rest, stdout)
	case "report":
		return cmdReport(ctx, rest, stdout)
	case "check":
		return cmdCheck(ctx, rest, stdout)
	case "evidence":
		return cmdEvidence(ctx, rest, stdout)
	case "keygen":
		return cmdKeygen(rest, stdout)
	case "verify":
		return cmdVerify(ctx, rest, stdout)
	case "audit":
		if len(rest) > 0 && isHelp(rest[0]) { // the only audit command is verify
			rest = append([]string{"verify"}, rest...)
		}
		return cmdAudit(ctx, rest, stdout)
	case "images":
		return cmdImages(ctx, rest, stdout, stderr)
	case "clean":
		return cmdClean(ctx, rest, stdout)
	case "version", "--version":
		if err := parseNone(flag.NewFlagSet("version", flag.ContinueOnError), rest); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "drill", version)
		return nil
	case "help", "-h", "-help", "--help":
		if err := parseNone(flag.NewFlagSet("help", flag.ContinueOnError), rest); err != nil {
			return err
		}
		fmt.Fprint(stdout, usageText())
		return nil
	}
	fmt.Fprint(stderr, usageText())
	return withCode(exitConfig, fmt.Errorf("unknown command %q", cmd))
}
