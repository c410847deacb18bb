package gatehouse

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/gatehouse-dev/caddy-gatehouse/authz"
	"github.com/gatehouse-dev/caddy-gatehouse/limits"
)

// abFakeClock is an injectable clock for the handler's tables.
type abFakeClock struct{ ns atomic.Int64 }

func (c *abFakeClock) now() int64              { return c.ns.Load() }
func (c *abFakeClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// abProvision builds a handler from a Caddyfile block, provisioned with a
// fake clock. Every test gets its own rule names (the tables are shared
// by name and limits, across reloads, as in production), so tests cannot
// see each other's counters.
func abProvision(t testing.TB, block string) (*AbuseControl, *abFakeClock) {
	t.Helper()
	h := new(AbuseControl)
	if err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser(block)); err != nil {
		t.Fatalf("Caddyfile: %v", err)
	}
	return abProvisionJSON(t, h)
}

func abProvisionJSON(t testing.TB, h *AbuseControl) (*AbuseControl, *abFakeClock) {
	t.Helper()
	if err := h.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
	t.Cleanup(cancel)
	if err := h.Provision(ctx); err != nil {
		t.Fatalf("Provision: %v", err)
	}
	t.Cleanup(func() { _ = h.Cleanup() })
	clock := &abFakeClock{}
	clock.ns.Store(int64(1000 * time.Second))
	h.clock = clock.now
	return h, clock
}

type abReq struct {
	ip     string
	id     *authz.Identity
	header map[string]string
	method string
	path   string
}

func abRequest(q abReq) *http.Request {
	if q.method == "" {
		q.method = http.MethodGet
	}
	if q.path == "" {
		q.path = "/api/x"
	}
	if q.ip == "" {
		q.ip = "192.0.2.1"
	}
	r := httptest.NewRequest(q.method, q.path, nil)
	for k, v := range q.header {
		r.Header.Set(k, v)
	}
	vars := map[string]any{caddyhttp.ClientIPVarKey: q.ip}
	if q.id != nil {
		vars[identityVarKey] = q.id
	}
	ctx := context.WithValue(r.Context(), caddyhttp.VarsCtxKey, vars)
	ctx = context.WithValue(ctx, caddyhttp.ExtraLogFieldsCtxKey, new(caddyhttp.ExtraLogFields))
	r = r.WithContext(ctx)
	repl := caddyhttp.NewTestReplacer(r)
	if q.id != nil {
		repl.Set("http.auth.user.id", q.id.ID)
	}
	return r
}

// abOK is a backend that counts calls.
type abOK struct{ calls atomic.Int64 }

func (n *abOK) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	n.calls.Add(1)
	w.WriteHeader(http.StatusOK)
	return nil
}

func abServe(t testing.TB, h *AbuseControl, r *http.Request) (*httptest.ResponseRecorder, error) {
	t.Helper()
	w := httptest.NewRecorder()
	err := h.ServeHTTP(w, r, &abOK{})
	return w, err
}

func TestAbuseControlRateAndHeaders(t *testing.T) {
	h, clock := abProvision(t, `abuse_control {
		rule hdr_test {
			rate 10/s burst 3 name sec
			quota 100/day name daily
		}
		legacy_headers
	}`)
	var last *httptest.ResponseRecorder
	for i := range 3 {
		w, err := abServe(t, h, abRequest(abReq{}))
		if err != nil || w.Code != http.StatusOK {
			t.Fatalf("request %d: %d %v", i, w.Code, err)
		}
		last = w
	}
	if got, want := last.Header().Get("RateLimit-Policy"), `"sec";q=10;w=1, "daily";q=100;w=86400`; got != want {
		t.Errorf("RateLimit-Policy %q, want %q", got, want)
	}
	// After 3 of a burst of 3: 0 left, full again in 300ms (→ 1s); the
	// daily quota has 97 left and is full again in 3 × 864s.
	if got, want := last.Header().Get("RateLimit"), `"sec";r=0;t=1, "daily";r=97;t=2592`; got != want {
		t.Errorf("RateLimit %q, want %q", got, want)
	}
	w, err := abServe(t, h, abRequest(abReq{}))
	if err != nil || w.Code != http.StatusTooManyRequests {
		t.Fatalf("4th: %d %v", w.Code, err)
	}
	if ra := w.Header().Get("Retry-After"); ra != "1" {
		t.Errorf("Retry-After %q", ra)
	}
	if got, want := w.Header().Get("RateLimit"), `"sec";r=0;t=1, "daily";r=97;t=2592`; got != want {
		t.Errorf("429 RateLimit %q, want %q", got, want)
	}
	if got := w.Header().Get("X-RateLimit-Remaining"); got != "0" {
		t.Errorf("X-RateLimit-Remaining %q", got)
	}
	if got := w.Header().Get("X-RateLimit-Limit"); got != "10" {
		t.Errorf("X-RateLimit-Limit %q", got)
	}
	var body map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body["error"] != "too many requests" || len(body) != 2 {
		t.Errorf("body %q (%v)", w.Body.String(), err)
	}
	if w.Header().Get("Content-Type") != "application/json" || w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("headers %v", w.Header())
	}
	// Another client is not affected.
	if w, _ := abServe(t, h, abRequest(abReq{ip: "192.0.2.2"})); w.Code != http.StatusOK {
		t.Fatalf("other client: %d", w.Code)
	}
	// Refill: one more after 100ms.
	clock.advance(100 * time.Millisecond)
	if w, _ := abServe(t, h, abRequest(abReq{})); w.Code != http.StatusOK {
		t.Fatalf("after refill: %d", w.Code)
	}
}

func TestAbuseControlProblemAndError(t *testing.T) {
	h, _ := abProvision(t, `abuse_control {
		rule problem_test {
			rate 1/m
		}
		body problem
		headers denied
	}`)
	w, _ := abServe(t, h, abRequest(abReq{}))
	if w.Header().Get("RateLimit") != "" {
		t.Error("headers denied: RateLimit on an allowed response")
	}
	w, _ = abServe(t, h, abRequest(abReq{}))
	if w.Code != 429 || w.Header().Get("Content-Type") != "application/problem+json" || w.Header().Get("RateLimit") == "" {
		t.Fatalf("problem: %d %v", w.Code, w.Header())
	}
	var p map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &p)
	if p["status"] != float64(429) || p["title"] != "Too Many Requests" {
		t.Errorf("problem body %s", w.Body)
	}
	if w.Header().Get("Retry-After") != "60" {
		t.Errorf("Retry-After %q", w.Header().Get("Retry-After"))
	}

	h2, _ := abProvision(t, `abuse_control {
		rule error_test {
			rate 1/m
		}
		denied_as_error
	}`)
	abServe(t, h2, abRequest(abReq{}))
	w, err := abServe(t, h2, abRequest(abReq{}))
	var he caddyhttp.HandlerError
	if !errors.As(err, &he) || he.StatusCode != 429 || w.Body.Len() != 0 || w.Header().Get("Retry-After") != "60" {
		t.Fatalf("denied_as_error: %v, body %q, headers %v", err, w.Body, w.Header())
	}
}

func TestAbuseControlMonitor(t *testing.T) {
	h, _ := abProvision(t, `abuse_control {
		rule monitor_test {
			rate 1/m
		}
		monitor
	}`)
	for i := range 3 {
		w, err := abServe(t, h, abRequest(abReq{}))
		if err != nil || w.Code != 200 || w.Header().Get("RateLimit") != "" || w.Header().Get("Retry-After") != "" {
			t.Fatalf("monitor request %d: %d %v %v", i, w.Code, err, w.Header())
		}
	}
}

func TestAbuseControlTiers(t *testing.T) {
	h, _ := abProvision(t, `abuse_control {
		rule tier_test {
			key user
			rate 2/m
			tier gold {
				role gold
				rate 5/m
			}
			tier partner {
				claim plan partner
				rate 3/m
			}
			anonymous {
				rate 1/m
			}
		}
	}`)
	count := func(q abReq) int {
		n := 0
		for range 10 {
			if w, _ := abServe(t, h, abRequest(q)); w.Code == 200 {
				n++
			}
		}
		return n
	}
	cases := []struct {
		name string
		q    abReq
		want int
	}{
		{"default", abReq{id: &authz.Identity{ID: "alice"}}, 2},
		{"gold role", abReq{id: &authz.Identity{ID: "bob", Roles: []string{"gold"}}}, 5},
		{"partner claim array", abReq{id: &authz.Identity{ID: "carol", Claims: map[string]any{"plan": []any{"x", "partner"}}}}, 3},
		{"anonymous", abReq{ip: "198.51.100.1"}, 1},
		// Anonymous callers are keyed by client IP: another one has its own.
		{"anonymous other ip", abReq{ip: "198.51.100.2"}, 1},
		// A user is keyed by identity, wherever it comes from.
		{"alice from elsewhere", abReq{ip: "203.0.113.9", id: &authz.Identity{ID: "alice"}}, 0},
	}
	for _, c := range cases {
		if got := count(c.q); got != c.want {
			t.Errorf("%s: allowed %d, want %d", c.name, got, c.want)
		}
	}
}

func TestAbuseControlKeys(t *testing.T) {
	h, _ := abProvision(t, `abuse_control {
		rule key_test {
			key header:X-Tenant client_ip
			rate 1/m
		}
		ipv6_prefix 64
	}`)
	cases := []struct {
		name string
		q    abReq
		want int
	}{
		{"tenant a v6", abReq{ip: "2001:db8:1:2::1", header: map[string]string{"X-Tenant": "a"}}, 200},
		// Same /64, same tenant: same key.
		{"tenant a same /64", abReq{ip: "2001:db8:1:2:ffff::9", header: map[string]string{"X-Tenant": "a"}}, 429},
		{"tenant a other /64", abReq{ip: "2001:db8:1:3::1", header: map[string]string{"X-Tenant": "a"}}, 200},
		{"tenant b same /64", abReq{ip: "2001:db8:1:2::1", header: map[string]string{"X-Tenant": "b"}}, 200},
		// No tenant header: anonymous, by client IP, the rule's limits.
		{"no tenant", abReq{ip: "2001:db8:1:2::1"}, 200},
		{"no tenant again", abReq{ip: "2001:db8:1:2::2"}, 429},
	}
	for _, c := range cases {
		if w, _ := abServe(t, h, abRequest(c.q)); w.Code != c.want {
			t.Errorf("%s: %d, want %d", c.name, w.Code, c.want)
		}
	}
}

func TestAbuseControlMatcher(t *testing.T) {
	h, _ := abProvision(t, `abuse_control {
		rule match_test {
			match {
				method POST
			}
			rate 1/m
		}
	}`)
	for range 3 {
		if w, _ := abServe(t, h, abRequest(abReq{})); w.Code != 200 {
			t.Fatal("GET limited by a POST rule")
		}
	}
	abServe(t, h, abRequest(abReq{method: "POST"}))
	if w, _ := abServe(t, h, abRequest(abReq{method: "POST"})); w.Code != 429 {
		t.Fatalf("second POST: %d", w.Code)
	}
}

// abBlockingNext holds requests until released.
type abBlockingNext struct {
	in      sync.WaitGroup
	release chan struct{}
}

func (n *abBlockingNext) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	n.in.Done()
	<-n.release
	return nil
}

func TestAbuseControlConcurrency(t *testing.T) {
	h, _ := abProvision(t, `abuse_control {
		rule conc_test {
			concurrency 2
		}
	}`)
	next := &abBlockingNext{release: make(chan struct{})}
	next.in.Add(2)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = h.ServeHTTP(httptest.NewRecorder(), abRequest(abReq{}), next)
		}()
	}
	next.in.Wait()
	w, _ := abServe(t, h, abRequest(abReq{}))
	if w.Code != 429 {
		t.Fatalf("third in flight: %d", w.Code)
	}
	if w, _ := abServe(t, h, abRequest(abReq{ip: "192.0.2.99"})); w.Code != 200 {
		t.Fatalf("other key: %d", w.Code)
	}
	close(next.release)
	wg.Wait()
	if w, _ := abServe(t, h, abRequest(abReq{})); w.Code != 200 {
		t.Fatalf("after release: %d", w.Code)
	}
}

func TestAbuseControlBans(t *testing.T) {
	h, clock := abProvision(t, `abuse_control {
		ban {
			after 3
			within 1m
			for 10m
		}
	}`)
	block := func(ip, module, reason, user string, decisionKind string) {
		r := abRequest(abReq{ip: ip})
		notifyDecisionObservers(r, module, &decision{Decision: decisionKind, Reason: reason, User: user})
	}
	// "missing" never counts; would_block does not by default; other
	// modules' and our own refusals do not count.
	for range 5 {
		block("192.0.2.10", "api_auth", "missing", "", decisionBlock)
		block("192.0.2.10", "request_filter", "sqli", "", decisionWouldBlock)
		block("192.0.2.10", "abuse_control", "rate_limited", "", decisionBlock)
		block("192.0.2.10", "access_control", "denied", "", decisionBlock)
	}
	if w, _ := abServe(t, h, abRequest(abReq{ip: "192.0.2.10"})); w.Code != 200 {
		t.Fatalf("banned by strikes that must not count: %d", w.Code)
	}
	for range 3 {
		block("192.0.2.10", "request_filter", "sqli", "", decisionBlock)
	}
	w, _ := abServe(t, h, abRequest(abReq{ip: "192.0.2.10"}))
	if w.Code != 429 || w.Header().Get("Retry-After") != "600" {
		t.Fatalf("after 3 blocks: %d Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	// Identity bans: three failed logins claiming mallory, from three
	// addresses; mallory is then refused from a fourth, even with a valid
	// credential, and the addresses have one strike each only.
	for i, ip := range []string{"203.0.113.1", "203.0.113.2", "203.0.113.3"} {
		_ = i
		block(ip, "api_auth", "signature", "mallory", decisionBlock)
	}
	if w, _ := abServe(t, h, abRequest(abReq{ip: "203.0.113.4", id: &authz.Identity{ID: "mallory"}})); w.Code != 429 {
		t.Fatalf("identity ban: %d", w.Code)
	}
	if w, _ := abServe(t, h, abRequest(abReq{ip: "203.0.113.1", id: &authz.Identity{ID: "alice"}})); w.Code != 200 {
		t.Fatalf("address with one strike banned: %d", w.Code)
	}
	// The ban ends.
	clock.advance(10 * time.Minute)
	if w, _ := abServe(t, h, abRequest(abReq{ip: "192.0.2.10"})); w.Code != 200 {
		t.Fatalf("after the ban: %d", w.Code)
	}
}

// TestAbuseControlBansOneStrikePerBlock: two handlers sharing one ban
// table (a reload, or two sites) count a block once.
func TestAbuseControlBansOneStrikePerBlock(t *testing.T) {
	block := `abuse_control {
		ban {
			after 4
			within 1m
			for 1m
		}
		max_keys 1234
	}`
	h1, _ := abProvision(t, block)
	h2, _ := abProvision(t, block)
	if h1.bans != h2.bans {
		t.Fatal("same ban config, different tables")
	}
	h2.clock = h1.clock
	for range 3 {
		notifyDecisionObservers(abRequest(abReq{ip: "192.0.2.77"}), "request_filter", &decision{Decision: decisionBlock, Reason: "xss"})
	}
	if w, _ := abServe(t, h1, abRequest(abReq{ip: "192.0.2.77"})); w.Code != 200 {
		t.Fatalf("3 blocks counted as more: %d", w.Code)
	}
}

// TestAbuseControlReloadKeepsCounters: the new config is provisioned
// before the old one is cleaned up, and shares its tables.
func TestAbuseControlReloadKeepsCounters(t *testing.T) {
	block := `abuse_control {
		rule reload_test {
			rate 2/m
		}
	}`
	old, clock := abProvision(t, block)
	abServe(t, old, abRequest(abReq{}))
	abServe(t, old, abRequest(abReq{}))
	h := new(AbuseControl)
	if err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser(block)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
	defer cancel()
	if err := h.Provision(ctx); err != nil {
		t.Fatal(err)
	}
	defer h.Cleanup()
	h.clock = clock.now
	_ = old.Cleanup()
	if w, _ := abServe(t, h, abRequest(abReq{})); w.Code != 429 {
		t.Fatalf("counters reset by the reload: %d", w.Code)
	}
	// A changed limit is a new table.
	h3, _ := abProvision(t, strings.Replace(block, "2/m", "3/m", 1))
	if w, _ := abServe(t, h3, abRequest(abReq{})); w.Code != 200 {
		t.Fatalf("changed limit shares the old counters: %d", w.Code)
	}
}

// TestAbuseControlRedisDown: with Redis unreachable, fail_open decides
// with local limits and fail_closed answers 503.
func TestAbuseControlRedisDown(t *testing.T) {
	open, _ := abProvision(t, `abuse_control {
		rule down_open {
			rate 1/m
		}
		redis 127.0.0.1:1 {
			timeout 50ms
		}
	}`)
	if w, _ := abServe(t, open, abRequest(abReq{})); w.Code != 200 {
		t.Fatalf("fail_open first: %d", w.Code)
	}
	if w, _ := abServe(t, open, abRequest(abReq{})); w.Code != 429 {
		t.Fatalf("fail_open falls back to local limits: %d", w.Code)
	}
	closed, _ := abProvision(t, `abuse_control {
		rule down_closed {
			rate 1/m
		}
		redis 127.0.0.1:1 {
			timeout 50ms
		}
		fail_mode closed
	}`)
	w, _ := abServe(t, closed, abRequest(abReq{}))
	if w.Code != 503 || w.Header().Get("Retry-After") != "1" {
		t.Fatalf("fail_closed: %d %v", w.Code, w.Header())
	}
}

func TestAbuseControlValidate(t *testing.T) {
	cases := []struct {
		name string
		h    AbuseControl
		err  string
	}{
		{"empty", AbuseControl{}, "at least one rule"},
		{"fail mode", AbuseControl{Ban: &AbuseBan{}, FailMode: "maybe"}, "fail_mode"},
		{"dup names", AbuseControl{Rules: []AbuseRule{{Name: "a", Concurrency: 1}, {Name: "a", Concurrency: 1}}}, "used twice"},
		{"no limits", AbuseControl{Rules: []AbuseRule{{Name: "a"}}}, "no limit"},
		{"tier selects nobody", AbuseControl{Rules: []AbuseRule{{Tiers: []AbuseTier{{Name: "t", Concurrency: 1}}}}}, "selects nobody"},
		{"redis addresses", AbuseControl{Ban: &AbuseBan{}, Redis: &AbuseRedis{Addresses: []string{"a:1", "b:1"}}}, "cluster or master_name"},
		{"bad key", AbuseControl{Rules: []AbuseRule{{Key: []string{"{x"}, Concurrency: 1}}}, "unbalanced"},
	}
	for _, c := range cases {
		err := c.h.Validate()
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: %v, want %q", c.name, err, c.err)
		}
	}
}

func TestAbuseControlCaddyfileErrors(t *testing.T) {
	// block wraps subdirective lines in abuse_control { rule a { … } }.
	rule := func(lines ...string) string {
		return "abuse_control {\nrule a {\n" + strings.Join(lines, "\n") + "\n}\n}"
	}
	top := func(lines ...string) string {
		return "abuse_control {\n" + strings.Join(lines, "\n") + "\n}"
	}
	cases := []struct{ in, err string }{
		{rule("rate 10"), "expected <count>/<period>"},
		{rule("rate 10/fortnight"), "unknown period"},
		{rule("rate 10/s burst x"), "burst"},
		{rule("rate 10/s per ip"), "expected burst"},
		{rule("key"), "wrong argument count"},
		{rule("key header:"), "invalid header name"},
		{rule("tier t {", "rate 1/s", "}"), "set role or claim"},
		{rule("tier t {", "role x", "}"), "no rate, quota or concurrency"},
		{rule("anonymous {", "role x", "}"), "unrecognized subdirective"},
		{rule("rate 1/s", "rate 2/s", "rate 3/s", "rate 4/s", "rate 5/s"), "at most 4"},
		{rule("concurrency 0"), "from 1"},
		{top("fail_mode sometimes"), "not one of"},
		{top("ipv6_prefix 200"), "from 1 to 128"},
		{top("redis"), "at least one address"},
		{top("ban {", "within soon", "}"), "not a positive duration"},
		{top("ban {", "identity maybe", "}"), "not one of"},
		{top("bogus"), "unrecognized subdirective"},
	}
	for _, c := range cases {
		var h AbuseControl
		err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser(c.in))
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%q: %v, want %q", c.in, err, c.err)
			continue
		}
		if !strings.Contains(err.Error(), "Testfile:") {
			t.Errorf("%q: error %q does not say where", c.in, err)
		}
	}
}

func TestAbuseControlCaddyfileShorthand(t *testing.T) {
	var h AbuseControl
	if err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser(`abuse_control 100/s burst 200`)); err != nil {
		t.Fatal(err)
	}
	if len(h.Rules) != 1 || h.Rules[0].Name != "default" || h.Rules[0].Limits[0].Rate != "100/s" || h.Rules[0].Limits[0].Burst != 200 {
		t.Fatalf("%+v", h.Rules)
	}
}

func FuzzAbuseControlCaddyfile(f *testing.F) {
	f.Add("abuse_control 10/s")
	f.Add("abuse_control {\n rule a {\n key user header:X claim:plan {http.request.host}\n rate 20/s burst 40\n quota 1000/day\n tier g {\n role gold\n rate 1/s\n }\n }\n ban {\n after 3\n }\n redis 127.0.0.1:1 {\n tls {\n ca_file x\n }\n }\n}")
	f.Fuzz(func(t *testing.T, in string) {
		var h AbuseControl
		if err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser(in)); err != nil {
			return
		}
		// Whatever parses must validate or fail cleanly, and round-trip
		// through JSON.
		_ = h.Validate()
		b, err := json.Marshal(&h)
		if err != nil {
			t.Fatal(err)
		}
		var back AbuseControl
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzAbuseKey: key extraction never panics, and the key it builds is
// bounded whatever the request carries.
func FuzzAbuseKey(f *testing.F) {
	f.Add("header:X-Tenant", "tenant-a", "192.0.2.1", "alice")
	f.Add("{http.request.host}", "", "2001:db8::1%eth0", "")
	f.Add("claim:plan", "x", "not-an-ip", "bob")
	f.Fuzz(func(t *testing.T, part, header, ip, user string) {
		p, err := parseAcKeyPart(part)
		if err != nil {
			return
		}
		rule := &abRule{name: "f", parts: []abKeyPart{p, {kind: abKeyClientIP}}, base: &abTier{}}
		r := httptest.NewRequest("GET", "/", nil)
		r.Header["X-Tenant"] = []string{header}
		r = r.WithContext(context.WithValue(r.Context(), caddyhttp.VarsCtxKey, map[string]any{}))
		caddyhttp.NewTestReplacer(r)
		var id *authz.Identity
		if user != "" {
			id = &authz.Identity{ID: user, Method: "api_key", Claims: map[string]any{"plan": header}}
		}
		var ipBuf [64]byte
		ipKey := limits.AppendClientIP(ipBuf[:0], ip, 32, 64)
		_, key := rule.resolve(r, id, user, ipKey, nil)
		if len(key) > 2*300+64 {
			t.Fatalf("key of %d bytes", len(key))
		}
	})
}

// TestAbuseControlMonitorBan: in monitor mode a banned client goes on,
// the ban is reported as would_block, and the rules still count.
func TestAbuseControlMonitorBan(t *testing.T) {
	h, _ := abProvision(t, `abuse_control {
		rule monitor_ban_test {
			rate 2/m
		}
		ban {
			after 1
			within 1m
			for 1m
		}
		max_keys 999
		monitor
	}`)
	notifyDecisionObservers(abRequest(abReq{ip: "192.0.2.55"}), "request_filter", &decision{Decision: decisionBlock, Reason: "sqli"})
	for i := range 4 {
		if w, _ := abServe(t, h, abRequest(abReq{ip: "192.0.2.55"})); w.Code != 200 || w.Header().Get("Retry-After") != "" {
			t.Fatalf("monitor request %d: %d", i, w.Code)
		}
	}
	// The same rule, enforcing, sees the counts the monitored requests
	// charged (same name and limits: the same table).
	h2, _ := abProvision(t, `abuse_control {
		rule monitor_ban_test {
			rate 2/m
		}
		max_keys 999
	}`)
	h2.clock = h.clock
	if w, _ := abServe(t, h2, abRequest(abReq{ip: "192.0.2.55"})); w.Code != 429 {
		t.Fatalf("monitored requests were not charged: %d", w.Code)
	}
}
