// Package readiness holds the readiness kinds of services (http, tcp, exec, log, and the
// kinds a program registers) behind a constructed registry. A kind builds a
// stack.ReadyCheck that works on every runtime through stack.ReadyTarget: the runtimes
// poll it, the preflight check reads its needs (stack.Needer).
//
// Adding a built-in kind is one file (<kind>.go, a keyed kind set by its own key of a
// service's ready) and one register line in NewRegistry; a program's kind is named by
// ready.kind and configured by ready.params (drill.WithReadiness).
package readiness

import (
	"fmt"
	"slices"
	"strings"

	"github.com/drillhq/drill/internal/params"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stack"
)

// Builder makes a check from a service's ready.params, decoding them strictly
// (params.Decode): it fails on an unknown, mistyped or missing parameter, so a scenario
// naming the kind is checked when it is loaded.
type Builder func(params map[string]any) (stack.ReadyCheck, error)

// keyed is a built-in readiness kind, set by its own key of a service's ready (ready.http,
// ready.tcp, ...) rather than by ready.kind.
type keyed interface {
	// Kind is the kind's name: its key in ready.
	Kind() string
	// Set reports whether r sets this kind's key.
	Set(r scenario.Ready) bool
	// Check builds the check from r's settings of the kind.
	Check(r scenario.Ready) stack.ReadyCheck
}

// Registry maps the readiness kinds a service may declare to what builds their checks.
// It is constructed, not global; it implements stack.ReadyChecks.
type Registry struct {
	keyed []keyed
	kinds *params.Kinds[stack.ReadyCheck]
}

// NewRegistry returns a registry holding the built-in readiness kinds.
func NewRegistry() *Registry {
	r := &Registry{kinds: params.NewKinds[stack.ReadyCheck]("readiness")}
	r.keyed = append(r.keyed, httpKind{}, tcpKind{}, execKind{}, logKind{})
	return r
}

// Builtin lists the built-in kinds' names, in the order messages show them.
func (r *Registry) Builtin() []string {
	names := make([]string, len(r.keyed))
	for i, k := range r.keyed {
		names[i] = k.Kind()
	}
	return names
}

// Register adds kind, replacing any earlier builder of that kind. It panics on an empty
// kind, a built-in kind's name or a nil builder, which are programming errors.
func (r *Registry) Register(kind string, build Builder) {
	if slices.Contains(r.Builtin(), kind) {
		panic("readiness: Register " + kind + ": a built-in readiness kind's name")
	}
	r.kinds.Register(kind, build)
}

// Build makes the check that ready.kind and ready.params describe.
func (r *Registry) Build(kind string, p map[string]any) (stack.ReadyCheck, error) {
	if len(r.kinds.Names()) == 0 {
		return nil, fmt.Errorf("unknown readiness kind %q (no readiness kinds are registered; built in, each set by its own key of ready: %s)",
			kind, strings.Join(r.Builtin(), ", "))
	}
	return r.kinds.Build(kind, p)
}

// Kinds lists the kinds registered for ready.kind, sorted (the built-in kinds, set by
// their own keys, are not among them).
func (r *Registry) Kinds() []string { return r.kinds.Names() }

// ReadyCheck implements stack.ReadyChecks: the check of a built-in kind whose key rd
// sets, else of the registered kind rd.Kind names.
func (r *Registry) ReadyCheck(rd scenario.Ready) (stack.ReadyCheck, error) {
	for _, k := range r.keyed {
		if k.Set(rd) {
			return k.Check(rd), nil
		}
	}
	if rd.Kind == "" {
		return nil, fmt.Errorf("build readiness check: ready sets no kind")
	}
	return r.Build(rd.Kind, rd.Params)
}

// Needs is what the check r builds needs of the runtime and of the stack (nothing for a
// kind that does not build, which validation reports), and the key of ready it is set by.
func (r *Registry) Needs(rd scenario.Ready) (key string, needs []stack.Need) {
	for _, k := range r.keyed {
		if k.Set(rd) {
			key = k.Kind()
		}
	}
	if key == "" {
		key = "kind"
	}
	c, err := r.ReadyCheck(rd)
	if err != nil {
		return key, nil
	}
	if n, ok := c.(stack.Needer); ok {
		return key, n.Needs()
	}
	return key, nil
}
