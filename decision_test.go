package gatehouse

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

// decisionFieldNames are the fields every decision line carries, in every
// module: operators filter on them across modules.
var decisionFieldNames = []string{"category", "client_ip", "decision", "host", "method", "module", "monitor", "path", "reason", "request_id", "rule", "user"}

func newTestDecisionLog(t *testing.T, module string, rate int) (*decisionLog, *observer.ObservedLogs) {
	t.Helper()
	m, err := newDecisionMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zapcore.DebugLevel)
	return newDecisionLogWith(module, zap.New(core), rate, m), logs
}

func TestDecisionLogFormat(t *testing.T) {
	l, logs := newTestDecisionLog(t, "request_filter", -1)
	r := rfRequest("GET", "/api/items?token=SECRET", "/api/items?token=SECRET", "203.0.113.5", nil)
	l.record(r, decision{Decision: decisionBlock, Rule: "sqli-union", Reason: "sqli", Category: "sqli", Status: 403, User: "alice"})
	l.record(r, decision{Decision: decisionWouldMask, Reason: "card", Category: "card", Monitor: true})
	entries := logs.All()
	if len(entries) != 2 {
		t.Fatalf("%d lines, want 2", len(entries))
	}
	for _, e := range entries {
		f := e.ContextMap()
		for _, name := range decisionFieldNames {
			if _, ok := f[name]; !ok {
				t.Errorf("%q: no %s field: %v", e.Message, name, f)
			}
		}
		if f["path"] != "/api/items" || f["client_ip"] != "203.0.113.5" || f["request_id"] == "" {
			t.Errorf("%q: path/client/request id = %v %v %v", e.Message, f["path"], f["client_ip"], f["request_id"])
		}
	}
	if entries[0].Level != zapcore.WarnLevel || entries[0].Message != "request_filter: block" || entries[0].ContextMap()["status"] != int64(403) {
		t.Errorf("block line: %v %q %v", entries[0].Level, entries[0].Message, entries[0].ContextMap())
	}
	if entries[1].Level != zapcore.InfoLevel || entries[1].ContextMap()["monitor"] != true {
		t.Errorf("monitor line: %v %v", entries[1].Level, entries[1].ContextMap())
	}
	if got := testutil.ToFloat64(l.metrics.decisions.WithLabelValues("request_filter", "block", "sqli")); got != 1 {
		t.Errorf("decisions_total{block,sqli} = %v", got)
	}
}

// TestDecisionLogRate: past the rate, lines are dropped and counted; the
// next line written says how many.
func TestDecisionLogRate(t *testing.T) {
	l, logs := newTestDecisionLog(t, "api_auth", 5)
	now := time.Unix(1000, 0)
	l.sampler.now = func() time.Time { return now }
	l.sampler.last = now
	r := httptest.NewRequest("GET", "/", nil)
	for range 12 {
		l.record(r, decision{Decision: decisionBlock, Reason: "signature"})
	}
	if n := logs.Len(); n != 5 {
		t.Fatalf("%d lines at rate 5, want 5", n)
	}
	if got := testutil.ToFloat64(l.metrics.dropped.WithLabelValues("api_auth")); got != 7 {
		t.Errorf("dropped_total = %v, want 7", got)
	}
	if got := testutil.ToFloat64(l.metrics.decisions.WithLabelValues("api_auth", "block", "signature")); got != 12 {
		t.Errorf("metrics must count every decision: %v", got)
	}
	now = now.Add(time.Second)
	l.record(r, decision{Decision: decisionBlock, Reason: "signature"})
	last := logs.All()[logs.Len()-1].ContextMap()
	if last["dropped_since_last"] != int64(7) {
		t.Errorf("dropped_since_last = %v, want 7", last["dropped_since_last"])
	}
}

type recordingObserver struct{ got []string }

func (o *recordingObserver) observeDecision(_ *http.Request, module string, d *decision) {
	o.got = append(o.got, module+":"+d.Decision+":"+d.Reason)
}

func TestDecisionObservers(t *testing.T) {
	l, _ := newTestDecisionLog(t, "api_auth", -1)
	a, b := &recordingObserver{}, &recordingObserver{}
	unA := registerDecisionObserver(a)
	unB := registerDecisionObserver(b)
	r := httptest.NewRequest("GET", "/", nil)
	l.record(r, decision{Decision: decisionBlock, Reason: "expired"})
	l.allowed() // allow decisions are not observed
	unA()
	l.record(r, decision{Decision: decisionBlock, Reason: "signature"})
	unB()
	l.record(r, decision{Decision: decisionBlock, Reason: "missing"})
	if len(a.got) != 1 || a.got[0] != "api_auth:block:expired" {
		t.Errorf("first observer saw %v", a.got)
	}
	sort.Strings(b.got)
	if len(b.got) != 2 || b.got[0] != "api_auth:block:expired" || b.got[1] != "api_auth:block:signature" {
		t.Errorf("second observer saw %v", b.got)
	}
}

func TestMonitorOnPrecedence(t *testing.T) {
	on, off := true, false
	withVar := func(v any) *http.Request {
		r := rfRequest("GET", "/", "/", "192.0.2.1", nil)
		if v != nil {
			caddyhttp.SetVar(r.Context(), monitorVarKey, v)
		}
		return r
	}
	tests := []struct {
		name       string
		own        *bool
		siteVar    any
		appDefault bool
		want       bool
	}{
		{"nothing set: enforce", nil, nil, false, false},
		{"global option", nil, nil, true, true},
		{"site overrides global", nil, false, true, false},
		{"site monitor", nil, true, false, true},
		{"module overrides site", &off, true, true, false},
		{"module monitor", &on, false, false, true},
	}
	for _, tc := range tests {
		if got := monitorOn(withVar(tc.siteVar), tc.own, tc.appDefault); got != tc.want {
			t.Errorf("%s: monitorOn = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestAccessLogFields: the extra access-log fields are handed out unless
// the request's server writes no access log, and the request id is the
// one Caddy made, read again without re-adding it to the log fields.
func TestAccessLogFields(t *testing.T) {
	for _, tc := range []struct {
		name string
		srv  *caddyhttp.Server
		want bool
	}{
		{"no server (a handler outside Caddy's server)", nil, true},
		{"server without access log", &caddyhttp.Server{}, false},
		{"server with access log", &caddyhttp.Server{Logs: &caddyhttp.ServerLogConfig{}}, true},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		w := httptest.NewRecorder()
		r = caddyhttp.PrepareRequest(r, caddy.NewReplacer(), w, tc.srv)
		if got := accessLogFields(r) != nil; got != tc.want {
			t.Errorf("%s: fields handed out %v, want %v", tc.name, got, tc.want)
		}
		pinRequestID(r)
		id := decisionRequestID(r)
		if len(id) != 36 || decisionRequestID(r) != id {
			t.Errorf("%s: request id %q, then %q: want one uuid", tc.name, id, decisionRequestID(r))
		}
	}
}

// TestBeforeUpstreamRequestID: once the upstream may have started, the
// request's variables are only read. With an access log Caddy's id is made
// before the upstream (the decision lines' request_id is the access log's
// uuid); without one no id is made until a decision asks for it, and then
// the same id answers every later ask.
func TestBeforeUpstreamRequestID(t *testing.T) {
	l, _ := newTestDecisionLog(t, "response_redact", -1)
	for _, tc := range []struct {
		name      string
		srv       *caddyhttp.Server
		caddyMade bool // Caddy's id exists after beforeUpstream
	}{
		{"server without access log", &caddyhttp.Server{}, false},
		{"server with access log", &caddyhttp.Server{Logs: &caddyhttp.ServerLogConfig{}}, true},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r = caddyhttp.PrepareRequest(r, caddy.NewReplacer(), httptest.NewRecorder(), tc.srv)
		l.beforeUpstream(r)
		_, made := caddyhttp.GetVar(r.Context(), caddyRequestIDVar).(fmt.Stringer)
		if made != tc.caddyMade {
			t.Errorf("%s: Caddy's request id made before the upstream: %v, want %v", tc.name, made, tc.caddyMade)
		}
		id := decisionRequestID(r)
		if len(id) != 36 || decisionRequestID(r) != id {
			t.Errorf("%s: request id %q, then %q: want one uuid", tc.name, id, decisionRequestID(r))
		}
		if _, made = caddyhttp.GetVar(r.Context(), caddyRequestIDVar).(fmt.Stringer); made != tc.caddyMade {
			t.Errorf("%s: Caddy's request id made after the upstream started", tc.name)
		}
	}

	// An id made before (a request-phase decision) is the one kept.
	r := httptest.NewRequest("GET", "/", nil)
	r = caddyhttp.PrepareRequest(r, caddy.NewReplacer(), httptest.NewRecorder(), &caddyhttp.Server{})
	before := decisionRequestID(r)
	l.beforeUpstream(r)
	if got := decisionRequestID(r); got != before {
		t.Errorf("request id %q after the upstream, %q before", got, before)
	}
}
