package gatehouse

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/gatehouse-dev/caddy-gatehouse/authz"
	"github.com/gatehouse-dev/caddy-gatehouse/authz/authn"
)

// BenchmarkChain measures each Gatehouse handler, and the four together, on
// the end-to-end benchmark's small GET with a (cached) JWT, in process and
// without the proxy: the CPU that a gateway adds per request.
func BenchmarkChain(b *testing.B) {
	secret := []byte("bench-hmac-secret-0123456789abcdef-0123456789")
	small := []byte(`{"id":42,"name":"blue widget","price":19.99,"currency":"EUR","stock":17,"tags":["tools","garden"],"updated":"2026-11-30T12:00:00Z","description":"A sturdy widget for everyday use."}`)
	token, err := authn.Mint("HS256", secret, "", map[string]any{"iss": "https://bench.gatehouse", "aud": "bench", "sub": "alice", "roles": []string{"reader"}, "exp": 4102444800})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
	defer cancel()
	provision := func(h caddy.Provisioner) caddyhttp.MiddlewareHandler {
		if err := h.Provision(ctx); err != nil {
			b.Fatal(err)
		}
		return h.(caddyhttp.MiddlewareHandler)
	}
	filter := provision(&RequestFilter{})
	auth := provision(&APIAuth{Issuers: []IssuerConfig{{Issuer: "https://bench.gatehouse", Audiences: []string{"bench"},
		Keys: []KeyConfig{{Secret: "base64:" + base64.StdEncoding.EncodeToString(secret)}}}}})
	access := provision(&AccessControl{Rules: []authz.Rule{{Name: "read", Action: "allow", Methods: []string{"GET", "POST"}, Paths: []string{"/small", "/post"}}}})
	redact := provision(&ResponseRedact{})
	contract := provision(&APIContract{Spec: "testdata/bench-openapi.yaml"})
	// The benchmark backend's answers (internal/benchbackend).
	backend := caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			n, _ := io.Copy(io.Discard, r.Body)
			_, err := fmt.Fprintf(w, `{"ok":true,"read":%d}`, n)
			return err
		}
		_, err := w.Write(small)
		return err
	})
	chain := func(hs ...caddyhttp.MiddlewareHandler) caddyhttp.Handler {
		var h caddyhttp.Handler = backend
		for i := len(hs) - 1; i >= 0; i-- {
			mw, next := hs[i], h
			h = caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error { return mw.ServeHTTP(w, r, next) })
		}
		return h
	}
	// A server as the end-to-end benchmark runs it: no access log.
	srv := &caddyhttp.Server{}
	cases := []struct {
		name string
		h    caddyhttp.Handler
	}{
		{"none", chain()},
		{"request_filter", chain(filter)},
		{"api_auth", chain(auth)},
		{"access_control", chain(access)},
		{"response_redact", chain(redact)},
		{"api_contract", chain(contract)},
		{"all", chain(filter, auth, access, redact)},
	}
	post := []byte(`{"order":{"customer":"alice","lines":[` + strings.Repeat(`{"sku":"SKU-000123","qty":2,"note":"gift wrap, ring the bell twice"},`, 13) + `{"sku":"SKU-000124","qty":1}]}}`)
	for _, tc := range cases {
		b.Run(tc.name+"/post_1k", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := httptest.NewRequest("POST", "/post", bytes.NewReader(post))
				r.Header.Set("Authorization", "Bearer "+token)
				r.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				r = caddyhttp.PrepareRequest(r, caddy.NewReplacer(), w, srv)
				_ = tc.h.ServeHTTP(w, r)
			}
		})
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := httptest.NewRequest("GET", "/small", nil)
				r.Header.Set("Authorization", "Bearer "+token)
				r.Header.Set("Accept-Encoding", "gzip")
				r.Header.Set("User-Agent", "wrk")
				w := httptest.NewRecorder()
				r = caddyhttp.PrepareRequest(r, caddy.NewReplacer(), w, srv)
				if err := tc.h.ServeHTTP(w, r); err != nil || w.Code != 200 {
					b.Fatalf("%v %d", err, w.Code)
				}
				_, _ = io.Copy(io.Discard, w.Body)
			}
		})
	}
}
