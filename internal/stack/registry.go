package stack

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"
)

// Auto is the runtime name that picks the first available runtime of a Registry, in its
// order.
const Auto = "auto"

// availableWait bounds how long Select waits for runtimes' availability checks.
const availableWait = 3 * time.Second

// Registration is one runtime of a Registry: what --runtime, auto, drill clean and help need to
// know about it without importing its package.
type Registration struct {
	// Name is the runtime's name as given to --runtime.
	Name string
	// Description says in one line what the runtime runs services as, for help texts.
	Description string
	// New makes the runtime. notes say what it did on the way (leftovers of dead runs it
	// removed), for the caller to show.
	New func(ctx context.Context) (rt Runtime, notes []string, err error)
	// Available returns nil when the runtime can run stacks here, else why not.
	Available func(ctx context.Context) error
	// Capabilities is what the runtime's services and stacks can do, for the check
	// before a run (a spec holds it to what its Service type implements).
	Capabilities Capabilities
	// ByName keeps auto from picking the runtime: only --runtime NAME does (a cluster
	// is a place to run in, chosen by the user, never a fallback).
	ByName bool
	// Clean, when set, removes what dead drill runs of this runtime left outside the
	// temporary directory (containers, networks); drill clean calls it.
	Clean func(ctx context.Context, opts ...CleanOption) (Removed, error)
	// Flags, when set, defines the runtime's own flags (a cluster's kubeconfig) on the
	// commands that use runtimes, and returns the check the command calls once fs is
	// parsed: it refuses bad values before anything starts and hands the rest to New,
	// Available and Clean, where they win over the environment.
	Flags func(fs *flag.FlagSet) (check func() error)
}

// Registry is the set of runtimes drill knows, in the order auto prefers them.
type Registry struct {
	entries []Registration
}

// NewRegistry makes a registry of entries, in the order auto prefers them. Names must be
// unique and other than "auto"; New and Available are required.
func NewRegistry(entries ...Registration) (*Registry, error) {
	r := &Registry{}
	var errs []error
	for _, e := range entries {
		switch {
		case e.Name == "" || e.Name == Auto:
			errs = append(errs, fmt.Errorf("register runtime %q: name must be set and other than %q", e.Name, Auto))
		case r.has(e.Name):
			errs = append(errs, fmt.Errorf("register runtime %q: registered twice", e.Name))
		case e.New == nil || e.Available == nil:
			errs = append(errs, fmt.Errorf("register runtime %q: New and Available must be set", e.Name))
		default:
			r.entries = append(r.entries, e)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Registry) has(name string) bool {
	_, ok := r.Lookup(name)
	return ok
}

// Lookup returns the entry named name.
func (r *Registry) Lookup(name string) (Registration, bool) {
	for _, e := range r.entries {
		if e.Name == name {
			return e, true
		}
	}
	return Registration{}, false
}

// Entries returns the registered runtimes in the registry's order.
func (r *Registry) Entries() []Registration {
	return append([]Registration(nil), r.entries...)
}

// Names returns the runtimes' names in the registry's order.
func (r *Registry) Names() []string {
	names := make([]string, len(r.entries))
	for i, e := range r.entries {
		names[i] = e.Name
	}
	return names
}

// Capabilities maps each registered runtime's name to its capability set: the check
// before a run reads the chosen one's, and the others' to say which would do instead.
func (r *Registry) Capabilities() map[string]Capabilities {
	m := make(map[string]Capabilities, len(r.entries))
	for _, e := range r.entries {
		m[e.Name] = e.Capabilities
	}
	return m
}

// Valid reports whether name selects a runtime: "auto" or a registered name.
func (r *Registry) Valid(name string) bool {
	return name == Auto || r.has(name)
}

// Choices lists what --runtime accepts, for messages: "auto, docker or process".
func (r *Registry) Choices() string {
	return orList(append([]string{Auto}, r.Names()...))
}

// Help describes the --runtime flag from the registry: its choices and what each runs.
func (r *Registry) Help() string {
	parts := make([]string, len(r.entries))
	for i, e := range r.entries {
		parts[i] = e.Name + ": " + e.Description
	}
	return fmt.Sprintf("runtime: %s (auto: the first available of %s that can run the stack; %s)", r.Choices(), strings.Join(r.Names(), ", "), strings.Join(parts, "; "))
}

// orList joins names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Select makes the runtime called name, or for "auto" (or "") the first available one in
// the registry's order that has every capability of needs (what the stack's kind asks:
// external services need the external runtime). notes say what was picked and why, and what leftovers of dead
// runs were removed, for the caller to show: the runtime's own (containers and networks),
// then the temporary directories of any runtime (after the containers, which may still
// have them mounted).
func (r *Registry) Select(ctx context.Context, name string, needs ...Capability) (rt Runtime, notes []string, err error) {
	e, notes, err := r.pick(ctx, name, needs)
	if err != nil {
		return nil, selectCleanTemp(notes), err
	}
	rt, made, err := e.New(ctx)
	notes = append(notes, made...)
	if err != nil {
		return nil, notes, fmt.Errorf("start %s runtime: %w", e.Name, err)
	}
	return rt, selectCleanTemp(notes), nil
}

// pick finds the entry name selects and checks that it is available.
func (r *Registry) pick(ctx context.Context, name string, needs []Capability) (Registration, []string, error) {
	ctx, cancel := context.WithTimeout(ctx, availableWait)
	defer cancel()
	if name == Auto || name == "" {
		return r.pickAuto(ctx, needs)
	}
	e, ok := r.Lookup(name)
	if !ok {
		return Registration{}, nil, fmt.Errorf("select runtime: unknown runtime %q: want %s", name, r.Choices())
	}
	if err := e.Available(ctx); err != nil {
		return Registration{}, nil, fmt.Errorf("select runtime %s: %w (or use --runtime %s)", name, err, orList(r.others(name)))
	}
	return e, nil, nil
}

// pickAuto returns the first available entry that has needs, and a note saying why it
// was picked.
func (r *Registry) pickAuto(ctx context.Context, needs []Capability) (Registration, []string, error) {
	var skipped []string
	for _, e := range r.entries {
		if e.ByName {
			continue
		}
		if missing := e.Capabilities.missing(needs); missing != "" {
			skipped = append(skipped, fmt.Sprintf("%s cannot %s", e.Name, missing))
			continue
		}
		if err := e.Available(ctx); err != nil {
			skipped = append(skipped, err.Error())
			continue
		}
		if len(skipped) > 0 {
			return e, []string{fmt.Sprintf("runtime: %s (%s)", e.Name, strings.Join(skipped, "; "))}, nil
		}
		var alt []string
		for _, o := range r.entries[1:] {
			if o.ByName {
				continue
			}
			alt = append(alt, fmt.Sprintf("--runtime %s runs %s", o.Name, o.Description))
		}
		note := "runtime: " + e.Name + " (available here"
		if len(alt) > 0 {
			note += "; " + strings.Join(alt, "; ") + " instead"
		}
		return e, []string{note + ")"}, nil
	}
	return Registration{}, nil, fmt.Errorf("select runtime: none available: %s", strings.Join(skipped, "; "))
}

// others are the registered names other than name.
func (r *Registry) others(name string) []string {
	var o []string
	for _, n := range r.Names() {
		if n != name {
			o = append(o, n)
		}
	}
	return o
}

// selectCleanTemp removes the temporary directories of dead drills and adds what it did
// to notes.
func selectCleanTemp(notes []string) []string {
	tmp, err := CleanTemp()
	switch {
	case err != nil:
		return append(notes, fmt.Sprintf("warning: clean temporary dirs of dead runs: %v", err))
	case !tmp.Empty():
		return append(notes, fmt.Sprintf("removed leftovers of dead drill runs: %d temporary dirs", len(tmp.TempDirs)))
	}
	return notes
}
