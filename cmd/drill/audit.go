package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"

	"github.com/drillhq/drill/internal/audit"
)

const auditUsage = "audit: usage: drill audit verify [--digest HEX] FILE..."

// cmdAudit handles `drill audit verify FILE...`: it re-derives each audit log's hash
// chain and prints "FILE: ok, N entries, digest HEX". A tampered log exits 1 naming
// the offending line and entry; every file is checked, so one bad log does not hide
// another. --digest also requires the (single) log's final digest to equal the one a
// report carries, which catches a log rewritten from scratch or cut at a line boundary.
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
		if first == nil {
			first, firstCode = fmt.Errorf("%s: %w", f, err), code
		}
		if len(files) > 1 {
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

// verifyOne verifies one log and prints its ok line, or returns why it failed with
// the exit code: 1 tampered or wrong digest, 2 missing file, 4 unreadable.
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
	fmt.Fprintf(stdout, "%s: ok, %d entries, digest %s\n", path, sum.Entries, sum.Digest)
	return exitPass, nil
}
