package authz

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var (
	// ownUser allows a caller its own /users/{id} and everything below.
	ownUser = Rule{Name: "own_user", Action: "allow",
		PathTemplates: []string{"/users/{id}", "/users/{id}/**"},
		Bindings:      []ClaimBinding{{PathParam: "id", Claim: "sub"}}}
	// tenantPath allows /tenants/{tenant}/... when {tenant} is in the
	// caller's tenants list.
	tenantPath = Rule{Name: "tenant_path", Action: "allow", Methods: []string{"GET"},
		PathTemplates: []string{"/tenants/{tenant}/**"},
		Bindings:      []ClaimBinding{{PathParam: "tenant", Op: "in", Claim: "tenants"}}}
	// tenantHeader allows /reports/* when X-Tenant equals the tenant claim.
	tenantHeader = Rule{Name: "tenant_header", Action: "allow",
		PathTemplates: []string{"/reports/*"},
		Bindings:      []ClaimBinding{{Header: "X-Tenant", Claim: "org.tenant"}}}
	// numericOwner binds a numeric uid claim.
	numericOwner = Rule{Name: "numeric", Action: "allow",
		PathTemplates: []string{"/accounts/{uid}/orders/{order}"},
		Bindings:      []ClaimBinding{{PathParam: "{uid}", Claim: "uid"}}}
	// pathHeader requires the path tenant to equal the X-Tenant header.
	pathHeader = Rule{Name: "path_header", Action: "allow",
		PathTemplates: []string{"/t/{tenant}/**"},
		Bindings:      []ClaimBinding{{PathParam: "tenant", ToHeader: "X-Tenant"}}}
)

var (
	u42 = &Identity{ID: "42", Method: "jwt", Claims: map[string]any{
		"sub": "42", "uid": float64(1001), "tenants": []any{"acme", "globex"},
		"org": map[string]any{"tenant": "acme"}}}
	u43 = &Identity{ID: "43", Method: "jwt", Claims: map[string]any{
		"sub": "43", "uid": json.Number("1002"), "tenants": []string{"initech"}, "org": map[string]any{}}}
	// noClaims has none of the bound claims.
	noClaims = &Identity{ID: "x", Method: "api_key", Claims: map[string]any{"tenants": "acme", "uid": nil}}
)

func TestObjectLevelRules(t *testing.T) {
	p := mustCompile(t, PolicyConfig{Rules: []Rule{ownUser, tenantPath, tenantHeader, numericOwner, pathHeader}})
	pci := mustCompile(t, PolicyConfig{CaseInsensitive: true, Rules: []Rule{ownUser, tenantPath}})
	tests := []struct {
		name    string
		ci      bool
		method  string
		path    string // raw; canonicalised like the handler does
		header  http.Header
		id      *Identity
		want    Effect
		reason  Reason
		badPath bool // the canonicaliser refuses it (400 before any rule)
	}{
		{name: "own id", path: "/users/42", id: u42, want: Allow},
		{name: "own id below", path: "/users/42/orders/7", id: u42, want: Allow},
		{name: "own id trailing slash", path: "/users/42/", id: u42, want: Allow},
		{name: "other id", path: "/users/43", id: u42, want: Deny, reason: ReasonForbidden},
		{name: "other id below", path: "/users/43/orders", id: u42, want: Deny, reason: ReasonForbidden},
		{name: "anonymous", path: "/users/42", want: Deny, reason: ReasonUnauthenticated},
		{name: "missing sub claim", path: "/users/x", id: noClaims, want: Deny, reason: ReasonForbidden},
		{name: "collection not an object", path: "/users", id: u42, want: Deny, reason: ReasonForbidden},
		{name: "prefix not a segment", path: "/users42", id: u42, want: Deny, reason: ReasonForbidden},
		{name: "encoded slash traversal", path: "/users/42%2F..%2F43", id: u42, badPath: true},
		{name: "double encoded traversal", path: "/users/42%252F..%252F43", id: u42, badPath: true},
		{name: "dot dot traversal", path: "/users/42/../43", id: u42, badPath: true},
		{name: "encoded own id", path: "/users/%34%32", id: u42, want: Allow},
		{name: "encoded slash in id", path: "/users/4%2F2", id: u42, want: Deny, reason: ReasonForbidden},
		{name: "matrix param cut", path: "/users/43;42", id: u42, want: Deny, reason: ReasonForbidden},
		{name: "double slash", path: "//users//43", id: u42, want: Deny, reason: ReasonForbidden},
		{name: "case variant of path literal", path: "/USERS/43", id: u42, want: Deny, reason: ReasonForbidden},
		{name: "tenant in list", method: "GET", path: "/tenants/globex/invoices", id: u42, want: Allow},
		{name: "tenant root", method: "GET", path: "/tenants/acme", id: u42, want: Allow},
		{name: "tenant not in list", method: "GET", path: "/tenants/initech/invoices", id: u42, want: Deny, reason: ReasonForbidden},
		{name: "tenant list of strings", method: "GET", path: "/tenants/initech", id: u43, want: Allow},
		{name: "tenant claim not a list", method: "GET", path: "/tenants/acme", id: noClaims, want: Deny, reason: ReasonForbidden},
		{name: "tenant case variant", method: "GET", path: "/tenants/ACME", id: u42, want: Deny, reason: ReasonForbidden},
		{name: "tenant wrong method", method: "POST", path: "/tenants/acme", id: u42, want: Deny, reason: ReasonForbidden},
		{name: "tenant header", path: "/reports/q1", header: http.Header{"X-Tenant": {"acme"}}, id: u42, want: Allow},
		{name: "tenant header other", path: "/reports/q1", header: http.Header{"X-Tenant": {"globex"}}, id: u42, want: Deny, reason: ReasonForbidden},
		{name: "tenant header missing", path: "/reports/q1", id: u42, want: Deny, reason: ReasonForbidden},
		{name: "tenant header repeated", path: "/reports/q1", header: http.Header{"X-Tenant": {"acme", "globex"}}, id: u42, want: Deny, reason: ReasonForbidden},
		{name: "tenant header claim missing", path: "/reports/q1", header: http.Header{"X-Tenant": {"acme"}}, id: u43, want: Deny, reason: ReasonForbidden},
		{name: "tenant header empty", path: "/reports/q1", header: http.Header{"X-Tenant": {""}}, id: u43, want: Deny, reason: ReasonForbidden},
		{name: "numeric claim", path: "/accounts/1001/orders/9", id: u42, want: Allow},
		{name: "numeric claim other form", path: "/accounts/01001/orders/9", id: u42, want: Deny, reason: ReasonForbidden},
		{name: "numeric claim other", path: "/accounts/1002/orders/9", id: u42, want: Deny, reason: ReasonForbidden},
		{name: "json.Number claim", path: "/accounts/1002/orders/9", id: u43, want: Allow},
		{name: "null claim", path: "/accounts/1001/orders/9", id: noClaims, want: Deny, reason: ReasonForbidden},
		{name: "path equals header", path: "/t/acme/x", header: http.Header{"X-Tenant": {"acme"}}, want: Allow},
		{name: "path differs from header", path: "/t/acme/x", header: http.Header{"X-Tenant": {"globex"}}, want: Deny, reason: ReasonForbidden},
		{name: "ci own id", ci: true, path: "/Users/42", id: u42, want: Allow},
		{name: "ci other id", ci: true, path: "/USERS/43", id: u42, want: Deny, reason: ReasonForbidden},
		{name: "ci tenant case folds", ci: true, method: "GET", path: "/tenants/ACME", id: u42, want: Allow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pol := p
			if tt.ci {
				pol = pci
			}
			path, err := pol.CanonicalPath(tt.path)
			if tt.badPath {
				if err == nil {
					t.Fatalf("CanonicalPath(%q) = %q, want an error", tt.path, path)
				}
				return
			}
			if err != nil {
				t.Fatalf("CanonicalPath(%q): %v", tt.path, err)
			}
			m := tt.method
			if m == "" {
				m = "GET"
			}
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			r := &Request{Method: m, Host: "api.example.com", Path: path, Header: h}
			if tt.id != nil {
				r.Identity = tt.id
			}
			d := pol.Evaluate(r)
			if d.Effect != tt.want || (tt.want == Deny && d.Reason != tt.reason) {
				t.Errorf("%s %s (%s): got %v/%v by %s, want %v/%v", m, tt.path, path, d.Effect, d.Reason, d.Rule, tt.want, tt.reason)
			}
		})
	}
}

func TestObjectLevelShadow(t *testing.T) {
	deny := Rule{Name: "other_users", Action: "deny", Shadow: true,
		PathTemplates: []string{"/users/{id}/**"}}
	// a shadow deny rule placed before the owner rule: reported, not enforced.
	own := ownUser
	p := mustCompile(t, PolicyConfig{Rules: []Rule{deny, own}})
	d := p.Evaluate(&Request{Method: "GET", Path: "/users/42", Header: http.Header{}, Identity: u42})
	if d.Effect != Allow || d.ShadowRule != "other_users" || d.ShadowEffect != Deny {
		t.Errorf("got %+v", d)
	}
	// whole policy in shadow: a BOLA attempt is let through and flagged.
	p = mustCompile(t, PolicyConfig{Shadow: true, Rules: []Rule{own}})
	d = p.Evaluate(&Request{Method: "GET", Path: "/users/43", Header: http.Header{}, Identity: u42})
	if d.Effect != Deny || !d.Shadow || !d.Permitted() {
		t.Errorf("got %+v", d)
	}
	// shadow owner rule: the default decides, the rule is noted.
	so := ownUser
	so.Shadow = true
	p = mustCompile(t, PolicyConfig{Rules: []Rule{so}})
	d = p.Evaluate(&Request{Method: "GET", Path: "/users/42", Header: http.Header{}, Identity: u42})
	if d.Effect != Deny || d.ShadowRule != "own_user" || d.ShadowEffect != Allow {
		t.Errorf("got %+v", d)
	}
}

func TestPathTemplateMatch(t *testing.T) {
	tests := []struct {
		tmpl, path string
		want       bool
		caps       []string
	}{
		{"/", "/", true, nil},
		{"/**", "/", true, nil},
		{"/**", "/a/b", true, nil},
		{"/a/{x}", "/a/1", true, []string{"1"}},
		{"/a/{x}", "/a", false, nil},
		{"/a/{x}", "/a/1/2", false, nil},
		{"/a/{x}/**", "/a/1", true, []string{"1"}},
		{"/a/{x}/**", "/a/1/2/3", true, []string{"1"}},
		{"/a/*/{y}", "/a/1/2", true, []string{"2"}},
		{"/a/*/{y}", "/a/1", false, nil},
		{"/a/{x}/b/{y}", "/a/1/b/2", true, []string{"1", "2"}},
		{"/a/{x}/b/{y}", "/a/1/c/2", false, nil},
		{"/a/b", "/a/b", true, nil},
		{"/a/b", "/a/bc", false, nil},
		{"/a/**", "/a", true, nil},
		{"/a/**", "/ab", false, nil},
	}
	for _, tt := range tests {
		pt, _, err := parseTemplate(tt.tmpl, false, nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.tmpl, err)
		}
		var caps [MaxPathParams]string
		got := pt.match(tt.path, &caps)
		if got != tt.want {
			t.Errorf("%s on %s: %v, want %v", tt.tmpl, tt.path, got, tt.want)
			continue
		}
		for i, c := range tt.caps {
			if caps[i] != c {
				t.Errorf("%s on %s: cap %d = %q, want %q", tt.tmpl, tt.path, i, caps[i], c)
			}
		}
		if tt.want && !strings.HasPrefix(tt.path, pt.prefix) {
			t.Errorf("%s: prefix %q does not prefix match %s", tt.tmpl, pt.prefix, tt.path)
		}
	}
}

func TestObjectLevelCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		rule Rule
		want string
	}{
		{"relative", Rule{PathTemplates: []string{"users/{id}"}}, "must start with /"},
		{"partial segment", Rule{PathTemplates: []string{"/users/{id}.json"}}, "whole segment"},
		{"bad name", Rule{PathTemplates: []string{"/users/{http.request.uri}"}}, "variable"},
		{"empty name", Rule{PathTemplates: []string{"/users/{}"}}, "variable"},
		{"duplicate var", Rule{PathTemplates: []string{"/a/{id}/b/{id}"}}, "used twice"},
		{"double star inside", Rule{PathTemplates: []string{"/a/**/b"}}, "last segment"},
		{"empty segment", Rule{PathTemplates: []string{"/a//b"}}, "empty segment"},
		{"encoded literal", Rule{PathTemplates: []string{"/%61/{id}"}}, "not canonical"},
		{"dot segment", Rule{PathTemplates: []string{"/a/../{id}"}}, "not canonical"},
		{"too many", Rule{PathTemplates: []string{"/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}"}}, "more than 8"},
		{"unknown var", Rule{PathTemplates: []string{"/users/{id}"}, Bindings: []ClaimBinding{{PathParam: "uid", Claim: "sub"}}}, "no path_template of the rule captures it"},
		{"var not in every template", Rule{PathTemplates: []string{"/users/{id}", "/me"}, Bindings: []ClaimBinding{{PathParam: "id", Claim: "sub"}}}, `"/me" does not capture it`},
		{"var with other path kinds", Rule{PathTemplates: []string{"/users/{id}"}, PathPrefixes: []string{"/x"}, Bindings: []ClaimBinding{{PathParam: "id", Claim: "sub"}}}, "may only use path_template"},
		{"no source", Rule{Bindings: []ClaimBinding{{Claim: "sub"}}}, "path_param or header required"},
		{"no target", Rule{PathTemplates: []string{"/u/{id}"}, Bindings: []ClaimBinding{{PathParam: "id"}}}, "claim or to_header required"},
		{"bad op", Rule{PathTemplates: []string{"/u/{id}"}, Bindings: []ClaimBinding{{PathParam: "id", Op: "like", Claim: "sub"}}}, "must be eq or in"},
		{"bad claim path", Rule{PathTemplates: []string{"/u/{id}"}, Bindings: []ClaimBinding{{PathParam: "id", Claim: "a..b"}}}, "empty segment"},
		{"header to header", Rule{Bindings: []ClaimBinding{{Header: "X-A", ToHeader: "X-B"}}}, "to_header needs path_param"},
		{"anonymous binding", Rule{Authenticated: boolp(false), PathTemplates: []string{"/u/{id}"}, Bindings: []ClaimBinding{{PathParam: "id", Claim: "sub"}}}, "authenticated false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.rule.Action = "allow"
			_, err := Compile(PolicyConfig{Rules: []Rule{tt.rule}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	if names, err := ParsePathTemplate("/t/{tenant}/users/{id}/**"); err != nil || strings.Join(names, ",") != "tenant,id" {
		t.Errorf("ParsePathTemplate = %v, %v", names, err)
	}
}

func TestObjectLevelClaimKeysAndJSON(t *testing.T) {
	var cfg PolicyConfig
	js := `{"rules":[{"action":"allow","path_templates":["/users/{id}/**"],
		"bindings":[{"path_param":"id","claim":"sub"},{"header":"X-Tenant","op":"in","claim":"org.tenants"}]}]}`
	if err := json.Unmarshal([]byte(js), &cfg); err != nil {
		t.Fatal(err)
	}
	p := mustCompile(t, cfg)
	if got := strings.Join(p.ClaimKeys(), ","); got != "sub,org" {
		t.Errorf("ClaimKeys = %q", got)
	}
	id := &Identity{ID: "7", Claims: map[string]any{"sub": "7", "org": map[string]any{"tenants": []any{"a", "b"}}}}
	r := &Request{Method: "GET", Path: "/users/7/x", Header: http.Header{"X-Tenant": {"b"}}, Identity: id}
	if d := p.Evaluate(r); d.Effect != Allow {
		t.Errorf("got %+v", d)
	}
	r.Header.Set("X-Tenant", "c")
	if d := p.Evaluate(r); d.Effect != Deny {
		t.Errorf("got %+v", d)
	}
}

func TestObjectLevelDoesNotAllocate(t *testing.T) {
	p := mustCompile(t, PolicyConfig{Rules: []Rule{ownUser, tenantPath, tenantHeader, numericOwner}})
	reqs := []*Request{
		{Method: "GET", Path: "/users/42/orders", Header: http.Header{}, Identity: u42},
		{Method: "GET", Path: "/tenants/globex/x", Header: http.Header{}, Identity: u42},
		{Method: "GET", Path: "/reports/q", Header: http.Header{"X-Tenant": {"acme"}}, Identity: u42},
		{Method: "GET", Path: "/accounts/1001/orders/1", Header: http.Header{}, Identity: u42},
		{Method: "GET", Path: "/accounts/1002/orders/1", Header: http.Header{}, Identity: u43},
	}
	for _, r := range reqs {
		allocs := testing.AllocsPerRun(200, func() {
			if d := p.Evaluate(r); d.Effect != Allow {
				t.Fatalf("%s not allowed: %+v", r.Path, d)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations", r.Path, allocs)
		}
	}
}

// templateRegexp is the reference meaning of a template, as a regexp.
func templateRegexp(t string) string {
	var b strings.Builder
	b.WriteString("^")
	body := strings.TrimSuffix(t[1:], "/")
	rest := strings.HasSuffix(body, "**")
	body = strings.TrimSuffix(strings.TrimSuffix(body, "**"), "/")
	if body != "" {
		for _, s := range strings.Split(body, "/") {
			b.WriteString("/")
			switch {
			case s == "*":
				b.WriteString("[^/]+")
			case strings.HasPrefix(s, "{"):
				b.WriteString("([^/]+)")
			default:
				b.WriteString(regexp.QuoteMeta(s))
			}
		}
	}
	switch {
	case rest:
		b.WriteString("(/.*)?")
	case body == "":
		b.WriteString("/")
	}
	b.WriteString("$")
	return b.String()
}

// FuzzPathTemplateMatch checks template matching against its regexp
// meaning on canonical paths, captures included.
func FuzzPathTemplateMatch(f *testing.F) {
	for _, s := range [][2]string{{"/users/{id}/**", "/users/42/x"}, {"/a/*/{b}", "/a/1/2"}, {"/**", "/"},
		{"/users/{id}", "/users/4%2F2"}, {"/t/{t}/u/{u}", "/t/a/u/b/c"}, {"/", "/x"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, tmpl, raw string) {
		pt, names, err := parseTemplate(tmpl, false, nil)
		if err != nil {
			return
		}
		path, err := CanonicalPath(raw, false)
		if err != nil {
			return
		}
		re := regexp.MustCompile(templateRegexp(tmpl))
		var caps [MaxPathParams]string
		got := pt.match(path, &caps)
		m := re.FindStringSubmatch(path)
		if got != (m != nil) {
			t.Fatalf("%q on %q: match %v, regexp %s says %v", tmpl, path, got, re, m != nil)
		}
		if got {
			if !strings.HasPrefix(path, pt.prefix) {
				t.Fatalf("%q on %q: prefix %q", tmpl, path, pt.prefix)
			}
			for i := range names {
				if caps[i] != m[i+1] {
					t.Fatalf("%q on %q: capture %d = %q, regexp %q", tmpl, path, i, caps[i], m[i+1])
				}
			}
		}
	})
}
