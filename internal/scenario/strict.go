package scenario

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxVisits bounds the strict check's work, so a document that expands aliases
// exponentially ("billion laughs") is rejected instead of walked.
const maxVisits = 1 << 20

var durationType = reflect.TypeFor[Duration]()

// strict walks a YAML tree alongside the Go type it decodes into, before decoding, and
// reports every unknown key (with the nearest valid one), duplicate key and wrongly typed
// value at its line. It also records the line of every key it saw, keyed by path
// ("probes.http.path", "stack.services[0].port"): validation reports lines from it, and
// defaults use it to tell "unset" from "set to zero".
type strict struct {
	p      *problems
	lines  map[string]int  // line of every key seen
	set    map[string]bool // keys written with a non-null value
	visits int
}

func newStrict(p *problems) *strict {
	return &strict{p: p, lines: map[string]int{}, set: map[string]bool{}}
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func where(path string) string {
	if path == "" {
		return "scenario"
	}
	return path
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// yamlKeys maps the yaml key names of a struct type to field indexes, in field order.
func yamlKeys(t reflect.Type) ([]string, map[string]int) {
	var names []string
	idx := map[string]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		names = append(names, name)
		idx[name] = i
	}
	return names, idx
}

// check checks node n against type t (at path): it follows documents and aliases,
// leaves null values unchecked, and dispatches on the kind of t.
func (s *strict) check(n *yaml.Node, t reflect.Type, path string) {
	s.visits++
	if s.visits > maxVisits {
		if s.visits == maxVisits+1 {
			s.p.addf(n.Line, "document contains excessive aliasing")
		}
		return
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) > 0 {
			s.check(n.Content[0], t, path)
		}
		return
	case yaml.AliasNode:
		if n.Alias != nil {
			s.check(n.Alias, t, path)
		}
		return
	}
	if isNull(n) {
		return // an empty value leaves the zero value (and defaults)
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == durationType {
		if _, msg := parseDuration(n); msg != "" {
			s.p.addf(n.Line, "%s: %s", where(path), msg)
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		s.checkStruct(n, t, path)
	case reflect.Slice:
		s.checkSlice(n, t, path)
	case reflect.Map:
		s.checkMap(n, t, path)
	case reflect.Interface:
		// Free-form (fault params): the fault kind checks them.
	default:
		s.checkScalar(n, t, path)
	}
}

// checkSlice checks that n is a list and each item against t's element type.
func (s *strict) checkSlice(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind != yaml.SequenceNode {
		s.p.addf(n.Line, "%s must be a list, got %s", where(path), describe(n))
		return
	}
	for i, item := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		s.lines[p] = item.Line
		s.check(item, t.Elem(), p)
	}
}

// checkScalar checks that n is a scalar of the YAML type a string, integer, number or
// bool field decodes from.
func (s *strict) checkScalar(n *yaml.Node, t reflect.Type, path string) {
	scalar, tag := n.Kind == yaml.ScalarNode, n.ShortTag()
	switch t.Kind() {
	case reflect.String:
		if !scalar {
			s.p.addf(n.Line, "%s must be a string, got %s", where(path), describe(n))
		}
	case reflect.Int, reflect.Int64:
		if !scalar || tag != "!!int" {
			s.p.addf(n.Line, "%s must be an integer, got %s", where(path), describe(n))
		}
	case reflect.Float64:
		if !scalar || (tag != "!!int" && tag != "!!float") {
			s.p.addf(n.Line, "%s must be a number, got %s", where(path), describe(n))
		}
	case reflect.Bool:
		if !scalar || tag != "!!bool" {
			s.p.addf(n.Line, "%s must be true or false, got %s", where(path), describe(n))
		}
	}
}

func (s *strict) checkStruct(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind != yaml.MappingNode {
		s.p.addf(n.Line, "%s must be a mapping of keys, got %s", where(path), describe(n))
		return
	}
	names, idx := yamlKeys(t)
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge" {
			s.checkMerge(v, t, path)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			s.p.addf(k.Line, "%s: keys must be plain names, got %s", where(path), describe(k))
			continue
		}
		if line, dup := first[k.Value]; dup {
			s.p.addf(k.Line, "duplicate key %q in %s (first at line %d)", k.Value, where(path), line)
			continue
		}
		first[k.Value] = k.Line
		fi, ok := idx[k.Value]
		if !ok {
			s.p.addf(k.Line, "unknown key %q in %s%s", k.Value, where(path), suggestion(k.Value, names))
			continue
		}
		p := join(path, k.Value)
		s.lines[p] = k.Line
		s.set[p] = !isNull(v)
		s.check(v, t.Field(fi).Type, p)
	}
}

// checkMerge checks the mapping(s) merged in with "<<: *anchor" against the same struct.
func (s *strict) checkMerge(v *yaml.Node, t reflect.Type, path string) {
	for v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	if v.Kind == yaml.SequenceNode {
		for _, item := range v.Content {
			s.checkMerge(item, t, path)
		}
		return
	}
	s.check(v, t, path)
}

func (s *strict) checkMap(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind != yaml.MappingNode {
		s.p.addf(n.Line, "%s must be a mapping, got %s", where(path), describe(n))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			s.p.addf(k.Line, "%s: keys must be plain names, got %s", where(path), describe(k))
			continue
		}
		p := join(path, k.Value)
		s.lines[p] = k.Line
		if t.Elem().Kind() == reflect.String && v.Kind != yaml.ScalarNode && v.Kind != yaml.AliasNode {
			s.p.addf(v.Line, "%s must be a string, got %s", p, describe(v))
			continue
		}
		s.check(v, t.Elem(), p)
	}
}

// describe names what a node is, for "must be X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:40] + "..."
	}
	switch n.ShortTag() {
	case "!!str":
		return fmt.Sprintf("string %q", v)
	case "!!int":
		return "integer " + v
	case "!!float":
		return "number " + v
	case "!!bool":
		return "boolean " + v
	}
	return fmt.Sprintf("%s %q", n.ShortTag(), v)
}
