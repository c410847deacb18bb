package gatehouse

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/gatehouse-dev/caddy-gatehouse/filter"
)

// TestResponseRedactMonitorPassesUnchanged: in monitor mode the client gets
// the upstream's bytes and headers as sent (compressed, error pages, past
// max_size), while the would-be outcome is counted.
func TestResponseRedactMonitorPassesUnchanged(t *testing.T) {
	on := true
	leaky := []byte(`{"email":"ada@example.com","card":"4111 1111 1111 1111","n":1}`)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(leaky)
	_ = zw.Close()
	stack := []byte("<pre>java.sql.SQLException: ORA-00942\n\tat com.acme.Repo.find(Repo.java:42)</pre>")
	big := []byte(`{"v":"` + strings.Repeat("a", 4096) + ` ada@example.com"}`)

	tests := []struct {
		name         string
		change       func(*ResponseRedact)
		up           *upstream
		wantDecision string
		wantReason   string
	}{
		{"masked values", nil, &upstream{header: jsonHeader("Server", "gunicorn", "X-Powered-By", "Express"), body: leaky, chunk: 7, flush: true}, decisionWouldMask, ""},
		{"gzip body", nil, &upstream{header: jsonHeader("Content-Encoding", "gzip"), body: gz.Bytes()}, decisionWouldMask, ""},
		{"error page", nil, &upstream{status: 500, header: http.Header{"Content-Type": {"text/html"}}, body: stack}, decisionWouldBlock, resultErrorPage},
		{"past max_size", func(h *ResponseRedact) { h.MaxSize = 1024 }, &upstream{header: jsonHeader(), body: big, chunk: 512}, decisionWouldBlock, resultLimitFailed},
		{"clean", nil, &upstream{header: jsonHeader("Etag", `"v1"`, "Content-Length", "8"), body: []byte(`{"n":1}` + "\n")}, decisionAllow, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newTestRedact(t, func(h *ResponseRedact) {
				h.Monitor = &on
				if tc.change != nil {
					tc.change(h)
				}
			})
			logs := observeLogs(h)
			res := serve(h, http.MethodGet, tc.up, nil)
			if res.panicked != nil || res.err != nil {
				t.Fatalf("panic %v err %v", res.panicked, res.err)
			}
			if res.status() != max(tc.up.status, 200) || !bytes.Equal(res.rec.Body.Bytes(), tc.up.body) {
				t.Errorf("client got %d %q, want %d and the upstream's bytes", res.status(), res.rec.Body.Bytes(), tc.up.status)
			}
			for k, v := range tc.up.header {
				if got := res.rec.Header()[k]; strings.Join(got, ",") != strings.Join(v, ",") {
					t.Errorf("header %s = %q, want %q unchanged", k, got, v)
				}
			}
			if tc.up.seenHdr.Get("Accept-Encoding") != "gzip, br" {
				t.Errorf("upstream saw Accept-Encoding %q, want the client's", tc.up.seenHdr.Get("Accept-Encoding"))
			}
			if tc.wantDecision == decisionAllow {
				if n := logs.FilterMessageSnippet("response_redact: ").Len(); n != 0 {
					t.Errorf("clean response logged %d decision lines", n)
				}
				return
			}
			lines := logs.FilterMessage("response_redact: " + tc.wantDecision).All()
			if len(lines) != 1 || lines[0].ContextMap()["monitor"] != true {
				t.Fatalf("want one %s line, got %v", tc.wantDecision, logs.All())
			}
			if tc.wantReason != "" && lines[0].ContextMap()["reason"] != tc.wantReason {
				t.Errorf("reason %v, want %s", lines[0].ContextMap()["reason"], tc.wantReason)
			}
		})
	}
}

// TestAPIAuthMonitor: a request that would be rejected goes on anonymously
// with its credential in place; a valid one still sets the identity.
func TestAPIAuthMonitor(t *testing.T) {
	on := true
	h := aaHMACHandler(func(a *APIAuth) { a.Monitor = &on; a.StripCredentials = true })
	logs := aaProvision(t, h)
	for _, tc := range []struct {
		name, auth string
		wantUser   string
		wantLine   bool
	}{
		{"no credential", "", "", true},
		{"bad signature", "Bearer " + aaToken(t, nil)[:40] + "x.y", "", true},
		{"valid", "Bearer " + aaToken(t, nil), "alice", false},
	} {
		before := logs.Len()
		r, repl := aaRequest("GET", "http://x/api")
		if tc.auth != "" {
			r.Header.Set("Authorization", tc.auth)
		}
		res := aaServe(t, h, r)
		if res.upstream == nil || res.status != http.StatusNoContent {
			t.Errorf("%s: status %d, next ran %v; monitor mode must pass", tc.name, res.status, res.upstream != nil)
			continue
		}
		if got := res.upstream.Header.Get("Authorization"); got != tc.auth {
			t.Errorf("%s: upstream Authorization %q, want it unchanged", tc.name, got)
		}
		if id, _ := repl.GetString("http.auth.user.id"); id != tc.wantUser {
			t.Errorf("%s: user %q, want %q", tc.name, id, tc.wantUser)
		}
		lines := logs.All()[before:]
		if tc.wantLine != (len(lines) == 1 && lines[0].Message == "api_auth: would_block") {
			t.Errorf("%s: decision lines %v", tc.name, lines)
		}
	}
	if got := testutil.ToFloat64(h.metrics.requests.WithLabelValues("monitored", "missing")); got != 1 {
		t.Errorf("auth_requests_total{monitored,missing} = %v", got)
	}
}

// TestRequestFilterSiteMonitor: the site's gatehouse handler turns a block
// into would_block; the filter's own monitor off wins over it.
func TestRequestFilterSiteMonitor(t *testing.T) {
	for _, tc := range []struct {
		name       string
		own        *bool
		wantStatus int
	}{
		{"site monitor", nil, 200},
		{"module enforces", new(bool), 403},
	} {
		h, logs := rfProvision(t, filter.Config{CustomRules: []filter.CustomRule{rfEvilRule}})
		h.Monitor = tc.own
		r := rfRequest("GET", "/?q=EVIL", "/?q=EVIL", "192.0.2.1", nil)
		g := &Gatehouse{Monitor: new(bool)}
		*g.Monitor = true
		w := httptest.NewRecorder()
		next := &rfNext{}
		if err := g.ServeHTTP(w, r, caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			return h.ServeHTTP(w, r, next)
		})); err != nil {
			t.Fatal(err)
		}
		if w.Code != tc.wantStatus {
			t.Errorf("%s: status %d, want %d", tc.name, w.Code, tc.wantStatus)
		}
		want := "request_filter: block"
		if tc.wantStatus == 200 {
			want = "request_filter: would_block"
		}
		if logs.FilterMessage(want).Len() != 1 {
			t.Errorf("%s: want one %q line, got %v", tc.name, want, logs.All())
		}
	}
}
