package gatehouse

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/spf13/cobra"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/gatehouse-dev/caddy-gatehouse/authz"
	"github.com/gatehouse-dev/caddy-gatehouse/authz/authn"
)

const aaIssuer = "https://issuer.test"

var aaSecret = []byte(strings.Repeat("s3cr3t-", 6)) // 42 bytes: HS256 only

func aaSecretB64() string { return "base64:" + base64.StdEncoding.EncodeToString(aaSecret) }

func aaClaims(mut func(map[string]any)) map[string]any {
	now := time.Now()
	c := map[string]any{
		"iss":          aaIssuer,
		"sub":          "alice",
		"aud":          "api",
		"iat":          now.Unix(),
		"exp":          now.Add(5 * time.Minute).Unix(),
		"email":        "alice@example.com",
		"realm_access": map[string]any{"roles": []any{"admin", "dev"}},
		"scope":        "read write",
	}
	if mut != nil {
		mut(c)
	}
	return c
}

func aaToken(t testing.TB, mut func(map[string]any)) string {
	t.Helper()
	s, err := authn.Mint("HS256", aaSecret, "", aaClaims(mut))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// aaProvision provisions h in a bare Caddy context with an observed logger.
func aaProvision(t *testing.T, h *APIAuth) *observer.ObservedLogs {
	t.Helper()
	ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
	t.Cleanup(cancel)
	if err := h.Provision(ctx); err != nil {
		t.Fatalf("Provision: %v", err)
	}
	t.Cleanup(func() { _ = h.Cleanup() })
	if err := h.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	core, logs := observer.New(zapcore.DebugLevel)
	h.logger = zap.New(core)
	h.decisions.logger = h.logger
	return logs
}

func aaHMACHandler(mut func(*APIAuth)) *APIAuth {
	h := &APIAuth{
		Issuers: []IssuerConfig{{
			Issuer:    aaIssuer,
			Audiences: []string{"api"},
			Keys:      []KeyConfig{{Secret: aaSecretB64()}},
		}},
		UserClaims:   []string{"email", "realm_access.roles"},
		RoleClaims:   []string{"realm_access.roles"},
		ClaimHeaders: map[string]string{"X-User-Email": "email"},
	}
	if mut != nil {
		mut(h)
	}
	return h
}

// aaRequest builds a request as Caddy's server prepares it.
func aaRequest(method, target string) (*http.Request, *caddy.Replacer) {
	r := httptest.NewRequest(method, target, nil)
	repl := caddy.NewReplacer()
	ctx := context.WithValue(r.Context(), caddy.ReplacerCtxKey, repl)
	ctx = context.WithValue(ctx, caddyhttp.VarsCtxKey, map[string]any{caddyhttp.ClientIPVarKey: "192.0.2.7"})
	ctx = context.WithValue(ctx, caddyhttp.ExtraLogFieldsCtxKey, new(caddyhttp.ExtraLogFields))
	return r.WithContext(ctx), repl
}

type aaResult struct {
	status   int
	header   http.Header
	body     string
	upstream *http.Request // the request next saw; nil if next did not run
}

func aaServe(t *testing.T, h *APIAuth, r *http.Request) aaResult {
	t.Helper()
	w := httptest.NewRecorder()
	var res aaResult
	next := caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		res.upstream = r
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
	err := h.ServeHTTP(w, r, next)
	res.status, res.header, res.body = w.Code, w.Header(), w.Body.String()
	if err != nil {
		var he caddyhttp.HandlerError
		if !errors.As(err, &he) {
			t.Fatalf("ServeHTTP returned a non-HandlerError: %v", err)
		}
		res.status = he.StatusCode
	}
	return res
}

func TestAPIAuthJWT(t *testing.T) {
	h := aaHMACHandler(nil)
	aaProvision(t, h)
	valid := aaToken(t, nil)
	cases := []struct {
		name       string
		setup      func(r *http.Request)
		wantStatus int
		wantChal   string
	}{
		{"missing", nil, 401, `Bearer realm="gatehouse"`},
		{"valid", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+valid) }, 204, ""},
		{"expired", func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+aaToken(t, func(c map[string]any) { c["exp"] = time.Now().Add(-2 * time.Minute).Unix() }))
		}, 401, `Bearer realm="gatehouse", error="invalid_token", error_description="the token expired"`},
		{"wrong audience", func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+aaToken(t, func(c map[string]any) { c["aud"] = "billing" }))
		}, 401, `Bearer realm="gatehouse", error="invalid_token", error_description="the token is invalid"`},
		{"tampered", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+valid[:len(valid)-3]+"AAA") }, 401,
			`Bearer realm="gatehouse", error="invalid_token", error_description="the token is invalid"`},
		{"garbage", func(r *http.Request) { r.Header.Set("Authorization", "Bearer not-a-jwt") }, 401,
			`Bearer realm="gatehouse", error="invalid_token", error_description="the token is invalid"`},
		{"two different tokens", func(r *http.Request) {
			r.Header.Add("Authorization", "Bearer "+valid)
			r.Header.Add("Authorization", "Bearer "+aaToken(t, func(c map[string]any) { c["sub"] = "bob" }))
		}, 400, `Bearer realm="gatehouse", error="invalid_request", error_description="more than one credential"`},
		{"basic auth is not a bearer token", func(r *http.Request) { r.SetBasicAuth("u", "p") }, 401, `Bearer realm="gatehouse"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, repl := aaRequest("GET", "http://x/api")
			if c.setup != nil {
				c.setup(r)
			}
			res := aaServe(t, h, r)
			if res.status != c.wantStatus {
				t.Fatalf("status = %d, want %d", res.status, c.wantStatus)
			}
			if got := res.header.Get("WWW-Authenticate"); got != c.wantChal {
				t.Fatalf("WWW-Authenticate = %q, want %q", got, c.wantChal)
			}
			if c.wantStatus != 204 {
				if res.upstream != nil || res.body != "" {
					t.Fatalf("rejected request reached next or got a body %q", res.body)
				}
				if _, ok := repl.Get("http.auth.user.id"); ok {
					t.Fatal("identity placeholder set on a rejected request")
				}
				return
			}
			if id, _ := repl.GetString("http.auth.user.id"); id != "alice" {
				t.Fatalf("http.auth.user.id = %q", id)
			}
			if v, _ := repl.GetString("http.auth.user.email"); v != "alice@example.com" {
				t.Fatalf("http.auth.user.email = %q", v)
			}
			if v, _ := repl.GetString("http.auth.user.realm_access.roles"); v != "admin,dev" {
				t.Fatalf("http.auth.user.realm_access.roles = %q", v)
			}
			id, ok := caddyhttp.GetVar(res.upstream.Context(), identityVarKey).(*authz.Identity)
			if !ok || id.ID != "alice" || id.Method != "jwt" || !slices.Equal(id.Roles, []string{"admin", "dev"}) ||
				!slices.Equal(id.Scopes, []string{"read", "write"}) {
				t.Fatalf("identity var = %+v", id)
			}
			if got := res.upstream.Header.Get("X-User-Email"); got != "alice@example.com" {
				t.Fatalf("X-User-Email upstream = %q", got)
			}
		})
	}
}

func TestAPIAuthStripsSpoofedClaimHeaders(t *testing.T) {
	h := aaHMACHandler(func(a *APIAuth) {
		a.Optional = true
		a.ClaimHeaders["X-User-Phone"] = "phone" // claim absent from the token
	})
	aaProvision(t, h)
	for _, withToken := range []bool{false, true} {
		r, _ := aaRequest("GET", "http://x/")
		r.Header.Set("X-User-Email", "admin@evil.example")
		r.Header.Set("X-User-Phone", "spoofed")
		if withToken {
			r.Header.Set("Authorization", "Bearer "+aaToken(t, nil))
		}
		res := aaServe(t, h, r)
		if res.upstream == nil {
			t.Fatalf("withToken=%v: request did not reach next (%d)", withToken, res.status)
		}
		want := ""
		if withToken {
			want = "alice@example.com"
		}
		if got := res.upstream.Header.Get("X-User-Email"); got != want {
			t.Errorf("withToken=%v: X-User-Email = %q, want %q", withToken, got, want)
		}
		if got := res.upstream.Header.Get("X-User-Phone"); got != "" {
			t.Errorf("withToken=%v: spoofed X-User-Phone reached upstream: %q", withToken, got)
		}
	}
}

func TestAPIAuthClaimHeaderInjection(t *testing.T) {
	h := aaHMACHandler(nil)
	aaProvision(t, h)
	r, _ := aaRequest("GET", "http://x/")
	r.Header.Set("Authorization", "Bearer "+aaToken(t, func(c map[string]any) { c["email"] = "a@b.c\r\nX-Admin: 1" }))
	res := aaServe(t, h, r)
	if got := res.upstream.Header.Get("X-User-Email"); got != "a@b.cX-Admin: 1" {
		t.Fatalf("X-User-Email = %q", got)
	}
}

func TestAPIAuthStripCredentials(t *testing.T) {
	h := aaHMACHandler(func(a *APIAuth) {
		a.StripCredentials = true
		a.TokenSources = []TokenSourceConfig{{Kind: "bearer"}, {Kind: "cookie", Name: "at"}, {Kind: "query", Name: "access_token"}}
	})
	aaProvision(t, h)
	tok := aaToken(t, nil)
	r, _ := aaRequest("GET", "http://x/p?access_token="+tok+"&keep=1")
	r.Header.Set("Cookie", "at="+tok+"; theme=dark")
	r.Header.Set("Authorization", "Bearer "+tok)
	res := aaServe(t, h, r)
	if res.upstream == nil {
		t.Fatalf("status %d", res.status)
	}
	up := res.upstream
	if up.Header.Get("Authorization") != "" || up.Header.Get("Cookie") != "theme=dark" || up.URL.RawQuery != "keep=1" {
		t.Fatalf("credentials kept: Authorization=%q Cookie=%q query=%q", up.Header.Get("Authorization"), up.Header.Get("Cookie"), up.URL.RawQuery)
	}
}

func TestAPIAuthOptionalAndPreflight(t *testing.T) {
	h := aaHMACHandler(func(a *APIAuth) { a.Optional, a.AllowPreflight = true, true })
	aaProvision(t, h)

	r, repl := aaRequest("GET", "http://x/")
	res := aaServe(t, h, r)
	if res.status != 204 || caddyhttp.GetVar(res.upstream.Context(), identityVarKey) != nil {
		t.Fatalf("anonymous: status %d", res.status)
	}
	if _, ok := repl.Get("http.auth.user.id"); ok {
		t.Fatal("anonymous request got an identity")
	}

	r, _ = aaRequest("GET", "http://x/")
	r.Header.Set("Authorization", "Bearer bad.token.here")
	if res := aaServe(t, h, r); res.status != 401 {
		t.Fatalf("optional mode accepted an invalid token: %d", res.status)
	}

	strict := aaHMACHandler(func(a *APIAuth) { a.AllowPreflight = true })
	aaProvision(t, strict)
	r, _ = aaRequest("OPTIONS", "http://x/")
	r.Header.Set("Origin", "https://app.example")
	r.Header.Set("Access-Control-Request-Method", "POST")
	if res := aaServe(t, strict, r); res.status != 204 {
		t.Fatalf("preflight: %d", res.status)
	}
	r, _ = aaRequest("OPTIONS", "http://x/")
	if res := aaServe(t, strict, r); res.status != 401 {
		t.Fatalf("plain OPTIONS without credentials: %d", res.status)
	}
}

func TestAPIAuthAPIKeys(t *testing.T) {
	h := aaHMACHandler(func(a *APIAuth) {
		a.APIKeys = []APIKeyConfig{{Hash: authn.HashAPIKey("k-good"), ID: "svc-report", Roles: []string{"reader"}, Scopes: []string{"reports:read"}}}
		a.APIKeyQuery = "api_key"
		a.APIKeyHeader = "X-API-Key"
	})
	aaProvision(t, h)
	cases := []struct {
		name   string
		setup  func(r *http.Request)
		status int
	}{
		{"right key in header", func(r *http.Request) { r.Header.Set("X-API-Key", "k-good") }, 204},
		{"right key in query", func(r *http.Request) { r.URL.RawQuery = "api_key=k-good" }, 204},
		{"wrong key", func(r *http.Request) { r.Header.Set("X-API-Key", "k-bad") }, 401},
		{"two keys", func(r *http.Request) {
			r.Header.Set("X-API-Key", "k-good")
			r.URL.RawQuery = "api_key=k-other"
		}, 400},
		{"api key and bearer", func(r *http.Request) {
			r.Header.Set("X-API-Key", "k-good")
			r.Header.Set("Authorization", "Bearer "+aaToken(t, nil))
		}, 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, repl := aaRequest("GET", "http://x/")
			c.setup(r)
			res := aaServe(t, h, r)
			if res.status != c.status {
				t.Fatalf("status %d, want %d", res.status, c.status)
			}
			if c.status == 401 && res.header.Get("WWW-Authenticate") != `Bearer realm="gatehouse", error="invalid_token", error_description="invalid API key"` {
				t.Fatalf("challenge = %q", res.header.Get("WWW-Authenticate"))
			}
			if c.status != 204 {
				return
			}
			id := caddyhttp.GetVar(res.upstream.Context(), identityVarKey).(*authz.Identity)
			if uid, _ := repl.GetString("http.auth.user.id"); uid != "svc-report" || id.Method != "api_key" || id.Roles[0] != "reader" || id.Scopes[0] != "reports:read" {
				t.Fatalf("identity %+v, placeholder %q", id, uid)
			}
		})
	}
}

func TestAPIAuthLogsAndMetrics(t *testing.T) {
	h := aaHMACHandler(nil)
	logs := aaProvision(t, h)
	expired := aaToken(t, func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix(); c["sub"] = "mallory" })
	for _, auth := range []string{"", "Bearer " + expired, "Bearer " + aaToken(t, nil)} {
		r, _ := aaRequest("GET", "http://x/admin")
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		aaServe(t, h, r)
	}
	entries := logs.FilterMessage("api_auth: block").All()
	if len(entries) != 2 {
		t.Fatalf("%d rejection log lines, want 2", len(entries))
	}
	f := entries[1].ContextMap()
	if f["reason"] != "expired" || f["issuer"] != aaIssuer || f["user"] != "mallory" || f["client_ip"] != "192.0.2.7" {
		t.Fatalf("log fields = %v", f)
	}
	for _, e := range logs.All() {
		for _, v := range e.ContextMap() {
			if s, ok := v.(string); ok && strings.Contains(s, expired[10:40]) {
				t.Fatal("a log line contains the token")
			}
		}
	}
	for _, c := range []struct {
		result, reason string
		want           float64
	}{{"rejected", "missing", 1}, {"rejected", "expired", 1}, {"allowed", "jwt", 1}} {
		if got := testutil.ToFloat64(h.metrics.requests.WithLabelValues(c.result, c.reason)); got != c.want {
			t.Errorf("requests{%s,%s} = %v, want %v", c.result, c.reason, got, c.want)
		}
	}
}

func TestAPIAuthKeySources(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	pemData := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	file := filepath.Join(t.TempDir(), "pub.pem")
	if err := os.WriteFile(file, pemData, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GATEHOUSE_TEST_PEM", string(pemData))
	t.Setenv("GATEHOUSE_TEST_SECRET", aaSecretB64())
	tok, err := authn.Mint("RS256", priv, "", aaClaims(nil))
	if err != nil {
		t.Fatal(err)
	}
	for name, kc := range map[string]KeyConfig{
		"file":       {File: file},
		"env PEM":    {Key: "{env.GATEHOUSE_TEST_PEM}"},
		"file PEM":   {Key: "{file." + file + "}"},
		"inline PEM": {Key: string(pemData), Algorithms: []string{"RS256"}},
	} {
		t.Run(name, func(t *testing.T) {
			h := &APIAuth{Issuers: []IssuerConfig{{Issuer: aaIssuer, Keys: []KeyConfig{kc}}}}
			aaProvision(t, h)
			r, _ := aaRequest("GET", "http://x/")
			r.Header.Set("Authorization", "Bearer "+tok)
			if res := aaServe(t, h, r); res.status != 204 {
				t.Fatalf("status %d", res.status)
			}
		})
	}
	t.Run("env secret", func(t *testing.T) {
		h := &APIAuth{Issuers: []IssuerConfig{{Issuer: aaIssuer, Keys: []KeyConfig{{Secret: "{env.GATEHOUSE_TEST_SECRET}"}}}}}
		aaProvision(t, h)
		r, _ := aaRequest("GET", "http://x/")
		r.Header.Set("Authorization", "Bearer "+aaToken(t, nil))
		if res := aaServe(t, h, r); res.status != 204 {
			t.Fatalf("status %d", res.status)
		}
	})
}

// aaIssue9Secret is a raw-string secret as identity providers hand them
// out that happens to be valid base64 (issue 9).
const aaIssue9Secret = "thisIsMyLongRawSecretForHS256Tokens2024abcdEFGH"

// TestAPIAuthRawSecret: with raw: the bytes of the string are the key, so a
// token signed with those bytes verifies; the base64 reading of the same
// text does not.
func TestAPIAuthRawSecret(t *testing.T) {
	tok, err := authn.Mint("HS256", []byte(aaIssue9Secret), "", aaClaims(nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GATEHOUSE_TEST_RAW_SECRET", aaIssue9Secret)
	for _, c := range []struct {
		name, secret string
		want         int
	}{
		{"raw prefix", "raw:" + aaIssue9Secret, 204},
		{"raw prefix on env", "raw:{env.GATEHOUSE_TEST_RAW_SECRET}", 204},
		{"base64 reading", "base64:" + aaIssue9Secret, 401},
		{"base64url of the raw bytes", "base64url:" + base64.RawURLEncoding.EncodeToString([]byte(aaIssue9Secret)), 204},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := &APIAuth{Issuers: []IssuerConfig{{Issuer: aaIssuer, Keys: []KeyConfig{{Secret: c.secret}}}}}
			aaProvision(t, h)
			r, _ := aaRequest("GET", "http://x/")
			r.Header.Set("Authorization", "Bearer "+tok)
			if res := aaServe(t, h, r); res.status != c.want {
				t.Fatalf("status %d, want %d", res.status, c.want)
			}
		})
	}
	t.Run("unprefixed non-base64", func(t *testing.T) {
		const s = "not-base64!raw-secret-of-32-bytes-or-more"
		tok, err := authn.Mint("HS256", []byte(s), "", aaClaims(nil))
		if err != nil {
			t.Fatal(err)
		}
		h := &APIAuth{Issuers: []IssuerConfig{{Issuer: aaIssuer, Keys: []KeyConfig{{Secret: s}}}}}
		aaProvision(t, h)
		r, _ := aaRequest("GET", "http://x/")
		r.Header.Set("Authorization", "Bearer "+tok)
		if res := aaServe(t, h, r); res.status != 204 {
			t.Fatalf("status %d", res.status)
		}
	})
	t.Run("token command", func(t *testing.T) {
		out, err := aaRun(t, tokenCommand(), "", "--secret", "raw:"+aaIssue9Secret, "--sub", "alice", "--iss", aaIssuer, "--aud", "api")
		if err != nil {
			t.Fatal(err)
		}
		h := &APIAuth{Issuers: []IssuerConfig{{Issuer: aaIssuer, Keys: []KeyConfig{{Secret: "raw:" + aaIssue9Secret}}}}}
		aaProvision(t, h)
		r, _ := aaRequest("GET", "http://x/")
		r.Header.Set("Authorization", "Bearer "+strings.TrimSpace(out))
		if res := aaServe(t, h, r); res.status != 204 {
			t.Fatalf("status %d", res.status)
		}
	})
}

func TestAPIAuthProvisionErrors(t *testing.T) {
	t.Setenv("GATEHOUSE_TEST_AMBIGUOUS", aaIssue9Secret)
	cases := []struct {
		name string
		h    APIAuth
		want string
	}{
		{"short secret", APIAuth{Issuers: []IssuerConfig{{Issuer: aaIssuer, Keys: []KeyConfig{{Secret: "base64:c2hvcnQ="}}}}}, "too short"},
		{"ambiguous secret", APIAuth{Issuers: []IssuerConfig{{Issuer: aaIssuer, Keys: []KeyConfig{{Secret: aaIssue9Secret}}}}}, "ambiguous secret"},
		{"ambiguous env secret", APIAuth{Issuers: []IssuerConfig{{Issuer: aaIssuer, Keys: []KeyConfig{{Secret: "{env.GATEHOUSE_TEST_AMBIGUOUS}"}}}}}, "prefix it with raw:"},
		{"bad base64 secret", APIAuth{Issuers: []IssuerConfig{{Issuer: aaIssuer, Keys: []KeyConfig{{Secret: "base64:not base64!"}}}}}, "not valid base64"},
		{"secret and key", APIAuth{Issuers: []IssuerConfig{{Issuer: aaIssuer, Keys: []KeyConfig{{Secret: aaSecretB64(), Key: "x"}}}}}, "exactly one of"},
		{"unset env secret", APIAuth{Issuers: []IssuerConfig{{Issuer: aaIssuer, Keys: []KeyConfig{{Secret: "{env.GATEHOUSE_UNSET_VAR}"}}}}}, "empty"},
		{"missing file", APIAuth{Issuers: []IssuerConfig{{Issuer: aaIssuer, Keys: []KeyConfig{{File: "/nonexistent/key.pem"}}}}}, "reading key file"},
		{"http jwks", APIAuth{Issuers: []IssuerConfig{{Issuer: aaIssuer, JWKSURL: "http://idp.example/jwks"}}}, "must use https"},
		{"HMAC pinned to RS256", APIAuth{Issuers: []IssuerConfig{{Issuer: aaIssuer, Keys: []KeyConfig{{Secret: aaSecretB64(), Algorithms: []string{"RS256"}}}}}}, "none of RS256"},
		{"plaintext api key", APIAuth{APIKeys: []APIKeyConfig{{Hash: "hunter2", ID: "a"}}}, "64 hex digits"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
			defer cancel()
			h := c.h
			err := h.Provision(ctx)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			if err := h.Cleanup(); err != nil {
				t.Fatalf("Cleanup after failed Provision: %v", err)
			}
		})
	}
	for _, c := range []struct {
		name string
		h    APIAuth
		want string
	}{
		{"nothing configured", APIAuth{}, "at least one issuer or API key"},
		{"quote in realm", APIAuth{APIKeys: []APIKeyConfig{{Hash: authn.HashAPIKey("k"), ID: "a"}}, Realm: `a"b`}, "realm"},
		{"bad claim header", APIAuth{APIKeys: []APIKeyConfig{{Hash: authn.HashAPIKey("k"), ID: "a"}}, ClaimHeaders: map[string]string{"X Bad": "sub"}}, "claim header"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := c.h.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

// TestAPIAuthSharesJWKSAcrossReloads provisions two identical configs (a
// reload: new before old is cleaned up) and checks they hold one shared
// cache, fetched once, released only by the last Cleanup.
func TestAPIAuthSharesJWKSAcrossReloads(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	jwk, _ := authn.PublicJWK("k1", "RS256", &priv.PublicKey)
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []any{jwk}})
	}))
	defer srv.Close()
	cfg := func() *APIAuth {
		return &APIAuth{Issuers: []IssuerConfig{{Issuer: aaIssuer, JWKSURL: srv.URL + "/jwks", RefreshInterval: caddy.Duration(time.Hour)}}}
	}
	rc := authn.RemoteConfig{JWKSURL: srv.URL + "/jwks", RefreshInterval: time.Hour}
	ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
	defer cancel()
	old := cfg()
	if err := old.Provision(ctx); err != nil {
		t.Fatal(err)
	}
	tok, _ := authn.Mint("RS256", priv, "k1", aaClaims(nil))
	r, _ := aaRequest("GET", "http://x/")
	r.Header.Set("Authorization", "Bearer "+tok)
	if res := aaServe(t, old, r); res.status != 204 {
		t.Fatalf("status %d", res.status)
	}
	next := cfg()
	if err := next.Provision(ctx); err != nil {
		t.Fatal(err)
	}
	if n := authn.SharedRegistry.Users(rc); n != 2 {
		t.Fatalf("%d users, want 2", n)
	}
	_ = old.Cleanup()
	r, _ = aaRequest("GET", "http://x/")
	r.Header.Set("Authorization", "Bearer "+tok)
	if res := aaServe(t, next, r); res.status != 204 {
		t.Fatalf("after reload: status %d", res.status)
	}
	if n := hits.Load(); n != 1 {
		t.Fatalf("%d JWKS fetches across a reload, want 1", n)
	}
	_ = next.Cleanup()
	if n := authn.SharedRegistry.Users(rc); n != 0 {
		t.Fatalf("%d users after the last cleanup", n)
	}
}

// aaRun executes a cobra command with args and stdin, returning stdout.
func aaRun(t *testing.T, cmd *cobra.Command, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(io.Discard)
	cmd.SetIn(strings.NewReader(stdin))
	if args == nil {
		args = []string{} // nil would make cobra read os.Args
	}
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestHashKeyCommand(t *testing.T) {
	want := authn.HashAPIKey("my-key") + "\n"
	if !strings.HasPrefix(want, "sha256:") || len(want) != len("sha256:")+64+1 {
		t.Fatalf("hash format %q", want)
	}
	for name, c := range map[string]struct{ stdin, arg string }{
		"argument":         {arg: "my-key"},
		"stdin":            {stdin: "my-key\n"},
		"stdin CRLF":       {stdin: "my-key\r\nignored"},
		"stdin no newline": {stdin: "my-key"},
	} {
		t.Run(name, func(t *testing.T) {
			var args []string
			if c.arg != "" {
				args = []string{c.arg}
			}
			got, err := aaRun(t, hashKeyCommand(), c.stdin, args...)
			if err != nil || got != want {
				t.Fatalf("got %q, %v; want %q", got, err, want)
			}
		})
	}
	if _, err := aaRun(t, hashKeyCommand(), ""); err == nil {
		t.Fatal("empty key accepted")
	}
	out, err := aaRun(t, hashKeyCommand(), "", "--generate")
	if err != nil {
		t.Fatal(err)
	}
	var key, hash string
	if _, err := fmt.Sscanf(out, "key:  %s\nhash: %s\n", &key, &hash); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	if authn.HashAPIKey(key) != hash || !strings.HasPrefix(key, "gh_") {
		t.Fatalf("generated key %q does not match hash %q", key, hash)
	}
	// The printed hash is accepted by the handler, and the key passes.
	h := &APIAuth{APIKeys: []APIKeyConfig{{Hash: hash, ID: "svc"}}}
	aaProvision(t, h)
	r, _ := aaRequest("GET", "http://x/")
	r.Header.Set("X-API-Key", key)
	if res := aaServe(t, h, r); res.status != 204 {
		t.Fatalf("generated key rejected: %d", res.status)
	}
}

func TestTokenCommand(t *testing.T) {
	h := aaHMACHandler(nil)
	aaProvision(t, h)
	out, err := aaRun(t, tokenCommand(), "", "--secret", aaSecretB64(), "--sub", "carol", "--iss", aaIssuer,
		"--aud", "api", "--roles", "ops,dev", "--scope", "read", "--claim", `realm_access={"roles":["ops"]}`,
		"--claim", "email=carol@example.com", "--ttl", "10m", "--kid", "demo")
	if err != nil {
		t.Fatal(err)
	}
	r, repl := aaRequest("GET", "http://x/")
	r.Header.Set("Authorization", "Bearer "+strings.TrimSpace(out))
	res := aaServe(t, h, r)
	if res.status != 204 {
		t.Fatalf("minted token rejected: %d %s", res.status, res.header.Get("WWW-Authenticate"))
	}
	id := caddyhttp.GetVar(res.upstream.Context(), identityVarKey).(*authz.Identity)
	if uid, _ := repl.GetString("http.auth.user.id"); uid != "carol" || !slices.Equal(id.Roles, []string{"ops"}) || id.Claims["email"] != "carol@example.com" {
		t.Fatalf("identity %+v", id)
	}

	// Private keys: RSA and Ed25519, with --jwks printing a usable JWK Set.
	dir := t.TempDir()
	priv, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	keyFile := filepath.Join(dir, "rsa.pem")
	_ = os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	jwks, err := aaRun(t, tokenCommand(), "", "--key", keyFile, "--kid", "k1", "--jwks")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := aaRun(t, tokenCommand(), "", "--key", keyFile, "--kid", "k1", "--sub", "dave", "--iss", aaIssuer)
	if err != nil {
		t.Fatal(err)
	}
	rh := &APIAuth{Issuers: []IssuerConfig{{Issuer: aaIssuer, Keys: []KeyConfig{{Key: jwks}}}}}
	aaProvision(t, rh)
	r, _ = aaRequest("GET", "http://x/")
	r.Header.Set("Authorization", "Bearer "+strings.TrimSpace(tok))
	if res := aaServe(t, rh, r); res.status != 204 {
		t.Fatalf("RS256 token from the CLI rejected: %d", res.status)
	}

	for name, args := range map[string][]string{
		"no key":         {"--sub", "x"},
		"both keys":      {"--secret", aaSecretB64(), "--key", keyFile},
		"short secret":   {"--secret", "base64:c2hvcnQ="},
		"ambiguous":      {"--secret", aaIssue9Secret},
		"bad claim":      {"--secret", aaSecretB64(), "--claim", "novalue"},
		"none alg":       {"--secret", aaSecretB64(), "--alg", "none"},
		"HMAC as JWKS":   {"--secret", aaSecretB64(), "--jwks"},
		"negative ttl":   {"--secret", aaSecretB64(), "--ttl", "-1m"},
		"missing file":   {"--key", filepath.Join(dir, "nope.pem")},
		"RS alg on HMAC": {"--secret", aaSecretB64(), "--alg", "RS256"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := aaRun(t, tokenCommand(), "", args...); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

// TestAPIAuthAbsentUserClaimsAreEmpty: a user_claims entry the token lacks
// (and every entry on an anonymous request) is the empty string, so a
// respond body never shows the literal placeholder.
func TestAPIAuthAbsentUserClaimsAreEmpty(t *testing.T) {
	h := aaHMACHandler(func(a *APIAuth) {
		a.UserClaims = []string{"email", "scope", "org.name"}
		a.Optional = true
	})
	aaProvision(t, h)
	// respond replaces with ReplaceKnown(body, ""): unknown placeholders stay literal.
	const body = "[{http.auth.user.email}][{http.auth.user.scope}][{http.auth.user.org.name}]"

	r, repl := aaRequest("GET", "http://x/")
	r.Header.Set("Authorization", "Bearer "+aaToken(t, func(c map[string]any) { delete(c, "scope") }))
	if res := aaServe(t, h, r); res.status != 204 {
		t.Fatalf("status %d", res.status)
	}
	if got := repl.ReplaceKnown(body, ""); got != "[alice@example.com][][]" {
		t.Fatalf("respond body with absent claims = %q", got)
	}

	r, repl = aaRequest("GET", "http://x/")
	if res := aaServe(t, h, r); res.status != 204 {
		t.Fatalf("anonymous: status %d", res.status)
	}
	if got := repl.ReplaceKnown(body, ""); got != "[][][]" {
		t.Fatalf("anonymous respond body = %q", got)
	}
}

// TestAPIAuthLogsJWKSFailureOncePerStateChange: a JWKS outage logs one
// warning (issuer, URL, reason) however many fetches fail, and its end one
// info line.
func TestAPIAuthLogsJWKSFailureOncePerStateChange(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	jwk, _ := authn.PublicJWK("k1", "RS256", &priv.PublicKey)
	var failing atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []any{jwk}})
	}))
	defer srv.Close()
	h := &APIAuth{Issuers: []IssuerConfig{{Issuer: aaIssuer, JWKSURL: srv.URL + "/jwks",
		RefreshInterval: caddy.Duration(time.Hour), MinRefetchInterval: caddy.Duration(time.Millisecond)}}}
	aaProvision(t, h)
	remote := h.remotes[0]
	for deadline := time.Now().Add(5 * time.Second); !remote.Ready(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("first JWKS fetch did not succeed")
		}
	}
	core, logs := observer.New(zapcore.DebugLevel)
	h.fetchLog.Store(zap.New(core))
	fetch := func(n int) {
		for range n {
			time.Sleep(3 * time.Millisecond) // past min_refetch_interval
			if !remote.RefetchUnknownKID(context.Background()) {
				t.Fatal("refetch did not run")
			}
		}
	}

	failing.Store(true)
	fetch(5)
	warn := logs.FilterLevelExact(zapcore.WarnLevel).All()
	if len(warn) != 1 || logs.Len() != 1 {
		t.Fatalf("%d lines (%d warnings) after 5 failed fetches, want exactly 1 warning: %v", logs.Len(), len(warn), logs.All())
	}
	f := warn[0].ContextMap()
	if f["issuer"] != aaIssuer || f["url"] != srv.URL+"/jwks" || !strings.Contains(fmt.Sprint(f["error"]), "status 503") {
		t.Fatalf("failure line fields: %v", f)
	}

	failing.Store(false)
	fetch(3)
	info := logs.FilterLevelExact(zapcore.InfoLevel).All()
	if len(info) != 1 || logs.Len() != 2 {
		t.Fatalf("%d lines (%d info) after recovery, want 1 warning and 1 info: %v", logs.Len(), len(info), logs.All())
	}
	if f := info[0].ContextMap(); f["issuer"] != aaIssuer || f["failures"] != int64(5) {
		t.Fatalf("recovery line fields: %v", f)
	}
}
