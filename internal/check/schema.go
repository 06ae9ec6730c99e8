package check

import "fmt"

// NameSchema is the schema checker's name.
const NameSchema = "schema"

// SchemaInfo is what a service reports of its schema versions (the ledger's GET
// /schema, with /version's release): the data's, the running code's, and, when the
// scenario says which the release should run, Expected (0: not said).
type SchemaInfo struct {
	Release    string `json:"release,omitempty"`
	DataSchema int    `json:"data_schema"`
	CodeSchema int    `json:"code_schema"`
	Expected   int    `json:"expected,omitempty"`
}

// Schema checks that the data's schema version is the running code's (a rollback over
// data a newer release migrated fails it), and the code's the one expected of the
// release. An unreported version (0) is Unknown.
func Schema(s SchemaInfo) Finding {
	rel := ""
	if s.Release != "" {
		rel = " (release " + s.Release + ")"
	}
	switch {
	case s.DataSchema == 0 || s.CodeSchema == 0:
		return unknown(NameSchema, fmt.Sprintf("schema versions not reported: data %d, code %d%s", s.DataSchema, s.CodeSchema, rel))
	case s.Expected != 0 && s.CodeSchema != s.Expected:
		return fail(NameSchema, fmt.Sprintf("running code schema %d%s, want %d", s.CodeSchema, rel, s.Expected), nil)
	case s.DataSchema != s.CodeSchema:
		return fail(NameSchema, fmt.Sprintf("data schema %d does not match running code schema %d%s", s.DataSchema, s.CodeSchema, rel), nil)
	}
	return pass(NameSchema, fmt.Sprintf("data and code schema %d%s", s.DataSchema, rel))
}
