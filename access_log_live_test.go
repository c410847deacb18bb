package gatehouse

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddytest"
)

// TestAccessLogFieldsLive runs the four modules behind a site that writes
// an access log: each request's line carries the modules' fields, and the
// request id of every decision line is the uuid of its access-log line,
// also for a decision recorded after the upstream answered (masking). A
// site without an access log still gets request ids in its decision lines.
func TestAccessLogFieldsLive(t *testing.T) {
	if testing.Short() {
		t.Skip("live Caddy test")
	}
	backend := httptest.NewServer(&monitorBackend{})
	defer backend.Close()
	upstream := strings.TrimPrefix(backend.URL, "http://")
	dir := t.TempDir()
	accessLog, decisionLog := filepath.Join(dir, "access.log"), filepath.Join(dir, "decisions.log")
	secret := []byte("access-log-live-test-secret-0123456789abcdef")
	modules := `
	request_filter
	api_auth {
		issuer https://idp.test {
			secret base64:` + base64.StdEncoding.EncodeToString(secret) + ` HS256
			audience gatehouse-test
		}
	}
	access_control {
		deny admin {
			path_prefix /admin
		}
		allow readers {
			roles_any reader
		}
		default deny
	}
	response_redact
	reverse_proxy ` + upstream + `
`
	tester := caddytest.NewTester(t)
	tester.InitServer(liveGlobalsOpen+`	log decisions {
		output file `+decisionLog+`
		format json
		include http.handlers.request_filter http.handlers.api_auth http.handlers.access_control http.handlers.response_redact
	}
}
http://localhost:9080 {
	log {
		output file `+accessLog+`
		format json
	}
`+modules+`}
http://127.0.0.1:9080 {
`+modules+`}
`, "caddyfile")
	token := acLiveToken(t, secret, "alice", map[string]any{"roles": []string{"reader"}})
	get := func(url string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := tester.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := get("http://localhost:9080/masked"); s != 200 {
		t.Fatalf("masked response: %d, want 200", s)
	}
	if s := get("http://localhost:9080/q?id=1%27%20UNION%20SELECT%20password%20FROM%20users--"); s != 403 {
		t.Fatalf("attack: %d, want 403", s)
	}
	if s := get("http://localhost:9080/admin"); s != 403 {
		t.Fatalf("forbidden path: %d, want 403", s)
	}
	if s := get("http://127.0.0.1:9080/unlogged"); s != 200 {
		t.Fatalf("site without access log: %d, want 200", s)
	}

	access := map[string]map[string]any{} // uri → access-log line
	for _, l := range jsonLogLines(t, accessLog) {
		req, _ := l["request"].(map[string]any)
		uri, _ := req["uri"].(string)
		access[uri] = l
	}
	masked, attack, admin := access["/masked"], access["/q?id=1%27%20UNION%20SELECT%20password%20FROM%20users--"], access["/admin"]
	if masked == nil || attack == nil || admin == nil {
		t.Fatalf("access log lacks the requests: %v", access)
	}
	for _, want := range []struct {
		line  map[string]any
		field string
		value any
	}{
		{masked, "redact_result", "masked"},
		{masked, "auth_method", "jwt"},
		{admin, "access_rule", "admin"},
		{admin, "access_decision", "deny"},
		{attack, "filter_action", "block"},
	} {
		if want.line[want.field] != want.value {
			t.Errorf("access-log line %v: %s = %v, want %v", want.line["request"], want.field, want.line[want.field], want.value)
		}
	}
	byModule := map[string]map[string]any{} // module → its decision line (this site's)
	unlogged := false
	for _, l := range monitorLogLines(t, decisionLog) {
		path, _ := l["path"].(string)
		if path == "/unlogged" {
			unlogged = true
			if id, _ := l["request_id"].(string); len(id) != 36 {
				t.Errorf("decision line without a request uuid on a site without access log: %v", l)
			}
			continue
		}
		byModule[l["module"].(string)] = l
	}
	if !unlogged {
		t.Error("no decision line for the site without access log")
	}
	for module, line := range map[string]map[string]any{"response_redact": masked, "request_filter": attack, "access_control": admin} {
		d := byModule[module]
		if d == nil {
			t.Errorf("no decision line from %s", module)
			continue
		}
		if d["request_id"] == nil || d["request_id"] != line["uuid"] {
			t.Errorf("%s decision request_id %v, access-log uuid %v: want the same", module, d["request_id"], line["uuid"])
		}
	}
}
