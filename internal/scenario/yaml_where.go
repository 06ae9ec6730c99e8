package scenario

import (
	"bytes"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yamlWhere corrects what the YAML library says about a syntax error. The library
// reports the line where the enclosing block began (its "context"), often lines above
// the mistake, and calls a tab "a character that cannot start any token". The mistake
// is on the first line that, once added to the lines before it, makes the document
// unparsable: the one line scanned for here, from the reported line on. A tab in that
// line is then named as such.
func yamlWhere(data []byte, errs []*Error) {
	lines := bytes.SplitAfter(data, []byte("\n"))
	for _, e := range errs {
		if e.Line < 1 || e.Line > len(lines) {
			continue
		}
		for k := e.Line; k <= len(lines); k++ {
			if yamlParses(bytes.Join(lines[:k], nil)) {
				continue
			}
			e.Line = k
			break
		}
		line := string(lines[e.Line-1])
		indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		switch {
		case strings.Contains(indent, "\t"):
			e.Msg = "a tab indents this line: YAML indents with spaces only, so replace the tab with spaces"
		case strings.Contains(line, "\t") && strings.Contains(e.Msg, "cannot start any token"):
			e.Msg = "a tab here cannot start a value: YAML allows tabs only inside quoted strings; use spaces"
		}
	}
}

// yamlParses reports whether data is well-formed YAML (whatever its content).
func yamlParses(data []byte) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	var n yaml.Node
	return yaml.Unmarshal(data, &n) == nil
}
