package gatehouse

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/gatehouse-dev/caddy-gatehouse/authz"
)

func newTestContract(t *testing.T, change func(*APIContract)) *APIContract {
	t.Helper()
	h := &APIContract{Spec: "contract/testdata/features.yaml"}
	if change != nil {
		change(h)
	}
	ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
	t.Cleanup(cancel)
	if err := h.Provision(ctx); err != nil {
		t.Fatal(err)
	}
	return h
}

// contractRequest runs one request through h with a backend answering
// body; reached says whether the backend saw it.
func contractRequest(t *testing.T, h *APIContract, r *http.Request, id *authz.Identity, status int, body string) (*httptest.ResponseRecorder, bool) {
	t.Helper()
	repl := caddy.NewReplacer()
	ctx := context.WithValue(r.Context(), caddy.ReplacerCtxKey, repl)
	ctx = context.WithValue(ctx, caddyhttp.VarsCtxKey, map[string]any{})
	r = r.WithContext(ctx)
	if id != nil {
		caddyhttp.SetVar(r.Context(), identityVarKey, id)
	}
	reached := false
	next := caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		reached = true
		_, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "999")
		w.WriteHeader(status)
		_, err := io.WriteString(w, body)
		return err
	})
	w := httptest.NewRecorder()
	if err := h.ServeHTTP(w, r, next); err != nil {
		if he, ok := err.(caddyhttp.HandlerError); ok {
			w.Code = he.StatusCode
		} else {
			t.Fatal(err)
		}
	}
	return w, reached
}

func TestAPIContractRequests(t *testing.T) {
	h := newTestContract(t, nil)
	reader := &authz.Identity{ID: "u1", Scopes: []string{"pets:read"}}
	tests := []struct {
		name, method, target, ct, body string
		id                             *authz.Identity
		status                         int
		reached                        bool
		contains                       string
	}{
		{"valid", "GET", "/v1/pets?limit=5", "", "", reader, 200, true, ""},
		{"undefined path", "GET", "/v1/admin", "", "", reader, 404, false, "not defined"},
		{"undefined method", "PATCH", "/v1/pets", "", "", reader, 405, false, ""},
		{"bad parameter", "GET", "/v1/pets?limit=1000", "", "", reader, 400, false, `"name":"limit"`},
		{"unauthenticated", "GET", "/v1/pets", "", "", nil, 401, false, ""},
		{"insufficient scope", "POST", "/v1/pets", "application/json", `{"name":"Rex"}`, reader, 403, false, ""},
		{"mass assignment", "POST", "/v1/pets", "application/json", `{"name":"Rex","isAdmin":true}`, &authz.Identity{ID: "w", Scopes: []string{"pets:write"}}, 400, false, `"pointer":"/isAdmin"`},
		{"encoded traversal", "GET", "/v1/pets/%2e%2e/admin", "", "", reader, 400, false, ""},
		{"encoded slash", "GET", "/v1/pets%2F1", "", "", reader, 400, false, ""},
		{"case", "GET", "/v1/PETS", "", "", reader, 404, false, ""},
		{"trailing slash is the same path", "GET", "/v1/pets/", "", "", reader, 200, true, ""},
		{"inner double slash is forwarded canonical", "GET", "/v1//pets", "", "", reader, 200, true, ""},
		{"leading double slash", "GET", "//v1/pets", "", "", reader, 400, false, ""},
		{"dot segment", "GET", "/v1/./pets", "", "", reader, 200, true, ""},
		{"encoded letters", "GET", "/v1/p%65ts", "", "", reader, 200, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			if tt.body == "" {
				r = httptest.NewRequest(tt.method, tt.target, nil)
			}
			if tt.ct != "" {
				r.Header.Set("Content-Type", tt.ct)
			}
			w, reached := contractRequest(t, h, r, tt.id, 200, `[]`)
			if w.Code != tt.status || reached != tt.reached {
				t.Fatalf("status %d reached %v, want %d %v; body %s", w.Code, reached, tt.status, tt.reached, w.Body)
			}
			if tt.contains != "" && !strings.Contains(w.Body.String(), tt.contains) {
				t.Fatalf("body %s lacks %s", w.Body, tt.contains)
			}
			if tt.body != "" && w.Code == 400 && strings.Contains(w.Body.String(), "true") {
				t.Fatalf("problem echoes the value: %s", w.Body)
			}
		})
	}
	r := httptest.NewRequest("PATCH", "/v1/pets", nil)
	w, _ := contractRequest(t, h, r, reader, 200, "")
	if w.Header().Get("Allow") != "GET, HEAD, POST" {
		t.Fatalf("Allow %q", w.Header().Get("Allow"))
	}
	r = httptest.NewRequest("POST", "/v1/pets", strings.NewReader(`{}`))
	w, _ = contractRequest(t, h, r, reader, 200, "")
	if !strings.Contains(w.Header().Get("WWW-Authenticate"), `error="insufficient_scope", scope="pets:write"`) {
		t.Fatalf("challenge %q", w.Header().Get("WWW-Authenticate"))
	}
}

func TestAPIContractUnknownPathsPass(t *testing.T) {
	h := newTestContract(t, func(h *APIContract) {
		h.UnknownPaths = []ContractPathRule{{Prefix: "/legacy", Action: contractPass}}
	})
	for target, want := range map[string]bool{"/legacy/x": true, "/legacy": true, "/legacyx": false, "/other": false} {
		_, reached := contractRequest(t, h, httptest.NewRequest("GET", target, nil), nil, 200, "")
		if reached != want {
			t.Errorf("%s: reached %v, want %v", target, reached, want)
		}
	}
}

func TestAPIContractResponses(t *testing.T) {
	reader := &authz.Identity{ID: "u1", Scopes: []string{"pets:read"}}
	leaky := `[{"id":1,"name":"Rex","password_hash":"x","owner":{"name":"A","ssn":"1"}}]`
	tests := []struct {
		name   string
		change func(*APIContract)
		status int
		body   string
		code   int
		want   string
	}{
		{"strip", nil, 200, leaky, 200, `[{"id":1,"name":"Rex","owner":{"name":"A"}}]`},
		{"monitor keeps the body", func(h *APIContract) { on := true; h.Monitor = &on }, 200, leaky, 200, leaky},
		{"check keeps the body", func(h *APIContract) { h.Responses = contractResponsesCheck }, 200, leaky, 200, leaky},
		{"undeclared status passes", nil, 500, `{"trace":"x"}`, 500, `{"trace":"x"}`},
		{"undeclared status rejected", func(h *APIContract) { h.OnMismatch = contractReject }, 500, `{"trace":"x"}`, 502, "Bad Gateway"},
		{"wrong type rejected", func(h *APIContract) { h.OnMismatch = contractReject }, 200, `{"not":"an array"}`, 502, "Bad Gateway"},
		{"wrong type passes", nil, 200, `{"a":1}`, 200, `{"a":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestContract(t, tt.change)
			w, _ := contractRequest(t, h, httptest.NewRequest("GET", "/v1/pets", nil), reader, tt.status, tt.body)
			if w.Code != tt.code || !strings.Contains(w.Body.String(), tt.want) {
				t.Fatalf("got %d %s, want %d %s", w.Code, w.Body, tt.code, tt.want)
			}
			// The upstream's length (999) never survives; a body held whole
			// gets its own.
			// (Bodies passed unchanged keep the fake upstream's header.)
			if cl := w.Header().Get("Content-Length"); tt.code == 200 && w.Body.String() != tt.body && cl != "" && cl != strconv.Itoa(w.Body.Len()) {
				t.Fatalf("Content-Length %s on a %d-byte body", cl, w.Body.Len())
			}
		})
	}
}

func TestAPIContractMonitorRequests(t *testing.T) {
	on := true
	h := newTestContract(t, func(h *APIContract) { h.Monitor = &on })
	for _, target := range []string{"/v1/admin", "/v1/pets?limit=1000", "/v1/pets%2F1"} {
		_, reached := contractRequest(t, h, httptest.NewRequest("GET", target, nil), nil, 200, "[]")
		if !reached {
			t.Errorf("%s: monitor mode refused", target)
		}
	}
}

func TestAPIContractLoadError(t *testing.T) {
	h := &APIContract{Spec: "testdata/does-not-exist.yaml"}
	ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
	defer cancel()
	if err := h.Provision(ctx); err == nil || !strings.Contains(err.Error(), "api_contract") {
		t.Fatalf("err %v", err)
	}
}

// TestAPIContractCutAfterHold: a mismatch found after response_hold bytes
// went out cannot become a 502; the upstream's write fails (the proxy then
// cuts the connection) and the outcome is recorded as a block.
func TestAPIContractCutAfterHold(t *testing.T) {
	h := newTestContract(t, func(h *APIContract) { h.OnMismatch = contractReject; h.ResponseHold = 16 })
	reader := &authz.Identity{ID: "u1", Scopes: []string{"pets:read"}}
	// Past the stripper's own 8 KiB buffer and the 16-byte hold.
	body := `[` + strings.Repeat(`{"name":"Rex"},`, 1000) + `{"name":5}]`
	var writeErr error
	r := httptest.NewRequest("GET", "/v1/pets", nil)
	repl := caddy.NewReplacer()
	ctx := context.WithValue(r.Context(), caddy.ReplacerCtxKey, repl)
	ctx = context.WithValue(ctx, caddyhttp.VarsCtxKey, map[string]any{})
	r = r.WithContext(ctx)
	caddyhttp.SetVar(r.Context(), identityVarKey, reader)
	next := caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "application/json")
		for i := 0; i < len(body); i += 64 {
			if _, err := io.WriteString(w, body[i:min(i+64, len(body))]); err != nil {
				writeErr = err
				return err
			}
		}
		return nil
	})
	w := httptest.NewRecorder()
	_ = h.ServeHTTP(w, r, next)
	if writeErr == nil {
		t.Fatal("the upstream was not stopped")
	}
	if w.Code != 200 || strings.Contains(w.Body.String(), `"name":5`) {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
}
