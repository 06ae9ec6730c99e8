package report

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/drillhq/drill/internal/check"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stats"
	"github.com/drillhq/drill/internal/trial"
)

// ResultsSchemaID is the $id of the published results schema (schema/results.schema.json).
const ResultsSchemaID = "https://github.com/drillhq/drill/schema/results.schema.json"

// verdictResultJSON mirrors the JSON form of stats.VerdictResult (stats/json.go), whose
// MarshalJSON hides its shape from reflection. A spec checks the two keep the same keys.
type verdictResultJSON struct {
	Verdict  stats.Verdict `json:"verdict"`
	Estimate stats.Float   `json:"estimate"`
	Upper    stats.Float   `json:"upper"`
	Lower    stats.Float   `json:"lower"`
	UpperOK  bool          `json:"upper_ok"`
	LowerOK  bool          `json:"lower_ok"`
	N        int           `json:"n"`
	NeededN  int           `json:"needed_n"`
	Reason   string        `json:"reason"`
}

// durationPattern matches what time.ParseDuration accepts with a unit (scenario files).
const durationPattern = `^(0|([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$`

// customSchemas are the types whose JSON is not what reflection sees: named in $defs.
// A mirror is a struct with the same JSON shape, described by reflection.
var customSchemas = map[reflect.Type]struct {
	name   string
	schema func() map[string]any
	mirror reflect.Type
}{
	reflect.TypeFor[measure.Offset](): {"Offset", func() map[string]any {
		return map[string]any{"type": "number", "description": "A duration on the trial clock, in milliseconds (microsecond precision)."}
	}, nil},
	reflect.TypeFor[scenario.Duration](): {"Duration", func() map[string]any {
		return map[string]any{"type": "string", "pattern": durationPattern, "description": "A duration as in scenario files, e.g. \"250ms\", \"5s\"."}
	}, nil},
	reflect.TypeFor[stats.Float](): {"Float", func() map[string]any {
		return map[string]any{"description": "A number, or \"+Inf\" (e.g. a trial that never recovered), \"-Inf\" or \"NaN\" (no estimate).",
			"anyOf": []any{map[string]any{"type": "number"}, map[string]any{"enum": []string{"+Inf", "-Inf", "NaN"}}}}
	}, nil},
	reflect.TypeFor[stats.VerdictResult](): {"VerdictResult", func() map[string]any {
		return map[string]any{"description": "A three-valued verdict with the confidence bounds behind it; a bound is meaningless when its _ok flag is false."}
	}, reflect.TypeFor[verdictResultJSON]()},
	reflect.TypeFor[stats.Verdict](): {"Verdict", func() map[string]any {
		return map[string]any{"enum": []string{"pass", "inconclusive", "fail"}}
	}, nil},
	reflect.TypeFor[trial.Outcome](): {"TrialOutcome", func() map[string]any {
		return map[string]any{"enum": []trial.Outcome{trial.Recovered, trial.NotRecovered, trial.NotDetected, trial.Errored, trial.Interrupted, trial.ControlQuiet, trial.ControlFired}}
	}, nil},
	reflect.TypeFor[measure.Outcome](): {"OpOutcome", func() map[string]any {
		return map[string]any{"enum": []measure.Outcome{measure.OK, measure.Fail, measure.Unknown}}
	}, nil},
	reflect.TypeFor[check.Status](): {"CheckStatus", func() map[string]any {
		return map[string]any{"enum": []string{check.Pass.String(), check.Fail.String(), check.Unknown.String()}}
	}, nil},
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// ResultsJSONSchema returns the JSON Schema (draft 2020-12) of the results file,
// generated from the Go types by reflection over their json tags, so other tools can
// read results files without Go. Every key without omitempty is required; a nil slice
// or map without omitempty is written as null. schema/results.schema.json is its output.
// It fails on a type with its own JSON encoding that the generator does not know, rather
// than describe it wrongly.
func ResultsJSONSchema() ([]byte, error) {
	g := &schemaGen{defs: map[string]any{}}
	root := g.object(reflect.TypeFor[Results]())
	if g.err != nil {
		return nil, g.err
	}
	root["properties"].(map[string]any)["schema"] = map[string]any{"const": SchemaVersion}
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = ResultsSchemaID
	root["title"] = "drill results (" + SchemaVersion + ")"
	root["description"] = "One run of one scenario: every trial and the summary judged from them, as written by drill run."
	root["$defs"] = g.defs
	b, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode results schema: %w", err)
	}
	return append(b, '\n'), nil
}

// schemaGen collects $defs and the first error.
type schemaGen struct {
	defs map[string]any
	err  error
}

// object describes struct t as a closed object: its json keys, required unless omitempty.
func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	required := []string{}
	g.fields(t, props, &required)
	return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
}

func (g *schemaGen) fields(t reflect.Type, props map[string]any, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() && !f.Anonymous {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		omit := strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			g.fields(f.Type, props, required) // embedded: its fields are promoted
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = g.field(f.Type, !omit)
		if !omit {
			*required = append(*required, name)
		}
	}
}

// field describes a field's type; nullable adds null for pointers, slices and maps that
// are written even when nil.
func (g *schemaGen) field(t reflect.Type, nullable bool) map[string]any {
	s := g.typ(t)
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map:
		if !nullable {
			return s
		}
		if typ, ok := s["type"].(string); ok && len(s) > 0 && s["$ref"] == nil {
			s["type"] = []string{typ, "null"}
			return s
		}
		return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
	}
	return s
}

func (g *schemaGen) typ(t reflect.Type) map[string]any {
	if c, ok := customSchemas[t]; ok {
		return g.ref(c.name, func() map[string]any {
			s := c.schema()
			if c.mirror != nil {
				desc := s["description"]
				s = g.object(c.mirror)
				s["description"] = desc
			}
			return s
		})
	}
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	if t.Kind() == reflect.Pointer {
		return g.typ(t.Elem())
	}
	if t.Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(jsonMarshalerType) {
		g.fail(fmt.Errorf("describe %s: it has its own MarshalJSON; add it to customSchemas", t))
		return map[string]any{}
	}
	if t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType) {
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Struct:
		return g.ref(defName(t), func() map[string]any { return g.object(t) })
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": g.typ(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.typ(t.Elem())}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer", "minimum": 0}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Interface:
		return map[string]any{}
	}
	g.fail(fmt.Errorf("describe %s: kind %s has no JSON form", t, t.Kind()))
	return map[string]any{}
}

// ref registers a definition once (reserving the name against recursion) and refers to it.
func (g *schemaGen) ref(name string, build func() map[string]any) map[string]any {
	if _, ok := g.defs[name]; !ok {
		g.defs[name] = nil
		g.defs[name] = build()
	}
	return map[string]any{"$ref": "#/$defs/" + name}
}

// defName names a struct's definition after its package and type ("trial.Result"),
// since short names repeat across packages.
func defName(t reflect.Type) string {
	pkg := t.PkgPath()
	if i := strings.LastIndexByte(pkg, '/'); i >= 0 {
		pkg = pkg[i+1:]
	}
	return pkg + "." + t.Name()
}

func (g *schemaGen) fail(err error) {
	if g.err == nil {
		g.err = err
	}
}
