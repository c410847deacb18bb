package contract

import (
	"bytes"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pb33f/go-yaml"
)

// The document loader accepts boolean schemas under most keywords but
// refuses them under the ones that take a single schema (not, if, then,
// else, contains, propertyNames, unevaluatedItems), although JSON Schema
// 2020-12 allows them there. Before loading, each such true or false is
// rewritten in place to its schema form ({} or {not: {}}), on the same
// line, so that line numbers in load errors stay right.

// boolSchemaKeys are the keywords whose boolean value is rewritten.
var boolSchemaKeys = map[string]bool{
	"not": true, "if": true, "then": true, "else": true,
	"contains": true, "propertyNames": true, "unevaluatedItems": true,
}

// dataKeys hold values, not schemas: nothing under them is rewritten.
var dataKeys = map[string]bool{"example": true, "examples": true, "enum": true, "const": true, "default": true}

// nameKeys map names to schemas.
var nameKeys = map[string]bool{"properties": true, "patternProperties": true, "$defs": true, "definitions": true,
	"dependentSchemas": true, "schemas": true}

// mayHaveBooleanSchemas finds documents that may need the rewrite (a
// keyword, a colon, then true or false), so that the others are not
// parsed twice: from each true and false back to a keyword (a regular
// expression takes seconds on a document of megabytes).
func mayHaveBooleanSchemas(data []byte) bool {
	isWS := func(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
	for _, lit := range [...][]byte{[]byte("true"), []byte("false")} {
		for off := 0; off < len(data); {
			i := bytes.Index(data[off:], lit)
			if i < 0 {
				break
			}
			j := off + i - 1
			off += i + len(lit)
			for j >= 0 && isWS(data[j]) {
				j--
			}
			if j < 0 || data[j] != ':' {
				continue
			}
			for j--; j >= 0 && isWS(data[j]); j-- {
			}
			if j >= 0 && (data[j] == '"' || data[j] == '\'') {
				j--
			}
			for kw := range boolSchemaKeys {
				if bytes.HasSuffix(data[:j+1], []byte(kw)) {
					return true
				}
			}
		}
	}
	return false
}

func rewriteBooleanSchemas(data []byte) []byte {
	if !mayHaveBooleanSchemas(data) {
		return data
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return data // the loader reports it
	}
	var spots []*yaml.Node
	// names: n maps names to schemas (properties, $defs…), so its keys
	// are not keywords.
	var walk func(n *yaml.Node, names bool, depth int)
	walk = func(n *yaml.Node, names bool, depth int) {
		if n == nil || depth > 512 {
			return
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				switch {
				case names:
					walk(v, false, depth+1)
				case boolSchemaKeys[k.Value] && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!bool":
					spots = append(spots, v)
				case dataKeys[k.Value] || strings.HasPrefix(k.Value, "x-"):
				default:
					walk(v, nameKeys[k.Value], depth+1)
				}
			}
			return
		}
		for _, c := range n.Content {
			walk(c, false, depth+1)
		}
	}
	walk(&root, false, 0)
	if len(spots) == 0 {
		return data
	}
	// Right to left within a line, so that a rewrite does not move the
	// next one.
	slices.SortFunc(spots, func(a, b *yaml.Node) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return b.Column - a.Column
	})
	lines := bytes.SplitAfter(data, []byte("\n"))
	for _, v := range spots {
		if v.Line < 1 || v.Line > len(lines) || v.Column < 1 {
			continue
		}
		ln := lines[v.Line-1]
		// Columns count characters.
		off := 0
		for c := 1; c < v.Column && off < len(ln); c++ {
			_, w := utf8.DecodeRune(ln[off:])
			off += w
		}
		if !bytes.HasPrefix(ln[off:], []byte(v.Value)) {
			continue
		}
		repl := "{}"
		if v.Value == "false" {
			repl = "{not: {}}"
		}
		out := make([]byte, 0, len(ln)+len(repl))
		out = append(out, ln[:off]...)
		out = append(out, repl...)
		out = append(out, ln[off+len(v.Value):]...)
		lines[v.Line-1] = out
	}
	return bytes.Join(lines, nil)
}
