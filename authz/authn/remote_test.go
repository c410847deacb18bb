package authn

import (
	"context"
	"crypto"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// jwksServer is a controllable IdP: its key set, availability and
// discovery document can change while a test runs.
type jwksServer struct {
	*httptest.Server
	mu        sync.Mutex
	keys      []map[string]any
	status    int
	delay     time.Duration
	issuer    string // discovery "issuer"; defaults to the server URL
	jwksHits  atomic.Int64
	discHits  atomic.Int64
	extraBody int
}

func newJWKSServer(t *testing.T, keys ...map[string]any) *jwksServer {
	s := &jwksServer{keys: keys, status: http.StatusOK}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		status, delay, keys, issuer, extra := s.status, s.delay, s.keys, s.issuer, s.extraBody
		s.mu.Unlock()
		if delay > 0 {
			time.Sleep(delay)
		}
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			s.discHits.Add(1)
			if issuer == "" {
				issuer = s.URL
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"issuer": issuer, "jwks_uri": s.URL + "/jwks"})
		case "/jwks":
			s.jwksHits.Add(1)
			if status != http.StatusOK {
				w.WriteHeader(status)
				return
			}
			body := map[string]any{"keys": keys}
			if extra > 0 {
				body["padding"] = strings.Repeat("x", extra)
			}
			_ = json.NewEncoder(w).Encode(body)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) set(f func(s *jwksServer)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

func rsaJWK(t *testing.T, kid string, priv crypto.Signer) map[string]any {
	t.Helper()
	m, err := PublicJWK(kid, "RS256", priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func remoteVerifier(t *testing.T, reg *Registry, cfg RemoteConfig, obs FetchObserver) (*Verifier, *RemoteKeys) {
	t.Helper()
	h, err := reg.Acquire(cfg, obs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Release)
	v, err := NewVerifier(Options{
		Issuers: []Issuer{{Issuer: testIssuer, Remote: h}},
		Leeway:  DefaultLeeway,
		Now:     func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	return v, h
}

func TestRemoteRotationAndRefetchRateLimit(t *testing.T) {
	k := loadKeys()
	srv := newJWKSServer(t, rsaJWK(t, "k1", k.rsa))
	reg := NewRegistry(nil)
	v, h := remoteVerifier(t, reg, RemoteConfig{JWKSURL: srv.URL + "/jwks", MinRefetchInterval: time.Hour}, nil)

	_, err := v.Verify(bg, mint(t, "RS256", k.rsa, "k1", baseClaims()))
	wantReason(t, err, "")
	if !h.Ready() || srv.jwksHits.Load() != 1 {
		t.Fatalf("ready=%v hits=%d after first token", h.Ready(), srv.jwksHits.Load())
	}

	// The IdP rotates to k2: the first k2 token triggers one refetch.
	srv.set(func(s *jwksServer) { s.keys = []map[string]any{rsaJWK(t, "k2", k.rsa2)} })
	_, err = v.Verify(bg, mint(t, "RS256", k.rsa2, "k2", baseClaims()))
	wantReason(t, err, "")
	if got := srv.jwksHits.Load(); got != 2 {
		t.Fatalf("%d fetches after rotation, want 2", got)
	}
	// k1 is gone from the set now.
	_, err = v.Verify(bg, mint(t, "RS256", k.rsa, "k1", baseClaims()))
	wantReason(t, err, ReasonUnknownKey)

	// A flood of unknown kids causes no more fetches within the interval.
	for i := range 20 {
		_, err = v.Verify(bg, mint(t, "RS256", k.attacker, "rnd"+string(rune('a'+i)), baseClaims()))
		wantReason(t, err, ReasonUnknownKey)
	}
	if got := srv.jwksHits.Load(); got != 2 {
		t.Fatalf("%d fetches after an unknown-kid flood, want still 2", got)
	}
}

func TestRemoteOutageKeepsServingCachedKeys(t *testing.T) {
	k := loadKeys()
	srv := newJWKSServer(t, rsaJWK(t, "k1", k.rsa))
	reg := NewRegistry(nil)
	var ok, failed atomic.Int64
	obs := func(result string) {
		if result == "ok" {
			ok.Add(1)
		} else {
			failed.Add(1)
		}
	}
	// minRetryDelay is 1s, so keep the refresh short to see failures soon.
	v, _ := remoteVerifier(t, reg, RemoteConfig{JWKSURL: srv.URL + "/jwks", RefreshInterval: 20 * time.Millisecond}, obs)
	waitFor(t, "first fetch", func() bool { return ok.Load() >= 1 })
	srv.set(func(s *jwksServer) { s.status = http.StatusServiceUnavailable })
	waitFor(t, "a failed refresh", func() bool { return failed.Load() >= 1 })
	_, err := v.Verify(bg, mint(t, "RS256", k.rsa, "k1", baseClaims()))
	wantReason(t, err, "")
}

func TestRemoteDiscovery(t *testing.T) {
	k := loadKeys()
	srv := newJWKSServer(t, rsaJWK(t, "k1", k.rsa))
	reg := NewRegistry(nil)
	h, err := reg.Acquire(RemoteConfig{Issuer: srv.URL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	v, err := NewVerifier(Options{Issuers: []Issuer{{Issuer: srv.URL, Remote: h}}, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	c := baseClaims()
	c["iss"] = srv.URL
	_, err = v.Verify(bg, mint(t, "RS256", k.rsa, "k1", c))
	wantReason(t, err, "")
	if srv.discHits.Load() != 1 || srv.jwksHits.Load() != 1 {
		t.Fatalf("discovery hits %d, jwks hits %d", srv.discHits.Load(), srv.jwksHits.Load())
	}
}

func TestRemoteDiscoveryIssuerMismatch(t *testing.T) {
	k := loadKeys()
	srv := newJWKSServer(t, rsaJWK(t, "k1", k.rsa))
	srv.set(func(s *jwksServer) { s.issuer = "https://evil.example" })
	reg := NewRegistry(nil)
	var failed atomic.Int64
	h, err := reg.Acquire(RemoteConfig{Issuer: srv.URL, FetchTimeout: time.Second}, func(r string) {
		if r == "error" {
			failed.Add(1)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	waitFor(t, "failed discovery", func() bool { return failed.Load() >= 1 })
	if h.Ready() || srv.jwksHits.Load() != 0 {
		t.Fatalf("keys fetched despite an issuer mismatch (ready=%v, hits=%d)", h.Ready(), srv.jwksHits.Load())
	}
}

func TestRegistrySharesAcrossReloads(t *testing.T) {
	k := loadKeys()
	srv := newJWKSServer(t, rsaJWK(t, "k1", k.rsa))
	reg := NewRegistry(nil)
	cfg := RemoteConfig{JWKSURL: srv.URL + "/jwks"}
	old, err := reg.Acquire(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "first fetch", old.Ready)
	// Reload: the new config acquires before the old one is released.
	for range 5 {
		next, err := reg.Acquire(cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !next.Ready() {
			t.Fatal("reloaded handle does not see the warm cache")
		}
		old.Release()
		old.Release() // idempotent
		old = next
	}
	if got := srv.jwksHits.Load(); got != 1 {
		t.Fatalf("%d fetches across 5 reloads, want 1", got)
	}
	if n := reg.Users(cfg); n != 1 {
		t.Fatalf("%d users, want 1", n)
	}
	// A different setting is a different cache.
	other, _ := reg.Acquire(RemoteConfig{JWKSURL: srv.URL + "/jwks", RefreshInterval: time.Hour}, nil)
	waitFor(t, "second cache", other.Ready)
	other.Release()
	e := old.e
	old.Release()
	if n := reg.Users(cfg); n != 0 {
		t.Fatalf("%d users after the last release", n)
	}
	select {
	case <-e.done:
	case <-time.After(5 * time.Second):
		t.Fatal("refresh goroutine still running after the last release")
	}
}

func TestRemoteStartupNeverBlocks(t *testing.T) {
	k := loadKeys()
	srv := newJWKSServer(t, rsaJWK(t, "k1", k.rsa))
	srv.set(func(s *jwksServer) { s.delay = 300 * time.Millisecond })
	reg := NewRegistry(nil)
	start := time.Now()
	v, h := remoteVerifier(t, reg, RemoteConfig{JWKSURL: srv.URL + "/jwks", FetchTimeout: 2 * time.Second}, nil)
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Fatalf("Acquire blocked for %v", d)
	}
	if h.Ready() {
		t.Fatal("ready before the slow fetch finished")
	}
	// A token arriving now waits (bounded) for the first fetch.
	_, err := v.Verify(bg, mint(t, "RS256", k.rsa, "k1", baseClaims()))
	wantReason(t, err, "")
}

func TestRemoteNoKeysWhenIdPDownAtStartup(t *testing.T) {
	k := loadKeys()
	srv := newJWKSServer(t)
	srv.set(func(s *jwksServer) { s.status = http.StatusInternalServerError })
	reg := NewRegistry(nil)
	v, _ := remoteVerifier(t, reg, RemoteConfig{JWKSURL: srv.URL + "/jwks", FetchTimeout: time.Second}, nil)
	ctx, cancel := context.WithTimeout(bg, 3*time.Second)
	defer cancel()
	start := time.Now()
	_, err := v.Verify(ctx, mint(t, "RS256", k.rsa, "k1", baseClaims()))
	wantReason(t, err, ReasonNoKeys)
	if d := time.Since(start); d > 2500*time.Millisecond {
		t.Fatalf("rejection took %v", d)
	}
}

func TestRemoteLimits(t *testing.T) {
	k := loadKeys()
	srv := newJWKSServer(t, rsaJWK(t, "k1", k.rsa))
	srv.set(func(s *jwksServer) { s.extraBody = 4096 })
	reg := NewRegistry(nil)
	var failed atomic.Int64
	h, err := reg.Acquire(RemoteConfig{JWKSURL: srv.URL + "/jwks", MaxFetchSize: 2048}, func(r string) {
		if r == "error" {
			failed.Add(1)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	waitFor(t, "oversized fetch to fail", func() bool { return failed.Load() >= 1 })
	if h.Ready() {
		t.Fatal("accepted a JWKS over the size limit")
	}

	slow := newJWKSServer(t, rsaJWK(t, "k1", k.rsa))
	slow.set(func(s *jwksServer) { s.delay = time.Second })
	failed.Store(0)
	h2, err := reg.Acquire(RemoteConfig{JWKSURL: slow.URL + "/jwks", FetchTimeout: 100 * time.Millisecond}, func(r string) {
		if r == "error" {
			failed.Add(1)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h2.Release()
	waitFor(t, "slow fetch to time out", func() bool { return failed.Load() >= 1 })
	if h2.Ready() {
		t.Fatal("a fetch slower than the timeout succeeded")
	}
}

func TestRemoteRejectsHMACKeys(t *testing.T) {
	_, err := parseRemoteKeys([]byte(`{"keys":[{"kty":"oct","k":"` + strings.Repeat("A", 64) + `"}]}`))
	if err == nil {
		t.Fatal("a published HMAC secret was accepted")
	}
}

func TestCheckFetchURL(t *testing.T) {
	cases := map[string]bool{
		"https://idp.example/jwks":       true,
		"http://127.0.0.1:8080/jwks":     true,
		"http://127.1.2.3/jwks":          true,
		"http://localhost/jwks":          true,
		"http://[::1]:9/jwks":            true,
		"http://idp.example/jwks":        false,
		"http://10.0.0.1/jwks":           false,
		"http://localhost.evil.com/jwks": false,
		"ftp://idp.example/jwks":         false,
		"https:///jwks":                  false,
		"/jwks":                          false,
	}
	for u, ok := range cases {
		if err := CheckFetchURL(u); (err == nil) != ok {
			t.Errorf("%s: err = %v, want ok=%v", u, err, ok)
		}
	}
	if _, err := NewRegistry(nil).Acquire(RemoteConfig{JWKSURL: "http://idp.example/jwks"}, nil); err == nil {
		t.Error("Acquire accepted a plain-http remote URL")
	}
}

// TestRemoteConcurrentRotationSharesOneFetch: requests carrying a new kid
// that arrive while the refetch is in flight wait for it and succeed; all
// of them together cause exactly one fetch.
func TestRemoteConcurrentRotationSharesOneFetch(t *testing.T) {
	k := loadKeys()
	srv := newJWKSServer(t, rsaJWK(t, "k1", k.rsa))
	reg := NewRegistry(nil)
	v, h := remoteVerifier(t, reg, RemoteConfig{JWKSURL: srv.URL + "/jwks", MinRefetchInterval: time.Hour, RefreshInterval: time.Hour}, nil)
	waitFor(t, "first fetch", h.Ready)
	srv.set(func(s *jwksServer) {
		s.keys = []map[string]any{rsaJWK(t, "k2", k.rsa2)}
		s.delay = 200 * time.Millisecond
	})
	tok := mint(t, "RS256", k.rsa2, "k2", baseClaims())
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Go(func() {
			_, err := v.Verify(bg, tok)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		wantReason(t, err, "")
	}
	if got := srv.jwksHits.Load(); got != 2 {
		t.Fatalf("%d fetches, want 2 (initial + one shared refetch)", got)
	}
}

// TestRemoteRefetchRateLimitFollowsClock: the unknown-kid rate limit runs
// on the registry's injectable clock: no refetch within
// MinRefetchInterval, one again as soon as the interval has passed.
func TestRemoteRefetchRateLimitFollowsClock(t *testing.T) {
	k := loadKeys()
	srv := newJWKSServer(t, rsaJWK(t, "k1", k.rsa))
	reg := NewRegistry(nil)
	var mu sync.Mutex
	clock := testNow
	reg.now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return clock
	}
	advance := func(d time.Duration) {
		mu.Lock()
		clock = clock.Add(d)
		mu.Unlock()
	}
	v, h := remoteVerifier(t, reg, RemoteConfig{JWKSURL: srv.URL + "/jwks", MinRefetchInterval: time.Minute, RefreshInterval: time.Hour}, nil)
	waitFor(t, "first fetch", h.Ready)
	unknown := func(kid string) {
		t.Helper()
		_, err := v.Verify(bg, mint(t, "RS256", k.attacker, kid, baseClaims()))
		wantReason(t, err, ReasonUnknownKey)
	}
	steps := []struct {
		advance  time.Duration
		kid      string
		wantHits int64
	}{
		{0, "x1", 2},                // first unknown kid: one refetch
		{59 * time.Second, "x2", 2}, // still inside the interval
		{time.Second, "x3", 3},      // interval over: one more
		{0, "x4", 3},
		{30 * time.Second, "x5", 3},
	}
	for i, s := range steps {
		advance(s.advance)
		unknown(s.kid)
		if got := srv.jwksHits.Load(); got != s.wantHits {
			t.Fatalf("step %d (%s): %d fetches, want %d", i, s.kid, got, s.wantHits)
		}
	}
}

func TestCacheMaxAge(t *testing.T) {
	cases := []struct {
		header []string
		want   time.Duration
	}{
		{nil, -1},
		{[]string{"public, max-age=120"}, 2 * time.Minute},
		{[]string{`Max-Age="60"`}, time.Minute},
		{[]string{"max-age=abc"}, -1},
		{[]string{"max-age=-5"}, -1},
		{[]string{"public", "max-age=30"}, 30 * time.Second},
		{[]string{"max-age=600, no-cache"}, 0},
		{[]string{"no-store"}, 0},
		{[]string{"max-age=99999999999999999999"}, 365 * 24 * time.Hour}, // overflows int64: "very long"
		{[]string{"max-age=999999999999"}, 365 * 24 * time.Hour},
	}
	for _, c := range cases {
		h := http.Header{}
		for _, v := range c.header {
			h.Add("Cache-Control", v)
		}
		if got := cacheMaxAge(h); got != c.want {
			t.Errorf("%q: max-age %v, want %v", c.header, got, c.want)
		}
	}
	e := &remoteEntry{cfg: RemoteConfig{RefreshInterval: 5 * time.Minute, MinRefetchInterval: 30 * time.Second}}
	for maxAge, want := range map[time.Duration]time.Duration{
		-1:              5 * time.Minute,  // none: the configured interval
		time.Hour:       5 * time.Minute,  // never lengthened
		2 * time.Minute: 2 * time.Minute,  // shortened
		0:               30 * time.Second, // floored at MinRefetchInterval
		time.Second:     30 * time.Second,
	} {
		if got := e.refreshWait(maxAge); got != want {
			t.Errorf("refreshWait(%v) = %v, want %v", maxAge, got, want)
		}
	}
}

// TestRemoteHonoursShortMaxAge: an IdP announcing max-age shorter than
// refresh_interval is refetched on its schedule, not the configured one.
func TestRemoteHonoursShortMaxAge(t *testing.T) {
	k := loadKeys()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Cache-Control", "public, max-age=0")
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []any{rsaJWK(t, "k1", k.rsa)}})
	}))
	defer srv.Close()
	reg := NewRegistry(nil)
	reg.maxAgeFloor = 0 // the floor is then MinRefetchInterval
	h, err := reg.Acquire(RemoteConfig{JWKSURL: srv.URL, RefreshInterval: time.Hour, MinRefetchInterval: 50 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	// With the configured hour only one fetch would happen; max-age=0
	// floored at 50ms gives several within a second, but not a tight loop.
	waitFor(t, "refreshes driven by max-age", func() bool { return hits.Load() >= 3 })
	time.Sleep(200 * time.Millisecond)
	h.Release()
	if n := hits.Load(); n > 20 {
		t.Fatalf("%d fetches in well under a second: max-age=0 became a fetch loop", n)
	}
}

// TestRemoteFetchObserverIsNewestUser: a shared cache reports each fetch
// once, to its newest user (the newest config's metrics registry); when
// that user goes away first (a failed reload), the older one gets them.
func TestRemoteFetchObserverIsNewestUser(t *testing.T) {
	k := loadKeys()
	srv := newJWKSServer(t, rsaJWK(t, "k1", k.rsa))
	reg := NewRegistry(nil)
	cfg := RemoteConfig{JWKSURL: srv.URL + "/jwks", RefreshInterval: time.Hour, MinRefetchInterval: time.Millisecond}
	var oldCount, newCount atomic.Int64
	old, err := reg.Acquire(cfg, func(string) { oldCount.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	defer old.Release()
	// Ready means the first fetch succeeded; with a 1h refresh no other
	// background fetch follows, so every later count comes from refetch.
	waitFor(t, "first fetch", old.Ready)
	base := oldCount.Load()
	next, err := reg.Acquire(cfg, func(string) { newCount.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	refetch := func(h *RemoteKeys) {
		t.Helper()
		time.Sleep(2 * time.Millisecond) // past MinRefetchInterval
		if !h.RefetchUnknownKID(bg) {
			t.Fatal("refetch did not run")
		}
	}
	refetch(next)
	if o, n := oldCount.Load()-base, newCount.Load(); o != 0 || n != 1 {
		t.Fatalf("after a fetch with two users: old +%d, new %d; want +0 and 1", o, n)
	}
	next.Release()
	refetch(old)
	if o, n := oldCount.Load()-base, newCount.Load(); o != 1 || n != 1 {
		t.Fatalf("after the newest user left: old +%d, new %d; want +1 and 1", o, n)
	}
}

// fakeClock is an injectable clock for the registry's refetch rate limit.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestRemoteStartupOutageRecoversOnDemand: the IdP is down when the cache
// starts; once it is back, the next token whose issuer has no keys
// triggers a fetch as soon as MinRefetchInterval has passed since the
// last on-demand one, instead of waiting for the background backoff.
func TestRemoteStartupOutageRecoversOnDemand(t *testing.T) {
	k := loadKeys()
	srv := newJWKSServer(t, rsaJWK(t, "k1", k.rsa))
	srv.set(func(s *jwksServer) { s.status = http.StatusServiceUnavailable })
	reg := NewRegistry(nil)
	clock := &fakeClock{t: testNow}
	reg.now = clock.now
	v, h := remoteVerifier(t, reg, RemoteConfig{JWKSURL: srv.URL + "/jwks", RefreshInterval: time.Hour}, nil)
	h.WaitReady(bg)
	tok := mint(t, "RS256", k.rsa, "k1", baseClaims())
	_, err := v.Verify(bg, tok)
	wantReason(t, err, ReasonNoKeys)
	hits := srv.jwksHits.Load() // initial attempt + one on-demand refetch
	if hits != 2 {
		t.Fatalf("%d fetches after the first token in an outage, want 2", hits)
	}
	srv.set(func(s *jwksServer) { s.status = http.StatusOK })
	clock.advance(500 * time.Millisecond)
	_, err = v.Verify(bg, tok)
	wantReason(t, err, ReasonNoKeys) // inside the interval: no fetch
	if got := srv.jwksHits.Load(); got != hits {
		t.Fatalf("%d fetches inside the interval, want %d", got, hits)
	}
	clock.advance(500 * time.Millisecond)
	_, err = v.Verify(bg, tok)
	wantReason(t, err, "")
}

// TestRemoteStartupOutageRecoveryTime measures, on the real clock and the
// default MinRefetchInterval, how long after the IdP recovers a valid
// token is accepted again.
func TestRemoteStartupOutageRecoveryTime(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time wait")
	}
	k := loadKeys()
	srv := newJWKSServer(t, rsaJWK(t, "k1", k.rsa))
	srv.set(func(s *jwksServer) { s.status = http.StatusServiceUnavailable })
	reg := NewRegistry(nil)
	v, h := remoteVerifier(t, reg, RemoteConfig{JWKSURL: srv.URL + "/jwks", RefreshInterval: time.Hour}, nil)
	h.WaitReady(bg)
	tok := mint(t, "RS256", k.rsa, "k1", baseClaims())
	// The outage lasts 1.5s: background retries run at 1s and 3s, so
	// acceptance before 3s comes from the on-demand fetch.
	deadline := time.Now().Add(1500 * time.Millisecond)
	for time.Now().Before(deadline) {
		_, err := v.Verify(bg, tok)
		wantReason(t, err, ReasonNoKeys)
		time.Sleep(20 * time.Millisecond)
	}
	srv.set(func(s *jwksServer) { s.status = http.StatusOK })
	recovered := time.Now()
	for {
		if _, err := v.Verify(bg, tok); err == nil {
			break
		}
		if time.Since(recovered) > 5*time.Second {
			t.Fatal("token still rejected 5s after the IdP recovered")
		}
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(recovered)
	t.Logf("valid token accepted %v after the IdP recovered (%d JWKS fetches)", took, srv.jwksHits.Load())
	if took > DefaultMinRefetchInterval+500*time.Millisecond {
		t.Fatalf("recovery took %v, want about %v", took, DefaultMinRefetchInterval)
	}
}

// TestRemoteTwoRotationsSecondsApart: each rotation is picked up by the
// first token carrying the new kid once MinRefetchInterval has passed.
func TestRemoteTwoRotationsSecondsApart(t *testing.T) {
	k := loadKeys()
	srv := newJWKSServer(t, rsaJWK(t, "k1", k.rsa))
	reg := NewRegistry(nil)
	clock := &fakeClock{t: testNow}
	reg.now = clock.now
	v, h := remoteVerifier(t, reg, RemoteConfig{JWKSURL: srv.URL + "/jwks", RefreshInterval: time.Hour}, nil)
	waitFor(t, "first fetch", h.Ready)
	srv.set(func(s *jwksServer) { s.keys = []map[string]any{rsaJWK(t, "k2", k.rsa2)} })
	_, err := v.Verify(bg, mint(t, "RS256", k.rsa2, "k2", baseClaims()))
	wantReason(t, err, "")
	clock.advance(2 * time.Second)
	srv.set(func(s *jwksServer) { s.keys = []map[string]any{rsaJWK(t, "k3", k.attacker)} })
	_, err = v.Verify(bg, mint(t, "RS256", k.attacker, "k3", baseClaims()))
	wantReason(t, err, "")
	if got := srv.jwksHits.Load(); got != 3 {
		t.Fatalf("%d fetches, want 3 (initial + one per rotation)", got)
	}
}

// TestRemoteForgedKIDFloodOneFetchPerInterval: 1000 concurrent tokens with
// forged kids cost at most one fetch per MinRefetchInterval.
func TestRemoteForgedKIDFloodOneFetchPerInterval(t *testing.T) {
	k := loadKeys()
	srv := newJWKSServer(t, rsaJWK(t, "k1", k.rsa))
	reg := NewRegistry(nil)
	clock := &fakeClock{t: testNow}
	reg.now = clock.now
	v, h := remoteVerifier(t, reg, RemoteConfig{JWKSURL: srv.URL + "/jwks", RefreshInterval: time.Hour}, nil)
	waitFor(t, "first fetch", h.Ready)
	toks := make([]string, 1000)
	for i := range toks {
		toks[i] = mint(t, "RS256", k.attacker, "forged-"+strconv.Itoa(i), baseClaims())
	}
	flood := func() {
		var wg sync.WaitGroup
		sem := make(chan struct{}, 64)
		for _, tok := range toks {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				_, err := v.Verify(bg, tok)
				wantReason(t, err, ReasonUnknownKey)
			})
		}
		wg.Wait()
	}
	flood()
	if got := srv.jwksHits.Load(); got != 2 {
		t.Fatalf("%d fetches after 1000 forged kids, want 2 (initial + one)", got)
	}
	clock.advance(DefaultMinRefetchInterval)
	flood()
	if got := srv.jwksHits.Load(); got != 3 {
		t.Fatalf("%d fetches after a second flood one interval later, want 3", got)
	}
}

// TestRemoteFetchStateChanges: a failing source reports once when it
// starts failing, once more per FailureReminderInterval while it lasts,
// and once when it recovers; repeated failures or successes say nothing.
func TestRemoteFetchStateChanges(t *testing.T) {
	k := loadKeys()
	srv := newJWKSServer(t, rsaJWK(t, "k1", k.rsa))
	srv.set(func(s *jwksServer) { s.status = http.StatusServiceUnavailable })
	reg := NewRegistry(nil)
	clock := &fakeClock{t: testNow}
	reg.now = clock.now
	var mu sync.Mutex
	var got []FetchState
	h, err := reg.AcquireWithState(RemoteConfig{JWKSURL: srv.URL + "/jwks", RefreshInterval: time.Hour}, nil, func(st FetchState) {
		mu.Lock()
		got = append(got, st)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	h.WaitReady(bg)
	events := func() []FetchState {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(got)
	}
	refetch := func() {
		t.Helper()
		clock.advance(DefaultMinRefetchInterval)
		if !h.RefetchUnknownKID(bg) {
			t.Fatal("refetch did not run")
		}
	}
	for range 5 {
		refetch()
	}
	ev := events()
	if len(ev) != 1 || ev[0].Healthy || ev[0].Reminder || ev[0].Err == nil || ev[0].URL != srv.URL+"/jwks" {
		t.Fatalf("after 6 failures: %+v, want one failing event", ev)
	}
	clock.advance(FailureReminderInterval)
	refetch()
	refetch()
	ev = events()
	if len(ev) != 2 || !ev[1].Reminder || ev[1].Failures < 7 {
		t.Fatalf("after the reminder interval: %+v, want one reminder", ev)
	}
	srv.set(func(s *jwksServer) { s.status = http.StatusOK })
	refetch()
	refetch()
	ev = events()
	if len(ev) != 3 || !ev[2].Healthy || ev[2].Err != nil || ev[2].Failures < 8 || !ev[2].Since.Equal(testNow) {
		t.Fatalf("after recovery: %+v, want one healthy event", ev)
	}
}
