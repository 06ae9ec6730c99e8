// Package params builds the kinds of drill's open sets (faults, rollback mechanisms,
// triggers: Kinds, one registry type for all three) and decodes the parameters a
// scenario gives a kind into the kind's typed struct, strictly: a misspelled, mistyped or
// missing parameter is an error naming the kind and the parameter, so it fails when the
// scenario is validated, before anything starts. Faults and mechanisms share it so both
// speak the same parameter language.
package params

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/suggest"
)

// Decode fills dst, a pointer to a parameter struct, from a scenario's params map,
// strictly: an unknown key, a value of the wrong type, a missing required key or a negative
// number is an error naming the kind and the parameter. noun says what the kind is a kind
// of ("fault", "mechanism") and starts every message: `fault "latency": ...`.
//
// Fields are exported and tagged `param:"name[,required][,ms|,us]"`; anonymous struct fields
// are flattened. Supported field types: time.Duration (written as a string such as "100ms";
// ms/us require whole milliseconds/microseconds, the unit Toxiproxy takes), int64 and int,
// float64, bool, string and []string. Durations and integers must not be negative. Fields
// absent from params keep the value dst already holds, so callers set defaults before
// decoding.
func Decode(noun, kind string, params map[string]any, dst any) error {
	v := reflect.ValueOf(dst).Elem()
	fields := paramFields(v.Type(), nil)
	names := make([]string, 0, len(fields))
	for _, f := range fields {
		names = append(names, f.name)
	}
	slices.Sort(names)

	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(names, k) {
			return &Error{Param: k, err: unknownParam(noun, kind, k, names)}
		}
	}
	for _, f := range fields {
		raw, ok := params[f.name]
		if !ok {
			if f.required {
				return &Error{Param: f.name, err: fmt.Errorf("%s %q: missing required parameter %q", noun, kind, f.name)}
			}
			continue
		}
		if err := setParam(v.FieldByIndex(f.index), raw, f); err != nil {
			return &Error{Param: f.name, err: fmt.Errorf("%s %q: parameter %q %w", noun, kind, f.name, err)}
		}
	}
	return nil
}

// Error is a problem with one parameter that was given: a scenario's validation reports
// it at that parameter's line (it asks for ParamName).
type Error struct {
	// Param is the parameter's name, as written in the scenario.
	Param string
	err   error
}

// Errorf is an Error about param, for a kind's own checks after Decode (a value out of
// range, two parameters that exclude each other).
func Errorf(param, format string, args ...any) error {
	return &Error{Param: param, err: fmt.Errorf(format, args...)}
}

// Error implements error.
func (e *Error) Error() string { return e.err.Error() }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.err }

// ParamName is the parameter the error is about.
func (e *Error) ParamName() string { return e.Param }

// paramField is one decodable field of a parameter struct.
type paramField struct {
	name     string
	required bool
	unit     time.Duration
	index    []int
}

// paramFields lists the tagged fields of t, flattening anonymous structs.
func paramFields(t reflect.Type, prefix []int) []paramField {
	var out []paramField
	for i := range t.NumField() {
		sf := t.Field(i)
		index := append(slices.Clone(prefix), i)
		if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
			out = append(out, paramFields(sf.Type, index)...)
			continue
		}
		tag, ok := sf.Tag.Lookup("param")
		if !ok {
			continue
		}
		parts := strings.Split(tag, ",")
		f := paramField{name: parts[0], index: index}
		for _, opt := range parts[1:] {
			switch opt {
			case "required":
				f.required = true
			case "ms":
				f.unit = time.Millisecond
			case "us":
				f.unit = time.Microsecond
			default:
				panic(fmt.Sprintf("params: unknown param tag option %q on %s", opt, sf.Name))
			}
		}
		out = append(out, f)
	}
	return out
}

// unknownParam is the error for a key the kind does not take, suggesting the nearest one.
func unknownParam(noun, kind, key string, names []string) error {
	if len(names) == 0 {
		return fmt.Errorf("%s %q: unknown parameter %q (%s takes no parameters)", noun, kind, key, kind)
	}
	if s := suggest.Nearest(key, names); s != "" {
		return fmt.Errorf("%s %q: unknown parameter %q (did you mean %q?)", noun, kind, key, s)
	}
	return fmt.Errorf("%s %q: unknown parameter %q (valid parameters: %s)", noun, kind, key, strings.Join(names, ", "))
}

// setParam converts raw to the field's type and stores it.
func setParam(field reflect.Value, raw any, f paramField) error {
	switch {
	case field.Type() == reflect.TypeFor[time.Duration]():
		d, err := toDuration(raw)
		if err != nil {
			return err
		}
		if d < 0 {
			return fmt.Errorf("must not be negative, got %s", d)
		}
		if f.unit > 0 && d%f.unit != 0 {
			return fmt.Errorf("must be a whole number of %s, got %s", unitName(f.unit), d)
		}
		field.SetInt(int64(d))
	case field.Kind() == reflect.Int64 || field.Kind() == reflect.Int:
		n, err := toInt(raw)
		if err != nil {
			return err
		}
		if n < 0 {
			return fmt.Errorf("must not be negative, got %d", n)
		}
		field.SetInt(n)
	case field.Kind() == reflect.Float64:
		x, err := toFloat(raw)
		if err != nil {
			return err
		}
		field.SetFloat(x)
	case field.Kind() == reflect.String:
		s, ok := raw.(string)
		if !ok {
			return fmt.Errorf("must be a string, got %s", describe(raw))
		}
		field.SetString(s)
	case field.Kind() == reflect.Bool:
		b, ok := raw.(bool)
		if !ok {
			return fmt.Errorf("must be true or false, got %s", describe(raw))
		}
		field.SetBool(b)
	case field.Type() == reflect.TypeFor[[]string]():
		list, err := toStrings(raw)
		if err != nil {
			return err
		}
		field.Set(reflect.ValueOf(list))
	default:
		panic(fmt.Sprintf("params: unsupported param field type %s", field.Type()))
	}
	return nil
}

func unitName(u time.Duration) string {
	if u == time.Microsecond {
		return "microseconds"
	}
	return "milliseconds"
}

// toDuration accepts a duration string ("100ms") or an already typed duration.
func toDuration(raw any) (time.Duration, error) {
	switch x := raw.(type) {
	case string:
		d, err := time.ParseDuration(strings.TrimSpace(x))
		if err != nil {
			return 0, fmt.Errorf("must be a duration such as \"100ms\" or \"2s\", got %q", x)
		}
		return d, nil
	case time.Duration:
		return x, nil
	case scenario.Duration:
		return x.D(), nil
	default:
		return 0, fmt.Errorf("must be a duration string such as \"100ms\", got %s", describe(raw))
	}
}

// toInt accepts any integer type, or a float holding a whole number (JSON decodes numbers
// as float64).
func toInt(raw any) (int64, error) {
	rv := reflect.ValueOf(raw)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return 0, fmt.Errorf("is too large: %d", u)
		}
		return int64(u), nil
	case reflect.Float32, reflect.Float64:
		x := rv.Float()
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return 0, fmt.Errorf("must be a whole number, got %v", x)
		}
		return int64(x), nil
	default:
		return 0, fmt.Errorf("must be a whole number, got %s", describe(raw))
	}
}

// toFloat accepts any integer or float type.
func toFloat(raw any) (float64, error) {
	rv := reflect.ValueOf(raw)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	default:
		return 0, fmt.Errorf("must be a number, got %s", describe(raw))
	}
}

// toStrings accepts a list of strings, as YAML ([a, b]) and JSON decode it.
func toStrings(raw any) ([]string, error) {
	switch x := raw.(type) {
	case []string:
		return slices.Clone(x), nil
	case []any:
		out := make([]string, 0, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("must be a list of strings, got %s at [%d]", describe(e), i)
			}
			out = append(out, s)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("must be a list of strings such as [sh, -c, \"...\"], got %s", describe(raw))
	}
}

// describe renders a value with its type for error messages: string "abc", int 5.
func describe(raw any) string {
	switch x := raw.(type) {
	case nil:
		return "nothing (null)"
	case string:
		return fmt.Sprintf("string %q", x)
	default:
		return fmt.Sprintf("%T %v", raw, raw)
	}
}
