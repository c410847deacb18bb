package gatehouse

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/caddyserver/caddy/v2/caddytest"
)

// monitorBackend answers every request with the same leaky JSON body and
// records what it received.
type monitorBackend struct {
	mu   sync.Mutex
	seen []monitorSeen
}

type monitorSeen struct {
	uri, auth string
}

// monitorLeakyBody carries what response_redact masks: a card, an e-mail and
// an AWS key id.
const monitorLeakyBody = `{"owner":"ada@example.com","card":"4111 1111 1111 1111","key":"AKIAIOSFODNN7EXAMPLE"}`

func (b *monitorBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	b.seen = append(b.seen, monitorSeen{uri: r.RequestURI, auth: r.Header.Get("Authorization")})
	b.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Powered-By", "Express")
	_, _ = io.WriteString(w, monitorLeakyBody)
}

func (b *monitorBackend) received(uri string) (monitorSeen, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, s := range b.seen {
		if s.uri == uri {
			return s, true
		}
	}
	return monitorSeen{}, false
}

// TestMonitorModeLive puts all four modules in monitor mode in front of a
// backend, once through the gatehouse global option and once through the
// site's gatehouse handler, then sends an attack, a bad token, a forbidden
// path and a response with secrets: each reaches the client unchanged and
// is logged and counted as would_block / would_mask. A module's own
// `monitor off` still enforces.
func TestMonitorModeLive(t *testing.T) {
	if testing.Short() {
		t.Skip("live Caddy test")
	}
	backend := &monitorBackend{}
	srv := httptest.NewServer(backend)
	defer srv.Close()
	secret := []byte("monitor-live-test-secret-0123456789abcdef")
	upstream := strings.TrimPrefix(srv.URL, "http://")
	logFile := filepath.Join(t.TempDir(), "decisions.log")

	site := func(globalMonitor, siteLine, filterOpts string) string {
		return liveGlobalsOpen + `	metrics
	log decisions {
		output file ` + logFile + `
		format json
		include http.handlers.request_filter http.handlers.api_auth http.handlers.access_control http.handlers.response_redact
	}
` + globalMonitor + `
}
http://localhost:9080 {
	` + siteLine + `
	request_filter {
		` + filterOpts + `
	}
	api_auth {
		issuer https://idp.test {
			secret base64:` + base64.StdEncoding.EncodeToString(secret) + ` HS256
			audience gatehouse-test
		}
		optional
	}
	access_control {
		allow public {
			path_prefix /api/public
		}
		allow admin {
			path_prefix /admin
			roles_any admin
		}
		default deny
	}
	response_redact
	reverse_proxy ` + upstream + `
}
`
	}
	token := acLiveToken(t, secret, "alice", map[string]any{"roles": []string{"reader"}})

	type probe struct {
		name, uri, auth string
	}
	probes := []probe{
		{"attack", "/api/public/items?id=1%27%20UNION%20SELECT%20password%20FROM%20users--", "Bearer " + token},
		{"bad token", "/api/public/badtoken", "Bearer not-a-token"},
		{"forbidden path", "/admin/users", "Bearer " + token},
		{"secrets in the response", "/api/public/plain", ""},
	}

	for _, mode := range []struct{ name, global, site string }{
		{"global option", "	gatehouse monitor", ""},
		{"site handler", "", "gatehouse monitor"},
	} {
		t.Run(mode.name, func(t *testing.T) {
			_ = os.Truncate(logFile, 0)
			tester := caddytest.NewTester(t)
			tester.InitServer(site(mode.global, mode.site, ""), "caddyfile")
			before := monitorScrape(t)
			for _, p := range probes {
				req, _ := http.NewRequest("GET", "http://localhost:9080"+p.uri, nil)
				if p.auth != "" {
					req.Header.Set("Authorization", p.auth)
				}
				resp, err := tester.Client.Do(req)
				if err != nil {
					t.Fatalf("%s: %v", p.name, err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(body) != monitorLeakyBody || resp.Header.Get("X-Powered-By") != "Express" {
					t.Errorf("%s: %d %q (X-Powered-By %q), want the backend's response unchanged", p.name, resp.StatusCode, body, resp.Header.Get("X-Powered-By"))
				}
				seen, ok := backend.received(p.uri)
				if !ok {
					t.Errorf("%s: the backend never received %s", p.name, p.uri)
				} else if seen.auth != p.auth {
					t.Errorf("%s: backend got Authorization %q, want it unchanged", p.name, seen.auth)
				}
			}
			after := monitorScrape(t)
			for _, series := range []string{
				`caddy_gatehouse_decisions_total{decision="would_block",module="request_filter",reason="sqli"}`,
				`caddy_gatehouse_decisions_total{decision="would_block",module="api_auth",reason="malformed"}`,
				`caddy_gatehouse_decisions_total{decision="would_block",module="access_control",reason="forbidden"}`,
			} {
				if after[series] <= before[series] {
					t.Errorf("%s did not grow (%v → %v)", series, before[series], after[series])
				}
			}
			// The reason of a masked response is its most frequent type.
			masked := false
			for k, v := range after {
				if strings.Contains(k, `decision="would_mask",module="response_redact"`) && v > before[k] {
					masked = true
				}
			}
			if !masked {
				t.Error("no would_mask decision counted for response_redact")
			}
			for _, blocked := range []string{`decision="block"`, `decision="mask"`} {
				for k, v := range after {
					if strings.Contains(k, "caddy_gatehouse_decisions_total") && strings.Contains(k, blocked) && v > before[k] {
						t.Errorf("monitor mode enforced: %s grew to %v", k, v)
					}
				}
			}
			lines := monitorLogLines(t, logFile)
			modules := map[string]bool{}
			for _, l := range lines {
				if l["monitor"] != true || !strings.HasPrefix(l["decision"].(string), "would_") {
					t.Errorf("decision line not marked as monitored: %v", l)
				}
				modules[l["module"].(string)] = true
				raw, _ := json.Marshal(l)
				// (request_filter's matched fragments are the attack, on purpose.)
				for _, secretPart := range []string{token[len(token)-20:], "not-a-token", "4111 1111", "AKIAIOSFODNN7EXAMPLE", "ada@example.com"} {
					if strings.Contains(string(raw), secretPart) {
						t.Errorf("decision log carries %q: %s", secretPart, raw)
					}
				}
			}
			for _, m := range []string{"request_filter", "api_auth", "access_control", "response_redact"} {
				if !modules[m] {
					t.Errorf("no decision line from %s in %d lines", m, len(lines))
				}
			}
		})
	}

	t.Run("module override enforces", func(t *testing.T) {
		tester := caddytest.NewTester(t)
		tester.InitServer(site("", "gatehouse monitor", "monitor off"), "caddyfile")
		resp, err := tester.Client.Get("http://localhost:9080" + probes[0].uri)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("request_filter with monitor off under a monitored site: %d, want 403", resp.StatusCode)
		}
	})
}

// monitorScrape reads the admin metrics endpoint into series → value.
func monitorScrape(t *testing.T) map[string]float64 {
	t.Helper()
	resp, err := http.Get("http://localhost:2999/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		var v float64
		if err := json.Unmarshal([]byte(line[i+1:]), &v); err == nil {
			out[line[:i]] = v
		}
	}
	return out
}

// monitorLogLines reads the decision lines of a JSON log file.
func monitorLogLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, m := range jsonLogLines(t, path) {
		if m["decision"] != nil {
			out = append(out, m)
		}
	}
	return out
}

// jsonLogLines reads the lines of a JSON log file.
func jsonLogLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}
