package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/drillhq/drill/internal/audit"
)

const auditUsage = "audit: usage: drill audit verify [--digest HEX] FILE [FILE...]"

// exitUnfinished is audit verify's exit code for a log whose chain is intact but that
// has no run_end entry: the run was killed or is still running (README, exit codes).
const exitUnfinished = 5

// cmdAudit handles `drill audit verify FILE...`: it re-derives each audit log's hash
// chain and prints "FILE: ok, N entries, digest HEX". A tampered log exits 1 naming
// the offending line and entry; an intact log without run_end is "UNFINISHED RUN" and
// exits 5, never "ok"; every file is checked, so one bad log does not hide another
// (exit codes by precedence: tampered or wrong digest, unreadable, missing, unfinished).
// --digest also requires the (single) log's final digest to equal the one a report
// carries, which catches a log rewritten from scratch or cut at a line boundary.
func cmdAudit(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return withCode(exitConfig, errors.New(auditUsage))
	}
	fset := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	want := fset.String("digest", "", "the final digest the log must end with (from the run's report)")
	files, err := parse(fset, args[1:])
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return withCode(exitConfig, errors.New(auditUsage))
	}
	if *want != "" && len(files) != 1 {
		return withCode(exitConfig, errors.New("audit verify: --digest needs exactly one FILE"))
	}
	var (
		first     error
		firstCode int
		failed    int
	)
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return withCode(exitInterrupted, fmt.Errorf("audit verify: %w", err))
		}
		code, err := verifyOne(f, *want, stdout)
		if err == nil {
			continue
		}
		failed++
		if first == nil || auditRank(code) > auditRank(firstCode) {
			first, firstCode = fmt.Errorf("%s: %w", f, err), code
		}
		if len(files) > 1 && code != exitUnfinished {
			fmt.Fprintf(stdout, "%s: FAILED: %v\n", f, err)
		}
	}
	switch {
	case failed == 0:
		return nil
	case failed > 1:
		first = fmt.Errorf("%w (and %d more logs failed)", first, failed-1)
	}
	return withCode(firstCode, first)
}

// verifyOne verifies one log and prints its ok (or UNFINISHED RUN) line, or returns why
// it failed with the exit code: 1 tampered or wrong digest, 2 missing file, 4 unreadable,
// 5 unfinished run (intact, no run_end).
func verifyOne(path, want string, stdout io.Writer) (int, error) {
	sum, err := audit.Verify(path)
	switch {
	case errors.Is(err, audit.ErrTampered):
		return exitFail, err
	case errors.Is(err, fs.ErrNotExist):
		return exitConfig, err
	case err != nil:
		return exitInfra, err
	case want != "" && sum.Digest != want:
		return exitFail, fmt.Errorf("final digest %s does not match the expected %s — the log was replaced or entries were removed from its end", sum.Digest, want)
	}
	if err := sum.Unfinished(); err != nil {
		fmt.Fprintf(stdout, "%s: UNFINISHED RUN: %d entries, no %s entry, last %q at %s, digest %s\n",
			path, sum.Entries, audit.ActionRunEnd, sum.LastAction, sum.Last.Format(time.RFC3339Nano), sum.Digest)
		return exitUnfinished, err
	}
	fmt.Fprintf(stdout, "%s: ok, %d entries, digest %s\n", path, sum.Entries, sum.Digest)
	return exitPass, nil
}

// auditRank orders audit verify's exit codes by how much attention they need: the exit
// code of several logs is the highest-ranked one.
func auditRank(code int) int {
	switch code {
	case exitFail:
		return 4
	case exitInfra:
		return 3
	case exitConfig:
		return 2
	case exitUnfinished:
		return 1
	}
	return 0
}
