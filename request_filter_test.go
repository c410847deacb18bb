package gatehouse

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/gatehouse-dev/caddy-gatehouse/filter"
)

// rfEvilRule makes blocking independent of the value layer's detectors.
var rfEvilRule = filter.CustomRule{ID: "evil", Pattern: `EVIL`}

func rfProvision(t *testing.T, cfg filter.Config) (*RequestFilter, *observer.ObservedLogs) {
	t.Helper()
	ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
	t.Cleanup(cancel)
	h := &RequestFilter{Config: cfg}
	if err := h.Provision(ctx); err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if err := h.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	core, logs := observer.New(zapcore.InfoLevel)
	h.logger = zap.New(core)
	h.decisions.logger = h.logger
	return h, logs
}

// rfRequest builds a request as Caddy's server would hand it over:
// replacer, vars with the client IP, original request, extra log fields.
func rfRequest(method, target, origTarget, clientIP string, body io.Reader) *http.Request {
	r := httptest.NewRequest(method, target, body)
	orig := httptest.NewRequest(method, origTarget, nil)
	ctx := r.Context()
	ctx = context.WithValue(ctx, caddyhttp.VarsCtxKey, map[string]any{caddyhttp.ClientIPVarKey: clientIP})
	ctx = context.WithValue(ctx, caddyhttp.OriginalRequestCtxKey, *orig)
	ctx = context.WithValue(ctx, caddyhttp.ExtraLogFieldsCtxKey, new(caddyhttp.ExtraLogFields))
	r = r.WithContext(ctx)
	caddyhttp.NewTestReplacer(r) // after the extra log fields, which {http.request.uuid} uses
	return r
}

// rfNext is a fake backend that reads the whole body.
type rfNext struct {
	called bool
	body   string
	err    error
}

func (n *rfNext) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	n.called = true
	b, err := io.ReadAll(r.Body)
	n.body, n.err = string(b), err
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func TestRequestFilterServeHTTP(t *testing.T) {
	tests := []struct {
		name       string
		cfg        filter.Config
		method     string
		target     string // after a rewrite
		orig       string // as the client sent it
		clientIP   string
		body       string
		accept     string
		wantStatus int
		wantNext   bool
		wantAction string
		wantBody   string // substring of the response body
		wantLog    string // message of the one log line; "" for none
	}{
		{name: "pass", target: "/a?q=hello", orig: "/a?q=hello", wantStatus: 200, wantNext: true, wantAction: "pass"},
		{name: "block", target: "/a?q=EVIL", orig: "/a?q=EVIL", wantStatus: 403, wantAction: "block", wantBody: "Request blocked. Request ID: ", wantLog: "request_filter: block"},
		{name: "json answer", target: "/a?q=EVIL", orig: "/a?q=EVIL", accept: "application/json", wantStatus: 403, wantAction: "block", wantBody: `{"error":"request blocked","request_id":"`, wantLog: "request_filter: block"},
		{name: "original URI, not the rewrite", target: "/index.php", orig: "/a?q=EVIL", wantStatus: 403, wantAction: "block", wantLog: "request_filter: block"},
		{name: "custom status", cfg: filter.Config{BlockStatus: 418}, target: "/?q=EVIL", orig: "/?q=EVIL", wantStatus: 418, wantAction: "block", wantLog: "request_filter: block"},
		{name: "detect only", cfg: filter.Config{DetectOnly: true}, target: "/?q=EVIL", orig: "/?q=EVIL", wantStatus: 200, wantNext: true, wantAction: "detect", wantLog: "request_filter: would_block"},
		{name: "deny by client_ip var", cfg: filter.Config{DenyIPs: []string{"198.51.100.0/24"}}, target: "/", orig: "/", clientIP: "198.51.100.7", wantStatus: 403, wantAction: "block", wantLog: "request_filter: block"},
		{name: "allow list bypasses", cfg: filter.Config{AllowIPs: []string{"10.0.0.0/8"}}, target: "/?q=EVIL", orig: "/?q=EVIL", clientIP: "10.1.1.1", wantStatus: 200, wantNext: true, wantAction: "bypass"},
		{name: "body restored for the backend", method: "POST", target: "/", orig: "/", body: "a=1&b=two", wantStatus: 200, wantNext: true, wantAction: "pass"},
		{name: "body blocked", method: "POST", target: "/", orig: "/", body: "a=1&b=EVIL", wantStatus: 403, wantAction: "block", wantLog: "request_filter: block"},
		{name: "body too large", cfg: filter.Config{MaxBodySize: 4}, method: "POST", target: "/", orig: "/", body: "a=1&b=2", wantStatus: 413, wantAction: "block", wantLog: "request_filter: block"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.CustomRules = append(tc.cfg.CustomRules, rfEvilRule)
			h, logs := rfProvision(t, tc.cfg)
			method := tc.method
			if method == "" {
				method = "GET"
			}
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			r := rfRequest(method, tc.target, tc.orig, tc.clientIP, body)
			if tc.body != "" {
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if tc.accept != "" {
				r.Header.Set("Accept", tc.accept)
			}
			w := httptest.NewRecorder()
			next := &rfNext{}
			if err := h.ServeHTTP(w, r, next); err != nil {
				t.Fatalf("ServeHTTP: %v", err)
			}
			if w.Code != tc.wantStatus || next.called != tc.wantNext {
				t.Fatalf("status %d next %v, want %d %v", w.Code, next.called, tc.wantStatus, tc.wantNext)
			}
			if next.called && next.body != tc.body {
				t.Errorf("backend got body %q, want %q", next.body, tc.body)
			}
			if !strings.Contains(w.Body.String(), tc.wantBody) {
				t.Errorf("response body %q, want it to contain %q", w.Body.String(), tc.wantBody)
			}
			if got := testutil.ToFloat64(h.metrics.requests.WithLabelValues(tc.wantAction)); got < 1 {
				t.Errorf("requests_total{action=%q} = %v", tc.wantAction, got)
			}
			entries := logs.All()
			if tc.wantLog == "" {
				if len(entries) != 0 {
					t.Errorf("unexpected log lines: %v", entries)
				}
				return
			}
			if len(entries) != 1 || entries[0].Message != tc.wantLog {
				t.Fatalf("log lines %v, want one %q", entries, tc.wantLog)
			}
			fields := entries[0].ContextMap()
			if fields["request_id"] == "" || fields["rules"] == nil || fields["matches"] == nil {
				t.Errorf("log line lacks request_id/rules/matches: %v", fields)
			}
			if tc.wantBody != "" {
				if id, _ := fields["request_id"].(string); !strings.Contains(w.Body.String(), id) {
					t.Errorf("response %q does not carry request id %q", w.Body.String(), id)
				}
			}
		})
	}
}

// TestRequestFilterMatchMetrics checks the per-category counter.
func TestRequestFilterMatchMetrics(t *testing.T) {
	h, _ := rfProvision(t, filter.Config{CustomRules: []filter.CustomRule{rfEvilRule}})
	before := testutil.ToFloat64(h.metrics.matches.WithLabelValues("custom"))
	r := rfRequest("GET", "/?q=EVIL", "/?q=EVIL", "", nil)
	if err := h.ServeHTTP(httptest.NewRecorder(), r, &rfNext{}); err != nil {
		t.Fatal(err)
	}
	if got := testutil.ToFloat64(h.metrics.matches.WithLabelValues("custom")); got != before+1 {
		t.Errorf("matches_total{category=custom} = %v, want %v", got, before+1)
	}
}

type rfFailingBody struct{}

func (rfFailingBody) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestRequestFilterBodyErrors(t *testing.T) {
	h, _ := rfProvision(t, filter.Config{MaxBodySize: 8, InspectBodyLimit: 4, BodyOverLimit: filter.OverLimitInspectPrefix})

	r := rfRequest("POST", "/", "/", "", rfFailingBody{})
	r.Header.Set("Content-Type", "text/plain")
	err := h.ServeHTTP(httptest.NewRecorder(), r, &rfNext{})
	var he caddyhttp.HandlerError
	if !errors.As(err, &he) || he.StatusCode != http.StatusBadRequest {
		t.Errorf("broken body: err %v, want a 400 handler error", err)
	}

	// Unknown length past max_body_size: the backend's read fails with 413.
	r = rfRequest("POST", "/", "/", "", strings.NewReader("0123456789abcdef"))
	r.Header.Set("Content-Type", "text/plain")
	r.ContentLength = -1
	next := &rfNext{}
	err = h.ServeHTTP(httptest.NewRecorder(), r, next)
	if !errors.As(err, &he) || he.StatusCode != http.StatusRequestEntityTooLarge || !next.called {
		t.Errorf("oversized stream: err %v, want a 413 handler error from the backend's read", err)
	}
}

func TestRequestFilterProvisionErrors(t *testing.T) {
	ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
	defer cancel()
	for _, cfg := range []filter.Config{
		{DenyIPsFile: "/nonexistent/deny.txt"},
		{CustomRules: []filter.CustomRule{{ID: "x", Pattern: "("}}},
		{Paranoia: 9},
	} {
		h := &RequestFilter{Config: cfg}
		if err := h.Provision(ctx); err == nil {
			t.Errorf("%+v: provisioned", cfg)
		}
	}
	if err := (&RequestFilter{Config: filter.Config{BlockStatus: 99}}).Validate(); err == nil {
		t.Error("Validate accepted block_status 99")
	}
}

func TestLogSampler(t *testing.T) {
	now := time.Unix(0, 0)
	s := newLogSampler(2, func() time.Time { return now })
	var got []bool
	for range 4 {
		ok, _ := s.allow()
		got = append(got, ok)
	}
	if want := []bool{true, true, false, false}; !slices.Equal(got, want) {
		t.Fatalf("burst: %v, want %v", got, want)
	}
	now = now.Add(600 * time.Millisecond)
	ok, suppressed := s.allow()
	if !ok || suppressed != 2 {
		t.Errorf("after refill: ok %v suppressed %d, want true 2", ok, suppressed)
	}
}

// TestRequestFilterBlockedAsError: with blocked_as_error the handler writes
// nothing and returns a HandlerError carrying the status and the request
// id, for the server's handle_errors routes.
func TestRequestFilterBlockedAsError(t *testing.T) {
	for _, status := range []int{0, 406} {
		h, logs := rfProvision(t, filter.Config{CustomRules: []filter.CustomRule{rfEvilRule}, BlockStatus: status})
		h.BlockedAsError = true
		r := rfRequest("GET", "/?q=EVIL", "/?q=EVIL", "192.0.2.1", nil)
		repl := r.Context().Value(caddy.ReplacerCtxKey).(*caddy.Replacer)
		uuid, _ := repl.GetString("http.request.uuid")
		w := httptest.NewRecorder()
		next := &rfNext{}
		err := h.ServeHTTP(w, r, next)
		var he caddyhttp.HandlerError
		if !errors.As(err, &he) {
			t.Fatalf("status %d: error %v, want a HandlerError", status, err)
		}
		want := status
		if want == 0 {
			want = http.StatusForbidden
		}
		if he.StatusCode != want || he.ID == "" || he.ID != uuid {
			t.Errorf("HandlerError status %d id %q, want %d id %q", he.StatusCode, he.ID, want, uuid)
		}
		if strings.Contains(he.Err.Error(), "evil") {
			t.Errorf("error message names the rule: %q", he.Err)
		}
		if next.called || w.Body.Len() != 0 || w.Header().Get("Content-Type") != "" {
			t.Errorf("handler answered itself: next %v, body %q", next.called, w.Body.String())
		}
		if logs.FilterMessage("request_filter: block").Len() != 1 {
			t.Errorf("block not logged: %v", logs.All())
		}
	}
}

// TestRequestFilterLogRate: log_rate bounds the block lines; off writes
// every one.
func TestRequestFilterLogRate(t *testing.T) {
	tests := []struct {
		rate, requests, wantLines int
	}{
		{0, 30, defaultDecisionLogRate},
		{3, 10, 3},
		{-1, 30, 30},
	}
	for _, tc := range tests {
		h, _ := rfProvision(t, filter.Config{CustomRules: []filter.CustomRule{rfEvilRule}})
		h.LogRate = tc.rate
		ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
		if err := h.Provision(ctx); err != nil {
			t.Fatal(err)
		}
		cancel()
		core, logs := observer.New(zapcore.InfoLevel)
		h.logger = zap.New(core)
		h.decisions.logger = h.logger
		// Freeze the sampler's clock: no refill during the burst.
		if s := h.decisions.sampler; s != nil {
			t0 := time.Now()
			s.now = func() time.Time { return t0 }
		}
		for range tc.requests {
			r := rfRequest("GET", "/?q=EVIL", "/?q=EVIL", "192.0.2.1", nil)
			_ = h.ServeHTTP(httptest.NewRecorder(), r, &rfNext{})
		}
		if got := logs.FilterMessage("request_filter: block").Len(); got != tc.wantLines {
			t.Errorf("log_rate %d: %d lines for %d blocks, want %d", tc.rate, got, tc.requests, tc.wantLines)
		}
	}
}

func TestRequestFilterUnmarshalHandlerOptions(t *testing.T) {
	tests := []struct {
		input   string
		asError bool
		rate    int
		err     string
	}{
		{input: "request_filter {\n blocked_as_error\n log_rate 5\n}", asError: true, rate: 5},
		{input: "request_filter {\n log_rate off\n}", rate: -1},
		{input: "request_filter {\n blocked_as_error yes\n}", err: "wrong argument count"},
		{input: "request_filter {\n log_rate 0\n}", err: "positive integer"},
		{input: "request_filter {\n log_rate\n}", err: "wrong argument count"},
	}
	for _, tc := range tests {
		var rf RequestFilter
		err := rf.UnmarshalCaddyfile(caddyfile.NewTestDispenser(tc.input))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "Testfile:") {
				t.Errorf("%q: error %v, want one containing %q and the file:line", tc.input, err, tc.err)
			}
			continue
		}
		if err != nil || rf.BlockedAsError != tc.asError || rf.LogRate != tc.rate {
			t.Errorf("%q: got %v %d (%v), want %v %d", tc.input, rf.BlockedAsError, rf.LogRate, err, tc.asError, tc.rate)
		}
	}
}
