package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/drillhq/drill/fixtures/ledger"
	"github.com/drillhq/drill/fixtures/writes"
	"github.com/drillhq/drill/internal/fixture"
	"github.com/drillhq/drill/internal/front"
	"github.com/drillhq/drill/internal/interrupt"
	"github.com/drillhq/drill/internal/stack/process"
)

// fixtureMains are the demo fixtures drill carries, by the name a scenario gives them
// (fixture.Known lists the same names for validation).
var fixtureMains = map[string]func(args []string) int{
	fixture.Ledger: ledger.Main,
	fixture.Writes: writes.Main,
}

// hosted runs the services drill carries inside its own binary, as hidden subcommands
// the runtimes start: "drill fixture ledger" (the demo fixture, configured by its
// environment), "drill proxy-server -host H -port P" (the docker runtime's proxy) and
// "drill service-exec ..." (starts a command service as a child subreaper).
// ok is false when args name none of them. Each handles SIGTERM itself: drill's own
// early handling (internal/interrupt) is released before it starts.
func hosted(args []string, stderr io.Writer) (code int, ok bool) {
	if len(args) == 0 {
		return 0, false
	}
	switch args[0] {
	case "fixture", process.ExecCommand, fixture.ProxyServer:
		interrupt.Release() // each handles its signals itself
	default:
		return 0, false
	}
	switch args[0] {
	case "fixture":
		if len(args) < 2 || fixtureMains[args[1]] == nil {
			fmt.Fprintln(stderr, "drill fixture: name a fixture: drill fixture ledger or drill fixture writes (runtimes start it; it is configured by environment variables)")
			return exitConfig, true
		}
		// Orphans of the fixture's children stay below it, where kills look (process.ExecCommand).
		_ = process.BecomeSubreaper()
		return fixtureMains[args[1]](args[2:]), true
	case process.ExecCommand:
		err := process.ExecMain(args[1:])
		fmt.Fprintf(stderr, "drill %s: %v\n", process.ExecCommand, err)
		return 127, true
	case fixture.ProxyServer:
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		if err := front.Main(ctx, args[1:]); err != nil {
			fmt.Fprintln(stderr, "drill proxy-server:", err)
			return exitInfra, true
		}
		return exitPass, true
	}
	return 0, false
}
