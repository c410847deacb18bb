package gatehouse

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2/caddytest"

	"github.com/gatehouse-dev/caddy-gatehouse/authz/authn"
)

// aaIdP is a JWKS / OIDC server on 127.0.0.1 whose keys and availability
// the test controls.
type aaIdP struct {
	srv      *httptest.Server
	mu       sync.Mutex
	keys     []any
	down     bool
	jwksHits atomic.Int64
	failHits atomic.Int64
	discHits atomic.Int64
}

func newAAIdP(t *testing.T) *aaIdP {
	idp := &aaIdP{}
	idp.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		idp.mu.Lock()
		keys, down := idp.keys, idp.down
		idp.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			idp.discHits.Add(1)
			_ = json.NewEncoder(w).Encode(map[string]any{"issuer": idp.srv.URL, "jwks_uri": idp.srv.URL + "/jwks"})
		case "/jwks":
			idp.jwksHits.Add(1)
			if down {
				idp.failHits.Add(1)
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"keys": keys})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(idp.srv.Close)
	return idp
}

func (idp *aaIdP) setKeys(t *testing.T, keys map[string]*rsa.PrivateKey) {
	var list []any
	for kid, k := range keys {
		jwk, err := authn.PublicJWK(kid, "RS256", &k.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, jwk)
	}
	idp.mu.Lock()
	idp.keys = list
	idp.mu.Unlock()
}

func (idp *aaIdP) setDown(down bool) {
	idp.mu.Lock()
	idp.down = down
	idp.mu.Unlock()
}

var aaJTI atomic.Int64

// aaLiveToken mints a fresh token (unique jti: never served from the cache).
func aaLiveToken(t *testing.T, key *rsa.PrivateKey, kid, iss string) string {
	t.Helper()
	now := time.Now()
	tok, err := authn.Mint("RS256", key, kid, map[string]any{
		"iss": iss, "sub": "alice", "email": "alice@example.com",
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": fmt.Sprint(aaJTI.Add(1)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func aaLiveGet(t *testing.T, tester *caddytest.Tester, url, token string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := tester.Client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(body)
}

func aaRSAKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func aaLiveConfig(issuerBlock, issuer string) string {
	return liveGlobals + `
http://localhost:9080 {
	api_auth {
		issuer ` + issuer + ` {
` + issuerBlock + `
		}
		user_claims email
	}
	respond "hello {http.auth.user.id} {http.auth.user.email}"
}
`
}

// TestAPIAuthLiveRotationAndRefetchLimit: keys rotate to a new kid without a
// restart (one refetch), and a flood of unknown kids causes no further
// fetches within min_refetch_interval.
func TestAPIAuthLiveRotationAndRefetchLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("live test")
	}
	const iss = "https://issuer.live"
	k1, k2, attacker := aaRSAKey(t), aaRSAKey(t), aaRSAKey(t)
	idp := newAAIdP(t)
	idp.setKeys(t, map[string]*rsa.PrivateKey{"k1": k1})
	tester := caddytest.NewTester(t)
	tester.InitServer(aaLiveConfig(`			jwks_url `+idp.srv.URL+`/jwks
			refresh_interval 1h
			min_refetch_interval 1h`, iss), "caddyfile")

	status, _, body := aaLiveGet(t, tester, "http://localhost:9080/", aaLiveToken(t, k1, "k1", iss))
	if status != 200 || body != "hello alice alice@example.com" {
		t.Fatalf("k1: %d %q", status, body)
	}
	status, hdr, _ := aaLiveGet(t, tester, "http://localhost:9080/", "")
	if status != 401 || hdr.Get("WWW-Authenticate") != `Bearer realm="gatehouse"` {
		t.Fatalf("no token: %d %q", status, hdr.Get("WWW-Authenticate"))
	}
	before := idp.jwksHits.Load()

	idp.setKeys(t, map[string]*rsa.PrivateKey{"k2": k2})
	status, _, body = aaLiveGet(t, tester, "http://localhost:9080/", aaLiveToken(t, k2, "k2", iss))
	if status != 200 {
		t.Fatalf("after rotation to k2: %d %q", status, body)
	}
	if got := idp.jwksHits.Load() - before; got != 1 {
		t.Fatalf("%d fetches for the rotation, want 1", got)
	}
	for i := range 10 {
		status, hdr, _ := aaLiveGet(t, tester, "http://localhost:9080/", aaLiveToken(t, attacker, fmt.Sprintf("evil-%d", i), iss))
		if status != 401 || !strings.Contains(hdr.Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Fatalf("unknown kid: %d %q", status, hdr.Get("WWW-Authenticate"))
		}
	}
	if got := idp.jwksHits.Load() - before; got != 1 {
		t.Fatalf("%d fetches after an unknown-kid flood, want still 1", got)
	}

	// The counters are exported on the admin /metrics endpoint.
	_, _, metrics := aaLiveGet(t, tester, "http://localhost:2999/metrics", "")
	for _, want := range []string{
		`caddy_gatehouse_auth_requests_total{reason="unknown_key",result="rejected"} 10`,
		`caddy_gatehouse_auth_requests_total{reason="missing",result="rejected"} 1`,
		`caddy_gatehouse_auth_requests_total{reason="jwt",result="allowed"} 2`,
		`caddy_gatehouse_jwks_fetches_total{result="ok"} 2`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s; they have:\n%s", want, metricLines(metrics, want[:strings.IndexByte(want, '{')]))
		}
	}
}

// metricLines returns the lines of an exposition that name metric.
func metricLines(exposition, metric string) string {
	var out []string
	for _, l := range strings.Split(exposition, "\n") {
		if strings.HasPrefix(l, metric) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestAPIAuthLiveOutageServesCachedKeys: while the JWKS endpoint fails,
// tokens signed with the cached keys keep working.
func TestAPIAuthLiveOutageServesCachedKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("live test")
	}
	const iss = "https://issuer.live"
	k1 := aaRSAKey(t)
	idp := newAAIdP(t)
	idp.setKeys(t, map[string]*rsa.PrivateKey{"k1": k1})
	tester := caddytest.NewTester(t)
	tester.InitServer(aaLiveConfig(`			jwks_url `+idp.srv.URL+`/jwks
			refresh_interval 100ms`, iss), "caddyfile")

	if status, _, body := aaLiveGet(t, tester, "http://localhost:9080/", aaLiveToken(t, k1, "k1", iss)); status != 200 {
		t.Fatalf("before outage: %d %q", status, body)
	}
	idp.setDown(true)
	deadline := time.Now().Add(5 * time.Second)
	for idp.failHits.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("no failed refresh observed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if status, _, body := aaLiveGet(t, tester, "http://localhost:9080/", aaLiveToken(t, k1, "k1", iss)); status != 200 {
		t.Fatalf("during outage: %d %q", status, body)
	}
	idp.setDown(false)
}

// TestAPIAuthLiveDiscovery: keys found through
// <issuer>/.well-known/openid-configuration → jwks_uri.
func TestAPIAuthLiveDiscovery(t *testing.T) {
	if testing.Short() {
		t.Skip("live test")
	}
	k1 := aaRSAKey(t)
	idp := newAAIdP(t)
	idp.setKeys(t, map[string]*rsa.PrivateKey{"k1": k1})
	tester := caddytest.NewTester(t)
	tester.InitServer(aaLiveConfig(`			discovery`, idp.srv.URL), "caddyfile")

	status, _, body := aaLiveGet(t, tester, "http://localhost:9080/", aaLiveToken(t, k1, "k1", idp.srv.URL))
	if status != 200 || body != "hello alice alice@example.com" {
		t.Fatalf("discovery: %d %q", status, body)
	}
	if idp.discHits.Load() != 1 {
		t.Fatalf("%d discovery fetches, want 1", idp.discHits.Load())
	}
	// A token from an issuer that is not configured is refused.
	status, _, _ = aaLiveGet(t, tester, "http://localhost:9080/", aaLiveToken(t, k1, "k1", "https://other.example"))
	if status != 401 {
		t.Fatalf("foreign issuer: %d", status)
	}
}

// TestAPIAuthLiveReloadKeepsCache: reloading an identical config reuses the
// warm JWKS cache (no refetch storm on reload).
func TestAPIAuthLiveReloadKeepsCache(t *testing.T) {
	if testing.Short() {
		t.Skip("live test")
	}
	const iss = "https://issuer.live"
	k1 := aaRSAKey(t)
	idp := newAAIdP(t)
	idp.setKeys(t, map[string]*rsa.PrivateKey{"k1": k1})
	block := `			jwks_url ` + idp.srv.URL + `/jwks
			refresh_interval 1h`
	tester := caddytest.NewTester(t)
	tester.InitServer(aaLiveConfig(block, iss), "caddyfile")
	if status, _, _ := aaLiveGet(t, tester, "http://localhost:9080/", aaLiveToken(t, k1, "k1", iss)); status != 200 {
		t.Fatalf("first config: %d", status)
	}
	hits := idp.jwksHits.Load()
	for i := range 3 {
		// A changed respond body forces a real reload of the same api_auth.
		cfg := strings.Replace(aaLiveConfig(block, iss), `respond "hello`, fmt.Sprintf(`respond "v%d hello`, i), 1)
		tester.InitServer(cfg, "caddyfile")
		status, _, body := aaLiveGet(t, tester, "http://localhost:9080/", aaLiveToken(t, k1, "k1", iss))
		if status != 200 || !strings.HasPrefix(body, fmt.Sprintf("v%d ", i)) {
			t.Fatalf("reload %d: %d %q", i, status, body)
		}
	}
	if got := idp.jwksHits.Load(); got != hits {
		t.Fatalf("%d JWKS fetches during 3 reloads, want 0", got-hits)
	}
}

// TestAPIAuthLiveStartupOutageRecovery: the IdP is down when Caddy starts;
// about a second after it comes back a valid token is accepted, long before
// the background backoff would retry. An absent user_claims claim is empty
// in the respond body.
func TestAPIAuthLiveStartupOutageRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("live test")
	}
	const iss = "https://issuer.live-outage"
	k1 := aaRSAKey(t)
	idp := newAAIdP(t)
	idp.setKeys(t, map[string]*rsa.PrivateKey{"k1": k1})
	idp.setDown(true)
	tester := caddytest.NewTester(t)
	tester.InitServer(aaLiveConfig(`			jwks_url `+idp.srv.URL+`/jwks
			refresh_interval 1h`, iss), "caddyfile")

	// Two seconds of outage: the background retries at 1 s and 3 s.
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if status, _, body := aaLiveGet(t, tester, "http://localhost:9080/", aaLiveToken(t, k1, "k1", iss)); status != 401 {
			t.Fatalf("during the outage: %d %q", status, body)
		}
	}
	idp.setDown(false)
	recovered := time.Now()
	for {
		status, _, body := aaLiveGet(t, tester, "http://localhost:9080/", aaLiveToken(t, k1, "k1", iss))
		if status == 200 {
			if body != "hello alice alice@example.com" {
				t.Fatalf("body %q", body)
			}
			break
		}
		if time.Since(recovered) > 5*time.Second {
			t.Fatalf("still %d 5s after the IdP recovered", status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(recovered)
	t.Logf("valid token accepted %v after the IdP recovered", took)
	if took > 1500*time.Millisecond {
		t.Fatalf("recovery took %v, want about 1s", took)
	}

	// A token without the email claim: {http.auth.user.email} is empty.
	tok, err := authn.Mint("RS256", k1, "k1", map[string]any{
		"iss": iss, "sub": "bob", "iat": time.Now().Unix(), "exp": time.Now().Add(time.Minute).Unix(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if status, _, body := aaLiveGet(t, tester, "http://localhost:9080/", tok); status != 200 || body != "hello bob " {
		t.Fatalf("absent user claim: %d %q", status, body)
	}

	// A 100 KB token is refused by Caddy's header limit before api_auth.
	if status, _, _ := aaLiveGet(t, tester, "http://localhost:9080/", strings.Repeat("a", 100<<10)); status != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("100 KB token: %d, want 431", status)
	}
	// With the limit raised (README), api_auth answers it: 401 too_large.
	tester.InitServer(strings.Replace(aaLiveConfig(`			jwks_url `+idp.srv.URL+`/jwks`, iss), liveGlobals,
		liveGlobalsOpen+"\tservers {\n\t\tmax_header_size 256KiB\n\t}\n}\n", 1), "caddyfile")
	status, hdr, _ := aaLiveGet(t, tester, "http://localhost:9080/", strings.Repeat("a", 100<<10))
	if status != 401 || !strings.Contains(hdr.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Fatalf("100 KB token under max_header_size 256KiB: %d %q, want 401", status, hdr.Get("WWW-Authenticate"))
	}
}
