// Package typedoc reads the doc comments of a Go file's types and of their yaml-keyed
// fields: what the scenario format's schema descriptions are generated from
// (tools/schemadocs) and what the schema's spec holds them to.
package typedoc

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strconv"
	"strings"
)

// Doc is the doc comment of one type ("Type") or of one struct field with a yaml key
// ("Type.Field"), its text on one line ("" when it has none).
type Doc struct {
	Key  string
	YAML string // the field's yaml key; "" for a type
	Text string
}

// Read parses the Go file name (src, when not nil, is its text) and returns its package
// name and the docs of every type and yaml-keyed field, in declaration order. Fields
// without a yaml key (no tag, or "-") are not part of the format and are left out.
func Read(name string, src []byte) (pkg string, docs []Doc, err error) {
	var input any // nil, not a nil []byte, makes the parser read the file
	if src != nil {
		input = src
	}
	f, err := parser.ParseFile(token.NewFileSet(), name, input, parser.ParseComments)
	if err != nil {
		return "", nil, fmt.Errorf("parse types: %w", err)
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			continue
		}
		for _, sp := range g.Specs {
			docs = append(docs, typeDocs(sp.(*ast.TypeSpec), g.Doc)...)
		}
	}
	return f.Name.Name, docs, nil
}

// typeDocs lists the doc of type ts (its own comment, or that of its declaration group)
// and of its fields.
func typeDocs(ts *ast.TypeSpec, group *ast.CommentGroup) []Doc {
	doc := text(ts.Doc)
	if doc == "" {
		doc = text(group)
	}
	docs := []Doc{{Key: ts.Name.Name, Text: doc}}
	st, ok := ts.Type.(*ast.StructType)
	if !ok {
		return docs
	}
	for _, fl := range st.Fields.List {
		key := yamlKey(fl)
		if key == "" {
			continue
		}
		for _, n := range fl.Names {
			docs = append(docs, Doc{Key: ts.Name.Name + "." + n.Name, YAML: key, Text: text(fl.Doc)})
		}
	}
	return docs
}

// text is a comment's text with its lines and spaces joined by single spaces.
func text(c *ast.CommentGroup) string {
	return strings.Join(strings.Fields(c.Text()), " ")
}

// yamlKey is the field's yaml key, "" for a field the format does not have.
func yamlKey(fl *ast.Field) string {
	if fl.Tag == nil {
		return ""
	}
	tag, err := strconv.Unquote(fl.Tag.Value)
	if err != nil {
		return ""
	}
	key, _, _ := strings.Cut(reflect.StructTag(tag).Get("yaml"), ",")
	if key == "-" {
		return ""
	}
	return key
}
