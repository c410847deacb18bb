package contract

import (
	"fmt"
	"sort"
	"strings"
)

// view is the shape of a value as the response stripper and the
// undeclared-property check see it: the union of a schema and every
// allOf/anyOf/oneOf branch below it, flattened. The stripper cannot know
// which oneOf branch a streamed object will match before it has read the
// object, so it keeps what any branch declares; that is also what
// "declared" means for mass-assignment checks.
type view struct {
	types    typeMask // union of the types the branches name; 0: any
	nullable bool
	// hasPrefix, hasPatterns: viewExt holds prefix, patterns (read here,
	// in the line the stripper loads anyway, not through the pointer).
	hasPrefix, hasPatterns bool
	// props: declared properties; writeOnly ones map to stripView, so a
	// response never carries them.
	props map[string]*view
	// additional is the view of undeclared properties when a schema
	// declares them (additionalProperties: {schema}).
	additional *view
	// keepUnknown: undeclared properties are part of the contract
	// (additionalProperties: true, or a free-form object that declares no
	// property at all).
	keepUnknown bool
	items       *view // nil: items kept as they are

	// What the 2020-12 keywords add; shared (noViewExt) where they add
	// nothing, so that an ordinary view costs a pointer more.
	*viewExt
}

type viewExt struct {
	// patterns are the patternProperties of the union; patViews[mask] is
	// the view of a member whose name matches the patterns of the mask's
	// bits (with more than maxViewPatterns, patViews[0] is the union of
	// them all).
	patterns []*nameMatcher
	patViews []*view
	// open: a patternProperties pattern of the union is not RE2 syntax,
	// so every name may be declared.
	open   bool
	prefix []*view // views of the first items (prefixItems)
}

// noViewExt is never written to.
var noViewExt viewExt

func newView() *view { return &view{viewExt: &noViewExt} }

// own gives v a viewExt of its own.
func (v *view) own() *viewExt {
	if v.viewExt == &noViewExt {
		v.viewExt = new(viewExt)
	}
	return v.viewExt
}

// maxViewPatterns bounds the pattern combinations given their own view.
const maxViewPatterns = 6

// patternView is the view of an undeclared member called name, and
// whether a pattern matched it.
func (v *view) patternView(name []byte) (*view, bool) {
	mask := 0
	for i, re := range v.patterns {
		if re.match(name) {
			mask |= 1 << i
		}
	}
	if mask == 0 {
		return nil, false
	}
	if len(v.patViews) == 1 {
		return v.patViews[0], true
	}
	return v.patViews[mask], true
}

// stripView marks a property the response never carries (writeOnly).
var stripView = newView()

// declares says whether name is a declared property of the union.
func (v *view) declares(name string) bool {
	if v == nil {
		return false
	}
	if _, ok := v.props[name]; ok || v.open {
		return true
	}
	for _, re := range v.patterns {
		if re.matchString(name) {
			return true
		}
	}
	return false
}

// viewBuilder memoises views by the set of schemas they flatten, so that
// recursive schemas give cyclic views instead of endless ones.
type viewBuilder struct {
	memo map[string]*view
}

func (b *viewBuilder) of(list []*Schema) *view {
	flat := flatten(list)
	if len(flat) == 0 {
		return nil
	}
	key := viewKey(flat)
	if v, ok := b.memo[key]; ok {
		return v
	}
	v := newView()
	b.memo[key] = v

	anyProps := false
	byName := map[string][]*Schema{}
	var names []string
	var additional, items []*Schema
	var patterns []patternProp
	maxPrefix := 0
	writeOnly := map[string]bool{}
	for _, s := range flat {
		v.types |= s.Types // branches that name no type add none
		v.nullable = v.nullable || s.Nullable
		if len(s.Properties) > 0 || s.Additional != nil || s.AdditionalFalse || len(s.PatternProperties) > 0 ||
			s.UnevaluatedProperties.mode >= unevalFalse {
			anyProps = true
		}
		if s.PatternsOpen || s.UnevaluatedProperties.mode == unevalTrue {
			v.keepUnknown = true
		}
		if s.PatternsOpen {
			v.own().open = true
		}
		if s.UnevaluatedProperties.mode == unevalSchema {
			additional = append(additional, s.UnevaluatedProperties.s)
		}
		patterns = append(patterns, s.PatternProperties...)
		maxPrefix = max(maxPrefix, len(s.PrefixItems))
		for name, p := range s.Properties {
			if _, seen := byName[name]; !seen {
				names = append(names, name)
				writeOnly[name] = true
			}
			byName[name] = append(byName[name], p)
			writeOnly[name] = writeOnly[name] && p.WriteOnly
		}
		if s.Additional != nil {
			additional = append(additional, s.Additional)
		}
		if s.AdditionalTrue {
			v.keepUnknown = true
		}
		if t := tailItems(s); t != nil {
			items = append(items, t)
		}
	}
	if !anyProps {
		v.keepUnknown = true
	}
	if len(names) > 0 {
		v.props = make(map[string]*view, len(names))
		for _, name := range names {
			list := byName[name]
			// A declared name that a pattern matches has both schemas.
			for _, pp := range patterns {
				if pp.re.matchString(name) {
					list = append(list, pp.s)
					writeOnly[name] = writeOnly[name] && pp.s.WriteOnly
				}
			}
			if writeOnly[name] {
				v.props[name] = stripView
				continue
			}
			v.props[name] = b.of(list)
		}
	}
	if len(patterns) > 0 {
		b.patternViews(v, patterns)
	}
	if maxPrefix > 0 {
		v.own().prefix = make([]*view, maxPrefix)
		v.hasPrefix = true
		for i := range v.prefix {
			var at []*Schema
			for _, s := range flat {
				if i < len(s.PrefixItems) {
					at = append(at, s.PrefixItems[i])
				} else if t := tailItems(s); t != nil {
					at = append(at, t)
				}
			}
			v.prefix[i] = b.of(at)
		}
	}
	if len(additional) > 0 {
		v.additional = b.of(additional)
		if v.additional == nil {
			v.keepUnknown = true
		}
	}
	v.items = b.of(items)
	return v
}

// tailItems is the schema of a schema's items after its prefixItems.
func tailItems(s *Schema) *Schema {
	if s.Items != nil {
		return s.Items
	}
	if s.UnevaluatedItems.mode == unevalSchema {
		return s.UnevaluatedItems.s
	}
	return nil
}

// patternViews gives v the views of members that patterns match.
func (b *viewBuilder) patternViews(v *view, patterns []patternProp) {
	e := v.own()
	v.hasPatterns = true
	for _, pp := range patterns {
		e.patterns = append(e.patterns, pp.re)
	}
	ofMask := func(mask int) *view { // mask < 0: all of them
		var list []*Schema
		allWO := true
		for i, pp := range patterns {
			if mask < 0 || mask&(1<<i) != 0 {
				list = append(list, pp.s)
				allWO = allWO && pp.s.WriteOnly
			}
		}
		if allWO {
			return stripView
		}
		return b.of(list)
	}
	if len(patterns) > maxViewPatterns {
		e.patViews = []*view{ofMask(-1)}
		return
	}
	e.patViews = make([]*view, 1<<len(patterns))
	for mask := 1; mask < len(e.patViews); mask++ {
		e.patViews[mask] = ofMask(mask)
	}
}

// flatten returns the schemas of list and of their compositions
// (allOf/anyOf/oneOf, if/then/else, dependentSchemas), each once, in a
// stable order.
func flatten(list []*Schema) []*Schema {
	var out []*Schema
	seen := map[*Schema]bool{}
	var walk func(s *Schema)
	walk = func(s *Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		out = append(out, s)
		for _, c := range s.AllOf {
			walk(c)
		}
		for _, c := range s.AnyOf {
			walk(c)
		}
		for _, c := range s.OneOf {
			walk(c)
		}
		walk(s.If)
		walk(s.Then)
		walk(s.Else)
		for _, d := range s.DependentSchemas {
			walk(d.s)
		}
	}
	for _, s := range list {
		walk(s)
	}
	return out
}

func viewKey(flat []*Schema) string {
	ps := make([]string, len(flat))
	for i, s := range flat {
		ps[i] = fmt.Sprintf("%p", s)
	}
	sort.Strings(ps)
	return strings.Join(ps, ",")
}
