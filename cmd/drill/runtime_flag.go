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

// runtimeOptions are the flags the runtimes define for themselves (kubernetes: which
// cluster), on a command that uses runtimes: which runtime owns each, and each
// runtime's check of their values.
type runtimeOptions struct {
	owner  map[string]string       // flag name → runtime name
	checks map[string]func() error // runtime name → its check
}

// runtimeFlags defines every runtime's own flags on fs, from the registry.
func runtimeFlags(fs *flag.FlagSet) *runtimeOptions {
	o := &runtimeOptions{owner: map[string]string{}, checks: map[string]func() error{}}
	for _, e := range runtimes.Default().Entries() {
		if e.Flags == nil {
			continue
		}
		own := flag.NewFlagSet(e.Name, flag.ContinueOnError)
		o.checks[e.Name] = e.Flags(own)
		own.VisitAll(func(f *flag.Flag) {
			fs.Var(f.Value, f.Name, f.Usage)
			o.owner[f.Name] = e.Name
		})
	}
	return o
}

// check, once fs is parsed, refuses a runtime's flag on a command that runs another
// (rt: the --runtime given; "" where the command serves every runtime, as drill clean
// does) and the flags' bad values: a config error before anything starts. cmd prefixes
// the message.
func (o *runtimeOptions) check(cmd, rt string, fs *flag.FlagSet) error {
	used := map[string]bool{}
	var wrong error
	fs.Visit(func(f *flag.Flag) {
		owner, ok := o.owner[f.Name]
		if !ok {
			return
		}
		used[owner] = true
		if rt != "" && rt != owner && wrong == nil {
			wrong = fmt.Errorf("%s: --%s is for --runtime %s: add --runtime %s or leave it out", cmd, f.Name, owner, owner)
		}
	})
	if wrong != nil {
		return withCode(exitConfig, wrong)
	}
	for _, name := range runtimes.Default().Names() {
		if check := o.checks[name]; check != nil && (used[name] || rt == name) {
			if err := check(); err != nil {
				return withCode(exitConfig, fmt.Errorf("%s: %w", cmd, err))
			}
		}
	}
	return nil
}
