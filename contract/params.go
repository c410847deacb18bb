package contract

import (
	"net/http"
	"net/url"
	"strings"

	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// param is a compiled parameter.
type param struct {
	name     string
	in       string // path, query, header, cookie
	required bool
	schema   *Schema // nil: any value
	style    string
	explode  bool
	json     bool // content: application/json instead of a schema
}

// ignoredHeaders are header parameters OpenAPI says to ignore: HTTP
// itself governs them.
var ignoredHeaders = map[string]bool{"accept": true, "content-type": true, "authorization": true}

func (cm *compiler) parameters(o *Operation, itemParams, opParams []*v3.Parameter, ptr string) error {
	byKey := map[string]int{}
	add := func(p *v3.Parameter, where string) error {
		if p == nil {
			return nil
		}
		switch p.In {
		case "path", "query", "header", "cookie":
		default:
			return locErr(where, nil, "parameter %q: in must be path, query, header or cookie, not %q", p.Name, p.In)
		}
		if p.Name == "" {
			return locErr(where, nil, "parameter without a name")
		}
		if p.In == "header" && ignoredHeaders[strings.ToLower(p.Name)] {
			return nil
		}
		cp := &param{name: p.Name, in: p.In, required: p.Required != nil && *p.Required || p.In == "path", style: p.Style}
		if cp.style == "" {
			switch p.In {
			case "query", "cookie":
				cp.style = "form"
			default:
				cp.style = "simple"
			}
		}
		cp.explode = cp.style == "form"
		if p.Explode != nil {
			cp.explode = *p.Explode
		}
		if p.Schema != nil {
			s, err := cm.schema(p.Schema, ptrJoin(where, "schema"))
			if err != nil {
				return err
			}
			cp.schema = s
		} else if p.Content != nil {
			for pair := p.Content.First(); pair != nil; pair = pair.Next() {
				if mediaKind(pair.Key()) == kindJSON && pair.Value() != nil {
					s, err := cm.schema(pair.Value().Schema, ptrJoin(where, "content", pair.Key(), "schema"))
					if err != nil {
						return err
					}
					cp.schema, cp.json = s, true
				}
			}
		}
		key := cp.in + "\x00" + cp.name
		if p.In == "header" {
			key = cp.in + "\x00" + strings.ToLower(cp.name)
		}
		if i, dup := byKey[key]; dup {
			o.params[i] = cp // operation-level overrides path-level
		} else {
			byKey[key] = len(o.params)
			o.params = append(o.params, cp)
		}
		if cp.in == "query" {
			o.declaredQuery[cp.name] = true
			if cp.style == "deepObject" {
				o.deepObject = append(o.deepObject, cp.name+"[")
			}
			if cp.explode && cp.style == "form" && cp.schema != nil {
				for n := range cp.schema.Properties {
					o.declaredQuery[n] = true
				}
			}
		}
		return nil
	}
	for i, p := range itemParams {
		if err := add(p, ptrJoin(ptr[:strings.LastIndexByte(ptr, '/')], "parameters", itoa(i))); err != nil {
			return err
		}
	}
	for i, p := range opParams {
		if err := add(p, ptrJoin(ptr, "parameters", itoa(i))); err != nil {
			return err
		}
	}
	return nil
}

// CheckParams validates the path, query, header and cookie parameters.
// Violations name the parameter (In, Name) and why, never the value.
func (o *Operation) CheckParams(m *Match, rawQuery string, hdr http.Header) []ParamViolation {
	var out []ParamViolation
	var q url.Values
	var cookies []*http.Cookie
	qParsed, cParsed := false, false
	for _, p := range o.params {
		if len(out) >= o.maxErrors {
			break
		}
		var vals []string
		present := false
		switch p.in {
		case "path":
			if v, ok := m.PathParam(p.name); ok {
				vals, present = []string{v}, true
			}
		case "query":
			if !qParsed {
				var err error
				q, err = url.ParseQuery(rawQuery)
				qParsed = true
				if err != nil {
					return append(out, ParamViolation{In: "query", Violation: Violation{Reason: "the query string is not validly encoded", Keyword: "encoding"}})
				}
			}
			if p.style == "deepObject" || (p.explode && p.style == "form" && p.schema != nil && p.schema.Types&tObject != 0) {
				x, ok := objectFromQuery(p, q)
				if !ok && p.required {
					out = append(out, missing(p))
					continue
				}
				if ok {
					out = appendViolations(out, p, validate(p.schema, x, vopts{request: true, max: o.maxErrors - len(out)}))
				}
				continue
			}
			vals, present = q[p.name]
		case "header":
			vals = hdr.Values(p.name)
			present = len(vals) > 0
		case "cookie":
			if !cParsed {
				cookies = (&http.Request{Header: hdr}).Cookies()
				cParsed = true
			}
			for _, c := range cookies {
				if c.Name == p.name {
					vals = append(vals, c.Value)
				}
			}
			present = len(vals) > 0
		}
		if !present {
			if p.required {
				out = append(out, missing(p))
			}
			continue
		}
		if p.schema == nil {
			continue
		}
		var x any
		if p.json {
			v, err := parseJSON([]byte(vals[0]))
			if err != nil {
				out = append(out, ParamViolation{In: p.in, Name: p.name, Violation: Violation{Reason: "must be JSON", Keyword: "type"}})
				continue
			}
			x = v
		} else {
			x = decodeParam(p, vals)
		}
		out = appendViolations(out, p, validate(p.schema, x, vopts{request: true, max: o.maxErrors - len(out)}))
	}
	if o.rejectQuery && len(out) < o.maxErrors {
		if !qParsed {
			var err error
			if q, err = url.ParseQuery(rawQuery); err != nil {
				return append(out, ParamViolation{In: "query", Violation: Violation{Reason: "the query string is not validly encoded", Keyword: "encoding"}})
			}
		}
		for name := range q {
			if !o.queryDeclared(name) {
				out = append(out, ParamViolation{In: "query", Name: name, Violation: Violation{Reason: "is not a declared parameter", Keyword: "undeclared"}})
				if len(out) >= o.maxErrors {
					break
				}
			}
		}
	}
	return out
}

func (o *Operation) queryDeclared(name string) bool {
	if o.declaredQuery[name] {
		return true
	}
	for _, pre := range o.deepObject {
		if strings.HasPrefix(name, pre) {
			return true
		}
	}
	return false
}

// ParamViolation is a violation of one parameter.
type ParamViolation struct {
	In   string `json:"in"`
	Name string `json:"name,omitempty"`
	Violation
}

func missing(p *param) ParamViolation {
	return ParamViolation{In: p.in, Name: p.name, Violation: Violation{Reason: "is required", Keyword: "required"}}
}

func appendViolations(out []ParamViolation, p *param, vs []Violation) []ParamViolation {
	for _, v := range vs {
		out = append(out, ParamViolation{In: p.in, Name: p.name, Violation: v})
	}
	return out
}

// decodeParam turns the raw strings of a parameter into the value its
// schema describes (per style and explode), typed by the schema so that
// "5" is the integer 5 where an integer is expected.
func decodeParam(p *param, vals []string) any {
	s := p.schema
	if s.Types&tArray != 0 || (s.Types == 0 && (s.Items != nil || len(s.PrefixItems) > 0)) {
		var items []string
		if p.explode && len(vals) > 1 {
			items = vals
		} else {
			raw := vals[0]
			sep := ","
			switch p.style {
			case "spaceDelimited":
				sep = " "
			case "pipeDelimited":
				sep = "|"
			case "label":
				raw = strings.TrimPrefix(raw, ".")
				if p.explode {
					sep = "."
				}
			case "matrix":
				raw = strings.TrimPrefix(raw, ";"+p.name+"=")
				if p.explode {
					sep = ";" + p.name + "="
				}
			}
			if raw == "" {
				items = nil
			} else {
				items = strings.Split(raw, sep)
			}
		}
		out := make([]any, len(items))
		for i, it := range items {
			if i < len(s.PrefixItems) {
				out[i] = coerce(it, s.PrefixItems[i])
			} else {
				out[i] = coerce(it, s.Items)
			}
		}
		return out
	}
	if s.Types&tObject != 0 && (p.in == "path" || p.in == "header") {
		return objectFromList(s, vals[0], p.explode)
	}
	raw := vals[0]
	switch p.style {
	case "label":
		raw = strings.TrimPrefix(raw, ".")
	case "matrix":
		raw = strings.TrimPrefix(raw, ";"+p.name+"=")
	}
	return coerce(raw, s)
}

// objectFromList decodes simple-style objects: "a,1,b,2" or "a=1,b=2".
func objectFromList(s *Schema, raw string, explode bool) any {
	m := map[string]any{}
	parts := strings.Split(raw, ",")
	if explode {
		for _, kv := range parts {
			k, v, _ := strings.Cut(kv, "=")
			m[k] = coerce(v, s.memberSchema(k))
		}
		return m
	}
	for i := 0; i+1 < len(parts); i += 2 {
		m[parts[i]] = coerce(parts[i+1], s.memberSchema(parts[i]))
	}
	return m
}

// objectFromQuery decodes deepObject (?filter[color]=red) and exploded
// form objects (?color=red&size=10).
func objectFromQuery(p *param, q url.Values) (any, bool) {
	m := map[string]any{}
	var props map[string]*Schema
	if p.schema != nil {
		props = p.schema.Properties
	}
	if p.style == "deepObject" {
		pre := p.name + "["
		for k, vs := range q {
			if rest, ok := strings.CutPrefix(k, pre); ok && strings.HasSuffix(rest, "]") && len(vs) > 0 {
				name := rest[:len(rest)-1]
				m[name] = coerce(vs[0], p.schema.memberSchema(name))
			}
		}
		return m, len(m) > 0
	}
	for name, ps := range props {
		if vs, ok := q[name]; ok && len(vs) > 0 {
			m[name] = coerce(vs[0], ps)
		}
	}
	return m, len(m) > 0
}

// coerce reads a string as the scalar type the schema expects; a string
// that is not of that type stays a string and fails validation there.
func coerce(raw string, s *Schema) any {
	if s == nil {
		return raw
	}
	t := s.Types
	if t == 0 {
		t = scalarTypesOf(s)
	}
	if t&(tInteger|tNumber) != 0 {
		if n, ok := asNumber(raw); ok {
			return n
		}
	}
	if t&tBoolean != 0 {
		switch raw {
		case "true":
			return true
		case "false":
			return false
		}
	}
	if t&tNull != 0 && (raw == "" || raw == "null") {
		return nil
	}
	return raw
}

// scalarTypesOf reads the types of a composition's branches and of the
// const and enum values.
func scalarTypesOf(s *Schema) typeMask {
	var t typeMask
	if s.HasConst {
		t |= kindOf(s.Const)
	}
	for _, e := range s.Enum {
		t |= kindOf(e)
	}
	for _, l := range [][]*Schema{s.AllOf, s.AnyOf, s.OneOf} {
		for _, c := range l {
			t |= c.Types
		}
	}
	return t
}

func asNumber(raw string) (jsonNumber, bool) {
	p := jsonParser{b: []byte(raw)}
	if raw == "" {
		return "", false
	}
	if c := raw[0]; c != '-' && (c < '0' || c > '9') {
		return "", false
	}
	if _, err := p.num(); err != nil || p.i != len(raw) {
		return "", false
	}
	return jsonNumber(raw), true
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
