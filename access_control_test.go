package gatehouse

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/gatehouse-dev/caddy-gatehouse/authz"
)

// provisionAC provisions h in the context of an empty Caddy config and
// swaps its logger for an observer.
func provisionAC(t *testing.T, h *AccessControl) (*observer.ObservedLogs, *prometheus.Registry) {
	t.Helper()
	base, err := caddy.ProvisionContext(&caddy.Config{})
	if err != nil {
		t.Fatalf("ProvisionContext: %v", err)
	}
	ctx, cancel := caddy.NewContext(base)
	t.Cleanup(cancel)
	if err := h.Provision(ctx); err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if err := h.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	core, logs := observer.New(zapcore.DebugLevel)
	h.logger = zap.New(core)
	h.decisions.logger = h.logger
	return logs, ctx.GetMetricsRegistry()
}

// acRequest builds a request as Caddy's server would prepare it: replacer,
// vars with the client IP (and an api_auth identity), extra log fields.
func acRequest(method, target, clientIP string, id *authz.Identity, userPlaceholders map[string]string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	r.RemoteAddr = "10.9.9.9:1234" // must be ignored in favour of the client_ip var
	repl := caddy.NewReplacer()
	for k, v := range userPlaceholders {
		repl.Set("http.auth.user."+k, v)
	}
	vars := map[string]any{caddyhttp.ClientIPVarKey: clientIP}
	if id != nil {
		vars[identityVarKey] = id
	}
	ctx := context.WithValue(r.Context(), caddy.ReplacerCtxKey, repl)
	ctx = context.WithValue(ctx, caddyhttp.VarsCtxKey, vars)
	ctx = context.WithValue(ctx, caddyhttp.ExtraLogFieldsCtxKey, new(caddyhttp.ExtraLogFields))
	return r.WithContext(ctx)
}

// acServe runs the handler and returns the status the client would see (the
// HandlerError's status when the handler returns one) and whether next ran.
func acServe(t *testing.T, h *AccessControl, r *http.Request) (*httptest.ResponseRecorder, int, bool) {
	t.Helper()
	w := httptest.NewRecorder()
	called := false
	next := caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		called = true
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
	err := h.ServeHTTP(w, r, next)
	status := w.Code
	if err != nil {
		var he caddyhttp.HandlerError
		if !errors.As(err, &he) {
			t.Fatalf("ServeHTTP returned a non-HandlerError: %v", err)
		}
		status = he.StatusCode
	}
	return w, status, called
}

func typicalAPIRules() []authz.Rule {
	t := true
	return []authz.Rule{
		{Name: "health-internal", Action: "allow", Paths: []string{"/health"}, ClientIPs: []string{"10.0.0.0/8", "127.0.0.1"}},
		{Name: "health-external", Action: "deny", Paths: []string{"/health"}},
		{Name: "admin", Action: "allow", PathPrefixes: []string{"/admin"}, RolesAny: []string{"admin"}},
		{Name: "admin-deny", Action: "deny", PathPrefixes: []string{"/admin"}},
		{Name: "public-read", Action: "allow", Methods: []string{"GET", "HEAD"}, PathPrefixes: []string{"/api/public"}},
		{Name: "orders-read", Action: "allow", Methods: []string{"GET"}, PathPrefixes: []string{"/api/orders"}, ScopesAny: []string{"orders:read"}},
		{Name: "orders-write", Action: "allow", Methods: []string{"POST", "PUT", "DELETE"}, PathPrefixes: []string{"/api/orders"}, ScopesAll: []string{"orders:write"}},
		{Name: "me", Action: "allow", Paths: []string{"/api/me"}, Authenticated: &t},
	}
}

var (
	jwtAdmin  = &authz.Identity{ID: "ada", Method: "jwt", Roles: []string{"admin"}, Scopes: []string{"orders:read"}}
	jwtReader = &authz.Identity{ID: "rita", Method: "jwt", Roles: []string{"user"}, Scopes: []string{"orders:read"}}
	apiWriter = &authz.Identity{ID: "svc-billing", Method: "api_key", Roles: []string{"service"}, Scopes: []string{"orders:read", "orders:write"}}
)

func TestAccessControlServeHTTP(t *testing.T) {
	h := &AccessControl{Rules: typicalAPIRules(), Realm: "api"}
	provisionAC(t, h)
	tests := []struct {
		name       string
		method     string
		target     string
		client     string
		id         *authz.Identity
		basicUser  map[string]string
		wantStatus int
		wantNext   bool
		wantChal   string
	}{
		{"public read anonymous", "GET", "/api/public/items", "203.0.113.1", nil, nil, 204, true, ""},
		{"public write anonymous → default deny 403", "POST", "/api/public/items", "203.0.113.1", nil, nil, 403, false, ""},
		{"orders read anonymous → 401", "GET", "/api/orders", "203.0.113.1", nil, nil, 401, false, `Bearer realm="api"`},
		{"orders read with scope", "GET", "/api/orders/7", "203.0.113.1", jwtReader, nil, 204, true, ""},
		{"orders write lacking scope → insufficient_scope", "POST", "/api/orders", "203.0.113.1", jwtReader, nil, 403, false,
			`Bearer realm="api", error="insufficient_scope", scope="orders:write"`},
		{"orders write by api key", "POST", "/api/orders", "203.0.113.1", apiWriter, nil, 204, true, ""},
		{"admin by admin", "GET", "/admin/users", "203.0.113.1", jwtAdmin, nil, 204, true, ""},
		{"admin by user → 403", "GET", "/admin/users", "203.0.113.1", jwtReader, nil, 403, false, ""},
		{"admin bypass %61", "GET", "/%61dmin/users", "203.0.113.1", jwtReader, nil, 403, false, ""},
		{"admin bypass // → 400 (ambiguous_paths reject)", "GET", "//admin", "203.0.113.1", jwtReader, nil, 400, false, ""},
		{"admin bypass ;", "GET", "/admin;x/users", "203.0.113.1", jwtReader, nil, 403, false, ""},
		{"admin bypass dot-dot → 400", "GET", "/api/public/%2e%2e/%2e%2e/admin", "203.0.113.1", jwtReader, nil, 400, false, ""},
		{"out of admin by encoded dot-dot → 400", "GET", "/admin/x%2F..%2F..%2Fapi/public/items", "203.0.113.1", nil, nil, 400, false, ""},
		{"health internal", "GET", "/health", "10.1.2.3", nil, nil, 204, true, ""},
		{"health internal loopback", "GET", "/health/", "127.0.0.1", nil, nil, 204, true, ""},
		{"health external (RemoteAddr is internal, client_ip is not)", "GET", "/health", "198.51.100.7", nil, nil, 403, false, ""},
		{"me with basic_auth identity", "GET", "/api/me", "203.0.113.1", nil, map[string]string{"id": "bob"}, 204, true, ""},
		{"me anonymous → 401", "GET", "/api/me", "203.0.113.1", nil, nil, 401, false, `Bearer realm="api"`},
		{"basic_auth identity roles from placeholder", "GET", "/admin", "203.0.113.1", nil, map[string]string{"id": "bob", "roles": "ops,admin"}, 204, true, ""},
		{"invalid path → 400", "GET", "/api/public/%2500", "203.0.113.1", nil, nil, 400, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := acRequest(tt.method, tt.target, tt.client, tt.id, tt.basicUser)
			w, status, called := acServe(t, h, r)
			if status != tt.wantStatus || called != tt.wantNext {
				t.Fatalf("status %d next %v, want %d %v", status, called, tt.wantStatus, tt.wantNext)
			}
			if got := w.Header().Get("WWW-Authenticate"); got != tt.wantChal {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tt.wantChal)
			}
		})
	}
}

func TestAccessControlProblemJSON(t *testing.T) {
	h := &AccessControl{Rules: typicalAPIRules(), ProblemJSON: true}
	provisionAC(t, h)
	for _, tc := range []struct {
		target string
		id     *authz.Identity
		status int
	}{
		{"/admin/secret-endpoint", jwtReader, 403},
		{"/api/orders", nil, 401},
		{"/admin/x%2F..%2F..%2Fapi/public", jwtReader, 400},
	} {
		w, status, called := acServe(t, h, acRequest("GET", tc.target, "203.0.113.1", tc.id, nil))
		if status != tc.status || called {
			t.Fatalf("%s: status %d next %v", tc.target, status, called)
		}
		if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("Content-Type = %q", ct)
		}
		var body map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("body %q: %v", w.Body, err)
		}
		if body["status"] != float64(tc.status) || body["title"] == "" {
			t.Errorf("body = %v", body)
		}
		for _, leak := range []string{"admin", "rule", "orders", "scope", "secret", "health"} {
			if strings.Contains(strings.ToLower(w.Body.String()), leak) {
				t.Errorf("problem body %q reveals %q", w.Body, leak)
			}
		}
	}
	if h.challenge != `Bearer realm="gatehouse"` {
		t.Errorf("default realm challenge = %q", h.challenge)
	}
}

func TestAccessControlDecisionLogsAndMetrics(t *testing.T) {
	h := &AccessControl{Rules: typicalAPIRules(), Name: "api"}
	logs, reg := provisionAC(t, h)

	r := acRequest("GET", "/admin/users?api_key=SECRET123", "203.0.113.9", jwtReader, nil)
	r.Header.Set("Authorization", "Bearer SECRETTOKEN")
	if _, status, _ := acServe(t, h, r); status != 403 {
		t.Fatalf("status %d", status)
	}
	acServe(t, h, acRequest("GET", "/api/public/x", "203.0.113.9", nil, nil))

	denies := logs.FilterMessage("access_control: block").All()
	if len(denies) != 1 {
		t.Fatalf("want one deny line, got %d: %v", len(denies), logs.All())
	}
	e := denies[0]
	if e.Level != zapcore.WarnLevel {
		t.Errorf("deny logged at %v", e.Level)
	}
	want := map[string]string{"module": "access_control", "decision": "block", "policy": "api", "rule": "admin-deny", "user": "rita", "method": "GET",
		"path": "/admin/users", "client_ip": "203.0.113.9", "reason": "forbidden"}
	fields := e.ContextMap()
	for k, v := range want {
		if fields[k] != v {
			t.Errorf("log field %s = %v, want %q", k, fields[k], v)
		}
	}
	for _, entry := range logs.All() {
		for _, f := range entry.Context {
			if strings.Contains(f.String, "SECRET") {
				t.Errorf("log leaks a secret: %s=%q", f.Key, f.String)
			}
		}
	}
	if n := logs.Len(); n != 1 {
		t.Errorf("allowed requests must not be logged (%d lines in all)", n)
	}

	if got := acCounted(h, 3, acDecDeny); got != 1 {
		t.Errorf("admin-deny deny counter = %v", got)
	}
	if got := acCounted(h, 4, acDecAllow); got != 1 {
		t.Errorf("public-read allow counter = %v", got)
	}
	if n, err := testutil.GatherAndCount(reg, "caddy_gatehouse_access_decisions_total"); err != nil || n == 0 {
		t.Errorf("metric not registered: %d %v", n, err)
	}
	// A second handler on the same registry (a reload, or another site)
	// reuses the collector instead of failing.
	h2 := &AccessControl{Rules: typicalAPIRules(), Name: "api"}
	h2.policy = h.policy
	h2.label = "api"
	if err := h2.provisionMetrics(reg); err != nil {
		t.Fatalf("second provisionMetrics: %v", err)
	}
	if got := acCounted(h2, 3, acDecDeny); got != 1 {
		t.Errorf("shared counter not reused: %v", got)
	}
}

func TestAccessControlShadow(t *testing.T) {
	rules := []authz.Rule{
		{Name: "new-block", Action: "deny", Shadow: true, PathPrefixes: []string{"/legacy"}},
		{Name: "reads", Action: "allow", Methods: []string{"GET"}},
	}
	t.Run("shadow rule", func(t *testing.T) {
		h := &AccessControl{Rules: rules}
		logs, _ := provisionAC(t, h)
		_, status, called := acServe(t, h, acRequest("GET", "/legacy/x", "203.0.113.1", jwtReader, nil))
		if status != 204 || !called {
			t.Fatalf("shadow rule blocked: %d %v", status, called)
		}
		lines := logs.FilterMessage("access_control: would_block").All()
		if len(lines) != 1 || lines[0].Level != zapcore.InfoLevel || lines[0].ContextMap()["monitor"] != true || lines[0].ContextMap()["rule"] != "new-block" || lines[0].ContextMap()["enforced"] != "allow" {
			t.Fatalf("want one INFO would_block line for new-block, got %v", logs.All())
		}
		if got := acCounted(h, 0, acDecShadowDeny); got != 1 {
			t.Errorf("shadow_deny counter = %v", got)
		}
		if got := acCounted(h, 1, acDecAllow); got != 1 {
			t.Errorf("allow counter = %v", got)
		}
	})
	t.Run("shadow handler", func(t *testing.T) {
		h := &AccessControl{Rules: rules, Shadow: true}
		logs, _ := provisionAC(t, h)
		_, status, called := acServe(t, h, acRequest("POST", "/x", "203.0.113.1", nil, nil))
		if status != 204 || !called {
			t.Fatalf("shadow policy blocked: %d %v", status, called)
		}
		lines := logs.FilterMessage("access_control: would_block").All()
		if len(lines) != 1 || lines[0].ContextMap()["rule"] != "default" {
			t.Fatalf("want one would-deny line by default, got %v", logs.All())
		}
		if got := acCounted(h, len(h.counters)-2, acDecShadowDeny); got != 1 {
			t.Errorf("default shadow_deny counter = %v", got)
		}
		if n := len(logs.FilterMessage("access_control: block").All()); n != 0 {
			t.Errorf("shadow mode logged %d enforced denials", n)
		}
	})
	// A path that cannot be canonicalised is refused with 400 when
	// enforcing, and only reported in shadow mode.
	for _, shadow := range []bool{false, true} {
		h := &AccessControl{Rules: rules, Shadow: shadow}
		logs, _ := provisionAC(t, h)
		_, status, called := acServe(t, h, acRequest("GET", "/admin/x%2F..%2F..%2Fpublic", "203.0.113.1", jwtReader, nil))
		want, msg, dec := 400, "access_control: block", acDecDeny
		if shadow {
			want, msg, dec = 204, "access_control: would_block", acDecShadowDeny
		}
		if status != want || called != shadow {
			t.Errorf("shadow=%v: invalid path → %d (next ran: %v), want %d", shadow, status, called, want)
		}
		lines := logs.FilterMessage(msg).All()
		if len(lines) != 1 || lines[0].ContextMap()["rule"] != authz.InvalidPathRuleName || lines[0].ContextMap()["user"] != jwtReader.ID {
			t.Errorf("shadow=%v: want one %q line naming the rule and user, got %v", shadow, msg, logs.All())
		}
		if got := acCounted(h, len(h.counters)-1, dec); got != 1 {
			t.Errorf("shadow=%v: invalid_path counter = %v", shadow, got)
		}
	}
}

func TestAccessControlValidateAndProvisionErrors(t *testing.T) {
	tests := []struct {
		name string
		h    AccessControl
		want string
	}{
		{"named with rules", AccessControl{Policy: "p", Rules: []authz.Rule{{Action: "allow"}}}, "belong to the access_policy"},
		{"bad realm", AccessControl{Realm: `a"b`}, "realm"},
		{"bad rule", AccessControl{Rules: []authz.Rule{{Name: "nets", Action: "allow", ClientIPs: []string{"300.0.0.1"}}}}, `rule 1 (nets): client_ip "300.0.0.1"`},
		{"bad default", AccessControl{Default: "perhaps"}, "default"},
		{"bad ambiguous_paths", AccessControl{AmbiguousPaths: "allow"}, `ambiguous_paths "allow"`},
	}
	for _, tt := range tests {
		ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
		err := tt.h.Provision(ctx)
		cancel()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestAccessControlLogLimitApplies(t *testing.T) {
	h := &AccessControl{LogLimit: 3}
	logs, _ := provisionAC(t, h)
	fixed := time.Unix(5000, 0)
	h.decisions.sampler = newLogSampler(3, func() time.Time { return fixed })
	h.decisions.sampler.now = func() time.Time { return fixed }
	for range 10 {
		acServe(t, h, acRequest("GET", "/x", "203.0.113.1", nil, nil))
	}
	if n := logs.Len(); n != 3 {
		t.Errorf("%d decision lines logged with log_limit 3", n)
	}
	fixed = fixed.Add(time.Second)
	acServe(t, h, acRequest("GET", "/x", "203.0.113.1", nil, nil))
	last := logs.All()[logs.Len()-1]
	if last.ContextMap()["dropped_since_last"] != int64(7) {
		t.Errorf("dropped_since_last = %v, want 7", last.ContextMap()["dropped_since_last"])
	}
	if got := acCounted(h, len(h.counters)-2, acDecDeny); got != 11 {
		t.Errorf("metrics must count every decision, even unlogged: %v", got)
	}
}

// BenchmarkAccessControlServeHTTP: the whole handler on an allowed request
// (identity from api_auth's var, 8-rule typical policy).
func BenchmarkAccessControlServeHTTP(b *testing.B) {
	h := &AccessControl{Rules: typicalAPIRules()}
	ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
	defer cancel()
	if err := h.Provision(ctx); err != nil {
		b.Fatal(err)
	}
	r := acRequest("GET", "/api/orders/42", "203.0.113.1", jwtReader, nil)
	next := caddyhttp.HandlerFunc(func(http.ResponseWriter, *http.Request) error { return nil })
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		if err := h.ServeHTTP(w, r, next); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAccessControlConcurrent runs decisions in parallel (go test -race):
// the handler keeps no per-request state.
func TestAccessControlConcurrent(t *testing.T) {
	h := &AccessControl{Rules: typicalAPIRules(), LogLimit: 5}
	provisionAC(t, h)
	done := make(chan [2]int)
	for g := range 8 {
		go func() {
			var allowed, denied int
			for i := range 200 {
				id := jwtReader
				if (g+i)%2 == 0 {
					id = nil
				}
				r := acRequest("GET", "/api/orders/1", "203.0.113.1", id, nil)
				w := httptest.NewRecorder()
				err := h.ServeHTTP(w, r, caddyhttp.HandlerFunc(func(http.ResponseWriter, *http.Request) error { return nil }))
				if err == nil {
					allowed++
				} else {
					denied++
				}
			}
			done <- [2]int{allowed, denied}
		}()
	}
	var allowed, denied int
	for range 8 {
		c := <-done
		allowed += c[0]
		denied += c[1]
	}
	if allowed != 800 || denied != 800 {
		t.Errorf("allowed %d denied %d, want 800 each", allowed, denied)
	}
	if got := acCounted(h, 5, acDecAllow); got != 800 {
		t.Errorf("orders-read allow counter = %v", got)
	}
}

// TestAccessControlZonedClient: a client address with an IPv6 zone (which a
// trusted proxy can forward) must still match client_ip ranges.
func TestAccessControlZonedClient(t *testing.T) {
	h := &AccessControl{Rules: []authz.Rule{
		{Name: "no-link-local", Action: "deny", ClientIPs: []string{"fe80::/10"}},
		{Name: "rest", Action: "allow"},
	}}
	provisionAC(t, h)
	for _, tt := range []struct {
		client string
		want   int
	}{{"fe80::1%eth0", 403}, {"fe80::1", 403}, {"2001:db8::1", 204}, {"2001:db8::1%eth0", 204}} {
		if _, status, _ := acServe(t, h, acRequest("GET", "/x", tt.client, nil, nil)); status != tt.want {
			t.Errorf("client %q: status %d, want %d", tt.client, status, tt.want)
		}
	}
}

// TestAccessControlExternalIdentity: an identity from another Caddy
// authentication is built from {http.auth.user.*}: id, roles/groups,
// scope/scp, iss and the claims the rules refer to; api_auth's var wins when
// both are present.
func TestAccessControlExternalIdentity(t *testing.T) {
	h := &AccessControl{Rules: []authz.Rule{
		{Name: "tenant", Action: "allow", PathPrefixes: []string{"/t"}, AuthMethods: []string{"external"}, Claims: []authz.ClaimCondition{{Path: "tenant", Values: []string{"acme"}}}},
		{Name: "scoped", Action: "allow", PathPrefixes: []string{"/s"}, ScopesAll: []string{"a", "b"}},
		{Name: "jwt-only", Action: "allow", PathPrefixes: []string{"/j"}, AuthMethods: []string{"jwt"}},
		{Name: "roles", Action: "allow", PathPrefixes: []string{"/r"}, RolesAll: []string{"ops", "dev"}},
		{Name: "issuer", Action: "allow", PathPrefixes: []string{"/i"}, Issuers: []string{"https://idp.example"}},
	}}
	provisionAC(t, h)
	tests := []struct {
		name   string
		path   string
		id     *authz.Identity
		ph     map[string]string
		status int
	}{
		{"claim from placeholder", "/t", nil, map[string]string{"id": "bob", "tenant": "acme"}, 204},
		{"claim mismatch", "/t", nil, map[string]string{"id": "bob", "tenant": "other"}, 403},
		{"claim placeholder without user id is anonymous", "/t", nil, map[string]string{"tenant": "acme"}, 401},
		{"scopes from placeholder", "/s", nil, map[string]string{"id": "bob", "scope": "b a"}, 204},
		{"scope missing", "/s", nil, map[string]string{"id": "bob", "scope": "a"}, 403},
		{"api_auth var wins over placeholders", "/j", jwtReader, map[string]string{"id": "someone-else"}, 204},
		{"external is not jwt", "/j", nil, map[string]string{"id": "bob"}, 403},
		{"roles from placeholder", "/r", nil, map[string]string{"id": "bob", "roles": "dev ops"}, 204},
		{"groups from placeholder", "/r", nil, map[string]string{"id": "bob", "groups": "ops,dev"}, 204},
		{"roles and groups together", "/r", nil, map[string]string{"id": "bob", "roles": "ops", "groups": "dev"}, 204},
		{"role missing", "/r", nil, map[string]string{"id": "bob", "roles": "ops"}, 403},
		{"scp from placeholder", "/s", nil, map[string]string{"id": "bob", "scp": "a b"}, 204},
		{"issuer from placeholder", "/i", nil, map[string]string{"id": "bob", "iss": "https://idp.example"}, 204},
		{"issuer mismatch", "/i", nil, map[string]string{"id": "bob", "iss": "https://evil.example"}, 403},
		{"issuer missing", "/i", nil, map[string]string{"id": "bob"}, 403},
	}
	for _, tt := range tests {
		_, status, _ := acServe(t, h, acRequest("GET", tt.path, "203.0.113.1", tt.id, tt.ph))
		if status != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, status, tt.status)
		}
	}
}

// acServeSeen runs the handler and returns the status and the request next
// saw (nil when next did not run).
func acServeSeen(t *testing.T, h *AccessControl, r *http.Request) (int, *http.Request) {
	t.Helper()
	var seen *http.Request
	next := caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		seen = r
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
	w := httptest.NewRecorder()
	err := h.ServeHTTP(w, r, next)
	status := w.Code
	if err != nil {
		var he caddyhttp.HandlerError
		if !errors.As(err, &he) {
			t.Fatalf("ServeHTTP returned a non-HandlerError: %v", err)
		}
		status = he.StatusCode
	}
	return status, seen
}

// TestAccessControlAmbiguousPaths: the path next sees is the path that was
// authorised; ambiguous ones are refused (reject) or canonicalised (rewrite).
func TestAccessControlAmbiguousPaths(t *testing.T) {
	rules := []authz.Rule{
		{Name: "admin", Action: "allow", PathPrefixes: []string{"/admin"}, RolesAny: []string{"admin"}},
		{Name: "admin-deny", Action: "deny", PathPrefixes: []string{"/admin"}},
		{Name: "rest", Action: "allow", PathPrefixes: []string{"/"}},
	}
	reject := &AccessControl{Rules: rules}
	provisionAC(t, reject)
	rewrite := &AccessControl{Rules: rules, AmbiguousPaths: "rewrite"}
	provisionAC(t, rewrite)
	tests := []struct {
		target     string
		wantReject int    // status in reject mode
		wantURI    string // RequestURI next sees ("" when not reached)
		rewriteURI string // in rewrite mode
	}{
		{"/x/admin", 204, "/x/admin", "/x/admin"},
		{"/x/admin/", 204, "/x/admin/", "/x/admin/"},
		{"/x//admin?a=1", 204, "/x/admin?a=1", "/x/admin?a=1"},
		{"/x/./admin", 204, "/x/admin", "/x/admin"},
		{"/x/%61dmin", 204, "/x/admin", "/x/admin"},
		{"/x/admin;jsessionid=1", 204, "/x/admin", "/x/admin"},
		{"//x/admin", 400, "", "/x/admin"},
		{"///x/admin", 400, "", "/x/admin"},
		{"//x:1/admin", 400, "", "/x:1/admin"},
		{"//127.0.0.1:9333/admin", 400, "", "/127.0.0.1:9333/admin"},
		{"//admin@x/admin", 400, "", "/admin@x/admin"},
		{"/x%2Fadmin", 400, "", "/x/admin"},
		{"/x%5Cadmin", 400, "", "/x/admin"},
		{"/x\\admin", 400, "", "/x/admin"},
		{"/%2e%2e/x", 400, "", "/x"},
		{"/..;/x", 400, "", "/x"},
		// the admin area stays closed whichever way it is spelled
		{"/admin//", 403, "", ""},
		{"/./admin", 403, "", ""},
	}
	for _, tt := range tests {
		for _, mode := range []struct {
			name    string
			h       *AccessControl
			status  int
			wantURI string
		}{{"reject", reject, tt.wantReject, tt.wantURI}, {"rewrite", rewrite, 0, tt.rewriteURI}} {
			r := acRequest("GET", "/", "203.0.113.1", jwtReader, nil)
			r.RequestURI = tt.target
			u, err := url.ParseRequestURI(tt.target)
			if err != nil {
				t.Fatal(err)
			}
			r.URL = u
			status, seen := acServeSeen(t, mode.h, r)
			want := mode.status
			if want == 0 {
				want = 204
				if mode.wantURI == "" {
					want = 403
				}
			}
			if status != want {
				t.Errorf("%s %q: status %d, want %d", mode.name, tt.target, status, want)
				continue
			}
			got := ""
			if seen != nil {
				got = seen.RequestURI
				if seen.URL.RequestURI() != got {
					t.Errorf("%s %q: URL %q and RequestURI %q differ", mode.name, tt.target, seen.URL.RequestURI(), got)
				}
				c1, _ := authz.CanonicalPath(seen.URL.Path, false)
				c2, _ := authz.CanonicalPath(u.Path, false)
				if c1 != c2 || authz.ClassifyPath(seen.URL.EscapedPath()) != authz.PathExact {
					t.Errorf("%s %q: next saw path %q, not the authorised %q", mode.name, tt.target, seen.URL.EscapedPath(), c2)
				}
			}
			if got != mode.wantURI {
				t.Errorf("%s %q: next saw %q, want %q", mode.name, tt.target, got, mode.wantURI)
			}
		}
	}
}

func TestAccessControlStripsOverrides(t *testing.T) {
	rules := []authz.Rule{{Name: "post", Action: "allow", Methods: []string{"POST", "GET"}}}
	strip := &AccessControl{Rules: rules}
	provisionAC(t, strip)
	keep := &AccessControl{Rules: rules, KeepMethodOverride: true, KeepURLOverride: true}
	provisionAC(t, keep)
	headers := []string{"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override", "X-Original-URL", "X-Rewrite-URL", "X-Override-URL"}
	for _, target := range []string{
		"/api/orders/1?_method=DELETE",
		"/api/orders/1?a=1&_method=DELETE&b=%20x",
		"/api/orders/1?%5Fmethod=DELETE&a=1",
		"/api/orders/1?_METHOD=DELETE&_method&a=1",
	} {
		for _, h := range []*AccessControl{strip, keep} {
			r := acRequest("POST", target, "203.0.113.1", nil, nil)
			for _, name := range headers {
				r.Header.Set(name, "DELETE")
			}
			status, seen := acServeSeen(t, h, r)
			if status != 204 || seen == nil {
				t.Fatalf("%q: status %d", target, status)
			}
			for _, name := range headers {
				if got := seen.Header.Get(name) != ""; got != h.KeepMethodOverride {
					t.Errorf("keep=%v %q: header %s present %v", h.KeepMethodOverride, target, name, got)
				}
			}
			q := seen.URL.Query()
			hasMethod := q.Has("_method") || q.Has("_METHOD")
			if hasMethod != h.KeepMethodOverride {
				t.Errorf("keep=%v %q: query %q", h.KeepMethodOverride, target, seen.URL.RawQuery)
			}
			if seen.RequestURI != seen.URL.RequestURI() {
				t.Errorf("%q: RequestURI %q, URL %q", target, seen.RequestURI, seen.URL.RequestURI())
			}
			if !h.KeepMethodOverride && strings.Contains(target, "a=1") && q.Get("a") != "1" {
				t.Errorf("%q: other parameters lost: %q", target, seen.URL.RawQuery)
			}
		}
	}
	// only the URL overrides kept
	urlOnly := &AccessControl{Rules: rules, KeepURLOverride: true}
	provisionAC(t, urlOnly)
	r := acRequest("POST", "/x?_method=PUT&b=2", "203.0.113.1", nil, nil)
	r.Header.Set("X-Original-URL", "/admin")
	r.Header.Set("X-HTTP-Method-Override", "DELETE")
	_, seen := acServeSeen(t, urlOnly, r)
	if seen.Header.Get("X-Original-URL") != "/admin" || seen.Header.Get("X-HTTP-Method-Override") != "" || seen.URL.RawQuery != "b=2" {
		t.Errorf("keep_url_override only: headers %v, query %q", seen.Header, seen.URL.RawQuery)
	}
}

func TestAcStripQueryParam(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"a=1", "a=1"},
		{"_method=DELETE", ""},
		{"a=%20&_method=DELETE&b=2", "a=%20&b=2"},
		{"_Method=x&method=y", "method=y"},
		{"%5fmethod=x", ""},
		{"_methods=x", "_methods=x"},
	}
	for _, tt := range tests {
		if got, _ := acStripQueryParam(tt.in, "_method"); got != tt.want {
			t.Errorf("acStripQueryParam(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestAccessControlWarnsNonStrictProxies: client_ip rules behind a
// trusted_proxies without trusted_proxies_strict are warned about, once.
func TestAccessControlWarnsNonStrictProxies(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rules  []authz.Rule
		srv    *caddyhttp.Server
		warned int
	}{
		{"non-strict", typicalAPIRules(), &caddyhttp.Server{TrustedProxiesRaw: json.RawMessage(`{"source":"static"}`)}, 1},
		{"strict", typicalAPIRules(), &caddyhttp.Server{TrustedProxiesRaw: json.RawMessage(`{"source":"static"}`), TrustedProxiesStrict: 1}, 0},
		{"no proxies", typicalAPIRules(), &caddyhttp.Server{}, 0},
		{"no client_ip rule", []authz.Rule{{Name: "all", Action: "allow"}}, &caddyhttp.Server{TrustedProxiesRaw: json.RawMessage(`{}`)}, 0},
	} {
		h := &AccessControl{Rules: tc.rules}
		logs, _ := provisionAC(t, h)
		for range 3 {
			r := acRequest("GET", "/health", "10.1.2.3", nil, nil)
			r = r.WithContext(context.WithValue(r.Context(), caddyhttp.ServerCtxKey, tc.srv))
			acServe(t, h, r)
		}
		if n := logs.FilterMessageSnippet("trusted_proxies_strict").Len(); n != tc.warned {
			t.Errorf("%s: %d warnings, want %d", tc.name, n, tc.warned)
		}
	}
}

// acCounted reads the access_decisions_total series of a rule slot.
func acCounted(h *AccessControl, rule, decision int) float64 {
	return testutil.ToFloat64(h.counters[rule][decision].get(func() prometheus.Counter {
		return h.vec.WithLabelValues(h.label, h.ruleNames[rule], acDecisionLabels[decision])
	}))
}
