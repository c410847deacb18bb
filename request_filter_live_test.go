package gatehouse

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddytest"
)

// TestRequestFilterLive runs request_filter in a real Caddy, after a
// rewrite and in front of reverse_proxy to an echo backend.
func TestRequestFilterLive(t *testing.T) {
	if testing.Short() {
		t.Skip("live Caddy test")
	}
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_, _ = io.WriteString(w, "backend "+r.Method+" "+r.RequestURI+" "+string(body))
	}))
	defer backend.Close()

	tester := caddytest.NewTester(t)
	tester.InitServer(liveGlobals+`
http://localhost:9080 {
	rewrite /old* /clean?rewritten=1
	request_filter {
		max_body_size 1KiB
		rule evil EVIL
		redirect_hosts accounts.example.com
	}
	reverse_proxy `+strings.TrimPrefix(backend.URL, "http://")+`
}
`, "caddyfile")

	do := func(method, url, ctype, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, url, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := tester.Client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	jsonBody := `{"user":{"name":"Ada","tags":["a","b"]},"n":1}`
	tests := []struct {
		name, method, url, ctype, body string
		status                         int
		want                           string // prefix of the response body
	}{
		{"clean GET", "GET", "http://localhost:9080/items?q=shoes", "", "", 200, "backend GET /items?q=shoes"},
		{"attack in query", "GET", "http://localhost:9080/items?q=EVIL", "", "", 403, "Request blocked. Request ID: "},
		{"original URI inspected, not the rewrite", "GET", "http://localhost:9080/old?q=EVIL", "", "", 403, "Request blocked."},
		{"rewrite of a clean request reaches the backend", "GET", "http://localhost:9080/old?q=fine", "", "", 200, "backend GET /clean?rewritten=1"},
		{"JSON body passed unchanged", "POST", "http://localhost:9080/api", "application/json", jsonBody, 200, "backend POST /api " + jsonBody},
		{"attack in JSON body", "POST", "http://localhost:9080/api", "application/json", `{"user":{"name":"EVIL"}}`, 403, `{"error":"request blocked"`},
		{"body over max_body_size", "POST", "http://localhost:9080/api", "text/plain", strings.Repeat("a", 2000), 413, "Request blocked."},
		{"redirect to a listed host", "GET", "http://localhost:9080/login?next=https%3A%2F%2Faccounts.example.com%2Fx", "", "", 200, "backend GET /login?next=https%3A%2F%2Faccounts.example.com%2Fx"},
		{"redirect to the site itself", "GET", "http://localhost:9080/login?next=http%3A%2F%2Flocalhost%3A9080%2Fhome", "", "", 200, "backend GET /login?next="},
		{"redirect off-site", "GET", "http://localhost:9080/login?next=%2F%2Fevil.example%2F", "", "", 403, "Request blocked."},
		{"method not allowed", "TRACE", "http://localhost:9080/", "", "", 403, "Request blocked."},
		{"SQL in a path segment", "GET", "http://localhost:9080/api/items/1%20OR%20true--", "", "", 403, "Request blocked."},
		{"plain path segments reach the backend", "GET", "http://localhost:9080/api/items/ord-42/lines/3", "", "", 200, "backend GET /api/items/ord-42/lines/3"},
		{"internal URL at the end of a proxy path", "GET", "http://localhost:9080/proxy/http://169.254.169.254/latest/meta-data/", "", "", 403, "Request blocked."},
		{"markup sent as text", "POST", "http://localhost:9080/api/comments", "text/plain", "<svg/onload=alert(1)>", 403, "Request blocked."},
		{"NUL in a query parameter", "GET", "http://localhost:9080/files?name=shell.php%00.jpg", "", "", 403, "Request blocked."},
		{"line feed in the path", "GET", "http://localhost:9080/index.php/PHP_VALUE%0Asession.auto_start=1", "", "", 403, "Request blocked."},
		{"a line break in a query value reaches the backend", "GET", "http://localhost:9080/notes?text=a%0Ab", "", "", 200, "backend GET /notes?text=a%0Ab"},
		{"two charsets", "POST", "http://localhost:9080/api", "application/x-www-form-urlencoded; charset=utf-8; charset=utf-7", "a=b", 403, "Request blocked."},
		{"a body type hidden in a boundary", "POST", "http://localhost:9080/api", `application/x-www-form-urlencoded;boundary="application/json"`, "a=b", 403, `{"error":"request blocked"`},
		{"rich text sent as text reaches the backend", "POST", "http://localhost:9080/api/notes", "text/plain", "<p>Hello <b>team</b></p>", 200, "backend POST /api/notes <p>Hello <b>team</b></p>"},
	}
	for _, tc := range tests {
		status, body := do(tc.method, tc.url, tc.ctype, tc.body)
		if status != tc.status || !strings.HasPrefix(body, tc.want) {
			t.Errorf("%s: %d %q, want %d %q…", tc.name, status, body, tc.status, tc.want)
		}
	}

	// A path override header naming another path is refused; the same
	// path, as a proxy in front sets it, reaches the backend.
	for _, tc := range []struct {
		value  string
		status int
	}{{"/admin", 403}, {"/public?x=1", 200}} {
		req, err := http.NewRequest("GET", "http://localhost:9080/public?x=1", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Original-URL", tc.value)
		resp, err := tester.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("X-Original-URL: %s: %d, want %d", tc.value, resp.StatusCode, tc.status)
		}
	}

	// A chunked body (unknown length) is restored too.
	chunked := strings.Repeat(`{"k":"v"}`, 50)
	req, err := http.NewRequest("POST", "http://localhost:9080/stream", io.MultiReader(strings.NewReader(chunked)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/plain")
	resp, err := tester.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(got) != "backend POST /stream "+chunked {
		t.Errorf("chunked body: %d %q", resp.StatusCode, got)
	}

	status, metrics := do("GET", "http://localhost:2999/metrics", "", "")
	if status != 200 {
		t.Fatalf("metrics: status %d", status)
	}
	for _, want := range []string{`caddy_gatehouse_filter_requests_total{action="block"}`, `caddy_gatehouse_filter_requests_total{action="pass"}`, `caddy_gatehouse_filter_matches_total{category="custom"}`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestRequestFilterLiveErrorRoutes: with blocked_as_error a block goes
// through the site's handle_errors routes, which can quote the request id.
func TestRequestFilterLiveErrorRoutes(t *testing.T) {
	if testing.Short() {
		t.Skip("live Caddy test")
	}
	tester := caddytest.NewTester(t)
	tester.InitServer(liveGlobals+`
http://localhost:9080 {
	request_filter {
		blocked_as_error
		rule evil EVIL
	}
	respond "ok {http.request.uuid}"
	handle_errors 403 {
		header X-Blocked-Id {err.id}
		respond "Blocked by policy. Reference: {err.id}" 403
	}
}
`, "caddyfile")
	resp, err := tester.Client.Get("http://localhost:9080/?q=EVIL")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	id := resp.Header.Get("X-Blocked-Id")
	if resp.StatusCode != 403 || id == "" || string(body) != "Blocked by policy. Reference: "+id {
		t.Errorf("blocked: %d id %q body %q", resp.StatusCode, id, body)
	}
	// The id is a request uuid (36 characters), not Caddy's 9-character error id.
	if len(id) != 36 {
		t.Errorf("error id %q is not the request uuid", id)
	}
	resp, err = tester.Client.Get("http://localhost:9080/?q=fine")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "ok ") {
		t.Errorf("clean: %d %q", resp.StatusCode, body)
	}
}
