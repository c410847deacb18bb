package contract

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi/datamodel/high/base"
)

// This file holds the JSON Schema 2020-12 keywords OpenAPI 3.1 brought:
// prefixItems, contains, if/then/else, dependentRequired,
// dependentSchemas, patternProperties, propertyNames and the unevaluated
// keywords.

// schemaExt holds a schema's 2020-12 keywords.
type schemaExt struct {
	// PrefixItems are the schemas of the first items (3.1 tuples).
	PrefixItems []*Schema
	// Contains must match at least MinContains (-1: unset, meaning 1) and
	// at most MaxContains (-1: unset) items.
	Contains                 *Schema
	MinContains, MaxContains int
	// UnevaluatedItems applies to the items no prefixItems, items or
	// contains of the schema or of a branch that held evaluated.
	UnevaluatedItems unevaluated

	// PatternProperties apply to the members whose names match; a name
	// they match is declared. PatternsOpen: one of the patterns is not
	// RE2 syntax, so no name can be said to be undeclared.
	PatternProperties []patternProp
	PatternsOpen      bool
	PropertyNames     *Schema
	DependentRequired []dependentRequired
	DependentSchemas  []dependentSchema
	// UnevaluatedProperties applies to the members no properties,
	// patternProperties or additionalProperties of the schema or of a
	// branch that held evaluated.
	UnevaluatedProperties unevaluated

	If, Then, Else *Schema

	// dynamicRef is a $dynamicRef, resolved after the document is
	// compiled (into AllOf).
	dynamicRef string
}

// noExt is the schemaExt of every schema without those keywords; it is
// never written to.
var noExt = schemaExt{MinContains: -1, MaxContains: -1}

// own gives s a schemaExt of its own, to set a keyword in.
func (s *Schema) own() *schemaExt {
	if s.schemaExt == &noExt {
		e := noExt
		s.schemaExt, s.ext = &e, true
	}
	return s.schemaExt
}

// unevaluated is an unevaluatedProperties or unevaluatedItems keyword.
type unevaluated struct {
	mode uint8
	s    *Schema // unevalSchema only
}

const (
	unevalNone   uint8 = iota // not said
	unevalTrue                // true or {}: anything, and everything counts as evaluated
	unevalFalse               // false: nothing left unevaluated may exist
	unevalSchema              // a schema the rest must match
)

// patternProp is one patternProperties entry.
type patternProp struct {
	re *nameMatcher
	s  *Schema
}

type dependentRequired struct {
	name     string
	required []string
}

type dependentSchema struct {
	name string
	s    *Schema
}

// checkIf applies then or else by whether the value matches if.
func (v *validator) checkIf(s *Schema, x any, depth int) {
	if v.matches(s.If, x, depth) {
		if s.Then != nil {
			v.check(s.Then, x, depth+1)
		}
	} else if s.Else != nil {
		v.check(s.Else, x, depth+1)
	}
}

// minContains is the effective minContains of a schema with contains.
func (s *Schema) minContains() int {
	if s.MinContains < 0 {
		return 1
	}
	return s.MinContains
}

func (v *validator) checkContains(s *Schema, a []any, depth int) {
	lo := s.minContains()
	n := 0
	for _, x := range a {
		if v.matches(s.Contains, x, depth) {
			n++
			if n >= lo && s.MaxContains < 0 {
				return
			}
		}
	}
	switch {
	case n < lo && s.MinContains < 0:
		v.fail("contains", "must contain an item that matches the contains schema")
	case n < lo:
		v.fail("minContains", "must contain at least "+strconv.Itoa(lo)+" items that match the contains schema")
	case s.MaxContains >= 0 && n > s.MaxContains:
		v.fail("maxContains", "must contain at most "+strconv.Itoa(s.MaxContains)+" items that match the contains schema")
	}
}

func (v *validator) checkDependent(s *Schema, m map[string]any, depth int) {
	for _, d := range s.DependentRequired {
		if _, ok := m[d.name]; !ok {
			continue
		}
		for _, r := range d.required {
			if _, ok := m[r]; !ok {
				v.path = append(v.path, r)
				v.fail("dependentRequired", "is required when "+d.name+" is present")
				v.path = v.path[:len(v.path)-1]
			}
		}
	}
	for _, d := range s.DependentSchemas {
		if _, ok := m[d.name]; ok {
			v.check(d.s, m, depth+1)
		}
	}
}

// checkName applies propertyNames to a member name (v.path ends with it).
func (v *validator) checkName(ps *Schema, name string, depth int) {
	if v.full() {
		return
	}
	sub := validator{o: vopts{request: v.o.request, rejectUnknown: v.o.rejectUnknown, max: 1}}
	sub.check(ps, name, depth+1)
	if len(sub.out) > 0 {
		v.fail("propertyNames", "name "+sub.out[0].Reason)
	}
}

// checkPatterns applies every patternProperties schema whose pattern
// matches name (v.path ends with it) and says whether one did.
func (v *validator) checkPatterns(s *Schema, name string, x any, depth int) bool {
	matched := false
	for i := range s.PatternProperties {
		pp := &s.PatternProperties[i]
		if !pp.re.matchString(name) {
			continue
		}
		matched = true
		if v.o.request && pp.s.ReadOnly {
			v.fail("readOnly", "is read-only")
			continue
		}
		v.check(pp.s, x, depth+1)
	}
	return matched
}

// evaluation collects what the keywords of a schema and of the branches
// that hold evaluated (JSON Schema's annotations), for unevaluated*.
type evaluation struct {
	allProps bool
	props    map[string]bool
	allItems bool
	prefix   int    // items below this index were evaluated
	items    []bool // items evaluated by contains (nil: none)
}

// evaluate records into e what s evaluates of x. top: s is the schema
// whose unevaluated keyword asks (its own does not count).
func (v *validator) evaluate(s *Schema, x any, depth int, e *evaluation, top bool) {
	if s == nil || depth > maxJSONDepth {
		return
	}
	switch t := x.(type) {
	case map[string]any:
		if e.allProps {
			break
		}
		if s.Additional != nil || s.AdditionalTrue || s.AdditionalFalse || s.PatternsOpen ||
			(!top && s.UnevaluatedProperties.mode != unevalNone) {
			e.allProps = true
			break
		}
		for name := range t {
			if e.props[name] {
				continue
			}
			ok := false
			if _, ok = s.Properties[name]; !ok {
				for i := range s.PatternProperties {
					if s.PatternProperties[i].re.matchString(name) {
						ok = true
						break
					}
				}
			}
			if ok {
				if e.props == nil {
					e.props = make(map[string]bool, len(t))
				}
				e.props[name] = true
			}
		}
		for _, d := range s.DependentSchemas {
			if _, ok := t[d.name]; ok {
				v.evaluate(d.s, x, depth+1, e, false)
			}
		}
	case []any:
		if e.allItems {
			break
		}
		if s.Items != nil || (!top && s.UnevaluatedItems.mode != unevalNone) {
			e.allItems = true
			break
		}
		e.prefix = max(e.prefix, min(len(s.PrefixItems), len(t)))
		if s.Contains != nil {
			for i, it := range t {
				if v.matches(s.Contains, it, depth) {
					if e.items == nil {
						e.items = make([]bool, len(t))
					}
					e.items[i] = true
				}
			}
		}
	default:
		return
	}
	for _, sub := range s.AllOf {
		v.evaluate(sub, x, depth+1, e, false)
	}
	for _, sub := range s.AnyOf {
		if v.matches(sub, x, depth) {
			v.evaluate(sub, x, depth+1, e, false)
		}
	}
	for _, sub := range s.OneOf {
		if v.matches(sub, x, depth) {
			v.evaluate(sub, x, depth+1, e, false)
		}
	}
	if s.If != nil {
		if v.matches(s.If, x, depth) {
			v.evaluate(s.If, x, depth+1, e, false)
			v.evaluate(s.Then, x, depth+1, e, false)
		} else {
			v.evaluate(s.Else, x, depth+1, e, false)
		}
	}
}

func (v *validator) checkUnevaluatedProps(s *Schema, m map[string]any, depth int) {
	var e evaluation
	v.evaluate(s, m, depth, &e, true)
	if e.allProps {
		return
	}
	for name, x := range m {
		if v.full() {
			return
		}
		if e.props[name] {
			continue
		}
		v.path = append(v.path, name)
		if s.UnevaluatedProperties.mode == unevalFalse {
			v.fail("unevaluatedProperties", "is not a declared property")
		} else {
			v.check(s.UnevaluatedProperties.s, x, depth+1)
		}
		v.path = v.path[:len(v.path)-1]
	}
}

func (v *validator) checkUnevaluatedItems(s *Schema, a []any, depth int) {
	var e evaluation
	v.evaluate(s, a, depth, &e, true)
	if e.allItems {
		return
	}
	for i := e.prefix; i < len(a); i++ {
		if v.full() {
			return
		}
		if e.items != nil && e.items[i] {
			continue
		}
		v.path = append(v.path, strconv.Itoa(i))
		if s.UnevaluatedItems.mode == unevalFalse {
			v.fail("unevaluatedItems", "is not an item the schema declares")
		} else {
			v.check(s.UnevaluatedItems.s, a[i], depth+1)
		}
		v.path = v.path[:len(v.path)-1]
	}
}

// isFalse: the schema nothing matches (false, or not: {}).
func (s *Schema) isFalse() bool {
	if s == nil || s.Not == nil || !s.Not.isEmpty() {
		return false
	}
	t := *s
	t.Not, t.Ptr, t.view = nil, "", nil
	return t.isEmpty()
}

// unevaluatedOf classifies a compiled unevaluated* schema.
func unevaluatedOf(s *Schema) unevaluated {
	switch {
	case s == nil || s.isEmpty():
		return unevaluated{mode: unevalTrue}
	case s.isFalse():
		return unevaluated{mode: unevalFalse}
	}
	return unevaluated{mode: unevalSchema, s: s}
}

func (cm *compiler) unevaluatedProxy(sp *base.SchemaProxy, ptr string) (unevaluated, error) {
	if sp == nil {
		return unevaluated{}, nil
	}
	s, err := cm.schema(sp, ptr)
	if err != nil {
		return unevaluated{}, err
	}
	return unevaluatedOf(s), nil
}

// objectKeywords compiles unevaluatedProperties, patternProperties,
// propertyNames, dependentRequired and dependentSchemas.
func (cm *compiler) objectKeywords(s *Schema, sch *base.Schema, ptr string, node *yaml.Node) error {
	if d := sch.UnevaluatedProperties; d != nil {
		if d.IsA() {
			u, err := cm.unevaluatedProxy(d.A, ptrJoin(ptr, "unevaluatedProperties"))
			if err != nil {
				return err
			}
			s.own().UnevaluatedProperties = u
		} else if d.B {
			s.own().UnevaluatedProperties.mode = unevalTrue
		} else {
			s.own().UnevaluatedProperties.mode = unevalFalse
		}
	}
	if sch.PatternProperties != nil {
		for pair := sch.PatternProperties.First(); pair != nil; pair = pair.Next() {
			pp := ptrJoin(ptr, "patternProperties", pair.Key())
			re, err := regexp.Compile(pair.Key())
			if err != nil {
				// As for pattern: the document is valid, RE2 cannot say
				// which names the pattern matches, so none is judged
				// undeclared and the load says so.
				cm.warnings = append(cm.warnings, fmt.Sprintf("%s: patternProperties pattern not enforced (not RE2 syntax), so the object's undeclared properties are neither refused nor stripped: %v", pp, err))
				s.own().PatternsOpen = true
				continue
			}
			ps, err := cm.schema(pair.Value(), pp)
			if err != nil {
				return err
			}
			if ps == nil {
				ps = newSchema()
			}
			e := s.own()
			e.PatternProperties = append(e.PatternProperties, patternProp{re: newNameMatcher(re), s: ps})
		}
	}
	if sch.PropertyNames != nil {
		ps, err := cm.schema(sch.PropertyNames, ptrJoin(ptr, "propertyNames"))
		if err != nil {
			return err
		}
		if ps != nil && !ps.isEmpty() {
			s.own().PropertyNames = ps
		}
	}
	if sch.DependentRequired != nil {
		for pair := sch.DependentRequired.First(); pair != nil; pair = pair.Next() {
			if len(pair.Value()) > 0 {
				e := s.own()
				e.DependentRequired = append(e.DependentRequired, dependentRequired{name: pair.Key(), required: append([]string(nil), pair.Value()...)})
			}
		}
	}
	if sch.DependentSchemas != nil {
		for pair := sch.DependentSchemas.First(); pair != nil; pair = pair.Next() {
			ds, err := cm.schema(pair.Value(), ptrJoin(ptr, "dependentSchemas", pair.Key()))
			if err != nil {
				return err
			}
			if ds != nil {
				e := s.own()
				e.DependentSchemas = append(e.DependentSchemas, dependentSchema{name: pair.Key(), s: ds})
			}
		}
	}
	return nil
}

// conditional compiles if/then/else; then and else without if mean
// nothing.
func (cm *compiler) conditional(s *Schema, sch *base.Schema, ptr string) error {
	if sch.If == nil {
		return nil
	}
	var ifs, then, els *Schema
	var err error
	if ifs, err = cm.schema(sch.If, ptrJoin(ptr, "if")); err != nil {
		return err
	}
	if sch.Then != nil {
		if then, err = cm.schema(sch.Then, ptrJoin(ptr, "then")); err != nil {
			return err
		}
	}
	if sch.Else != nil {
		if els, err = cm.schema(sch.Else, ptrJoin(ptr, "else")); err != nil {
			return err
		}
	}
	if ifs != nil && (then != nil || els != nil) {
		e := s.own()
		e.If, e.Then, e.Else = ifs, then, els
	}
	return nil
}

// dynamic records $dynamicAnchor and $dynamicRef, and compiles the $defs
// that carry a $dynamicAnchor (a $dynamicRef may be the only way to them).
func (cm *compiler) dynamic(s *Schema, sch *base.Schema, ptr string, node *yaml.Node) error {
	if sch.DynamicAnchor != "" {
		if cm.anchors == nil {
			cm.anchors = map[string][]*Schema{}
		}
		cm.anchors[sch.DynamicAnchor] = append(cm.anchors[sch.DynamicAnchor], s)
	}
	if sch.DynamicRef != "" {
		s.own().dynamicRef = sch.DynamicRef
		cm.dynRefs = append(cm.dynRefs, s)
	}
	if sch.Defs == nil {
		return nil
	}
	for pair := sch.Defs.First(); pair != nil; pair = pair.Next() {
		sp := pair.Value()
		if sp == nil {
			continue
		}
		d, err := sp.BuildSchema()
		if err != nil || d == nil || d.DynamicAnchor == "" {
			continue // compiled if something refers to it
		}
		if _, err := cm.schema(sp, ptrJoin(ptr, "$defs", pair.Key())); err != nil {
			return err
		}
	}
	return nil
}

// resolveDynamic links each $dynamicRef to its $dynamicAnchor. Without
// $id, a document is one schema resource; when it holds exactly one
// $dynamicAnchor of the name, dynamic scope can only ever find that one,
// and the reference is resolved statically (the recursive-schema use).
// Anything else (several anchors of one name, that is generic schemas
// extended through $id, or a reference that is not "#name") is not
// enforced, and the load says so.
func (cm *compiler) resolveDynamic() {
	for _, s := range cm.dynRefs {
		name, ok := strings.CutPrefix(s.dynamicRef, "#")
		var targets []*Schema
		for _, t := range cm.anchors[name] {
			if !slices.Contains(targets, t) {
				targets = append(targets, t)
			}
		}
		why := ""
		switch {
		case !ok || name == "" || strings.Contains(name, "/"):
			why = "only a plain-name fragment (#name) is resolved"
		case cm.anchorsInDoc[name] > 1 || len(targets) > 1:
			why = "the document has several $dynamicAnchor " + strconv.Quote(name) + ", whose choice depends on dynamic scope"
		case len(targets) == 0:
			why = "no $dynamicAnchor " + strconv.Quote(name) + " in a schema the document uses"
		}
		if why != "" {
			cm.warnings = append(cm.warnings, fmt.Sprintf("%s: $dynamicRef %q not enforced (%s)", s.Ptr, s.dynamicRef, why))
			continue
		}
		s.AllOf = append(s.AllOf, targets[0])
	}
}

// countDynamicAnchors counts the $dynamicAnchor names of a YAML tree.
func countDynamicAnchors(n *yaml.Node, out map[string]int, depth int) {
	if n == nil || depth > 512 {
		return
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k, v := n.Content[i], n.Content[i+1]; k.Value == "$dynamicAnchor" && v.Kind == yaml.ScalarNode {
				out[v.Value]++
			}
		}
	}
	for _, c := range n.Content {
		countDynamicAnchors(c, out, depth+1)
	}
}
