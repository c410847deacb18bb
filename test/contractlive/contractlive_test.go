// Package contractlive runs api_contract inside a real Caddy: the document
// loaded at provision, requests refused before the backend, responses
// stripped on the wire, and the document reloaded through the admin API.
// Ports: admin localhost:3020, HTTP 9120–9129 (other live packages use
// 2999/9080 and 3010/9110+).
package contractlive

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddytest"

	_ "github.com/gatehouse-dev/caddy-gatehouse"
)

func TestMain(m *testing.M) {
	caddytest.Default.AdminPort = 3020
	os.Exit(m.Run())
}

const liveKey = "contract-live-key-0123456789"

func config(t *testing.T, spec string, extra string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(liveKey))
	return fmt.Sprintf(`{
	admin localhost:3020
	http_port 9120
	https_port 9129
	grace_period 1ns
	skip_install_trust
	persist_config off
}
http://localhost:9120 {
	api_auth {
		api_key sha256:%s live-user {
			scopes orders:read
		}
		optional
	}
	api_contract {
		spec %s
		%s
	}
	reverse_proxy 127.0.0.1:9121
}
http://localhost:9121 {
	header Content-Type application/json
	handle /api/users/me {
		respond `+"`"+`{"id":"alice","password":"hunter2","profile":{"ssn":"123-45-6789","phone":"+1 415 555 0100"},"api_token":"AKIA"}`+"`"+`
	}
	handle /api/public/products {
		respond `+"`"+`{"products":[{"id":1,"name":"Widget","price":9.99,"cost":3.1}]}`+"`"+`
	}
	handle {
		respond `+"`"+`{"backend":"reached"}`+"`"+` 200
	}
}
`, hex.EncodeToString(sum[:]), spec, extra)
}

func demoSpec(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs("../../examples/openapi/demo-api.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func do(t *testing.T, tester *caddytest.Tester, method, url, body string, key bool) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key {
		req.Header.Set("X-API-Key", liveKey)
	}
	resp, err := tester.Client.Do(req)
	if err != nil && method == http.MethodGet && errors.Is(err, io.EOF) {
		// Right after a reload the old server may still accept a new
		// connection on the shared listener and close it as it shuts
		// down (grace period 1 ns): a client retries such a GET.
		req, _ = http.NewRequest(method, url, nil)
		if key {
			req.Header.Set("X-API-Key", liveKey)
		}
		resp, err = tester.Client.Do(req)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// reload loads a new config and drops the client's idle connections: the
// old server closes them as it shuts down, and a GET sent on one of them
// in that instant fails with EOF instead of reaching the new server.
func reload(tester *caddytest.Tester, cfg string) {
	tester.InitServer(cfg, "caddyfile")
	tester.Client.CloseIdleConnections()
}

func TestContractLive(t *testing.T) {
	if testing.Short() {
		t.Skip("live Caddy test")
	}
	tester := caddytest.NewTester(t)
	tester.InitServer(config(t, demoSpec(t), "reject_unknown_query"), "caddyfile")
	base := "http://localhost:9120"

	tests := []struct {
		name, method, path, body string
		key                      bool
		status                   int
		contains, absent         string
	}{
		{"public, stripped", "GET", "/api/public/products", "", false, 200, `"price":9.99`, `cost`},
		{"scoped, stripped", "GET", "/api/users/me", "", true, 200, `"phone"`, `hunter2`},
		{"ssn stripped", "GET", "/api/users/me", "", true, 200, `"id":"alice"`, `ssn`},
		{"unauthenticated", "GET", "/api/users/me", "", false, 401, "Unauthorized", "reached"},
		{"insufficient scope", "POST", "/api/orders", `{"items":[{"sku":"WID-1","qty":1}]}`, true, 403, "scope", "reached"},
		{"undefined path", "GET", "/api/internal/debug", "", true, 404, "not defined", "reached"},
		{"undefined method", "DELETE", "/api/public/products", "", false, 405, "", "reached"},
		{"bad parameter", "GET", "/api/public/products?limit=0", "", false, 400, `"name":"limit"`, "reached"},
		{"unknown query", "GET", "/api/public/products?debug=1", "", false, 400, `"name":"debug"`, "reached"},
		{"encoded traversal", "GET", "/api/public/%2e%2e/%2e%2e/admin/stats", "", false, 400, "", "reached"},
		{"encoded slash", "GET", "/api/public%2Fproducts", "", false, 400, "", "reached"},
		// The same operation: its response contract applies (the demo backend
		// answers its catch-all here, whose undeclared member is stripped).
		{"trailing slash", "GET", "/api/public/products/", "", false, 200, "{", "reached"},
		{"case", "GET", "/API/public/products", "", false, 404, "", "reached"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := do(t, tester, tt.method, base+tt.path, tt.body, tt.key)
			if status != tt.status || !strings.Contains(body, tt.contains) || (tt.absent != "" && strings.Contains(body, tt.absent)) {
				t.Fatalf("got %d %s; want %d with %q without %q", status, body, tt.status, tt.contains, tt.absent)
			}
		})
	}

	// Hot reload through the admin API: a document without
	// /api/public/products makes it undefined at once.
	dir := t.TempDir()
	data, err := os.ReadFile(demoSpec(t))
	if err != nil {
		t.Fatal(err)
	}
	small := strings.Replace(string(data), "  /api/public/products:", "  /api/public/items:", 1)
	path := filepath.Join(dir, "api.yaml")
	if err := os.WriteFile(path, []byte(small), 0o600); err != nil {
		t.Fatal(err)
	}
	reload(tester, config(t, path, "monitor off"))
	if status, body, _ := do(t, tester, "GET", base+"/api/public/products", "", false); status != 404 {
		t.Fatalf("after reload: %d %s", status, body)
	}
	// Monitor mode: nothing refused, nothing stripped.
	reload(tester, config(t, demoSpec(t), "monitor"))
	if status, body, _ := do(t, tester, "GET", base+"/api/users/me", "", true); status != 200 || !strings.Contains(body, "hunter2") {
		t.Fatalf("monitor: %d %s", status, body)
	}
	if status, body, _ := do(t, tester, "GET", base+"/api/internal/debug", "", false); status != 200 || !strings.Contains(body, "reached") {
		t.Fatalf("monitor undefined path: %d %s", status, body)
	}
}
