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
}

// stripView marks a property the response never carries (writeOnly).
var stripView = &view{}

// declares says whether name is a declared property of the union.
func (v *view) declares(name string) bool {
	if v == nil {
		return false
	}
	_, ok := v.props[name]
	return ok
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
	v := &view{}
	b.memo[key] = v

	anyProps := false
	byName := map[string][]*Schema{}
	var names []string
	var additional, items []*Schema
	writeOnly := map[string]bool{}
	for _, s := range flat {
		v.types |= s.Types // branches that name no type add none
		v.nullable = v.nullable || s.Nullable
		if len(s.Properties) > 0 || s.Additional != nil || s.AdditionalFalse {
			anyProps = true
		}
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
		if s.Items != nil {
			items = append(items, s.Items)
		}
	}
	if !anyProps {
		v.keepUnknown = true
	}
	if len(names) > 0 {
		v.props = make(map[string]*view, len(names))
		for _, name := range names {
			if writeOnly[name] {
				v.props[name] = stripView
				continue
			}
			v.props[name] = b.of(byName[name])
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

// flatten returns the schemas of list and of their compositions, each once,
// in a stable order.
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
