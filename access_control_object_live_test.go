package gatehouse

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddytest"
)

// TestAccessControlLiveObjectLevel runs object-level rules (path templates
// bound to JWT claims and a header) behind api_auth with real tokens.
func TestAccessControlLiveObjectLevel(t *testing.T) {
	if testing.Short() {
		t.Skip("live test")
	}
	secret := []byte("0123456789abcdef0123456789abcdef-object-level")
	tester := caddytest.NewTester(t)
	tester.InitServer(liveGlobalsOpen+`}

http://localhost:9080 {
	api_auth {
		issuer https://idp.test {
			audience gatehouse-test
			secret base64:`+base64.StdEncoding.EncodeToString(secret)+` HS256
		}
		optional
	}
	access_control {
		allow own-user {
			path_template /users/{id} /users/{id}/**
			path_param    id == claim sub
		}
		allow tenant-data {
			method        GET
			path_template /tenants/{tenant}/**
			path_param    tenant in claim tenants
		}
		allow tenant-reports {
			path_template /reports/*
			header_param  X-Tenant == claim org.tenant
		}
	}
	respond "ok {http.auth.user.id} {http.request.uri.path}"
}
`, "caddyfile")

	token := func(sub string, extra map[string]any) string { return acLiveToken(t, secret, sub, extra) }
	alice := token("alice", map[string]any{"tenants": []string{"acme", "globex"}, "org": map[string]any{"tenant": "acme"}})
	bob := token("bob", map[string]any{"tenants": "acme"}) // not a list: no tenant access
	with := func(tok string, hdr ...string) func(*http.Request) {
		return func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+tok)
			for i := 0; i+1 < len(hdr); i += 2 {
				r.Header.Add(hdr[i], hdr[i+1])
			}
		}
	}

	const base = "http://localhost:9080"
	tests := []struct {
		name     string
		method   string
		path     string
		setup    func(*http.Request)
		want     int
		wantBody string
	}{
		{"own id", "GET", "/users/alice", with(alice), 200, "ok alice /users/alice"},
		{"own id below", "GET", "/users/alice/orders/7", with(alice), 200, "ok alice"},
		{"other id", "GET", "/users/bob", with(alice), 403, ""},
		{"other id below", "DELETE", "/users/bob/orders/7", with(alice), 403, ""},
		{"anonymous", "GET", "/users/alice", nil, 401, ""},
		{"encoded own id", "GET", "/users/%61lice", with(alice), 200, "ok alice"},
		{"encoded slash traversal", "GET", "/users/alice%2F..%2Fbob", with(alice), 400, ""},
		{"dot traversal", "GET", "/users/alice/%2e%2e/bob", with(alice), 400, ""},
		{"case variant", "GET", "/users/ALICE", with(alice), 403, ""},
		{"matrix param", "GET", "/users/bob;alice", with(alice), 403, ""},
		{"tenant in list", "GET", "/tenants/globex/invoices", with(alice), 200, "ok alice"},
		{"tenant not in list", "GET", "/tenants/initech/invoices", with(alice), 403, ""},
		{"tenant claim not a list", "GET", "/tenants/acme/invoices", with(bob), 403, ""},
		{"tenant header", "GET", "/reports/q1", with(alice, "X-Tenant", "acme"), 200, "ok alice"},
		{"other tenant header", "GET", "/reports/q1", with(alice, "X-Tenant", "globex"), 403, ""},
		{"repeated tenant header", "GET", "/reports/q1", with(alice, "X-Tenant", "acme", "X-Tenant", "globex"), 403, ""},
		{"tenant header missing claim", "GET", "/reports/q1", with(bob, "X-Tenant", "acme"), 403, ""},
	}
	for _, tt := range tests {
		status, _, body := acDo(t, tester, tt.method, base+tt.path, tt.setup)
		if status != tt.want || !strings.HasPrefix(body, tt.wantBody) {
			t.Errorf("%s: %s %s → %d %q, want %d %q", tt.name, tt.method, tt.path, status, body, tt.want, tt.wantBody)
		}
	}
}
