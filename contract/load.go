package contract

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/datamodel"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	"github.com/pb33f/libopenapi/index"
)

// LoadFile reads an OpenAPI 3.0 or 3.1 document (YAML or JSON) and the
// files its $refs name beside it, and compiles it. Remote $refs are not
// fetched: a gateway must not depend on another server to start.
func LoadFile(path string, o Options) (*Contract, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading OpenAPI document: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("OpenAPI document %s: %w", path, err)
	}
	c, err := load(data, filepath.Dir(abs), abs, o)
	if err != nil {
		return nil, fmt.Errorf("OpenAPI document %s: %w", path, err)
	}
	return c, nil
}

// Load compiles a document given as bytes; relative $refs resolve against
// dir ("" forbids file references).
func Load(data []byte, dir string, o Options) (*Contract, error) {
	return load(data, dir, "", o)
}

func load(data []byte, dir, file string, o Options) (*Contract, error) {
	cfg := &datamodel.DocumentConfiguration{
		AllowFileReferences:                 dir != "",
		AllowRemoteReferences:               false,
		BasePath:                            dir,
		SpecFilePath:                        file,
		IgnorePolymorphicCircularReferences: true,
		IgnoreArrayCircularReferences:       true,
		ExcludeExtensionRefs:                true,
		// libopenapi logs what it also returns; the error is the report.
		Logger: slog.New(slog.DiscardHandler),
	}
	if dir == "" {
		cfg.BasePath = "."
	}
	doc, err := libopenapi.NewDocumentWithConfiguration(rewriteBooleanSchemas(data), cfg)
	if err != nil {
		return nil, fmt.Errorf("not an OpenAPI document: %w", err)
	}
	ver := doc.GetVersion()
	if !strings.HasPrefix(ver, "3.0") && !strings.HasPrefix(ver, "3.1") {
		return nil, fmt.Errorf("openapi: version %q is not supported (3.0.x and 3.1.x are)", ver)
	}
	model, err := doc.BuildV3Model()
	if err = withoutCircular(err); err != nil {
		return nil, err
	}
	if model == nil {
		return nil, errors.New("the document could not be built")
	}
	cm := &compiler{memo: map[*yaml.Node]*Schema{}, opts: o, anchorsInDoc: map[string]int{}}
	if bytes.Contains(data, []byte("$dynamicAnchor")) {
		if info := doc.GetSpecInfo(); info != nil {
			countDynamicAnchors(info.RootNode, cm.anchorsInDoc, 0)
		}
	}
	c, err := cm.document(&model.Model)
	if err != nil {
		return nil, err
	}
	c.Version = ver
	return c, nil
}

// withoutCircular drops libopenapi's reports of circular references:
// recursive schemas (a tree of comments) are legal and the compiler
// handles them; every other build error fails the load.
func withoutCircular(err error) error {
	if err == nil {
		return nil
	}
	var kept []error
	for _, e := range unwrapAll(err) {
		var re *index.ResolvingError
		if errors.As(e, &re) && re.CircularReference != nil {
			continue
		}
		kept = append(kept, e)
	}
	if len(kept) == 0 {
		return nil
	}
	if len(kept) > 5 {
		kept = append(kept[:5], fmt.Errorf("and %d more errors", len(kept)-5))
	}
	return fmt.Errorf("invalid document: %w", errors.Join(kept...))
}

func unwrapAll(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, unwrapAll(e)...)
		}
		return out
	}
	return []error{err}
}

// compiler turns libopenapi's model into the compiled contract. Schemas are
// memoised by their YAML node, so a $ref used a thousand times is compiled
// once and a recursive one points back at itself.
type compiler struct {
	memo     map[*yaml.Node]*Schema
	all      []*Schema
	opts     Options
	warnings []string
	// $dynamicAnchor schemas by name, the schemas with a $dynamicRef, and
	// how many $dynamicAnchor of each name the document's text holds.
	anchors      map[string][]*Schema
	dynRefs      []*Schema
	anchorsInDoc map[string]int
}

// locErr names where in the document something is wrong.
func locErr(ptr string, n *yaml.Node, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if n != nil && n.Line > 0 {
		return fmt.Errorf("%s (line %d): %s", ptr, n.Line, msg)
	}
	return fmt.Errorf("%s: %s", ptr, msg)
}

// ptrJoin appends a JSON pointer token.
func ptrJoin(ptr string, tok ...string) string {
	for _, t := range tok {
		ptr += "/" + escapePointer(t)
	}
	return ptr
}

func (cm *compiler) schema(sp *base.SchemaProxy, ptr string) (*Schema, error) {
	if sp == nil {
		return nil, nil
	}
	if ref := sp.GetReference(); ref != "" {
		ptr = ref
	}
	sch, err := sp.BuildSchema()
	if err != nil {
		return nil, locErr(ptr, sp.GetValueNode(), "invalid schema: %v", err)
	}
	if sch == nil {
		return nil, locErr(ptr, sp.GetValueNode(), "schema could not be resolved")
	}
	var key *yaml.Node
	if low := sch.GoLow(); low != nil {
		key = low.RootNode
	}
	if key != nil {
		if s, ok := cm.memo[key]; ok {
			return s, nil
		}
	}
	s := newSchema()
	s.Ptr = ptr
	if key != nil {
		cm.memo[key] = s
	}
	cm.all = append(cm.all, s)
	if err := cm.fill(s, sch, ptr, key); err != nil {
		return nil, err
	}
	return s, nil
}

func (cm *compiler) fill(s *Schema, sch *base.Schema, ptr string, node *yaml.Node) error {
	if sch.BooleanSchema != nil {
		if !*sch.BooleanSchema {
			s.Not = newSchema() // false: nothing matches
		}
		return nil
	}
	for _, t := range sch.Type {
		m, ok := typeNames[t]
		if !ok {
			return locErr(ptr, node, "type %q is not a JSON Schema type", t)
		}
		s.Types |= m
	}
	s.Nullable = sch.Nullable != nil && *sch.Nullable
	for _, e := range sch.Enum {
		s.Enum = append(s.Enum, nodeValue(e))
	}
	if sch.Const != nil {
		s.Const, s.HasConst = nodeValue(sch.Const), true
	}
	if sch.MinLength != nil {
		s.MinLength = int(*sch.MinLength)
	}
	if sch.MaxLength != nil {
		s.MaxLength = int(*sch.MaxLength)
	}
	if sch.Pattern != "" {
		re, err := regexp.Compile(sch.Pattern)
		if err != nil {
			// ECMA-262 patterns with look-around have no RE2 form; the
			// document is still valid, so the pattern is not enforced
			// and the load says so.
			cm.warnings = append(cm.warnings, fmt.Sprintf("%s: pattern not enforced (not RE2 syntax): %v", ptr, err))
		} else {
			s.Pattern = re
		}
	}
	s.Format = sch.Format
	// Copies: libopenapi's pointers point into its model, and one kept
	// pointer would keep the whole parsed document alive.
	s.Minimum, s.Maximum = copyFloat(sch.Minimum), copyFloat(sch.Maximum)
	if d := sch.ExclusiveMinimum; d != nil {
		if d.IsA() {
			s.ExclusiveMinimum = d.A
		} else {
			v := d.B
			s.ExclMin = &v
		}
	}
	if d := sch.ExclusiveMaximum; d != nil {
		if d.IsA() {
			s.ExclusiveMaximum = d.A
		} else {
			v := d.B
			s.ExclMax = &v
		}
	}
	if sch.MultipleOf != nil {
		if *sch.MultipleOf <= 0 {
			return locErr(ptr, node, "multipleOf must be greater than 0")
		}
		s.MultipleOf = *sch.MultipleOf
	}
	if sch.MinItems != nil {
		s.MinItems = int(*sch.MinItems)
	}
	if sch.MaxItems != nil {
		s.MaxItems = int(*sch.MaxItems)
	}
	s.UniqueItems = sch.UniqueItems != nil && *sch.UniqueItems
	var err error
	if len(sch.PrefixItems) > 0 {
		pi, err := cm.list(sch.PrefixItems, ptr, "prefixItems")
		if err != nil {
			return err
		}
		if len(pi) > 0 {
			s.own().PrefixItems = pi
		}
	}
	if d := sch.Items; d != nil {
		if d.IsA() {
			it, err := cm.schema(d.A, ptrJoin(ptr, "items"))
			if err != nil {
				return err
			}
			s.Items = it
		} else if !d.B && (s.MaxItems < 0 || s.MaxItems > len(s.PrefixItems)) {
			// items: false after prefixItems: a closed tuple.
			s.MaxItems = len(s.PrefixItems)
		}
	}
	if sch.Contains != nil {
		c, err := cm.schema(sch.Contains, ptrJoin(ptr, "contains"))
		if err != nil {
			return err
		}
		if c != nil {
			e := s.own()
			e.Contains = c
			if sch.MinContains != nil {
				e.MinContains = int(*sch.MinContains)
			}
			if sch.MaxContains != nil {
				e.MaxContains = int(*sch.MaxContains)
			}
		}
	}
	if sch.UnevaluatedItems != nil {
		u, err := cm.unevaluatedProxy(sch.UnevaluatedItems, ptrJoin(ptr, "unevaluatedItems"))
		if err != nil {
			return err
		}
		s.own().UnevaluatedItems = u
	}
	if sch.MinProperties != nil {
		s.MinProperties = int(*sch.MinProperties)
	}
	if sch.MaxProperties != nil {
		s.MaxProperties = int(*sch.MaxProperties)
	}
	s.Required = append([]string(nil), sch.Required...)
	if sch.Properties != nil && sch.Properties.Len() > 0 {
		s.Properties = make(map[string]*Schema, sch.Properties.Len())
		for pair := sch.Properties.First(); pair != nil; pair = pair.Next() {
			p, err := cm.schema(pair.Value(), ptrJoin(ptr, "properties", pair.Key()))
			if err != nil {
				return err
			}
			if p == nil {
				p = newSchema()
			}
			s.Properties[pair.Key()] = p
		}
	}
	if err := cm.additional(s, sch.AdditionalProperties, ptrJoin(ptr, "additionalProperties")); err != nil {
		return err
	}
	if err := cm.objectKeywords(s, sch, ptr, node); err != nil {
		return err
	}
	if s.AllOf, err = cm.list(sch.AllOf, ptr, "allOf"); err != nil {
		return err
	}
	if s.AnyOf, err = cm.list(sch.AnyOf, ptr, "anyOf"); err != nil {
		return err
	}
	if s.OneOf, err = cm.list(sch.OneOf, ptr, "oneOf"); err != nil {
		return err
	}
	if sch.Not != nil {
		if s.Not, err = cm.schema(sch.Not, ptrJoin(ptr, "not")); err != nil {
			return err
		}
	}
	if err := cm.conditional(s, sch, ptr); err != nil {
		return err
	}
	if err := cm.dynamic(s, sch, ptr, node); err != nil {
		return err
	}
	s.ReadOnly = sch.ReadOnly != nil && *sch.ReadOnly
	s.WriteOnly = sch.WriteOnly != nil && *sch.WriteOnly
	return nil
}

func (cm *compiler) additional(s *Schema, d *base.DynamicValue[*base.SchemaProxy, bool], ptr string) error {
	if d == nil {
		return nil
	}
	if !d.IsA() {
		s.AdditionalTrue, s.AdditionalFalse = d.B, !d.B
		return nil
	}
	a, err := cm.schema(d.A, ptr)
	if err != nil {
		return err
	}
	if a == nil || a.isEmpty() {
		s.AdditionalTrue = true // additionalProperties: {} says "anything"
		return nil
	}
	s.Additional = a
	return nil
}

// isEmpty: a schema with no constraint at all ({}).
func (s *Schema) isEmpty() bool {
	return s.Types == 0 && !s.Nullable && len(s.Enum) == 0 && !s.HasConst && s.MinLength < 0 && s.MaxLength < 0 &&
		s.Pattern == nil && s.Format == "" && s.Minimum == nil && s.Maximum == nil && s.ExclMin == nil && s.ExclMax == nil &&
		s.MultipleOf == 0 && s.MinItems < 0 && s.MaxItems < 0 && !s.UniqueItems && s.Items == nil &&
		len(s.Properties) == 0 && len(s.Required) == 0 && s.MinProperties < 0 && s.MaxProperties < 0 &&
		s.Additional == nil && !s.AdditionalFalse && len(s.AllOf) == 0 && len(s.AnyOf) == 0 && len(s.OneOf) == 0 && s.Not == nil &&
		len(s.PrefixItems) == 0 && s.Contains == nil && s.UnevaluatedItems.mode == unevalNone &&
		len(s.PatternProperties) == 0 && !s.PatternsOpen && s.PropertyNames == nil &&
		len(s.DependentRequired) == 0 && len(s.DependentSchemas) == 0 &&
		s.UnevaluatedProperties.mode == unevalNone && s.If == nil && s.Then == nil && s.Else == nil &&
		s.dynamicRef == ""
}

func (cm *compiler) list(in []*base.SchemaProxy, ptr, kw string) ([]*Schema, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]*Schema, 0, len(in))
	for i, sp := range in {
		s, err := cm.schema(sp, ptrJoin(ptr, kw, strconv.Itoa(i)))
		if err != nil {
			return nil, err
		}
		if s != nil {
			out = append(out, s)
		}
	}
	return out, nil
}

// nodeValue decodes an enum, const or default value the way request bodies
// are decoded (numbers as jsonNumber), so that they compare equal.
func nodeValue(n *yaml.Node) any {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.AliasNode:
		return nodeValue(n.Alias)
	case yaml.DocumentNode:
		if len(n.Content) > 0 {
			return nodeValue(n.Content[0])
		}
		return nil
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, c := range n.Content {
			out[i] = nodeValue(c)
		}
		return out
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			out[n.Content[i].Value] = nodeValue(n.Content[i+1])
		}
		return out
	}
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		b, _ := strconv.ParseBool(strings.ToLower(n.Value))
		return b
	case "!!int", "!!float":
		if _, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return jsonNumber(n.Value)
		}
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return jsonNumber(strconv.FormatInt(i, 10))
		}
	}
	return n.Value
}

func copyFloat(f *float64) *float64 {
	if f == nil {
		return nil
	}
	v := *f
	return &v
}
