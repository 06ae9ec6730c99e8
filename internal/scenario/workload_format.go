package scenario

import (
	"regexp"
	"strings"
)

// idPathRE is the JSONPath subset a final read accepts (measure.CompileJSONPath parses
// the same grammar): "$" then ".key", "[*]" or "[N]" steps.
var idPathRE = regexp.MustCompile(`^\$(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[(?:\*|[0-9]+)\])*$`)

// templateData has the fields a write's templates may use, with sample values.
var templateData = struct {
	ID    string
	Seq   int
	Value int64
}{ID: "w-000000-1", Seq: 1, Value: 1}

// IDPath checks that ids is a JSON path of the subset a final read accepts.
func (c WorkloadChecker) IDPath(path, ids string) {
	switch {
	case ids == "":
		c.v.errf(path, "%s is required: where the ids are in the answer, e.g. \"$.ids\" or \"$.items[*].id\"", path)
	case !idPathRE.MatchString(ids):
		c.v.errf(path, "%s %q is not a supported JSON path: \"$\" then .key, [*] or [N] steps, e.g. \"$.items[*].id\"", path, ids)
	}
}

// path checks that p is an HTTP path ("/...").
func (v *validator) path(path, p string) {
	if !strings.HasPrefix(p, "/") {
		v.errf(path, "%s must be an HTTP path starting with \"/\", got %q", path, p)
	}
}
