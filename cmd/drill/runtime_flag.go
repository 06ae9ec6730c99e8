package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/drillhq/drill/internal/runtimes"
	"github.com/drillhq/drill/internal/stack"
)

// runtimeFlag defines --runtime on fs, stored in p: its choices and help come from the
// runtime registry, so a new runtime needs no edit here.
func runtimeFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "runtime", stack.Auto, runtimes.Default().Help())
}

// checkRuntime returns an error when name is not a runtime --runtime accepts; cmd
// prefixes the message ("run", "compare").
func checkRuntime(cmd, name string) error {
	reg := runtimes.Default()
	if reg.Valid(name) {
		return nil
	}
	return fmt.Errorf("%s: --runtime %q: unknown runtime (%s)", cmd, name, reg.Choices())
}

// usageText is usage with the registry's runtimes in the --runtime synopsis.
func usageText() string {
	names := append([]string{stack.Auto}, runtimes.Default().Names()...)
	return strings.Replace(usage, "{runtimes}", strings.Join(names, "|"), 1)
}
