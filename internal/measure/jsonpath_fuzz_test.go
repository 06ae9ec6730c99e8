package measure_test

import (
	"strings"
	"testing"

	"github.com/drillhq/drill/internal/measure"
)

// FuzzJSONPath feeds arbitrary paths and documents to the read-back's JSON path: it
// must never panic, a path it accepts must print back as given, and reading may fail
// only with an error, never with ids from a document that is not JSON.
func FuzzJSONPath(f *testing.F) {
	for _, c := range []struct{ path, doc string }{
		{"$.ids", `{"ids":["a","b"]}`},
		{"$.items[*].id", `{"items":[{"id":"w-1"},{"id":2}]}`},
		{"$[*]", `["x","y"]`},
		{"$.a.b[*].c", `{"a":{"b":[{"c":"1"}]}}`},
		{"$..", `{}`},
		{"$.ids[", `{"ids":[]}`},
		{"ids", `null`},
	} {
		f.Add(c.path, c.doc)
	}
	f.Fuzz(func(t *testing.T, path, doc string) {
		p, err := measure.CompileJSONPath(path)
		if err != nil {
			return
		}
		if p.String() != path {
			t.Fatalf("compiled %q prints as %q", path, p.String())
		}
		ids, err := p.Strings([]byte(doc))
		if err == nil && strings.TrimSpace(doc) == "" && len(ids) > 0 {
			t.Fatalf("ids %v from an empty document", ids)
		}
	})
}
