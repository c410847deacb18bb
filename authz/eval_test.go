package authz

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"testing"
)

func boolp(b bool) *bool { return &b }

// req builds a Request with a canonicalised path.
func req(t testing.TB, method, path string, id *Identity) *Request {
	t.Helper()
	p, err := CanonicalPath(path, false)
	if err != nil {
		t.Fatalf("CanonicalPath(%q): %v", path, err)
	}
	return &Request{Method: method, Host: "api.example.com", Path: p, Client: netip.MustParseAddr("203.0.113.7"), Header: http.Header{}, Identity: id}
}

var (
	alice = &Identity{ID: "alice", Method: "jwt", Issuer: "https://idp.example.com",
		Roles: []string{"user", "admin"}, Scopes: []string{"orders:read", "orders:write"},
		Claims: map[string]any{"sub": "alice", "org": map[string]any{"id": "acme", "tier": float64(2)},
			"email_verified": true, "groups": []any{"eng", "ops"}, "https://example.com/tenant": "t1"}}
	bob = &Identity{ID: "bob", Method: "api_key", Roles: []string{"user"}, Scopes: []string{"orders:read"},
		Claims: map[string]any{"sub": "bob", "roles": []any{"user"}, "scope": "orders:read"}}
	// carol's scopes are only in the raw claims, as scp array.
	carol = &Identity{ID: "carol", Method: "jwt", Claims: map[string]any{"scp": []any{"reports:read"}}}
	// dave's scopes are only in a space-delimited scope claim.
	dave = &Identity{ID: "dave", Method: "external", Claims: map[string]any{"scope": "a  b c"}}
)

func mustCompile(t testing.TB, cfg PolicyConfig) *Policy {
	t.Helper()
	p, err := Compile(cfg)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return p
}

// TestConditions checks every condition on its own: a rule that allows when
// the condition holds, under default deny.
func TestConditions(t *testing.T) {
	tests := []struct {
		name string
		rule Rule
		req  func(*Request)
		want bool
	}{
		{"method match", Rule{Methods: []string{"GET", "HEAD"}}, nil, true},
		{"method case-insensitive", Rule{Methods: []string{"get"}}, nil, true},
		{"method mismatch", Rule{Methods: []string{"POST"}}, nil, false},
		{"host exact", Rule{Hosts: []string{"API.example.com"}}, nil, true},
		{"host mismatch", Rule{Hosts: []string{"www.example.com"}}, nil, false},
		{"host wildcard", Rule{Hosts: []string{"*.example.com"}}, nil, true},
		{"host wildcard not apex", Rule{Hosts: []string{"*.example.com"}}, func(r *Request) { r.Host = "example.com" }, false},
		{"path exact", Rule{Paths: []string{"/orders"}}, func(r *Request) { r.Path = "/orders" }, true},
		{"path exact trailing slash in rule", Rule{Paths: []string{"/orders/"}}, func(r *Request) { r.Path = "/orders" }, true},
		{"path exact mismatch", Rule{Paths: []string{"/orders"}}, func(r *Request) { r.Path = "/orders/1" }, false},
		{"prefix self", Rule{PathPrefixes: []string{"/admin"}}, func(r *Request) { r.Path = "/admin" }, true},
		{"prefix below", Rule{PathPrefixes: []string{"/admin"}}, func(r *Request) { r.Path = "/admin/users" }, true},
		{"prefix by segment", Rule{PathPrefixes: []string{"/admin"}}, func(r *Request) { r.Path = "/administrator" }, false},
		{"prefix root", Rule{PathPrefixes: []string{"/"}}, func(r *Request) { r.Path = "/x" }, true},
		{"glob star", Rule{PathGlobs: []string{"/users/*/orders"}}, func(r *Request) { r.Path = "/users/42/orders" }, true},
		{"glob star one segment", Rule{PathGlobs: []string{"/users/*/orders"}}, func(r *Request) { r.Path = "/users/4/2/orders" }, false},
		{"glob double star", Rule{PathGlobs: []string{"/static/**"}}, func(r *Request) { r.Path = "/static/a/b.js" }, true},
		{"glob question", Rule{PathGlobs: []string{"/v?/x"}}, func(r *Request) { r.Path = "/v2/x" }, true},
		{"glob literal dot", Rule{PathGlobs: []string{"/*.json"}}, func(r *Request) { r.Path = "/aXjson" }, false},
		{"regexp", Rule{PathRegexps: []string{`^/orders/[0-9]+$`}}, func(r *Request) { r.Path = "/orders/12" }, true},
		{"regexp mismatch", Rule{PathRegexps: []string{`^/orders/[0-9]+$`}}, func(r *Request) { r.Path = "/orders/x" }, false},
		{"any path kind", Rule{Paths: []string{"/a"}, PathRegexps: []string{"^/b"}}, func(r *Request) { r.Path = "/b" }, true},
		{"client ip exact", Rule{ClientIPs: []string{"203.0.113.7"}}, nil, true},
		{"client cidr", Rule{ClientIPs: []string{"203.0.113.0/24"}}, nil, true},
		{"client cidr mismatch", Rule{ClientIPs: []string{"10.0.0.0/8"}}, nil, false},
		{"client v4-mapped v6", Rule{ClientIPs: []string{"10.0.0.0/8"}}, func(r *Request) { r.Client = netip.MustParseAddr("::ffff:10.1.2.3") }, true},
		{"client v6", Rule{ClientIPs: []string{"2001:db8::/32"}}, func(r *Request) { r.Client = netip.MustParseAddr("2001:db8::1") }, true},
		{"client private_ranges", Rule{ClientIPs: []string{"private_ranges"}}, func(r *Request) { r.Client = netip.MustParseAddr("192.168.1.1") }, true},
		{"client unknown", Rule{ClientIPs: []string{"0.0.0.0/0"}}, func(r *Request) { r.Client = netip.Addr{} }, false},
		{"header value", Rule{Headers: []HeaderCondition{{Name: "x-env", Values: []string{"prod"}}}}, func(r *Request) { r.Header.Set("X-Env", "prod") }, true},
		{"header value mismatch", Rule{Headers: []HeaderCondition{{Name: "X-Env", Values: []string{"prod"}}}}, func(r *Request) { r.Header.Set("X-Env", "dev") }, false},
		{"header presence", Rule{Headers: []HeaderCondition{{Name: "X-Env"}}}, func(r *Request) { r.Header.Set("X-Env", "") }, true},
		{"header absent", Rule{Headers: []HeaderCondition{{Name: "X-Env"}}}, nil, false},
		{"authenticated true", Rule{Authenticated: boolp(true)}, func(r *Request) { r.Identity = alice }, true},
		{"authenticated true anon", Rule{Authenticated: boolp(true)}, nil, false},
		{"authenticated false anon", Rule{Authenticated: boolp(false)}, nil, true},
		{"authenticated false user", Rule{Authenticated: boolp(false)}, func(r *Request) { r.Identity = alice }, false},
		{"user", Rule{Users: []string{"bob", "alice"}}, func(r *Request) { r.Identity = alice }, true},
		{"user mismatch", Rule{Users: []string{"bob"}}, func(r *Request) { r.Identity = alice }, false},
		{"auth method", Rule{AuthMethods: []string{"api_key"}}, func(r *Request) { r.Identity = bob }, true},
		{"auth method mismatch", Rule{AuthMethods: []string{"api_key"}}, func(r *Request) { r.Identity = alice }, false},
		{"issuer", Rule{Issuers: []string{"https://idp.example.com"}}, func(r *Request) { r.Identity = alice }, true},
		{"issuer mismatch", Rule{Issuers: []string{"https://other"}}, func(r *Request) { r.Identity = alice }, false},
		{"roles any", Rule{RolesAny: []string{"admin", "root"}}, func(r *Request) { r.Identity = alice }, true},
		{"roles any none", Rule{RolesAny: []string{"admin", "root"}}, func(r *Request) { r.Identity = bob }, false},
		{"roles all", Rule{RolesAll: []string{"admin", "user"}}, func(r *Request) { r.Identity = alice }, true},
		{"roles all missing one", Rule{RolesAll: []string{"admin", "user"}}, func(r *Request) { r.Identity = bob }, false},
		{"api key roles like jwt", Rule{RolesAny: []string{"user"}}, func(r *Request) { r.Identity = bob }, true},
		{"scopes any", Rule{ScopesAny: []string{"orders:write", "orders:admin"}}, func(r *Request) { r.Identity = alice }, true},
		{"scopes any none", Rule{ScopesAny: []string{"orders:write", "orders:admin"}}, func(r *Request) { r.Identity = bob }, false},
		{"scopes all", Rule{ScopesAll: []string{"orders:read", "orders:write"}}, func(r *Request) { r.Identity = alice }, true},
		{"scopes all missing one", Rule{ScopesAll: []string{"orders:read", "orders:write"}}, func(r *Request) { r.Identity = bob }, false},
		{"scope from scp array", Rule{ScopesAny: []string{"reports:read"}}, func(r *Request) { r.Identity = carol }, true},
		{"scope from scope string", Rule{ScopesAll: []string{"b", "c"}}, func(r *Request) { r.Identity = dave }, true},
		{"scope from scope string no substring", Rule{ScopesAny: []string{"c d"}}, func(r *Request) { r.Identity = dave }, false},
		{"claim nested string", Rule{Claims: []ClaimCondition{{Path: "org.id", Values: []string{"acme"}}}}, func(r *Request) { r.Identity = alice }, true},
		{"claim nested mismatch", Rule{Claims: []ClaimCondition{{Path: "org.id", Values: []string{"other"}}}}, func(r *Request) { r.Identity = alice }, false},
		{"claim number", Rule{Claims: []ClaimCondition{{Path: "org.tier", Values: []string{"2"}}}}, func(r *Request) { r.Identity = alice }, true},
		{"claim number mismatch", Rule{Claims: []ClaimCondition{{Path: "org.tier", Values: []string{"3"}}}}, func(r *Request) { r.Identity = alice }, false},
		{"claim bool", Rule{Claims: []ClaimCondition{{Path: "email_verified", Values: []string{"true"}}}}, func(r *Request) { r.Identity = alice }, true},
		{"claim array element", Rule{Claims: []ClaimCondition{{Path: "groups", Values: []string{"ops"}}}}, func(r *Request) { r.Identity = alice }, true},
		{"claim presence", Rule{Claims: []ClaimCondition{{Path: "org"}}}, func(r *Request) { r.Identity = alice }, true},
		{"claim absent", Rule{Claims: []ClaimCondition{{Path: "org.missing"}}}, func(r *Request) { r.Identity = alice }, false},
		{"claim path through scalar", Rule{Claims: []ClaimCondition{{Path: "sub.x"}}}, func(r *Request) { r.Identity = alice }, false},
		{"claim json pointer", Rule{Claims: []ClaimCondition{{Path: "/https:~1~1example.com~1tenant", Values: []string{"t1"}}}}, func(r *Request) { r.Identity = alice }, true},
		{"claim json.Number", Rule{Claims: []ClaimCondition{{Path: "n", Values: []string{"7"}}}}, func(r *Request) {
			r.Identity = &Identity{ID: "x", Claims: map[string]any{"n": json.Number("7")}}
		}, true},
		{"all-of across conditions", Rule{Methods: []string{"GET"}, RolesAny: []string{"admin"}}, func(r *Request) { r.Identity = bob }, false},
		{"no conditions", Rule{}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rule := tt.rule
			rule.Action = "allow"
			p := mustCompile(t, PolicyConfig{Rules: []Rule{rule}})
			r := req(t, "GET", "/", nil)
			if tt.req != nil {
				tt.req(r)
			}
			d := p.Evaluate(r)
			if got := d.Effect == Allow; got != tt.want {
				t.Errorf("allowed = %v, want %v (decision %+v)", got, tt.want, d)
			}
		})
	}
}

// TestCanonicalBypasses checks that spelling /admin differently does not slip
// past a deny rule on /admin, in front of an allow-everything rule.
func TestCanonicalBypasses(t *testing.T) {
	sensitive := mustCompile(t, PolicyConfig{Rules: []Rule{
		{Name: "no-admin", Action: "deny", PathPrefixes: []string{"/admin"}},
		{Name: "rest", Action: "allow"},
	}})
	insensitive := mustCompile(t, PolicyConfig{CaseInsensitive: true, Rules: []Rule{
		{Name: "no-admin", Action: "deny", PathPrefixes: []string{"/Admin"}},
		{Name: "rest", Action: "allow"},
	}})
	bypasses := []string{
		"/admin", "/%61dmin", "/%2561dmin", "/./admin", "//admin", "/admin/", "/admin;x",
		"/admin.", "/admin%20", "/public/../admin", "/public/%2e%2e/admin", "/public%2f..%2fadmin",
		"/public\\..\\admin", "/admin%2fusers", "/..;/admin", "/admin;x/users",
		"/public/%EF%BC%8E%EF%BC%8E/admin", "/public\uFF0F..\uFF0Fadmin", "/%2e/admin", "/admin%3b.css",
		// the other way round: paths a backend may serve from under /admin
		// but that a resolving canonicaliser would turn into /public
		"/admin/x%2f..%2f..%2fpublic", "/admin;/../public", "/admin/.. /public", "/admin/x/%2e%2e/%2e%2e/public",
		"/ADMIN/../public", "/../admin", "/admin/%2e",
	}
	for _, path := range bypasses {
		for _, tc := range []struct {
			name string
			p    *Policy
		}{{"sensitive", sensitive}, {"insensitive", insensitive}} {
			canon, err := tc.p.CanonicalPath(path)
			if errors.Is(err, ErrPathTraversal) {
				continue // refused with 400 by the handler: not a bypass
			}
			if err != nil {
				t.Errorf("%s %q: %v", tc.name, path, err)
				continue
			}
			d := tc.p.Evaluate(&Request{Method: "GET", Path: canon})
			if d.Effect != Deny || d.Rule != "no-admin" {
				t.Errorf("%s: %q (canonical %q) decided %v by %q, want deny by no-admin", tc.name, path, canon, d.Effect, d.Rule)
			}
		}
	}
	for _, path := range []string{"/ADMIN", "/Admin/users", "/%41DMIN"} {
		canon, _ := insensitive.CanonicalPath(path)
		if d := insensitive.Evaluate(&Request{Method: "GET", Path: canon}); d.Effect != Deny {
			t.Errorf("case-insensitive policy let %q through", path)
		}
		canon, _ = sensitive.CanonicalPath(path)
		if d := sensitive.Evaluate(&Request{Method: "GET", Path: canon}); d.Effect != Allow {
			t.Errorf("case-sensitive policy denied %q (documented as a distinct path)", path)
		}
	}
	for _, path := range []string{"/administrator", "/public/admin", "/adminx"} {
		canon, _ := sensitive.CanonicalPath(path)
		if d := sensitive.Evaluate(&Request{Method: "GET", Path: canon}); d.Effect != Allow {
			t.Errorf("%q was denied; it is not under /admin", path)
		}
	}
}

func TestEvaluationOrderAndDefaults(t *testing.T) {
	rules := []Rule{
		{Name: "deny-delete", Action: "deny", Methods: []string{"DELETE"}},
		{Name: "public", Action: "allow", Methods: []string{"GET"}, PathPrefixes: []string{"/public"}},
		{Name: "deny-public-write", Action: "deny", PathPrefixes: []string{"/public"}},
		{Name: "users", Action: "allow", Authenticated: boolp(true)},
	}
	deny := mustCompile(t, PolicyConfig{Rules: rules})
	allow := mustCompile(t, PolicyConfig{Rules: rules[:3], Default: "allow"})
	tests := []struct {
		name       string
		p          *Policy
		method     string
		path       string
		id         *Identity
		wantEffect Effect
		wantRule   string
	}{
		{"first match wins over later allow", deny, "DELETE", "/public/x", alice, Deny, "deny-delete"},
		{"public read", deny, "GET", "/public/x", nil, Allow, "public"},
		{"public write denied before user rule", deny, "POST", "/public/x", alice, Deny, "deny-public-write"},
		{"authenticated elsewhere", deny, "POST", "/orders", alice, Allow, "users"},
		{"default deny", deny, "POST", "/orders", nil, Deny, DefaultRuleName},
		{"default allow", allow, "POST", "/orders", nil, Allow, DefaultRuleName},
		{"explicit deny under default allow", allow, "DELETE", "/x", nil, Deny, "deny-delete"},
	}
	for _, tt := range tests {
		d := tt.p.Evaluate(req(t, tt.method, tt.path, tt.id))
		if d.Effect != tt.wantEffect || d.Rule != tt.wantRule {
			t.Errorf("%s: got %v by %q, want %v by %q", tt.name, d.Effect, d.Rule, tt.wantEffect, tt.wantRule)
		}
		if tt.wantRule == DefaultRuleName && d.RuleIndex != -1 {
			t.Errorf("%s: default decision has RuleIndex %d", tt.name, d.RuleIndex)
		}
	}
}

func TestDenyReasons(t *testing.T) {
	p := mustCompile(t, PolicyConfig{Rules: []Rule{
		{Name: "anon-blocked", Action: "deny", PathPrefixes: []string{"/private"}, Authenticated: boolp(false)},
		{Name: "read", Action: "allow", Methods: []string{"GET"}, PathPrefixes: []string{"/orders"}, ScopesAny: []string{"orders:read"}},
		{Name: "write", Action: "allow", Methods: []string{"POST"}, PathPrefixes: []string{"/orders"}, ScopesAll: []string{"orders:write", "orders:audit"}},
		{Name: "admin", Action: "allow", PathPrefixes: []string{"/admin"}, RolesAny: []string{"admin"}, ScopesAny: []string{"admin"}},
		{Name: "shadowed-scope", Action: "allow", Shadow: true, PathPrefixes: []string{"/reports"}, ScopesAny: []string{"reports:x"}},
	}})
	tests := []struct {
		name       string
		method     string
		path       string
		id         *Identity
		wantReason Reason
		wantScope  string
	}{
		{"anonymous needing scope → 401", "GET", "/orders", nil, ReasonUnauthenticated, ""},
		{"anonymous on anon-deny rule → 401", "GET", "/private", nil, ReasonUnauthenticated, ""},
		{"anonymous, no identity rule applies → 403", "GET", "/elsewhere", nil, ReasonForbidden, ""},
		{"known, scope missing (any-of)", "GET", "/orders", carol, ReasonInsufficientScope, "orders:read"},
		{"known, scope missing (all-of)", "POST", "/orders", alice, ReasonInsufficientScope, "orders:write orders:audit"},
		{"known, role missing beats scope", "GET", "/admin", bob, ReasonForbidden, ""},
		{"known, no rule", "GET", "/elsewhere", alice, ReasonForbidden, ""},
		{"shadow rule gives no scope hint", "GET", "/reports", alice, ReasonForbidden, ""},
		{"allowed", "GET", "/orders", bob, ReasonNone, ""},
	}
	for _, tt := range tests {
		d := p.Evaluate(req(t, tt.method, tt.path, tt.id))
		if d.Reason != tt.wantReason || d.Scope != tt.wantScope {
			t.Errorf("%s: reason %v scope %q, want %v %q (%+v)", tt.name, d.Reason, d.Scope, tt.wantReason, tt.wantScope, d)
		}
		if (tt.wantReason == ReasonNone) != (d.Effect == Allow) {
			t.Errorf("%s: effect %v with reason %v", tt.name, d.Effect, d.Reason)
		}
	}
}

func TestShadow(t *testing.T) {
	rules := []Rule{
		{Name: "new-deny", Action: "deny", Shadow: true, PathPrefixes: []string{"/legacy"}},
		{Name: "new-allow", Action: "allow", Shadow: true, PathPrefixes: []string{"/beta"}},
		{Name: "all-get", Action: "allow", Methods: []string{"GET"}},
	}
	p := mustCompile(t, PolicyConfig{Rules: rules})
	d := p.Evaluate(req(t, "GET", "/legacy/x", nil))
	if !d.Permitted() || d.Rule != "all-get" || d.ShadowRule != "new-deny" || d.ShadowEffect != Deny || d.ShadowRuleIndex != 0 {
		t.Errorf("shadow deny rule: %+v", d)
	}
	d = p.Evaluate(req(t, "POST", "/beta", nil))
	if d.Permitted() || d.ShadowRule != "new-allow" || d.ShadowEffect != Allow || d.Rule != DefaultRuleName {
		t.Errorf("shadow allow rule must not allow: %+v", d)
	}
	d = p.Evaluate(req(t, "GET", "/other", nil))
	if d.ShadowRule != "" || d.ShadowRuleIndex != -1 {
		t.Errorf("no shadow rule matched but got %+v", d)
	}

	sp := mustCompile(t, PolicyConfig{Rules: rules, Shadow: true})
	d = sp.Evaluate(req(t, "POST", "/x", nil))
	if !d.Permitted() || !d.Shadow || d.Effect != Deny || d.Rule != DefaultRuleName {
		t.Errorf("shadow policy must let a would-be deny through, flagged: %+v", d)
	}
	d = sp.Evaluate(req(t, "GET", "/x", nil))
	if !d.Permitted() || d.Shadow {
		t.Errorf("shadow policy allow must not be flagged shadow: %+v", d)
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  PolicyConfig
		want string
	}{
		{"bad default", PolicyConfig{Default: "maybe"}, `default "maybe"`},
		{"missing action", PolicyConfig{Rules: []Rule{{Name: "x"}}}, "rule 1 (x): missing action"},
		{"bad action", PolicyConfig{Rules: []Rule{{Action: "permit"}}}, `rule 1 (rule1): action "permit"`},
		{"bad cidr", PolicyConfig{Rules: []Rule{{Action: "allow"}, {Name: "net", Action: "allow", ClientIPs: []string{"10.0.0/8"}}}}, `rule 2 (net): client_ip "10.0.0/8"`},
		{"bad regexp", PolicyConfig{Rules: []Rule{{Action: "deny", PathRegexps: []string{"("}}}}, `path_regexp "("`},
		{"wildcard in exact path", PolicyConfig{Rules: []Rule{{Action: "deny", Paths: []string{"/a/*"}}}}, "path_globs"},
		{"relative path", PolicyConfig{Rules: []Rule{{Action: "deny", PathPrefixes: []string{"admin"}}}}, "must start with /"},
		{"duplicate name", PolicyConfig{Rules: []Rule{{Name: "a", Action: "deny"}, {Name: "a", Action: "allow"}}}, `rule 2: name "a" already used by rule 1`},
		{"reserved name", PolicyConfig{Rules: []Rule{{Name: "default", Action: "deny"}}}, "reserved"},
		{"reserved name invalid_path", PolicyConfig{Rules: []Rule{{Name: "invalid_path", Action: "deny"}}}, "reserved"},
		{"bad host", PolicyConfig{Rules: []Rule{{Action: "deny", Hosts: []string{"a.*.com"}}}}, `host "a.*.com"`},
		{"bad method", PolicyConfig{Rules: []Rule{{Action: "deny", Methods: []string{"GET POST"}}}}, "method"},
		{"bad auth method", PolicyConfig{Rules: []Rule{{Action: "deny", AuthMethods: []string{"saml"}}}}, "auth_method"},
		{"bad claim path", PolicyConfig{Rules: []Rule{{Action: "deny", Claims: []ClaimCondition{{Path: "a..b"}}}}}, `claim "a..b"`},
		{"anonymous with identity", PolicyConfig{Rules: []Rule{{Action: "deny", Authenticated: boolp(false), RolesAny: []string{"x"}}}}, "authenticated false"},
		{"quote in scope", PolicyConfig{Rules: []Rule{{Action: "allow", ScopesAny: []string{`a"b`}}}}, "scope"},
		{"line break in scope", PolicyConfig{Rules: []Rule{{Action: "allow", ScopesAll: []string{"a\r\nX-Injected: 1"}}}}, "printable ASCII"},
		{"bad header", PolicyConfig{Rules: []Rule{{Action: "allow", Headers: []HeaderCondition{{Name: "X Y"}}}}}, "header"},
	}
	for _, tt := range tests {
		_, err := Compile(tt.cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestClaimKeys(t *testing.T) {
	p := mustCompile(t, PolicyConfig{Rules: []Rule{
		{Action: "allow", Claims: []ClaimCondition{{Path: "org.id"}, {Path: "tenant"}}},
		{Action: "allow", Claims: []ClaimCondition{{Path: "org.name"}}},
	}})
	if got := strings.Join(p.ClaimKeys(), ","); got != "org,tenant" {
		t.Errorf("ClaimKeys = %q", got)
	}
}

// FuzzEvaluate throws arbitrary paths, methods and claims at a policy using
// every kind of condition: evaluation must not panic, and must give the same
// answer for a path and its canonical form.
func FuzzEvaluate(f *testing.F) {
	p := mustCompile(f, PolicyConfig{CaseInsensitive: true, Rules: []Rule{
		{Action: "deny", PathPrefixes: []string{"/admin"}, Authenticated: boolp(false)},
		{Action: "allow", PathGlobs: []string{"/users/*/orders/**"}, ScopesAll: []string{"a", "b"}},
		{Action: "allow", PathRegexps: []string{`^/v[0-9]+/`}, Claims: []ClaimCondition{{Path: "org.id", Values: []string{"acme", "1"}}}},
		{Action: "deny", Shadow: true, Hosts: []string{"*.example.com"}, ClientIPs: []string{"10.0.0.0/8"}},
		{Action: "allow", Methods: []string{"GET"}, Headers: []HeaderCondition{{Name: "X-Env", Values: []string{"prod"}}}, RolesAny: []string{"r"}},
	}})
	f.Add("/admin", "GET", "x.example.com", "org", "acme", "a b")
	f.Add("/users/1/orders/2", "POST", "h", "org", "1", "a")
	f.Add("/V1/x", "get", "", "", "", "")
	f.Fuzz(func(t *testing.T, path, method, host, claimKey, claimVal, scope string) {
		id := &Identity{ID: "u", Roles: []string{"r"}, Claims: map[string]any{
			claimKey: map[string]any{"id": claimVal}, "scope": scope}}
		hdr := http.Header{"X-Env": {claimVal}}
		for _, ident := range []*Identity{nil, id} {
			canon, err := p.CanonicalPath(path)
			if err != nil {
				return
			}
			r := &Request{Method: method, Host: CanonicalHost(host), Path: canon, Header: hdr, Identity: ident,
				Client: netip.MustParseAddr("10.1.2.3")}
			d1 := p.Evaluate(r)
			r.Path, _ = p.CanonicalPath(canon)
			if d2 := p.Evaluate(r); d1 != d2 {
				t.Fatalf("decision changed after re-canonicalising %q: %+v vs %+v", path, d1, d2)
			}
		}
	})
}

// TestHeaderCacheOverflow: header names beyond the per-request cache are
// still matched (looked up directly).
func TestHeaderCacheOverflow(t *testing.T) {
	var rules []Rule
	for i := range maxCachedHeaders + 4 {
		rules = append(rules, Rule{Name: fmt.Sprintf("h%d", i), Action: "allow",
			Headers: []HeaderCondition{{Name: fmt.Sprintf("X-H%d", i), Values: []string{"v"}}}})
	}
	p := mustCompile(t, PolicyConfig{Rules: rules})
	for i := range maxCachedHeaders + 4 {
		r := req(t, "GET", "/", nil)
		r.Header.Set(fmt.Sprintf("X-H%d", i), "v")
		if d := p.Evaluate(r); d.Effect != Allow || d.Rule != fmt.Sprintf("h%d", i) {
			t.Errorf("header X-H%d: %+v", i, d)
		}
	}
	if d := p.Evaluate(req(t, "GET", "/", nil)); d.Effect != Deny {
		t.Errorf("no header set but allowed: %+v", d)
	}
}

// FuzzClientMatch checks the integer IPv4 fast path against netip for
// arbitrary addresses and ranges, including IPv4-mapped IPv6 clients.
func FuzzClientMatch(f *testing.F) {
	f.Add([]byte{10, 1, 2, 3}, []byte{10, 0, 0, 0}, uint8(8))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 1}, []byte{192, 168, 0, 0}, uint8(16))
	f.Add([]byte{0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, []byte{0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, uint8(32))
	f.Fuzz(func(t *testing.T, client, network []byte, bits uint8) {
		ca, ok := netip.AddrFromSlice(client)
		if !ok {
			return
		}
		na, ok := netip.AddrFromSlice(network)
		if !ok {
			return
		}
		na = na.Unmap()
		pfx, err := na.Prefix(int(bits) % (na.BitLen() + 1))
		if err != nil {
			return
		}
		p := mustCompile(t, PolicyConfig{Rules: []Rule{{Action: "allow", ClientIPs: []string{pfx.String()}}}})
		got := p.Evaluate(&Request{Path: "/", Client: ca}).Effect == Allow
		if want := pfx.Contains(ca.Unmap()); got != want {
			t.Fatalf("client %s in %s: policy says %v, netip %v", ca, pfx, got, want)
		}
	})
}
