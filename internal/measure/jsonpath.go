package measure

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// JSONPath is the small JSONPath subset a final read uses to find ids in a response:
// "$" then any of ".key", "[*]" (every element of a list, or every value of an
// object) and "[N]" (one list element), e.g. "$.ids", "$[*]", "$.items[*].id".
type JSONPath struct {
	src   string
	steps []pathStep
}

type pathStep struct {
	key   string // ".key" when set
	all   bool   // "[*]"
	index int    // "[N]" when !all and key == ""
}

var pathStepRE = regexp.MustCompile(`^(?:\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\*|[0-9]+)\])`)

// CompileJSONPath parses a path of the subset JSONPath describes.
func CompileJSONPath(src string) (JSONPath, error) {
	p := JSONPath{src: src}
	rest, ok := strings.CutPrefix(src, "$")
	if !ok {
		return p, fmt.Errorf("compile json path %q: must start with \"$\"", src)
	}
	for rest != "" {
		m := pathStepRE.FindStringSubmatch(rest)
		if m == nil {
			return p, fmt.Errorf("compile json path %q: unsupported at %q (use .key, [*] or [N])", src, rest)
		}
		switch {
		case m[1] != "":
			p.steps = append(p.steps, pathStep{key: m[1]})
		case m[2] == "*":
			p.steps = append(p.steps, pathStep{all: true})
		default:
			n, err := strconv.Atoi(m[2])
			if err != nil {
				return p, fmt.Errorf("compile json path %q: index %q: %w", src, m[2], err)
			}
			p.steps = append(p.steps, pathStep{index: n})
		}
		rest = rest[len(m[0]):]
	}
	return p, nil
}

// String returns the path as written.
func (p JSONPath) String() string { return p.src }

// Strings returns every value the path selects in the JSON document data, each a string
// or a number (numbers as written: 42 → "42"); a selected list stands for its elements,
// so "$.ids" and "$.ids[*]" are the same. A missing key or index selects nothing;
// a selected value of another type is an error, since ids must be strings or numbers.
func (p JSONPath) Strings(data []byte) ([]string, error) {
	var doc any
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("decode json: %w", err)
	}
	nodes := []any{doc}
	for _, st := range p.steps {
		var next []any
		for _, n := range nodes {
			switch v := n.(type) {
			case map[string]any:
				switch {
				case st.all:
					for _, e := range v {
						next = append(next, e)
					}
				case st.key != "":
					if e, ok := v[st.key]; ok {
						next = append(next, e)
					}
				}
			case []any:
				switch {
				case st.all:
					next = append(next, v...)
				case st.key == "" && st.index < len(v):
					next = append(next, v[st.index])
				}
			}
		}
		nodes = next
	}
	var leaves []any
	for _, n := range nodes {
		if list, ok := n.([]any); ok { // "$.ids" selects the list of ids: take its elements
			leaves = append(leaves, list...)
		} else {
			leaves = append(leaves, n)
		}
	}
	out := make([]string, 0, len(leaves))
	for _, n := range leaves {
		switch v := n.(type) {
		case string:
			out = append(out, v)
		case json.Number:
			out = append(out, v.String())
		default:
			return nil, fmt.Errorf("json path %s selects %s, want strings or numbers", p.src, jsonKind(n))
		}
	}
	return out, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%T", v)
}
