package scenario

//go:generate go run ../../tools/schemadocs -in types.go -out schema_docs.go

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// SchemaID is the $id of the published JSON Schema (schema/scenario.schema.json).
const SchemaID = "https://github.com/drillhq/drill/schema/scenario.schema.json"

// required lists, per type, the keys a file must write (others have defaults or are optional).
var required = map[string][]string{
	"Scenario":        {"version", "name", "objectives", "stack", "probes", "rollback"},
	"Objectives":      {"rto"},
	"Service":         {"name"},
	"ReadyHTTP":       {"path"},
	"Release":         {"name"},
	"Proxy":           {"name", "upstream"},
	"Workload":        {"kind"},
	"HTTPProbe":       {"service"},
	"TCPProbe":        {"service"},
	"ExecProbe":       {"command"},
	"PrometheusProbe": {"url", "query", "condition"},
	"WorkloadRequest": {"path"},
	"WorkloadWrite":   {"path"},
	"WorkloadRead":    {"path", "ids"},
	"ChangeStep":      {"name", "kind"},
	"Fault":           {"kind", "target"},
	"Rollback":        {"trigger"},
	"Mechanism":       {"kind"},
	"Trigger":         {"kind", "condition"},
	"Linearizable":    {"service"},
	"VerifyCheck":     {"name"},
	"Forecast":        {"deploys_per_month", "change_failure_rate"},
}

// constraints adds enums, ranges and defaults to a field's schema, keyed "Type.Field".
var constraints = map[string]map[string]any{
	"Scenario.Version":           {"const": FormatVersion},
	"Scenario.Trials":            {"minimum": 1, "default": DefaultTrials},
	"ChangeStep.Retries":         {"minimum": 0, "maximum": MaxRetries},
	"Mechanism.Retries":          {"minimum": 0, "maximum": MaxRetries},
	"Scenario.Warmup":            {"default": Duration(DefaultWarmup).String()},
	"Forecast.DeploysPerMonth":   {"exclusiveMinimum": 0},
	"Forecast.ChangeFailureRate": {"exclusiveMinimum": 0, "maximum": 1},
	"Forecast.FailedOutage":      {"default": Duration(DefaultFailedOutage).String()},
	"Objectives.SuccessRate":     {"exclusiveMinimum": 0, "maximum": 1, "default": DefaultSuccessRate},
	"Objectives.Quantile":        {"exclusiveMinimum": 0, "exclusiveMaximum": 1, "default": DefaultQuantile},
	"Objectives.Confidence":      {"exclusiveMinimum": 0, "exclusiveMaximum": 1, "default": DefaultConfidence},
	"Stack.Services":             {"minItems": 1},
	"Scenario.Name":              {"minLength": 1, "pattern": namePattern, "maxLength": NameMaxLen},
	"Service.Name":               {"pattern": namePattern, "maxLength": NameMaxLen},
	"Release.Name":               {"pattern": namePattern, "maxLength": NameMaxLen},
	"Proxy.Name":                 {"pattern": namePattern, "maxLength": NameMaxLen},
	"ChangeStep.Name":            {"pattern": namePattern, "maxLength": NameMaxLen},
	"RollbackPlan.Name":          {"pattern": namePattern, "maxLength": NameMaxLen},
	"Service.Fixture":            {"enum": Fixtures},
	"Service.Command":            {"minItems": 1},
	"Service.Port":               {"minimum": 1, "maximum": 65535},
	"Service.Health":             {"pattern": "^/"},
	"Service.DependsOn":          {"uniqueItems": true},
	"Service.StopSignal":         {"enum": StopSignals},
	"ReadyHTTP.Path":             {"pattern": "^/"},
	"ReadyHTTP.Port":             {"minimum": 1, "maximum": 65535},
	"ReadyHTTP.Status":           {"minimum": 100, "maximum": 599},
	"ReadyTCP.Port":              {"minimum": 1, "maximum": 65535},
	"Ready.Exec":                 {"minItems": 1},
	"Ready.Log":                  {"minLength": 1},
	"Ready.Kind":                 {"minLength": 1},
	"Service.StartTimeout":       {"default": Duration(DefaultStartTimeout).String()},
	"Workload.Kind":              {"examples": []string{"ledger", "http", "sql", "redis", "none"}},
	"Workload.Rate":              {"exclusiveMinimum": 0, "maximum": MaxWorkloadRate, "default": DefaultWorkloadRate},
	"Workload.Accounts":          {"minimum": 2, "default": DefaultWorkloadAccounts},
	"Workload.Timeout":           {"default": Duration(DefaultWorkloadTimeout).String()},
	"Probes.Interval":            {"default": Duration(DefaultProbeInterval).String()},
	"Probes.Timeout":             {"default": Duration(DefaultProbeTimeout).String()},
	"Probes.RecoverAfter":        {"minimum": 1, "default": DefaultRecoverAfter},
	"HTTPProbe.Method":           {"enum": httpMethods, "default": DefaultHTTPMethod},
	"HTTPProbe.Status":           {"minimum": 100, "maximum": 599, "default": DefaultHTTPStatus},
	"HTTPProbe.Path":             {"pattern": "^/", "description_suffix": " Default: the service's health path."},
	"ExecProbe.Command":          {"minItems": 1},
	"PrometheusProbe.URL":        {"pattern": "^https?://", "examples": []string{"http://127.0.0.1:9090", "http://${ENDPOINT_PROMETHEUS}"}},
	"PrometheusProbe.Condition":  {"minLength": 1, "examples": []string{"value < 0.05"}},
	"WorkloadRequest.Method":     {"enum": httpMethods, "default": DefaultWriteMethod},
	"WorkloadRequest.Path":       {"pattern": "^/"},
	"WorkloadWrite.Method":       {"enum": httpMethods, "default": DefaultWriteMethod},
	"WorkloadWrite.Path":         {"pattern": "^/"},
	"WorkloadWrite.Success":      {"minItems": 1, "default": DefaultWriteSuccess},
	"WorkloadRead.Method":        {"enum": httpMethods, "default": DefaultHTTPMethod},
	"WorkloadRead.Path":          {"pattern": "^/"},
	"WorkloadRead.IDs":           {"pattern": idPathRE.String(), "examples": []string{"$.ids", "$.items[*].id", "$[*]"}},
	"Rollback.Timeout":           {"default": Duration(DefaultRollbackTimeout).String()},
	"Mechanism.Params":           {"description_suffix": " Keys depend on the mechanism kind."},
	"Trigger.Kind":               {"examples": TriggerKinds},
	"Trigger.Params":             {"description_suffix": " Keys depend on the trigger kind."},
	"Trigger.Condition": {"minLength": 1, "examples": []string{"error_rate > 0.5", "error_rate > 0.05 || p95_ms > 800"},
		"description_suffix": " Variables: error_rate, failures, successes, samples (probes in the window), p50_ms, p95_ms, p99_ms, max_ms (their latency), consecutive_failures; it must return a bool."},
	"Trigger.Window":       {"default": Duration(DefaultTriggerWindow).String()},
	"Trigger.MinSamples":   {"minimum": 1, "default": DefaultTriggerMinSamples},
	"Trigger.FailureLimit": {"minimum": 1, "default": DefaultTriggerFailures},
	"Verify.FinalRead":     {"description_suffix": " Default: true when the workload kind reads back what it wrote (ledger, http, sql, redis)."},
	"Objectives.RTO":       {"examples": []string{"5s"}},
	"Objectives.RPO":       {"default": "0s"},
	"Fault.Params":         {"description_suffix": " Keys depend on the fault kind."},
	"Linearizable.Clients": {"minimum": 1, "default": DefaultLinearizableClients},
	"Linearizable.Keys":    {"minimum": 1, "default": DefaultLinearizableKeys},
	"Linearizable.Rate":    {"exclusiveMinimum": 0, "maximum": MaxWorkloadRate, "default": DefaultLinearizableRate},
	"Linearizable.Timeout": {"default": Duration(DefaultLinearizableTimeout).String()},
	"VerifyCheck.Name":     {"minLength": 1},
	"VerifyCheck.Path":     {"pattern": "^/"},
	"VerifyCheck.Command":  {"minItems": 1},
	"VerifyCheck.Timeout":  {"default": Duration(DefaultCheckTimeout).String()},
}

// objectConstraints adds keywords to a whole type's schema, keyed "Type".
var objectConstraints = map[string]map[string]any{
	// Exactly one probe kind.
	"Probes": {"oneOf": []any{
		map[string]any{"required": []string{ProbeHTTP}}, map[string]any{"required": []string{ProbeTCP}},
		map[string]any{"required": []string{ProbeExec}}, map[string]any{"required": []string{ProbePrometheus}},
	}},
	// Services, or a compose file that gives them.
	"Stack": {"anyOf": []any{map[string]any{"required": []string{"services"}}, map[string]any{"required": []string{"compose"}}}},
	// At most one readiness check per service (a compose service's healthcheck, or a TCP
	// check, stands in for a missing one; validation requires one of the others), and
	// exactly one kind in it. The port is required of a service that is neither external
	// nor given by a compose file, which validation checks.
	"Service": {"not": map[string]any{"required": []string{"health", "ready"}}},
	"Ready": {"oneOf": []any{
		map[string]any{"required": []string{"http"}}, map[string]any{"required": []string{"tcp"}},
		map[string]any{"required": []string{"exec"}}, map[string]any{"required": []string{"log"}},
		map[string]any{"required": []string{"kind"}},
	}},
	// An HTTP check (path with service) or a command check.
	"VerifyCheck": {"oneOf": []any{
		map[string]any{"required": []string{"path", "service"}, "not": map[string]any{"required": []string{"command"}}},
		map[string]any{"required": []string{"command"}, "not": map[string]any{"anyOf": []any{
			map[string]any{"required": []string{"path"}}, map[string]any{"required": []string{"service"}}}}},
	}},
}

// durationPattern matches what time.ParseDuration accepts with a unit ("250ms", "1m30s").
const durationPattern = `^(0|([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$`

// JSONSchema returns the JSON Schema (draft 2020-12) of the scenario format, generated
// from the Go types by reflection plus the docs table (types.go's doc comments, which
// go generate writes into schema_docs.go) and the constraints tables, so editors can
// complete and check scenario files. schema/scenario.schema.json is its output.
func JSONSchema() ([]byte, error) {
	defs := map[string]any{
		"Duration": map[string]any{
			"type":        "string",
			"pattern":     durationPattern,
			"description": docs["Duration"] + " A bare number is an error: write the unit.",
			"examples":    []string{"250ms", "5s", "1m30s"},
		},
	}
	root := structSchema(reflect.TypeFor[Scenario](), defs)
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = SchemaID
	root["title"] = "drill scenario"
	root["$defs"] = defs
	root["anyOf"] = []any{
		map[string]any{"required": []string{"change"}},
		map[string]any{"required": []string{"faults"}, "properties": map[string]any{"faults": map[string]any{"minItems": 1}}},
	}
	b, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode schema: %w", err)
	}
	return append(b, '\n'), nil
}

// structSchema describes struct type t as a closed object and registers its field types.
func structSchema(t reflect.Type, defs map[string]any) map[string]any {
	props := map[string]any{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		key := t.Name() + "." + f.Name
		fs := typeSchema(f.Type, defs)
		desc := docs[key]
		if c := constraints[key]; c != nil {
			for k, v := range c {
				if k == "description_suffix" {
					desc += v.(string)
					continue
				}
				fs[k] = v
			}
		}
		if desc != "" {
			fs["description"] = desc
		}
		props[name] = fs
	}
	s := map[string]any{
		"type":                 "object",
		"properties":           props,
		"additionalProperties": false,
	}
	if d := docs[t.Name()]; d != "" {
		s["description"] = d
	}
	if r := required[t.Name()]; len(r) > 0 {
		s["required"] = r
	}
	for k, v := range objectConstraints[t.Name()] {
		s[k] = v
	}
	return s
}

// typeSchema describes a field type; struct types go to $defs and are referenced.
func typeSchema(t reflect.Type, defs map[string]any) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == durationType {
		return map[string]any{"$ref": "#/$defs/Duration"}
	}
	switch t.Kind() {
	case reflect.Struct:
		if _, ok := defs[t.Name()]; !ok {
			defs[t.Name()] = nil // reserve against recursion
			defs[t.Name()] = structSchema(t, defs)
		}
		return map[string]any{"$ref": "#/$defs/" + t.Name()}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": typeSchema(t.Elem(), defs)}
	case reflect.Map:
		if t.Elem().Kind() == reflect.Interface {
			return map[string]any{"type": "object"}
		}
		return map[string]any{"type": "object", "additionalProperties": map[string]any{"type": []string{"string", "number", "boolean"}}}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Int, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	}
	return map[string]any{}
}
