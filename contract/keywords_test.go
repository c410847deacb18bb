package contract

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
)

var (
	kwOnce sync.Once
	kwC    *Contract
	kwErr  error
)

// keywords31 is testdata/keywords31.yaml, an OpenAPI 3.1 document with one
// operation per JSON Schema 2020-12 keyword.
func keywords31(t testing.TB) *Contract {
	t.Helper()
	kwOnce.Do(func() { kwC, kwErr = LoadFile("testdata/keywords31.yaml", Options{MaxErrors: 10}) })
	if kwErr != nil {
		t.Fatal(kwErr)
	}
	return kwC
}

// violations renders pointer/keyword of each violation.
func violations(vs []ParamViolation) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Pointer + "/" + v.Keyword
	}
	return out
}

func TestKeywords31(t *testing.T) {
	c := keywords31(t)
	if len(c.Warnings) > 0 {
		t.Fatalf("warnings: %v", c.Warnings)
	}
	tests := []struct {
		keyword, path, body string
		want                string // "" valid; else one of the violations
	}{
		{"prefixItems", "/prefix", `[1, 2.5, "km"]`, ""},
		{"prefixItems", "/prefix", `[1, 2.5, "km", true, false]`, ""},
		{"prefixItems", "/prefix", `[1]`, ""}, // a shorter tuple is valid
		{"prefixItems", "/prefix", `["1", 2]`, "/0/type"},
		{"prefixItems", "/prefix", `[1, 2, "mi"]`, "/2/enum"},
		{"prefixItems", "/prefix", `[1, 2, "m", "x"]`, "/3/type"}, // items after the prefix
		{"items false", "/closed-tuple", `["a", 1]`, ""},
		{"items false", "/closed-tuple", `["a", 1, 2]`, "/maxItems"},
		{"items false", "/closed-tuple", `["a", "b"]`, "/1/type"},

		{"if/then", "/cond", `{"country":"US","postal_code":"94105","state":"CA"}`, ""},
		{"if/then", "/cond", `{"country":"US","postal_code":"9410","state":"CA"}`, "/postal_code/pattern"},
		{"if/then", "/cond", `{"country":"US","postal_code":"94105"}`, "/state/required"},
		{"if/else", "/cond", `{"country":"NL","postal_code":"1012 AB","region":"NH"}`, ""},
		{"if/else", "/cond", `{"country":"NL","postal_code":"1012 ab"}`, "/postal_code/pattern"},
		{"if/else + unevaluatedProperties", "/cond", `{"country":"NL","state":"NH"}`, "/state/unevaluatedProperties"},
		{"if/then + unevaluatedProperties", "/cond", `{"country":"US","postal_code":"94105","state":"CA","region":"x"}`, "/region/unevaluatedProperties"},

		{"dependentRequired", "/dependent", `{"name":"a"}`, ""},
		{"dependentRequired", "/dependent", `{"name":"a","credit_card":"4111","billing_address":"x","billing_zip":"1"}`, ""},
		{"dependentRequired", "/dependent", `{"credit_card":"4111"}`, "/billing_address/dependentRequired"},
		{"dependentSchemas", "/dependent", `{"billing_address":"x"}`, "/billing_zip/required"},
		{"dependentSchemas", "/dependent", `{"billing_address":"x","billing_zip":"ab"}`, "/billing_zip/pattern"},
		{"dependentSchemas + unevaluatedProperties", "/dependent", `{"name":"a","billing_zip":"1"}`, "/billing_zip/unevaluatedProperties"},

		{"patternProperties", "/patterns", `{"id":1,"x-trace":"a","n_count":3,"obj_a":{"a":1}}`, ""},
		{"patternProperties", "/patterns", `{"x-trace":1}`, "/x-trace/type"},
		{"patternProperties", "/patterns", `{"n_Count":1}`, "/n_Count/additionalProperties"},
		{"patternProperties", "/patterns", `{"n_count":"3"}`, "/n_count/type"},
		{"patternProperties", "/patterns", `{"obj_b":{"b":1}}`, "/obj_b/b/additionalProperties"},
		{"patternProperties", "/patterns", `{"other":1}`, "/other/additionalProperties"},

		{"contains", "/contains", `{"roles":["writer","reader"]}`, ""},
		{"contains", "/contains", `{"roles":["writer"]}`, "/roles/contains"},
		{"contains", "/contains", `{"roles":[]}`, "/roles/contains"},
		{"minContains", "/contains", `{"scores":[95,10,91]}`, ""},
		{"minContains", "/contains", `{"scores":[95,10]}`, "/scores/minContains"},
		{"maxContains", "/contains", `{"scores":[95,96,97,98]}`, "/scores/maxContains"},

		{"propertyNames", "/names", `{"ab":1,"c_d":2}`, ""},
		{"propertyNames", "/names", `{"Ab":1}`, "/Ab/propertyNames"},
		{"propertyNames", "/names", `{"abcdefghi":1}`, "/abcdefghi/propertyNames"},
		{"propertyNames", "/names", `{"ab":"x"}`, "/ab/type"},

		{"unevaluatedProperties oneOf", "/uneval", `{"kind":"cat","name":"Tom","lives":9}`, ""},
		{"unevaluatedProperties oneOf", "/uneval", `{"kind":"dog","bark":true}`, ""},
		{"unevaluatedProperties oneOf", "/uneval", `{"kind":"cat","lives":9,"bark":true}`, "/bark/unevaluatedProperties"},
		{"unevaluatedProperties oneOf", "/uneval", `{"kind":"cat","owner":"x"}`, "/owner/unevaluatedProperties"},
		{"unevaluatedProperties schema", "/uneval-schema", `{"name":"a","cpu":0.5,"mem":3}`, ""},
		{"unevaluatedProperties schema", "/uneval-schema", `{"name":"a","cpu":"high"}`, "/cpu/type"},

		{"unevaluatedItems", "/uneval-items", `["v1", 2, true]`, ""},
		{"unevaluatedItems", "/uneval-items", `["v1", 2, true, false]`, ""},
		{"unevaluatedItems", "/uneval-items", `["v1", 2, true, "x"]`, "/3/unevaluatedItems"},
		{"unevaluatedItems", "/uneval-items", `["v2", 2, true]`, "/0/const"},
		{"unevaluatedItems", "/uneval-items", `["v1", 2]`, "/contains"},

		{"const", "/const", `{"version":1,"nothing":null,"shape":{"sides":[1,2.0],"kind":"box"}}`, ""},
		{"const", "/const", `{"version":1.0}`, ""},
		{"const", "/const", `{"version":2}`, "/version/const"},
		{"const", "/const", `{"nothing":0}`, "/nothing/const"},
		{"const", "/const", `{"shape":{"kind":"box","sides":[2,1]}}`, "/shape/const"},

		{"$dynamicRef", "/tree", `{"value":1,"children":[{"value":2,"children":[{"value":3}]}]}`, ""},
		{"$dynamicRef", "/tree", `{"value":1,"children":[{"value":2,"children":[{"value":"x"}]}]}`, "/children/0/children/0/value/type"},
		{"$dynamicRef", "/tree", `{"value":1,"children":[{"value":2,"extra":1}]}`, "/children/0/extra/additionalProperties"},
	}
	for _, tt := range tests {
		m := route(t, c, "POST", tt.path)
		res, vs := m.Op.CheckBody("application/json", []byte(tt.body))
		got := violations(vs)
		if tt.want == "" {
			if res != BodyOK {
				t.Errorf("%s %s: %v, want valid", tt.keyword, tt.body, got)
			}
			continue
		}
		found := false
		for _, g := range got {
			found = found || g == tt.want
		}
		if res != BodyInvalid || !found {
			t.Errorf("%s %s: %v %v, want %s", tt.keyword, tt.body, res, got, tt.want)
		}
		for _, v := range vs {
			if strings.Contains(v.Reason, tt.body) || strings.Contains(v.Reason, "4111") {
				t.Errorf("%s: reason quotes the value: %q", tt.keyword, v.Reason)
			}
		}
	}
}

func TestKeywords31Params(t *testing.T) {
	c := keywords31(t)
	tests := []struct{ query, want string }{
		{"version=2&tags=public,x&range=1,5", ""},
		{"version=3", "version/const"},
		{"tags=a,b", "tags/contains"},
		{"range=1,5,7", "range/maxItems"},
		{"range=a,5", "range/0/type"},
	}
	for _, tt := range tests {
		m := route(t, c, "GET", "/search")
		vs := m.Op.CheckParams(m, tt.query, http.Header{})
		got := ""
		if len(vs) > 0 {
			got = vs[0].Name + vs[0].Pointer + "/" + vs[0].Keyword
		}
		if got != tt.want {
			t.Errorf("%s: got %q (%+v), want %q", tt.query, got, vs, tt.want)
		}
	}
}

// TestKeywords31Form: form fields are typed by patternProperties too.
func TestKeywords31Form(t *testing.T) {
	m := route(t, keywords31(t), "POST", "/patterns")
	for body, want := range map[string]string{"id=1&n_count=3&x-a=b": "", "n_count=x": "/n_count/type", "zz=1": "/zz/additionalProperties"} {
		_, vs := m.Op.CheckBody("application/x-www-form-urlencoded", []byte(body))
		if got := strings.Join(violations(vs), " "); got != want {
			t.Errorf("%s: %q, want %q", body, got, want)
		}
	}
}

func TestStripKeywords31(t *testing.T) {
	c := keywords31(t)
	schemaOf := func(path string) *Schema {
		m := route(t, c, "POST", path)
		s, v := m.Op.Response(200, "application/json")
		if v != ResponseSchema {
			t.Fatalf("%s: verdict %v", path, v)
		}
		return s
	}
	tests := []struct {
		name, path, in, want string
		removed              []string
	}{
		{"patternProperties declare", "/patterns",
			`{"id":1,"x-trace":"a","n_count":2,"secret_key":"k","obj_a":{"a":1,"b":2},"n_Bad":1,"other":{"q":1}}`,
			`{"id":1,"x-trace":"a","n_count":2,"obj_a":{"a":1}}`,
			[]string{"/secret_key", "/obj_a/b", "/n_Bad", "/other"}},
		{"patternProperties escaped name", "/patterns", `{"x-\u0061":"a","\u006e_a":1}`, `{"x-\u0061":"a","\u006e_a":1}`, nil},
		{"unevaluatedProperties false, oneOf union", "/uneval",
			`{"kind":"cat","name":"Tom","lives":9,"bark":true,"owner_ssn":"1"}`,
			`{"kind":"cat","name":"Tom","lives":9,"bark":true}`, []string{"/owner_ssn"}},
		{"unevaluatedProperties false, if/then/else", "/cond",
			`{"country":"US","state":"CA","region":"x","postal_code":"1","internal":1}`,
			`{"country":"US","state":"CA","region":"x","postal_code":"1"}`, []string{"/internal"}},
		{"unevaluatedProperties false, dependentSchemas", "/dependent",
			`{"name":"a","billing_zip":"1","cvv":"123"}`, `{"name":"a","billing_zip":"1"}`, []string{"/cvv"}},
		{"unevaluatedProperties schema keeps", "/uneval-schema", `{"name":"a","cpu":1}`, `{"name":"a","cpu":1}`, nil},
		{"prefixItems", "/prefix",
			`[{"name":"t","x":1},{"lat":1,"lon":2,"y":3},{"lat":3,"z":4}]`,
			`[{"name":"t"},{"lat":1,"lon":2},{"lat":3}]`, []string{"/*/x", "/*/y", "/*/z"}},
		{"$dynamicRef", "/tree",
			`{"value":1,"children":[{"value":2,"debug":1,"children":[{"value":3,"debug":2}]}]}`,
			`{"value":1,"children":[{"value":2,"children":[{"value":3}]}]}`, []string{"/children/*/debug", "/children/*/children/*/debug"}},
	}
	for _, tt := range tests {
		s := schemaOf(tt.path)
		for _, chunk := range []int{1, 4, 1 << 20} {
			got, st := strip(t, s, tt.in, chunk)
			if got != tt.want {
				t.Errorf("%s (chunk %d):\n got %s\nwant %s", tt.name, chunk, got, tt.want)
			}
			_, ptrs := st.Removed()
			if strings.Join(ptrs, ",") != strings.Join(tt.removed, ",") {
				t.Errorf("%s (chunk %d): removed %v, want %v", tt.name, chunk, ptrs, tt.removed)
			}
			if m := st.Mismatch(); m != nil {
				t.Errorf("%s: mismatch %+v", tt.name, m)
			}
		}
	}
}

func TestKeywordWarnings(t *testing.T) {
	const head = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema:\n"
	const tail = "      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/S'}}}}}\n"
	tests := []struct {
		name, schema, warning string
		body                  string // accepted although the keyword would refuse it
		in, out               string // stripped as shown
	}{
		{"look-ahead in patternProperties",
			"              $ref: '#/components/schemas/S'\ncomponents:\n  schemas:\n    S:\n      type: object\n      properties: {id: {type: integer}}\n      patternProperties: {'^(?!x-)': {type: string}}\n      additionalProperties: false\n",
			"#/components/schemas/S/patternProperties/^(?!x-): patternProperties pattern not enforced (not RE2 syntax)",
			`{"id":1,"x-a":5}`, `{"id":1,"x-a":5}`, `{"id":1,"x-a":5}`},
		{"backreference in pattern",
			"              $ref: '#/components/schemas/S'\ncomponents:\n  schemas:\n    S:\n      type: object\n      properties: {w: {type: string, pattern: '^(a)\\1$'}}\n",
			"#/components/schemas/S/properties/w: pattern not enforced (not RE2 syntax)",
			`{"w":"ab"}`, `{"w":"ab","z":1}`, `{"w":"ab"}`},
		{"$dynamicRef with two anchors",
			"              $ref: '#/components/schemas/S'\ncomponents:\n  schemas:\n    S:\n      $dynamicAnchor: T\n      type: object\n      properties: {v: {$dynamicRef: '#T'}}\n    U:\n      $dynamicAnchor: T\n      type: string\n",
			`#/components/schemas/S/properties/v: $dynamicRef "#T" not enforced (the document has several $dynamicAnchor "T"`,
			`{"v":1}`, `{"v":{"x":1}}`, `{"v":{"x":1}}`},
		{"$dynamicRef to a pointer",
			"              $ref: '#/components/schemas/S'\ncomponents:\n  schemas:\n    S:\n      type: object\n      properties: {v: {$dynamicRef: '#/components/schemas/S'}}\n",
			`#/components/schemas/S/properties/v: $dynamicRef "#/components/schemas/S" not enforced (only a plain-name fragment`,
			`{"v":1}`, `{"v":1}`, `{"v":1}`},
	}
	for _, tt := range tests {
		c, err := Load([]byte(head+tt.schema[:strings.Index(tt.schema, "components:")]+tail+tt.schema[strings.Index(tt.schema, "components:"):]), "", Options{})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], tt.warning) {
			t.Errorf("%s: warnings %q, want %q", tt.name, c.Warnings, tt.warning)
		}
		m := route(t, c, "POST", "/a")
		if res, vs := m.Op.CheckBody("application/json", []byte(tt.body)); res != BodyOK {
			t.Errorf("%s: %v %+v", tt.name, res, vs)
		}
		s, _ := m.Op.Response(200, "application/json")
		if got, _ := strip(t, s, tt.in, 3); got != tt.out {
			t.Errorf("%s: stripped %s, want %s", tt.name, got, tt.out)
		}
	}
}

// TestBooleanSchemaForms: true and false where the document loader takes
// only a schema object are rewritten before loading, and line numbers in
// load errors stay those of the document.
func TestBooleanSchemaForms(t *testing.T) {
	doc := `openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /a:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                tags: {type: array, contains: true, unevaluatedItems: false}
                pair: {type: array, prefixItems: [{type: string}], unevaluatedItems: false, not: false}
                none: {not: false}
                never: {not: true}
                if: {if: true, then: {type: string}, else: false}
                names: {type: object, propertyNames: false}
              example: {not: true}
              default: {contains: false}
      responses: {'204': {description: ok}}
`
	c, err := Load([]byte(doc), "", Options{MaxErrors: 10})
	if err != nil {
		t.Fatal(err)
	}
	m := route(t, c, "POST", "/a")
	for body, want := range map[string]string{
		`{"tags":["a"],"none":1,"if":"x","names":{}}`: "",
		`{"tags":["a",1],"pair":["a","b"]}`:           "/pair/1/unevaluatedItems",
		`{"tags":[]}`:                                 "/tags/contains",
		`{"never":1}`:                                 "/never/not",
		`{"if":1}`:                                    "/if/type",
		`{"names":{"a":1}}`:                           "/names/a/propertyNames",
	} {
		_, vs := m.Op.CheckBody("application/json", []byte(body))
		if got := strings.Join(violations(vs), " "); got != want {
			t.Errorf("%s: %q, want %q", body, got, want)
		}
	}
	out := string(rewriteBooleanSchemas([]byte(doc)))
	if strings.Count(out, "\n") != strings.Count(doc, "\n") {
		t.Fatal("the rewrite changed the line count")
	}
	for _, kept := range []string{"example: {not: true}", "default: {contains: false}"} {
		if !strings.Contains(out, kept) {
			t.Errorf("%q was rewritten", kept)
		}
	}
	bad := strings.Replace(doc, "names: {type: object, propertyNames: false}", "names: {type: objekt, propertyNames: false}", 1)
	if _, err := Load([]byte(bad), "", Options{}); err == nil || !strings.Contains(err.Error(), "(line 17)") {
		t.Errorf("error %v, want line 17", err)
	}
}

// TestStripManyPatterns: past the pattern combinations that get their own
// view, a matched name gets the union of every pattern's schema.
func TestStripManyPatterns(t *testing.T) {
	doc := `openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                patternProperties:
                  '^a': {type: object, properties: {x: {type: integer}}}
                  '^b': {type: integer}
                  '^c': {type: integer}
                  '^d': {type: integer}
                  '^e': {type: integer}
                  '^f': {type: integer}
                  '^g': {type: object, properties: {y: {type: integer}}}
                  '^ag': {type: object, properties: {z: {type: integer}}}
`
	c, err := Load([]byte(doc), "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := route(t, c, "GET", "/a")
	s, _ := m.Op.Response(200, "application/json")
	got, st := strip(t, s, `{"a1":{"x":1,"y":2},"b":1,"g1":{"y":1,"w":2},"agx":{"z":1,"q":2},"h":1}`, 5)
	// The union view of all patterns: x, y and z are declared everywhere.
	if want := `{"a1":{"x":1,"y":2},"b":1,"g1":{"y":1},"agx":{"z":1}}`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	if n, _ := st.Removed(); n != 3 {
		t.Fatalf("removed %d", n)
	}
}

func TestNameMatcher(t *testing.T) {
	for _, tt := range []struct {
		pattern string
		kind    uint8
		names   map[string]bool
	}{
		{"^x-", matchPrefix, map[string]bool{"x-a": true, "x-": true, "ax-": false, "X-a": false}},
		{"trace", matchContains, map[string]bool{"x-trace-id": true, "trac": false}},
		{"^id$", matchExact, map[string]bool{"id": true, "ids": false, "xid": false}},
		{"^n_[a-z]+$", matchRegexp, map[string]bool{"n_ab": true, "n_": false, "m_ab": false, "n_A": false}},
		{"(?i)^x-", matchRegexp, map[string]bool{"X-a": true, "y": false}},
		{"^x-|^y-", matchRegexp, map[string]bool{"y-a": true, "x-b": true, "z": false}},
		{"^é", matchPrefix, map[string]bool{"été": true, "e": false}},
	} {
		m := newNameMatcher(regexp.MustCompile(tt.pattern))
		if m.kind != tt.kind {
			t.Errorf("%s: kind %d, want %d", tt.pattern, m.kind, tt.kind)
		}
		for name, want := range tt.names {
			if m.matchString(name) != want || m.match([]byte(name)) != want || m.re.MatchString(name) != want {
				t.Errorf("%s on %q: want %v", tt.pattern, name, want)
			}
		}
	}
}
