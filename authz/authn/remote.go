package authn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Remote JWKS defaults.
const (
	DefaultRefreshInterval    = 5 * time.Minute
	DefaultMinRefetchInterval = time.Second
	// DefaultMaxAgeFloor is the shortest background refresh period a
	// Cache-Control max-age from the IdP can ask for (max-age=0 or
	// no-store must not become a fetch loop).
	DefaultMaxAgeFloor  = 30 * time.Second
	DefaultFetchTimeout = 5 * time.Second
	DefaultMaxFetchSize = 1 << 20
	minRetryDelay       = time.Second
	// FailureReminderInterval is how often a FetchState reminder repeats
	// while a source keeps failing.
	FailureReminderInterval = 5 * time.Minute
)

// RemoteConfig describes a remote key source. Identical configs share one
// cache and one refresh goroutine.
type RemoteConfig struct {
	// JWKSURL is the JWK Set URL. When empty, it is discovered from Issuer.
	JWKSURL string
	// Issuer is used for OIDC discovery
	// (<issuer>/.well-known/openid-configuration → jwks_uri) when JWKSURL
	// is empty; the document's issuer must equal it.
	Issuer string
	// RefreshInterval is how often keys are refetched in the background.
	// A shorter Cache-Control max-age on the JWKS response shortens the
	// next wait (never below MinRefetchInterval); it never lengthens it.
	RefreshInterval time.Duration
	// MinRefetchInterval rate-limits the on-demand fetch that a token
	// triggers when its issuer has no keys yet (startup outage) or its kid
	// is unknown (rotation): at most one per interval, shared by every
	// concurrent request.
	MinRefetchInterval time.Duration
	// FetchTimeout bounds each HTTP request (and how long a request waits
	// for the first fetch).
	FetchTimeout time.Duration
	// MaxFetchSize bounds each response body in bytes.
	MaxFetchSize int64
}

// WithDefaults fills zero fields with the package defaults.
func (c RemoteConfig) WithDefaults() RemoteConfig {
	if c.RefreshInterval <= 0 {
		c.RefreshInterval = DefaultRefreshInterval
	}
	if c.MinRefetchInterval <= 0 {
		c.MinRefetchInterval = DefaultMinRefetchInterval
	}
	if c.FetchTimeout <= 0 {
		c.FetchTimeout = DefaultFetchTimeout
	}
	if c.MaxFetchSize <= 0 {
		c.MaxFetchSize = DefaultMaxFetchSize
	}
	return c
}

// Validate checks the URLs (HTTPS unless loopback).
func (c RemoteConfig) Validate() error {
	switch {
	case c.JWKSURL != "":
		return CheckFetchURL(c.JWKSURL)
	case c.Issuer != "":
		return CheckFetchURL(discoveryURL(c.Issuer))
	}
	return errors.New("a JWKS URL or an issuer for discovery is required")
}

func (c RemoteConfig) key() string {
	return strings.Join([]string{c.JWKSURL, c.Issuer, c.RefreshInterval.String(),
		c.MinRefetchInterval.String(), c.FetchTimeout.String(), strconv.FormatInt(c.MaxFetchSize, 10)}, "\x00")
}

func discoveryURL(issuer string) string {
	return strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
}

// CheckFetchURL accepts https URLs, and http only for loopback hosts
// (localhost, 127.0.0.0/8, ::1) so tests and sidecars work.
func CheckFetchURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("invalid URL: %w", err)
	}
	if u.Host == "" {
		return fmt.Errorf("URL %q has no host", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("URL %q must use https (http is allowed only for loopback hosts)", raw)
	}
	return fmt.Errorf("URL %q: unsupported scheme %q", raw, u.Scheme)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// FetchObserver is told the result ("ok" or "error") of every JWKS fetch.
type FetchObserver func(result string)

// FetchState reports a change in a remote key source's health: the first
// failure after a success (or at startup), the first success after
// failures, and a reminder every FailureReminderInterval while failures
// last. It never carries key material.
type FetchState struct {
	// Healthy: the fetch succeeded (a recovery); false: it failed.
	Healthy bool
	// Reminder marks a repeated report of a failure that is still going on.
	Reminder bool
	// URL is the JWKS or discovery URL of the fetch.
	URL string
	// Err is the failure (nil when Healthy).
	Err error
	// Failures counts consecutive failed fetches (on recovery: before it).
	Failures int
	// Since is when the current (or, on recovery, the ended) failure began.
	Since time.Time
}

// StateObserver receives FetchState changes.
type StateObserver func(FetchState)

// Registry shares remote key caches between verifiers, across Caddy config
// reloads: entries are reference counted, so a reload (new config acquired
// before the old one is released) reuses the warm cache instead of
// refetching, and the refresh goroutine stops when the last user releases.
type Registry struct {
	mu      sync.Mutex
	entries map[string]*remoteEntry
	client  *http.Client
	nextObs uint64
	// now is the clock of the unknown-kid refetch rate limit; tests
	// replace it before the first Acquire.
	now func() time.Time
	// maxAgeFloor is the shortest max-age-driven refresh period
	// (DefaultMaxAgeFloor; tests lower it before the first Acquire).
	maxAgeFloor time.Duration
}

// SharedRegistry is the process-wide registry the Caddy adapter uses, so
// caches outlive any one config. It is the package's only shared state and
// is guarded by its own mutex.
var SharedRegistry = NewRegistry(nil)

// NewRegistry returns a registry whose fetches use client (nil: a client
// that re-checks every redirect against CheckFetchURL).
func NewRegistry(client *http.Client) *Registry {
	if client == nil {
		client = &http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("too many redirects")
			}
			return CheckFetchURL(req.URL.String())
		}}
	}
	return &Registry{entries: map[string]*remoteEntry{}, client: client, now: time.Now, maxAgeFloor: DefaultMaxAgeFloor}
}

// Acquire returns a handle on the shared cache for cfg, starting its
// background fetcher if it is the first user. It never blocks on the
// network. obs (optional) receives fetch results while this handle is the
// newest user of the entry.
func (r *Registry) Acquire(cfg RemoteConfig, obs FetchObserver) (*RemoteKeys, error) {
	return r.AcquireWithState(cfg, obs, nil)
}

// AcquireWithState is Acquire with a StateObserver (optional) that, while
// this handle is the newest user, is told when fetches start failing,
// recover, or keep failing (see FetchState).
func (r *Registry) AcquireWithState(cfg RemoteConfig, obs FetchObserver, state StateObserver) (*RemoteKeys, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.nextObs++
	k := cfg.key()
	e, ok := r.entries[k]
	if !ok {
		ctx, cancel := context.WithCancel(context.Background())
		e = &remoteEntry{cfg: cfg, key: k, client: r.client, now: r.now, maxAgeFloor: r.maxAgeFloor, cancel: cancel,
			attempted: make(chan struct{}), done: make(chan struct{})}
		r.entries[k] = e
		go e.run(ctx)
	}
	e.refs++
	e.addObserver(r.nextObs, obs, state)
	return &RemoteKeys{e: e, reg: r, obsID: r.nextObs}, nil
}

// Users returns how many handles hold the entry for cfg (for tests).
func (r *Registry) Users(cfg RemoteConfig) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.entries[cfg.WithDefaults().key()]; ok {
		return e.refs
	}
	return 0
}

// RemoteKeys is one user's handle on a shared remote key cache.
type RemoteKeys struct {
	e        *remoteEntry
	reg      *Registry
	obsID    uint64
	released atomic.Bool
}

// Keys returns the current key snapshot (nil before the first success).
// Stale keys keep being served while the source is unreachable.
func (h *RemoteKeys) Keys() []*Key {
	if p := h.e.keys.Load(); p != nil {
		return *p
	}
	return nil
}

// Ready reports whether keys have been fetched at least once.
func (h *RemoteKeys) Ready() bool { return h.e.keys.Load() != nil }

// WaitReady waits until the first fetch attempt has finished, ctx ends or
// the fetch timeout passes, whichever is first.
func (h *RemoteKeys) WaitReady(ctx context.Context) {
	t := time.NewTimer(h.e.cfg.FetchTimeout)
	defer t.Stop()
	select {
	case <-h.e.attempted:
	case <-ctx.Done():
	case <-t.C:
	}
}

// RefetchUnknownKID refetches the keys now, unless an on-demand refetch
// already ran within MinRefetchInterval; concurrent callers share one fetch.
// It reports whether it fetched.
func (h *RemoteKeys) RefetchUnknownKID(ctx context.Context) bool {
	return h.e.refetch(ctx)
}

// Release drops this handle; the last release stops the refresher and
// forgets the cache. Calling it twice is harmless.
func (h *RemoteKeys) Release() {
	if h == nil || !h.released.CompareAndSwap(false, true) {
		return
	}
	h.reg.mu.Lock()
	defer h.reg.mu.Unlock()
	h.e.removeObserver(h.obsID)
	h.e.refs--
	if h.e.refs == 0 {
		if h.reg.entries[h.e.key] == h.e {
			delete(h.reg.entries, h.e.key)
		}
		h.e.cancel()
	}
}

type observer struct {
	id    uint64
	f     FetchObserver
	state StateObserver
}

type remoteEntry struct {
	cfg    RemoteConfig
	key    string
	client *http.Client
	now    func() time.Time
	// maxAgeFloor: see Registry.maxAgeFloor.
	maxAgeFloor time.Duration
	cancel      context.CancelFunc
	refs        int // guarded by Registry.mu

	keys          atomic.Pointer[[]*Key]
	attempted     chan struct{} // closed after the first fetch attempt
	attemptedOnce sync.Once
	done          chan struct{}

	fetchMu sync.Mutex // serialises fetches
	jwksURI string     // discovered URI; guarded by fetchMu

	refetchMu   sync.Mutex
	lastRefetch time.Time     // last on-demand fetch; guarded by refetchMu
	inflight    chan struct{} // closed when the running on-demand fetch ends; guarded by refetchMu

	obsMu     sync.Mutex
	observers []observer

	// Health, for FetchState reports; guarded by fetchMu.
	failing      bool
	failures     int
	failSince    time.Time
	lastReminder time.Time
}

func (e *remoteEntry) addObserver(id uint64, f FetchObserver, state StateObserver) {
	if f == nil && state == nil {
		return
	}
	e.obsMu.Lock()
	e.observers = append(e.observers, observer{id, f, state})
	e.obsMu.Unlock()
}

func (e *remoteEntry) removeObserver(id uint64) {
	e.obsMu.Lock()
	defer e.obsMu.Unlock()
	for i, o := range e.observers {
		if o.id == id {
			e.observers = append(e.observers[:i], e.observers[i+1:]...)
			return
		}
	}
}

// notify reports to the newest user only: users of one entry normally
// share a metrics registry, and the newest config owns the live one.
func (e *remoteEntry) notify(result string) {
	e.obsMu.Lock()
	var f FetchObserver
	for i := len(e.observers) - 1; i >= 0 && f == nil; i-- {
		f = e.observers[i].f
	}
	e.obsMu.Unlock()
	if f != nil {
		f(result)
	}
}

// notifyState reports to the newest user with a StateObserver.
func (e *remoteEntry) notifyState(st FetchState) {
	e.obsMu.Lock()
	var f StateObserver
	for i := len(e.observers) - 1; i >= 0 && f == nil; i-- {
		f = e.observers[i].state
	}
	e.obsMu.Unlock()
	if f != nil {
		f(st)
	}
}

// track updates the source's health after a fetch of uri and reports
// state changes (and reminders) once each. Caller holds fetchMu.
func (e *remoteEntry) track(uri string, err error) {
	now := e.now()
	switch {
	case err == nil && e.failing:
		st := FetchState{Healthy: true, URL: uri, Failures: e.failures, Since: e.failSince}
		e.failing, e.failures = false, 0
		e.notifyState(st)
	case err == nil:
	case !e.failing:
		e.failing, e.failures, e.failSince, e.lastReminder = true, 1, now, now
		e.notifyState(FetchState{URL: uri, Err: err, Failures: 1, Since: now})
	default:
		e.failures++
		if now.Sub(e.lastReminder) >= FailureReminderInterval {
			e.lastReminder = now
			e.notifyState(FetchState{Reminder: true, URL: uri, Err: err, Failures: e.failures, Since: e.failSince})
		}
	}
}

// run fetches at once (in the background: startup never blocks on the
// IdP), then every RefreshInterval, retrying failures with backoff.
func (e *remoteEntry) run(ctx context.Context) {
	defer close(e.done)
	backoff := minRetryDelay
	for {
		e.fetchMu.Lock()
		maxAge, err := e.fetchLocked(ctx)
		e.fetchMu.Unlock()
		e.attemptedOnce.Do(func() { close(e.attempted) })
		wait := e.refreshWait(maxAge)
		if err != nil {
			wait = min(backoff, wait)
			backoff = min(backoff*2, e.cfg.RefreshInterval)
		} else {
			backoff = minRetryDelay
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// refetch runs one on-demand fetch, unless one ran within
// MinRefetchInterval. Callers arriving while it is in flight wait for it
// (bounded by ctx and FetchTimeout) and then see its keys; callers arriving
// later within the interval return at once, so a flood of unknown kids
// neither fetches nor queues.
func (e *remoteEntry) refetch(ctx context.Context) bool {
	e.refetchMu.Lock()
	if ch := e.inflight; ch != nil {
		e.refetchMu.Unlock()
		t := time.NewTimer(e.cfg.FetchTimeout)
		defer t.Stop()
		select {
		case <-ch:
		case <-ctx.Done():
		case <-t.C:
		}
		return false
	}
	now := e.now()
	if !e.lastRefetch.IsZero() && now.Sub(e.lastRefetch) < e.cfg.MinRefetchInterval {
		e.refetchMu.Unlock()
		return false
	}
	ch := make(chan struct{})
	e.inflight, e.lastRefetch = ch, now
	e.refetchMu.Unlock()

	e.fetchMu.Lock()
	// The fetch is shared by every waiting request, so it is not bound to
	// this request's context, only to the fetch timeout.
	_, _ = e.fetchLocked(context.WithoutCancel(ctx))
	e.fetchMu.Unlock()

	e.refetchMu.Lock()
	e.inflight = nil
	close(ch)
	e.refetchMu.Unlock()
	return true
}

// fetchLocked fetches and installs the key set; on failure the previous
// keys stay in place. It returns the JWKS response's Cache-Control max-age
// (-1 when absent). Caller holds fetchMu.
func (e *remoteEntry) fetchLocked(ctx context.Context) (time.Duration, error) {
	maxAge, uri, err := e.fetchOnce(ctx)
	e.track(uri, err)
	if err != nil {
		e.notify("error")
		return -1, err
	}
	e.notify("ok")
	return maxAge, nil
}

// fetchOnce also returns the URL it fetched last (the discovery URL when
// discovery failed).
func (e *remoteEntry) fetchOnce(ctx context.Context) (time.Duration, string, error) {
	uri := e.cfg.JWKSURL
	if uri == "" {
		if e.jwksURI == "" {
			discovered, err := e.discover(ctx)
			if err != nil {
				return -1, discoveryURL(e.cfg.Issuer), err
			}
			e.jwksURI = discovered
		}
		uri = e.jwksURI
	}
	body, hdr, err := e.get(ctx, uri)
	if err != nil {
		if e.cfg.JWKSURL == "" {
			e.jwksURI = "" // the IdP may have moved its JWKS: rediscover
		}
		return -1, uri, err
	}
	keys, err := parseRemoteKeys(body)
	if err != nil {
		return -1, uri, fmt.Errorf("JWKS from %s: %w", uri, err)
	}
	e.keys.Store(&keys)
	return cacheMaxAge(hdr), uri, nil
}

// refreshWait is the wait before the next background refresh: the
// RefreshInterval, shortened by a smaller max-age from the IdP (which
// announces an early rotation that way) but never below the larger of
// MinRefetchInterval and the max-age floor (30s), so max-age=0 or no-store
// cannot turn into a fetch loop. maxAge < 0 means the IdP gave none.
func (e *remoteEntry) refreshWait(maxAge time.Duration) time.Duration {
	wait := e.cfg.RefreshInterval
	if maxAge >= 0 && maxAge < wait {
		wait = max(maxAge, min(max(e.cfg.MinRefetchInterval, e.maxAgeFloor), wait))
	}
	return wait
}

// cacheMaxAge reads max-age from a Cache-Control header (RFC 9111 §5.2.2.1);
// no-cache and no-store count as 0. It returns -1 when there is none or it
// is malformed.
func cacheMaxAge(h http.Header) time.Duration {
	maxAge := time.Duration(-1)
	for _, line := range h.Values("Cache-Control") {
		for _, d := range strings.Split(line, ",") {
			name, value, _ := strings.Cut(strings.TrimSpace(d), "=")
			switch strings.ToLower(name) {
			case "no-cache", "no-store":
				return 0
			case "max-age":
				n, err := strconv.ParseInt(strings.Trim(value, `"`), 10, 64)
				if errors.Is(err, strconv.ErrRange) && n > 0 {
					err = nil // RFC 9111 §1.2.2: an overflow means "very long"
				}
				if err != nil || n < 0 {
					continue
				}
				// Clamp before converting: a huge value must not overflow.
				maxAge = time.Duration(min(n, int64(365*24*3600))) * time.Second
			}
		}
	}
	return maxAge
}

func (e *remoteEntry) discover(ctx context.Context) (string, error) {
	body, _, err := e.get(ctx, discoveryURL(e.cfg.Issuer))
	if err != nil {
		return "", err
	}
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("decoding discovery document: %w", err)
	}
	// OpenID Connect Discovery §4.3: the issuer must match exactly.
	if doc.Issuer != e.cfg.Issuer {
		return "", fmt.Errorf("discovery document issuer %q does not match %q", truncate(doc.Issuer, 128), e.cfg.Issuer)
	}
	if err := CheckFetchURL(doc.JWKSURI); err != nil {
		return "", fmt.Errorf("discovered jwks_uri: %w", err)
	}
	return doc.JWKSURI, nil
}

// get fetches uri within the size and time limits and returns the body
// and the response headers.
func (e *remoteEntry) get(ctx context.Context, uri string) ([]byte, http.Header, error) {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, uri, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := e.client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("fetching %s: %w", uri, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("fetching %s: status %d", uri, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, e.cfg.MaxFetchSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", uri, err)
	}
	if int64(len(body)) > e.cfg.MaxFetchSize {
		return nil, nil, fmt.Errorf("response from %s exceeds %d bytes", uri, e.cfg.MaxFetchSize)
	}
	return body, resp.Header, nil
}

// parseRemoteKeys parses a JWK Set and drops symmetric keys: a secret
// published at a public URL is no secret, and accepting it would let anyone
// mint tokens.
func parseRemoteKeys(body []byte) ([]*Key, error) {
	all, err := ParseJWKSet(body)
	if err != nil {
		return nil, err
	}
	keys := all[:0]
	for _, k := range all {
		if _, symmetric := k.material.([]byte); !symmetric {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("no asymmetric signing key")
	}
	return keys, nil
}
