package report_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/check"
	"github.com/drillhq/drill/internal/measure"
	"github.com/drillhq/drill/internal/report"
	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/internal/stats"
	"github.com/drillhq/drill/internal/trial"
)

const resultsSchemaFile = "../../schema/results.schema.json"

// schemaViolations is a small structural JSON Schema check: $ref, type, const, enum, anyOf,
// properties, required, additionalProperties, items, pattern. It returns every
// violation with its JSON path.
func schemaViolations(root, s map[string]any, v any, path string) []string {
	if ref, ok := s["$ref"].(string); ok {
		def := root["$defs"].(map[string]any)[strings.TrimPrefix(ref, "#/$defs/")]
		if def == nil {
			return []string{path + ": unresolved " + ref}
		}
		return schemaViolations(root, def.(map[string]any), v, path)
	}
	errs, typed := valueViolations(root, s, v, path)
	if !typed {
		return errs
	}
	switch x := v.(type) {
	case map[string]any:
		errs = append(errs, objectViolations(root, s, x, path)...)
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, val := range x {
				errs = append(errs, schemaViolations(root, items, val, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	return errs
}

// valueViolations checks v against schema s's anyOf, const, enum, type and pattern; typed
// is false when v is not of s's type (its contents are then left unchecked).
func valueViolations(root, s map[string]any, v any, path string) (errs []string, typed bool) {
	if alts, ok := s["anyOf"].([]any); ok {
		matched := slices.ContainsFunc(alts, func(a any) bool { return len(schemaViolations(root, a.(map[string]any), v, path)) == 0 })
		if !matched {
			errs = append(errs, fmt.Sprintf("%s: %v matches no alternative", path, v))
		}
	}
	if c, ok := s["const"]; ok && c != v {
		errs = append(errs, fmt.Sprintf("%s: %v is not %v", path, v, c))
	}
	if e, ok := s["enum"].([]any); ok && !slices.Contains(e, v) {
		errs = append(errs, fmt.Sprintf("%s: %v not in %v", path, v, e))
	}
	if t, ok := s["type"]; ok && !schemaTypeOK(t, v) {
		return append(errs, fmt.Sprintf("%s: %T is not %v", path, v, t)), false
	}
	if p, ok := s["pattern"].(string); ok {
		if str, ok := v.(string); ok && !regexp.MustCompile(p).MatchString(str) {
			errs = append(errs, fmt.Sprintf("%s: %q does not match %s", path, str, p))
		}
	}
	return errs, true
}

// objectViolations checks object x against schema s's required, properties and
// additionalProperties.
func objectViolations(root, s map[string]any, x map[string]any, path string) []string {
	var errs []string
	props, _ := s["properties"].(map[string]any)
	if req, ok := s["required"].([]any); ok {
		for _, k := range req {
			if _, ok := x[k.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: missing required %q", path, k))
			}
		}
	}
	for k, val := range x {
		if ps, ok := props[k]; ok {
			errs = append(errs, schemaViolations(root, ps.(map[string]any), val, path+"."+k)...)
			continue
		}
		switch ap := s["additionalProperties"].(type) {
		case bool:
			if !ap {
				errs = append(errs, fmt.Sprintf("%s: unexpected key %q", path, k))
			}
		case map[string]any:
			errs = append(errs, schemaViolations(root, ap, val, path+"."+k)...)
		}
	}
	return errs
}

func schemaTypeOK(t, v any) bool {
	if ts, ok := t.([]any); ok {
		return slices.ContainsFunc(ts, func(one any) bool { return schemaTypeOK(one, v) })
	}
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == math.Trunc(f)
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "null":
		return v == nil
	}
	return false
}

// schemaSampleResults is a run exercising every optional part of the format: loss, a
// consistency finding, raw records, an errored trial, infinite bounds and an audit ref.
func schemaSampleResults() *report.Results {
	off := func(ms int) *measure.Offset { o := measure.Offset(time.Duration(ms) * time.Millisecond); return &o }
	obj := scenario.Objectives{RTO: scenario.Duration(time.Second), RPO: 0, SuccessRate: 0.9, Quantile: 0.9, Confidence: 0.95}
	t0 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	trials := []trial.Result{
		{Index: 1, Seed: 7, Outcome: trial.Recovered, Started: t0, Setup: *off(900),
			Timing: measure.Timing{Fault: *off(500), Impact: off(510), Detect: off(560), Trigger: off(561), Recovered: off(640),
				TTD: off(50), TTM: off(1), TTR: off(79), RTC: off(130)},
			Loss:        &measure.Loss{Attempted: 10, Acked: 9, Failed: 1, Lost: []string{"t-3"}, OldestLostAck: off(400), RPC: *off(110)},
			Consistency: []check.Finding{{Checker: "conservation", Status: check.Fail, Message: "money created", IDs: []string{"a1"}}},
			Events:      []trial.Event{{At: *off(500), Name: "fault"}},
			Probes:      []measure.ProbeResult{{Seq: 1, Start: *off(25), End: *off(27), OK: true, Status: 200}},
			History:     []measure.Op{{ID: "t-1", Invoke: *off(30), Complete: *off(31), Outcome: measure.OK}}},
		{Index: 2, Seed: 8, Outcome: trial.NotRecovered, Started: t0.Add(time.Minute), Timing: measure.Timing{Fault: *off(500)}},
		{Index: 3, Seed: 9, Outcome: trial.Errored, Error: "start stack: port in use", Started: t0.Add(2 * time.Minute)},
	}
	return &report.Results{Schema: report.SchemaVersion, DrillVersion: "test", RunID: "20261102T100000Z-abcd",
		Scenario: report.ScenarioRef{Name: "bad-release", File: "scenarios/bad-release.yaml", SHA256: "00ff"}, Objectives: obj,
		Runtime: "process", Seed: 42, Started: t0, Finished: t0.Add(3 * time.Minute), ProbeIntervalMs: 25, RecoverAfter: 3,
		Trials: trials, Summary: report.Summarize(trials, obj),
		Audit: &report.AuditRef{File: "bad-release.audit.jsonl", Digest: "ab12"}}
}

var _ = Describe("Results JSON Schema", func() {
	var (
		generated []byte
		schema    map[string]any
	)
	BeforeEach(func() {
		var err error
		generated, err = report.ResultsJSONSchema()
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(generated, &schema)).To(Succeed())
	})

	It("is the committed schema/results.schema.json (go test ./internal/report -update rewrites it)", func() {
		if *update {
			Expect(os.WriteFile(resultsSchemaFile, generated, 0o644)).To(Succeed())
		}
		committed, err := os.ReadFile(resultsSchemaFile)
		Expect(err).NotTo(HaveOccurred(), "run: go test ./internal/report -update")
		Expect(string(committed)).To(Equal(string(generated)), "schema is stale: run go test ./internal/report -update")
	})

	It("is draft 2020-12, pins the schema version and describes the custom encodings", func() {
		Expect(schema["$schema"]).To(Equal("https://json-schema.org/draft/2020-12/schema"))
		Expect(schema["properties"].(map[string]any)["schema"]).To(Equal(map[string]any{"const": report.SchemaVersion}))
		defs := schema["$defs"].(map[string]any)
		Expect(defs["Offset"]).To(HaveKeyWithValue("type", "number"))
		Expect(defs["Duration"]).To(HaveKeyWithValue("type", "string"))
		Expect(defs["Verdict"]).To(HaveKeyWithValue("enum", ConsistOf("pass", "inconclusive", "fail")))
		Expect(defs["Float"].(map[string]any)["anyOf"]).To(ContainElement(HaveKeyWithValue("enum", ConsistOf("+Inf", "-Inf", "NaN"))))
	})

	It("describes stats.VerdictResult with exactly the keys its MarshalJSON writes", func() {
		b, err := json.Marshal(stats.QuantileVerdict([]float64{1, 2}, 0.9, 0.95, 1))
		Expect(err).NotTo(HaveOccurred())
		var got map[string]any
		Expect(json.Unmarshal(b, &got)).To(Succeed())
		props := schema["$defs"].(map[string]any)["VerdictResult"].(map[string]any)["properties"].(map[string]any)
		Expect(slices.Sorted(maps.Keys(props))).To(Equal(slices.Sorted(maps.Keys(got))))
	})

	It("accepts a marshalled results file and rejects one with a key missing or mistyped", func() {
		r := schemaSampleResults()
		Expect(r.Summary.RTO.UpperOK).To(BeFalse()) // exercises the zero bounds
		path := filepath.Join(GinkgoT().TempDir(), "run.json")
		Expect(r.Write(path)).To(Succeed())
		raw, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		var doc map[string]any
		Expect(json.Unmarshal(raw, &doc)).To(Succeed())
		Expect(schemaViolations(schema, schema, doc, "$")).To(BeEmpty())

		delete(doc["summary"].(map[string]any), "rto")
		doc["trials"].([]any)[0].(map[string]any)["outcome"] = "exploded"
		doc["trials"].([]any)[0].(map[string]any)["timing"].(map[string]any)["rtc_ms"] = "130ms"
		Expect(schemaViolations(schema, schema, doc, "$")).To(ConsistOf(
			`$.summary: missing required "rto"`,
			ContainSubstring(`$.trials[0].outcome: exploded not in`),
			ContainSubstring(`$.trials[0].timing.rtc_ms: string is not number`),
		))
	})

	It("accepts an infinite estimate written as a string, and a run with no trials (null)", func() {
		r := schemaSampleResults()
		r.Summary.RTO.Estimate = math.Inf(1)
		r.Trials = nil
		b, err := json.Marshal(r)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(ContainSubstring(`"estimate":"+Inf"`))
		var doc map[string]any
		Expect(json.Unmarshal(b, &doc)).To(Succeed())
		Expect(schemaViolations(schema, schema, doc, "$")).To(BeEmpty())
	})
})

var _ = Describe("stored results files", func() {
	It("all validate against the generated schema", func() {
		generated, err := report.ResultsJSONSchema()
		Expect(err).NotTo(HaveOccurred())
		var schema map[string]any
		Expect(json.Unmarshal(generated, &schema)).To(Succeed())
		paths, err := filepath.Glob(filepath.Join("testdata", "aggregate-runs", "*.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(paths).NotTo(BeEmpty())
		for _, p := range paths {
			raw, err := os.ReadFile(p)
			Expect(err).NotTo(HaveOccurred())
			var doc map[string]any
			Expect(json.Unmarshal(raw, &doc)).To(Succeed())
			Expect(schemaViolations(schema, schema, doc, "$")).To(BeEmpty(), p)
		}
	})
})
