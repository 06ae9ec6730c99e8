package scenario_test

import (
	"encoding/json"
	"flag"
	"os"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/scenario"
	"github.com/drillhq/drill/tools/schemadocs/typedoc"
)

var update = flag.Bool("update", false, "rewrite schema/scenario.schema.json from the Go types")

const schemaFile = "../../schema/scenario.schema.json"

// typeDocs reads the doc comments of types.go: "Type" and "Type.Field" to normalized text
// ("" for an undocumented field), with each field's yaml key.
func typeDocs() (docs map[string]string, yamlKeys map[string]string) {
	_, list, err := typedoc.Read("types.go", nil)
	Expect(err).NotTo(HaveOccurred())
	docs, yamlKeys = map[string]string{}, map[string]string{}
	for _, d := range list {
		docs[d.Key] = d.Text
		if d.YAML != "" {
			yamlKeys[d.Key] = d.YAML
		}
	}
	return docs, yamlKeys
}

var _ = Describe("JSON Schema", func() {
	var generated []byte
	var schema map[string]any

	BeforeEach(func() {
		var err error
		generated, err = scenario.JSONSchema()
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(generated, &schema)).To(Succeed())
	})

	It("is the committed schema/scenario.schema.json (go test ./internal/scenario -update rewrites it)", func() {
		if *update {
			Expect(os.WriteFile(schemaFile, generated, 0o644)).To(Succeed())
		}
		committed, err := os.ReadFile(schemaFile)
		Expect(err).NotTo(HaveOccurred(), "run: go test ./internal/scenario -update")
		Expect(string(committed)).To(Equal(string(generated)), "schema is stale: run go test ./internal/scenario -update")
	})

	It("is a closed draft 2020-12 schema holding every yaml key of types.go, described", func() {
		Expect(schema["$schema"]).To(Equal("https://json-schema.org/draft/2020-12/schema"))
		defs := schema["$defs"].(map[string]any)
		defs["Scenario"] = schema
		docs, keys := typeDocs()
		Expect(keys).NotTo(BeEmpty())
		for field, key := range keys {
			typ, _, _ := strings.Cut(field, ".")
			def, ok := defs[typ].(map[string]any)
			Expect(ok).To(BeTrue(), "type %s has a $defs entry", typ)
			Expect(def["additionalProperties"]).To(Equal(false), typ)
			props := def["properties"].(map[string]any)
			Expect(props).To(HaveKey(key), "yaml key %q of %s is in the schema", key, field)
			desc, _ := props[key].(map[string]any)["description"].(string)
			Expect(desc).NotTo(BeEmpty(), "%s is described", field)
			if d := docs[field]; d != "" {
				Expect(desc).To(HavePrefix(d), "%s's schema description is its doc comment", field)
			}
		}
	})

	It("lists the closed sets as enums and every trigger variable", func() {
		defs := schema["$defs"].(map[string]any)
		enum := func(typ, key string) any {
			return defs[typ].(map[string]any)["properties"].(map[string]any)[key].(map[string]any)["enum"]
		}
		Expect(enum("Workload", "kind")).To(BeNil(), "workloads are an open set: the registry checks the kind (an enum would refuse a program's own kind)")
		Expect(enum("Mechanism", "kind")).To(BeNil(), "mechanisms are an open set: the registry checks the kind")
		Expect(enum("Trigger", "kind")).To(BeNil(), "triggers are an open set: the registry checks the kind")
		Expect(enum("Service", "fixture")).To(ConsistOf("ledger", "writes"))
		cond := defs["Trigger"].(map[string]any)["properties"].(map[string]any)["condition"].(map[string]any)["description"].(string)
		for name := range scenario.TriggerEnv() {
			Expect(cond).To(ContainSubstring(name))
		}
	})
})
