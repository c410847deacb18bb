package gatehouse

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/caddyserver/caddy/v2/caddytest"

	"github.com/gatehouse-dev/caddy-gatehouse/authz/authn"
)

// acBcryptHash is what `caddy hash-password` prints for a password.
func acBcryptHash(t *testing.T, password string) string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

// acDo sends a request through the tester and returns status, headers and body.
func acDo(t *testing.T, tester *caddytest.Tester, method, url string, setup func(*http.Request)) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if setup != nil {
		setup(req)
	}
	resp, err := tester.Client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(body)
}

func acBasicAuth(user, pass string) func(*http.Request) {
	return func(r *http.Request) { r.SetBasicAuth(user, pass) }
}

// TestAccessControlLiveBasicAuth runs a named policy behind Caddy's
// basic_auth: identities come from {http.auth.user.id}.
func TestAccessControlLiveBasicAuth(t *testing.T) {
	if testing.Short() {
		t.Skip("live test")
	}
	accessLog := filepath.Join(t.TempDir(), "access.log")
	tester := caddytest.NewTester(t)
	tester.InitServer(liveGlobalsOpen+`
	servers {
		trusted_proxies static 127.0.0.1/8
	}
	access_policy api {
		allow health-internal {
			path /health
			client_ip 127.0.0.1/8 10.0.0.0/8
		}
		allow public-read {
			method GET HEAD
			path_prefix /public
		}
		allow admin {
			path_prefix /admin
			user alice
		}
		deny admin-deny {
			path_prefix /admin
		}
		allow shadow-area {
			path_prefix /shadow
		}
		allow users {
			authenticated
		}
	}
}

http://localhost:9080 {
	log {
		output file `+accessLog+`
		format json
	}
	@login path /admin* /me* /%61dmin* //admin*
	basic_auth @login {
		alice `+acBcryptHash(t, "alice-pw")+`
		bob `+acBcryptHash(t, "bob-pw")+`
	}
	route /shadow/* {
		access_control {
			shadow
			deny everything
		}
		respond "shadowed"
	}
	access_control api
	respond "ok {http.auth.user.id}"
}
`, "caddyfile")

	const base = "http://localhost:9080"
	tests := []struct {
		name   string
		method string
		path   string
		setup  func(*http.Request)
		want   int
		body   string
	}{
		{"public read", "GET", "/public/items", nil, 200, "ok"},
		// the users rule would allow any identity: anonymous → 401
		{"public write anonymous", "POST", "/public/items", nil, 401, ""},
		{"admin by alice", "GET", "/admin/users", acBasicAuth("alice", "alice-pw"), 200, "ok alice"},
		{"admin by bob", "GET", "/admin/users", acBasicAuth("bob", "bob-pw"), 403, ""},
		{"admin by bob, %61", "GET", "/%61dmin/users", acBasicAuth("bob", "bob-pw"), 403, ""},
		{"admin by bob, // (ambiguous: 400)", "GET", "//admin", acBasicAuth("bob", "bob-pw"), 400, ""},
		{"admin by bob, ;x", "GET", "/admin;x", acBasicAuth("bob", "bob-pw"), 403, ""},
		{"admin by bob, trailing /", "GET", "/admin/", acBasicAuth("bob", "bob-pw"), 403, ""},
		// ".." that would pop a segment is refused: a backend not splitting
		// on %2F would serve this from under /admin
		{"admin by bob, %2F..%2F", "GET", "/admin/x%2F..%2F..%2Fpublic/items", acBasicAuth("bob", "bob-pw"), 400, ""},
		{"public/%2e%2e/admin by bob", "GET", "/public/%2e%2e/admin", acBasicAuth("bob", "bob-pw"), 400, ""},
		{"me by bob", "GET", "/me", acBasicAuth("bob", "bob-pw"), 200, "ok bob"},
		{"health from loopback", "GET", "/health", nil, 200, "ok"},
		// 127.0.0.1 is a trusted proxy, so the client is the forwarded address.
		{"health via proxy from outside", "GET", "/health", func(r *http.Request) { r.Header.Set("X-Forwarded-For", "198.51.100.7") }, 401, ""},
		{"health via proxy from inside", "GET", "/health", func(r *http.Request) { r.Header.Set("X-Forwarded-For", "10.2.3.4") }, 200, "ok"},
		{"shadow policy lets through", "DELETE", "/shadow/x", nil, 200, "shadowed"},
	}
	for _, tt := range tests {
		status, _, body := acDo(t, tester, tt.method, base+tt.path, tt.setup)
		if status != tt.want || !strings.HasPrefix(body, tt.body) {
			t.Errorf("%s: %s %s → %d %q, want %d %q", tt.name, tt.method, tt.path, status, body, tt.want, tt.body)
		}
	}
	// An anonymous request for a path some rule grants to users: 401 with a
	// Bearer challenge from access_control (no basic_auth on /other).
	status, hdr, _ := acDo(t, tester, "GET", base+"/other", nil)
	if status != 401 || hdr.Get("WWW-Authenticate") != `Bearer realm="gatehouse"` {
		t.Errorf("anonymous /other: %d %q, want 401 with Bearer challenge", status, hdr.Get("WWW-Authenticate"))
	}

	// Counters per policy, rule and decision on the admin /metrics endpoint.
	resp, err := http.Get("http://localhost:2999/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`caddy_gatehouse_access_decisions_total{decision="deny",policy="api",rule="admin-deny"} 4`,
		`caddy_gatehouse_access_decisions_total{decision="allow",policy="api",rule="admin"} 1`,
		`caddy_gatehouse_access_decisions_total{decision="shadow_deny",policy="inline",rule="everything"} 1`,
	} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	// Denials and shadow denials are on the access-log line too.
	logData, err := os.ReadFile(accessLog)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"access_rule":"admin-deny","access_decision":"deny"`, `"access_rule":"everything","access_decision":"shadow_deny"`, `"user_id":"bob"`} {
		if !strings.Contains(string(logData), want) {
			t.Errorf("access log lacks %s", want)
		}
	}
}

// TestAccessControlLiveHotReload changes rules through the admin API, then
// posts an invalid rule set: 400 naming the problem, old rules keep serving.
func TestAccessControlLiveHotReload(t *testing.T) {
	if testing.Short() {
		t.Skip("live test")
	}
	site := func(rules string) string {
		return liveGlobalsOpen + `}

http://localhost:9080 {
	access_control {
		problem_json
` + rules + `
	}
	respond "ok"
}
`
	}
	tester := caddytest.NewTester(t)
	tester.InitServer(site(`		allow a {
			path /a
		}`), "caddyfile")
	const base = "http://localhost:9080"
	expect := func(stage string, path string, want int) {
		t.Helper()
		if status, _, body := acDo(t, tester, "GET", base+path, nil); status != want {
			t.Errorf("%s: GET %s → %d %q, want %d", stage, path, status, body, want)
		}
	}
	expect("initial", "/a", 200)
	expect("initial", "/b", 403)

	tester.InitServer(site(`		allow b {
			path /b
		}`), "caddyfile")
	// The old server closes its keep-alive connections as it shuts down;
	// a request sent on one in that instant would fail with EOF.
	tester.Client.CloseIdleConnections()
	expect("reloaded", "/a", 403)
	expect("reloaded", "/b", 200)

	// Problem body on a denial: JSON, generic.
	status, hdr, body := acDo(t, tester, "GET", base+"/a", nil)
	var problem map[string]any
	if status != 403 || hdr.Get("Content-Type") != "application/problem+json" || json.Unmarshal([]byte(body), &problem) != nil || problem["status"] != float64(403) {
		t.Errorf("problem response: %d %q %q", status, hdr.Get("Content-Type"), body)
	}

	bad := site(`		allow broken {
			path /b
			client_ip 10.0.0/8
		}`)
	req, err := http.NewRequest("POST", "http://localhost:2999/load", strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/caddyfile")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(msg), `rule 1 (broken): client_ip \"10.0.0/8\"`) {
		t.Errorf("bad config: %d %s; want 400 naming rule and value", resp.StatusCode, msg)
	}
	expect("after rejected reload", "/a", 403)
	expect("after rejected reload", "/b", 200)

	// An unknown named policy is rejected the same way.
	req, _ = http.NewRequest("POST", "http://localhost:2999/load", strings.NewReader(liveGlobalsOpen+`}
http://localhost:9080 {
	access_control nosuchpolicy
	respond "ok"
}
`))
	req.Header.Set("Content-Type", "text/caddyfile")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(msg), `no access policy named \"nosuchpolicy\"`) {
		t.Errorf("unknown policy: %d %s", resp.StatusCode, msg)
	}
	expect("after rejected reload", "/b", 200)
}

// TestAccessControlLiveAPIAuth combines api_auth (JWT and API keys) with
// access_control: roles, scopes and claims from either kind of credential.
func TestAccessControlLiveAPIAuth(t *testing.T) {
	if testing.Short() {
		t.Skip("live test")
	}
	secret := []byte("0123456789abcdef0123456789abcdef-access-control")
	billingKey, readerKey := "gk_live_billing_0123456789", "gk_live_reader_0123456789"
	tester := caddytest.NewTester(t)
	tester.InitServer(liveGlobalsOpen+`}

http://localhost:9080 {
	api_auth {
		issuer https://idp.test {
			audience gatehouse-test
			secret base64:`+base64.StdEncoding.EncodeToString(secret)+` HS256
		}
		api_key `+authn.HashAPIKey(billingKey)+` svc-billing {
			roles service
			scopes orders:read orders:write
		}
		api_key `+authn.HashAPIKey(readerKey)+` svc-reader {
			scopes orders:read
		}
		optional
	}
	access_control {
		realm orders
		allow admin {
			path_prefix /admin
			roles_any admin
		}
		deny admin-others {
			path_prefix /admin
		}
		allow orders-read {
			method GET
			path_prefix /orders
			scopes_any orders:read
		}
		allow orders-write {
			method POST
			path_prefix /orders
			scopes_all orders:write
		}
		allow services {
			path_prefix /internal
			auth_method api_key
			roles_all service
		}
		allow tenant-acme {
			path_prefix /tenant
			issuer https://idp.test
			claim org.id acme
		}
	}
	respond "ok {http.auth.user.id}"
}
`, "caddyfile")

	token := func(sub string, extra map[string]any) string { return acLiveToken(t, secret, sub, extra) }
	bearer := func(tok string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
	}
	apiKey := func(key string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("X-API-Key", key) }
	}
	admin := token("ada", map[string]any{"roles": []string{"admin"}, "scope": "orders:read"})
	reader := token("rita", map[string]any{"roles": []string{"user"}, "scope": "orders:read profile", "org": map[string]any{"id": "acme"}})
	scpWriter := token("wes", map[string]any{"scp": []string{"orders:read", "orders:write"}, "org": map[string]any{"id": "other"}})

	const base = "http://localhost:9080"
	tests := []struct {
		name     string
		method   string
		path     string
		setup    func(*http.Request)
		want     int
		wantChal string
		wantBody string
	}{
		{"jwt admin on /admin", "GET", "/admin/x", bearer(admin), 200, "", "ok ada"},
		{"jwt user on /admin", "GET", "/admin/x", bearer(reader), 403, "", ""},
		{"jwt user on /%61dmin", "GET", "/%61dmin/x", bearer(reader), 403, "", ""},
		{"api key on /admin", "GET", "/admin/x", apiKey(billingKey), 403, "", ""},
		{"anonymous on /admin", "GET", "/admin/x", nil, 401, `Bearer realm="orders"`, ""},
		{"jwt read with scope string", "GET", "/orders/1", bearer(reader), 200, "", "ok rita"},
		{"jwt write lacking scope", "POST", "/orders", bearer(reader), 403, `Bearer realm="orders", error="insufficient_scope", scope="orders:write"`, ""},
		{"jwt write with scp array", "POST", "/orders", bearer(scpWriter), 200, "", "ok wes"},
		{"api key read", "GET", "/orders/1", apiKey(readerKey), 200, "", "ok svc-reader"},
		{"api key write lacking scope", "POST", "/orders", apiKey(readerKey), 403, `Bearer realm="orders", error="insufficient_scope", scope="orders:write"`, ""},
		{"api key write with scope", "POST", "/orders", apiKey(billingKey), 200, "", "ok svc-billing"},
		{"anonymous write", "POST", "/orders", nil, 401, `Bearer realm="orders"`, ""},
		{"api key with role on /internal", "GET", "/internal/jobs", apiKey(billingKey), 200, "", "ok svc-billing"},
		{"api key without role on /internal", "GET", "/internal/jobs", apiKey(readerKey), 403, "", ""},
		{"jwt on /internal (api keys only)", "GET", "/internal/jobs", bearer(admin), 403, "", ""},
		{"nested claim match", "GET", "/tenant/acme", bearer(reader), 200, "", "ok rita"},
		{"nested claim mismatch", "GET", "/tenant/acme", bearer(scpWriter), 403, "", ""},
	}
	for _, tt := range tests {
		status, hdr, body := acDo(t, tester, tt.method, base+tt.path, tt.setup)
		if status != tt.want || hdr.Get("WWW-Authenticate") != tt.wantChal || !strings.HasPrefix(body, tt.wantBody) {
			t.Errorf("%s: %s %s → %d %q %q, want %d %q %q", tt.name, tt.method, tt.path,
				status, hdr.Get("WWW-Authenticate"), body, tt.want, tt.wantChal, tt.wantBody)
		}
	}
}

// TestAccessControlLiveJSONNamedPolicy configures a named policy in pure
// JSON (the access_policies app) and applies it from two routes, one of them
// overriding it to shadow mode.
func TestAccessControlLiveJSONNamedPolicy(t *testing.T) {
	if testing.Short() {
		t.Skip("live test")
	}
	tester := caddytest.NewTester(t)
	tester.InitServer(`{
	"admin": {"listen": "localhost:2999"},
	"apps": {
		"access_policies": {
			"policies": {
				"shared": {
					"rules": [
						{"name": "reads", "action": "allow", "methods": ["GET"], "path_prefixes": ["/"]}
					]
				}
			}
		},
		"http": {
			"http_port": 9080,
			"https_port": 9443,
			"grace_period": 1,
			"servers": {
				"srv0": {
					"listen": [":9080"],
					"automatic_https": {"disable": true},
					"routes": [
						{
							"match": [{"path": ["/observe/*"]}],
							"handle": [
								{"handler": "access_control", "policy": "shared", "shadow": true},
								{"handler": "static_response", "body": "observed"}
							],
							"terminal": true
						},
						{
							"handle": [
								{"handler": "access_control", "policy": "shared"},
								{"handler": "static_response", "body": "enforced"}
							]
						}
					]
				}
			}
		},
		"pki": {"certificate_authorities": {"local": {"install_trust": false}}}
	}
}`, "json")
	const base = "http://localhost:9080"
	for _, tc := range []struct {
		method, path string
		want         int
		body         string
	}{
		{"GET", "/x", 200, "enforced"},
		{"POST", "/x", 403, ""},
		{"GET", "/observe/x", 200, "observed"},
		{"POST", "/observe/x", 200, "observed"}, // would deny, shadow
	} {
		status, _, body := acDo(t, tester, tc.method, base+tc.path, nil)
		if status != tc.want || body != tc.body {
			t.Errorf("%s %s → %d %q, want %d %q", tc.method, tc.path, status, body, tc.want, tc.body)
		}
	}
}

// acEchoNode is a Node.js backend that reports the path it would route on:
// by the WHATWG parser (new URL) or the legacy url.parse, as argv[2] says.
const acEchoNode = `
const http = require('http'), url = require('url');
const mode = process.argv[2];
const s = http.createServer((req, res) => {
  let p;
  try { p = mode === 'newurl' ? new URL(req.url, 'http://h').pathname : url.parse(req.url).pathname; } catch (e) { p = 'ERR'; }
  try { p = decodeURIComponent(p); } catch (e) {}
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify({path: p, uri: req.url}));
});
s.listen(0, '127.0.0.1', () => console.log(s.address().port));
`

// acEchoPython is a Python backend reading the raw request target with
// urllib.parse.urlsplit, as WSGI frameworks do.
const acEchoPython = `
import http.server, json, sys, urllib.parse
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        target = self.requestline.split(' ')[1]
        p = urllib.parse.unquote(urllib.parse.urlsplit(target).path)
        b = json.dumps({"path": p, "uri": target}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    def log_message(self, *a):
        pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
`

// acStartScript runs an echo script as a child process and returns the
// port it printed; it is killed when the test ends.
func acStartScript(t *testing.T, interpreter, script string, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath(interpreter)
	if err != nil {
		t.Skipf("%s not on PATH: the %s echo backend is skipped", interpreter, interpreter)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "echo")
	if err := os.WriteFile(file, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{file}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			line <- strings.TrimSpace(sc.Text())
		}
		close(line)
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case port, ok := <-line:
		if !ok || port == "" {
			t.Fatalf("%s echo backend printed no port", interpreter)
		}
		return port
	case <-time.After(10 * time.Second):
		t.Fatalf("%s echo backend did not start", interpreter)
	}
	return ""
}

// acEchoGo starts an in-process echo backend. matrix: read the path as a
// Java servlet container does (cut ";params" from each raw segment, decode,
// resolve dot segments); otherwise as Go's net/http (r.URL.Path).
func acEchoGo(t *testing.T, matrix bool) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if matrix {
			segs := strings.Split(r.URL.EscapedPath(), "/")
			for i, s := range segs {
				s, _, _ = strings.Cut(s, ";")
				if u, err := url.PathUnescape(s); err == nil {
					s = u
				}
				segs[i] = s
			}
			p = path.Clean("/" + strings.Join(segs, "/"))
		}
		method := r.Method
		for _, h := range []string{"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"} {
			if v := r.Header.Get(h); v != "" {
				method = v
			}
		}
		if v := r.URL.Query().Get("_method"); v != "" {
			method = v
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"path": p, "uri": r.RequestURI, "method": method,
			"original_url": r.Header.Get("X-Original-URL") + r.Header.Get("X-Rewrite-URL") + r.Header.Get("X-Override-URL"),
		})
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://127.0.0.1:")
}

// acRawGet sends a request-target exactly as given (no client-side
// cleaning) and returns the status and the backend's report, if any.
func acRawGet(t *testing.T, method, target string, headers map[string]string) (int, map[string]string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", "127.0.0.1:9080", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: localhost:9080\r\nConnection: close\r\n", method, target)
	for k, v := range headers {
		fmt.Fprintf(&b, "%s: %s\r\n", k, v)
	}
	b.WriteString("Content-Length: 0\r\n\r\n")
	if _, err := conn.Write([]byte(b.String())); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var report map[string]string
	if resp.StatusCode == 200 {
		if err := json.Unmarshal(body, &report); err != nil {
			t.Fatalf("%s %s: backend answer %q: %v", method, target, body, err)
		}
	}
	return resp.StatusCode, report
}

// acActsOnAdmin: the backend's reading of the path is the admin area.
func acActsOnAdmin(p string) bool {
	return p == "/admin" || strings.HasPrefix(p, "/admin/")
}

// TestAccessControlLiveAuthorisedPathReachesBackend sends path tricks through
// access_control and reverse_proxy to backends with different URL parsers:
// a caller without the admin role must never have a backend act on /admin,
// in both ambiguous_paths modes.
func TestAccessControlLiveAuthorisedPathReachesBackend(t *testing.T) {
	if testing.Short() {
		t.Skip("live test")
	}
	backends := map[string]string{
		"go":       acEchoGo(t, false),
		"java":     acEchoGo(t, true),
		"node-new": "",
		"node-old": "",
		"python":   "",
	}
	if _, err := exec.LookPath("node"); err == nil {
		backends["node-new"] = acStartScript(t, "node", acEchoNode, "newurl")
		backends["node-old"] = acStartScript(t, "node", acEchoNode, "urlparse")
	} else {
		t.Log("node not on PATH: Node.js backends skipped")
	}
	if _, err := exec.LookPath("python3"); err == nil {
		backends["python"] = acStartScript(t, "python3", acEchoPython)
	} else {
		t.Log("python3 not on PATH: Python backend skipped")
	}
	var proxies strings.Builder
	for name, port := range backends {
		if port == "" {
			delete(backends, name)
			continue
		}
		fmt.Fprintf(&proxies, "\t\treverse_proxy @%s 127.0.0.1:%s\n", name, port)
		fmt.Fprintf(&proxies, "\t\t@%s header X-Backend %s\n", name, name)
	}
	tester := caddytest.NewTester(t)
	tester.InitServer(liveGlobalsOpen+`
	access_policy api {
		allow admin {
			path_prefix /admin
			user alice
		}
		deny admin-deny {
			path_prefix /admin
		}
		deny no-delete {
			method DELETE
		}
		allow rest {
			authenticated
		}
	}
}

http://localhost:9080 {
	@rewrite header X-Mode rewrite
	@keep header X-Mode keep
	@reject {
		not header X-Mode rewrite
		not header X-Mode keep
	}
	route {
		basic_auth {
			alice `+acBcryptHash(t, "alice-pw")+`
			bob `+acBcryptHash(t, "bob-pw")+`
		}
		access_control @reject api
		access_control @rewrite {
			policy api
			ambiguous_paths rewrite
		}
		access_control @keep {
			policy api
			keep_method_override
			keep_url_override
		}
`+proxies.String()+`		respond "no backend" 500
	}
}
`, "caddyfile")

	auth := func(user string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+user+"-pw"))
	}
	tricks := []string{
		"//x/admin", "///x/admin", "//x:1/admin", "//127.0.0.1:9333/admin", "//admin@x/admin",
		"//x/admin/users", "/\\x/admin", "/\\\\x/admin", "/%2Fx/admin", "/%5Cx/admin", "/%252Fx/admin",
		"/x%2F..%2Fadmin", "/x/..%2Fadmin", "/x/..;/admin", "/..;/admin", "/%2e%2e/admin", "/x/%2e%2e/admin",
		"/./admin", "/x/../admin", "/admin;x", "/x;/../admin", "/%61dmin", "/x\\..\\admin",
		"/x%EF%BC%8F..%EF%BC%8Fadmin",
	}
	for name := range backends {
		for _, mode := range []string{"reject", "rewrite"} {
			hdr := map[string]string{"Authorization": auth("bob"), "X-Backend": name, "X-Mode": mode}
			for _, trick := range tricks {
				status, rep := acRawGet(t, "GET", trick, hdr)
				switch {
				case status == 400 || status == 403:
				case status == 200 && acActsOnAdmin(rep["path"]):
					t.Errorf("%s, %s: bob's GET %s reached /admin (backend read %q from %q)", name, mode, trick, rep["path"], rep["uri"])
				case status != 200:
					t.Errorf("%s, %s: GET %s → %d", name, mode, trick, status)
				}
			}
			// a redundant spelling reaches the backend in canonical form
			status, rep := acRawGet(t, "GET", "/x//y/./z", hdr)
			if status != 200 || rep["path"] != "/x/y/z" {
				t.Errorf("%s, %s: GET /x//y/./z → %d, backend read %q from %q; want /x/y/z", name, mode, status, rep["path"], rep["uri"])
			}
			// alice may go to /admin: the backends do route there
			hdr["Authorization"] = auth("alice")
			if status, rep := acRawGet(t, "GET", "/admin/users", hdr); status != 200 || rep["path"] != "/admin/users" {
				t.Errorf("%s, %s: alice GET /admin/users → %d %v", name, mode, status, rep)
			}
		}
	}
	// in reject mode, the leading "//" tricks are refused outright; in
	// rewrite mode the backend gets the path that was authorised
	if status, _ := acRawGet(t, "GET", "//x/admin", map[string]string{"Authorization": auth("bob"), "X-Backend": "go"}); status != 400 {
		t.Errorf("reject: GET //x/admin → %d, want 400", status)
	}
	status, rep := acRawGet(t, "GET", "//x/admin", map[string]string{"Authorization": auth("bob"), "X-Backend": "go", "X-Mode": "rewrite"})
	if status != 200 || rep["uri"] != "/x/admin" {
		t.Errorf("rewrite: GET //x/admin → %d, backend got %q, want /x/admin", status, rep["uri"])
	}

	// method and URL overrides are stripped unless kept
	for _, tc := range []struct {
		target  string
		headers map[string]string
	}{
		{"/orders/1", map[string]string{"X-HTTP-Method-Override": "DELETE"}},
		{"/orders/1", map[string]string{"X-HTTP-Method": "DELETE"}},
		{"/orders/1", map[string]string{"X-Method-Override": "DELETE"}},
		{"/orders/1?_method=DELETE", nil},
		{"/orders/1?a=1&%5Fmethod=DELETE", nil},
	} {
		for _, mode := range []string{"reject", "keep"} {
			hdr := map[string]string{"Authorization": auth("bob"), "X-Backend": "go", "X-Mode": mode}
			for k, v := range tc.headers {
				hdr[k] = v
			}
			status, rep := acRawGet(t, "POST", tc.target, hdr)
			want := "POST"
			if mode == "keep" {
				want = "DELETE"
			}
			if status != 200 || rep["method"] != want {
				t.Errorf("%s: POST %s %v → %d, backend acted as %q, want %q", mode, tc.target, tc.headers, status, rep["method"], want)
			}
		}
	}
	if status, _ := acRawGet(t, "DELETE", "/orders/1", map[string]string{"Authorization": auth("bob"), "X-Backend": "go"}); status != 403 {
		t.Errorf("DELETE /orders/1 → %d, want 403", status)
	}
	for _, h := range []string{"X-Original-URL", "X-Rewrite-URL", "X-Override-URL"} {
		for _, mode := range []string{"reject", "keep"} {
			status, rep := acRawGet(t, "GET", "/x", map[string]string{"Authorization": auth("bob"), "X-Backend": "go", "X-Mode": mode, h: "/admin"})
			kept := rep["original_url"] == "/admin"
			if status != 200 || kept != (mode == "keep") {
				t.Errorf("%s: %s: /admin → %d, backend saw %q", mode, h, status, rep["original_url"])
			}
		}
	}
}

// TestAccessControlLiveWarnsNonStrictProxiesAtLoad checks the load-time
// warning: client_ip rules on a server whose trusted_proxies is not strict
// are named in Caddy's log as soon as the config loads, before any request.
func TestAccessControlLiveWarnsNonStrictProxiesAtLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("live test")
	}
	for _, tc := range []struct {
		name   string
		strict string
		warned bool
	}{
		{"non-strict", "", true},
		{"strict", "trusted_proxies_strict", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logFile := filepath.Join(t.TempDir(), "caddy.log")
			tester := caddytest.NewTester(t)
			tester.InitServer(liveGlobalsOpen+`
	log {
		output file `+logFile+`
		format json
	}
	servers {
		trusted_proxies static private_ranges
		`+tc.strict+`
	}
}

http://localhost:9080 {
	access_control {
		allow internal {
			client_ip private_ranges
		}
	}
	respond "ok"
}
`, "caddyfile")
			var logs []byte
			// The log file is written asynchronously by Caddy's logger.
			for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				logs, _ = os.ReadFile(logFile)
				if bytes.Contains(logs, []byte("trusted_proxies_strict")) {
					break
				}
			}
			if got := bytes.Contains(logs, []byte("without trusted_proxies_strict")); got != tc.warned {
				t.Fatalf("load-time warning logged = %v, want %v; log:\n%s", got, tc.warned, logs)
			}
			if tc.warned && !bytes.Contains(logs, []byte(`"policies":["inline"]`)) {
				t.Errorf("warning does not name the policy; log:\n%s", logs)
			}
		})
	}
}

// acLiveToken mints an HS256 token of the live tests' issuer and audience
// for sub, with extra claims added.
func acLiveToken(t *testing.T, secret []byte, sub string, extra map[string]any) string {
	t.Helper()
	claims := map[string]any{"iss": "https://idp.test", "aud": "gatehouse-test", "sub": sub,
		"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}
	for k, v := range extra {
		claims[k] = v
	}
	s, err := authn.Mint("HS256", secret, "", claims)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
