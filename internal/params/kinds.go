package params

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/drillhq/drill/internal/suggest"
)

// Kinds maps the kinds of one open set (faults, rollback mechanisms, triggers) to the
// builders that make a T from a scenario's params. It is constructed, not global, so
// each engine and each test owns its set: adding a kind is one file with its builder
// and one Register line where the set is made.
type Kinds[T any] struct {
	noun     string
	builders map[string]func(params map[string]any) (T, error)
}

// NewKinds returns an empty set of kinds of noun ("fault", "mechanism", "trigger").
func NewKinds[T any](noun string) *Kinds[T] {
	return &Kinds[T]{noun: noun, builders: map[string]func(map[string]any) (T, error){}}
}

// Register adds kind, replacing any earlier builder of that kind. It panics on an empty
// kind or a nil builder, which are programming errors.
func (k *Kinds[T]) Register(kind string, build func(params map[string]any) (T, error)) {
	if kind == "" || build == nil {
		panic(k.noun + ": Register needs a kind and a builder")
	}
	k.builders[kind] = build
}

// Check returns nil for a registered kind, else an error that suggests the nearest kind
// and lists them all.
func (k *Kinds[T]) Check(kind string) error {
	if _, ok := k.builders[kind]; ok {
		return nil
	}
	names := k.Names()
	hint := ""
	if s := suggest.Nearest(kind, names); s != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", s)
	}
	return fmt.Errorf("build %s: unknown kind %q%s; valid kinds: %s", k.noun, kind, hint, strings.Join(names, ", "))
}

// Build makes the kind's T from params (an unknown kind is Check's error); the builder
// itself decodes the params strictly.
func (k *Kinds[T]) Build(kind string, params map[string]any) (T, error) {
	if err := k.Check(kind); err != nil {
		var zero T
		return zero, err
	}
	return k.builders[kind](params)
}

// Names lists the registered kinds, sorted.
func (k *Kinds[T]) Names() []string {
	return slices.Sorted(maps.Keys(k.builders))
}
