package scenario

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"text/template"
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

// httpWorkload checks an http workload's setup, write and read.
func (v *validator) httpWorkload(w Workload) {
	if w.Accounts != 0 {
		v.errf("workload.accounts", "workload.accounts applies to workload.kind %s only", WorkloadLedger)
	}
	for i, r := range w.Setup {
		p := fmt.Sprintf("workload.setup[%d]", i)
		v.method(p+".method", r.Method)
		v.path(p+".path", r.Path)
	}
	if wr := w.Write; wr == nil {
		v.errf("workload", "workload.write is required for workload.kind %s: the request each operation sends, e.g. {method: POST, path: /items, body: '{\"id\":\"{{.ID}}\"}'}", WorkloadHTTP)
	} else {
		v.method("workload.write.method", wr.Method)
		v.path("workload.write.path", wr.Path)
		v.template("workload.write.path", wr.Path)
		v.template("workload.write.body", wr.Body)
		for k, h := range wr.Headers {
			v.template("workload.write.headers."+k, h)
		}
		all := wr.Path + wr.Body
		for _, h := range wr.Headers {
			all += h
		}
		if !strings.Contains(all, ".ID") {
			v.errf("workload.write", "workload.write must send {{.ID}} in its path, body or a header: lost writes are found by that id in the final read")
		}
		if len(wr.Success) == 0 {
			v.errf("workload.write.success", "workload.write.success must list at least one HTTP status that acknowledges a write")
		}
		for _, st := range wr.Success {
			if st < 100 || st > 599 {
				v.errf("workload.write.success", "workload.write.success must hold HTTP statuses (100-599), got %d", st)
			}
		}
	}
	rd := w.Read
	if rd == nil {
		if v.s.Verify.FinalRead {
			v.errf("workload", "workload.read is required when verify.final_read is true: the request listing the ids the service holds, e.g. {path: /items, ids: \"$.items[*].id\"}")
		}
		return
	}
	v.method("workload.read.method", rd.Method)
	v.path("workload.read.path", rd.Path)
	switch {
	case rd.IDs == "":
		v.errf("workload.read", "workload.read.ids is required: where the ids are in the answer, e.g. \"$.ids\" or \"$.items[*].id\"")
	case !idPathRE.MatchString(rd.IDs):
		v.errf("workload.read.ids", "workload.read.ids %q is not a supported JSON path: \"$\" then .key, [*] or [N] steps, e.g. \"$.items[*].id\"", rd.IDs)
	}
}

func (v *validator) path(path, p string) {
	if !strings.HasPrefix(p, "/") {
		v.errf(path, "%s must be an HTTP path starting with \"/\", got %q", path, p)
	}
}

// template checks that text parses as a text/template and runs over the write's fields.
func (v *validator) template(path, text string) {
	t, err := template.New(path).Option("missingkey=error").Parse(text)
	if err == nil {
		err = t.Execute(io.Discard, templateData)
	}
	if err != nil {
		v.errf(path, "%s: %s (placeholders: {{.ID}}, {{.Seq}}, {{.Value}})", path, oneLine(err.Error()))
	}
}
