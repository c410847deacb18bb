package gatehouse

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/gatehouse-dev/caddy-gatehouse/authz"
	"github.com/gatehouse-dev/caddy-gatehouse/authz/authn"
	"github.com/gatehouse-dev/caddy-gatehouse/limits"
)

// AbuseControl (http.handlers.abuse_control) refuses abusive clients:
// rate limits and quotas (GCRA, several per rule), concurrency limits,
// tiers chosen by identity, an anonymous callers' limit, and fail2ban-like
// bans fed by the blocks of request_filter and the rejections of api_auth.
// With a redis backend every Caddy instance that points at the same Redis
// shares the counters, concurrency slots and bans. Refusals are 429 with
// Retry-After and the IETF RateLimit-Policy / RateLimit fields.
type AbuseControl struct {
	// Rules are evaluated in order; each rule whose matchers match the
	// request charges its key, and the first that refuses answers. Default:
	// none (only bans, if configured).
	Rules []AbuseRule `json:"rules,omitempty"`

	// Ban bans clients (by IP and, for authentication failures, by claimed
	// identity) after repeated blocks by other Gatehouse modules. Default:
	// none (no bans).
	Ban *AbuseBan `json:"ban,omitempty"`

	// Redis shares state across instances. Default: none (local tables,
	// per instance).
	Redis *AbuseRedis `json:"redis,omitempty"`

	// FailMode says what happens when Redis cannot answer in time: "open"
	// decides with this instance's local tables (logged and counted in
	// caddy_gatehouse_abuse_fallback_total), "closed" answers 503.
	// Default: "open".
	FailMode string `json:"fail_mode,omitempty"`

	// IPv4Prefix groups IPv4 client addresses into networks of this many
	// bits for keys and bans. Default: 32 (one address).
	IPv4Prefix int `json:"ipv4_prefix,omitempty"`
	// IPv6Prefix groups IPv6 client addresses. Default: 64 (one
	// subscriber's network: a single host can use a whole /64).
	IPv6Prefix int `json:"ipv6_prefix,omitempty"`

	// MaxKeys bounds each local key table (one per rule tier, one for
	// concurrency, one for bans); the least recently useful key is evicted
	// past it. About 56 bytes per key and limit. Default: 100000.
	MaxKeys int `json:"max_keys,omitempty"`

	// Headers says which responses carry RateLimit-Policy and RateLimit:
	// "all", "denied" (429 only) or "off". Retry-After is always sent
	// with a 429. Default: "all".
	Headers string `json:"headers,omitempty"`
	// LegacyHeaders adds X-RateLimit-Limit, X-RateLimit-Remaining and
	// X-RateLimit-Reset (delta seconds) for the most constrained limit.
	// Default: false.
	LegacyHeaders bool `json:"legacy_headers,omitempty"`
	// Body is the 429 body: "json" ({"error":"too many requests",
	// "request_id":…}) or "problem" (application/problem+json, RFC 9457).
	// Default: "json".
	Body string `json:"body,omitempty"`
	// DeniedAsError hands refusals to the server's error routes
	// (handle_errors) as caddyhttp.Error(429) (503 when fail_mode closed
	// trips) instead of writing a body; the headers are already set.
	// Default: false.
	DeniedAsError bool `json:"denied_as_error,omitempty"`

	// Monitor runs observe-only: what would be refused is logged and
	// counted as would_block and goes on, with no header added. Counters
	// are still charged, so the would_block figures are the real ones.
	// Unset: the site's gatehouse handler or the gatehouse global option
	// decides (default: enforce).
	Monitor *bool `json:"monitor,omitempty"`
	// LogRate is the most decision log lines per second. Default: the
	// gatehouse app's decision_log_rate, else 20. Negative: no limit.
	LogRate int `json:"log_rate,omitempty"`

	rules      []*abRule
	bans       *abBans
	store      *limits.Store
	failClosed bool
	clock      limits.Clock
	v4, v6     int
	headers    int
	logger     *zap.Logger
	decisions  *decisionLog
	metrics    *abuseMetrics
	releases   []func()
	unregister func()
}

// AbuseRule is one set of limits over one key.
type AbuseRule struct {
	// Name identifies the rule in logs, metrics, headers and shared state:
	// rules with the same name and limits share their counters across
	// sites and config reloads. Default: "rule<index>".
	Name string `json:"name,omitempty"`
	// MatchRaw scopes the rule to requests matching this matcher set
	// (path, method, header, …). Default: every request.
	MatchRaw caddy.ModuleMap `json:"match,omitempty" caddy:"namespace=http.matchers"`
	// Key is what is counted, as parts joined into one key: client_ip
	// (grouped by ipv4_prefix / ipv6_prefix, trusted_proxies honoured),
	// user ({http.auth.user.id}), api_key (the id of an api_auth API
	// key), claim:<path>, header:<name>, or any placeholder or literal
	// text. A request where a part is empty (an anonymous caller) is
	// counted by client IP under the anonymous limits. Default:
	// ["client_ip"].
	Key []string `json:"key,omitempty"`
	// Limits are the rule's rates and quotas for callers no tier selects;
	// all must admit a request. At most 4. Default: none.
	Limits []AbuseLimit `json:"limits,omitempty"`
	// Concurrency is the most requests in flight per key. Default: 0 (no
	// limit).
	Concurrency int `json:"concurrency,omitempty"`
	// Tiers give identified callers other limits; the first tier whose
	// condition holds applies. Default: none.
	Tiers []AbuseTier `json:"tiers,omitempty"`
	// Anonymous are the limits of callers for whom a key part is empty,
	// counted by client IP. Default: the rule's own limits, by client IP.
	Anonymous *AbuseTier `json:"anonymous,omitempty"`
	// Lease bounds how long a concurrency slot held in Redis stays taken
	// if the instance holding it dies. Default: 5m.
	Lease caddy.Duration `json:"lease,omitempty"`
}

// AbuseLimit is one rate or quota.
type AbuseLimit struct {
	// Name is the policy name in the RateLimit headers. Default: the rule
	// (or tier) name, with ".<index>" after the first limit.
	Name string `json:"name,omitempty"`
	// Rate is <count>/<period>: 20/s, 600/m, 10000/day, 100/10s. Required.
	Rate string `json:"rate,omitempty"`
	// Burst is how many requests may come at once. Default: the count.
	Burst int64 `json:"burst,omitempty"`
	// Quota marks the limit as a quota: its refusals have reason "quota"
	// instead of "rate_limited". Default: false.
	Quota bool `json:"quota,omitempty"`
}

// AbuseTier is a set of limits for callers selected by identity.
type AbuseTier struct {
	// Name identifies the tier. Default: "tier<index>" ("anonymous" for
	// the anonymous tier).
	Name string `json:"name,omitempty"`
	// Roles: the tier applies to a caller with one of these roles.
	Roles []string `json:"roles,omitempty"`
	// Claim and Values: the tier applies to a caller whose claim (a
	// dotted path; an array matches by any element) equals one of Values.
	Claim  string   `json:"claim,omitempty"`
	Values []string `json:"values,omitempty"`
	// Limits of the tier. At most 4.
	Limits []AbuseLimit `json:"limits,omitempty"`
	// Concurrency of the tier. Default: 0 (no limit).
	Concurrency int `json:"concurrency,omitempty"`
}

// AbuseBan configures bans.
type AbuseBan struct {
	// After is the number of strikes (blocks) that bans. Default: 10.
	After int `json:"after,omitempty"`
	// Within is the window the strikes must fall in, from the first.
	// Default: 10m.
	Within caddy.Duration `json:"within,omitempty"`
	// For is the ban time. Default: 10m.
	For caddy.Duration `json:"for,omitempty"`
	// Modules whose blocks count. Default: ["request_filter", "api_auth"].
	Modules []string `json:"modules,omitempty"`
	// IgnoreReasons are decision reasons that never count. Default:
	// ["missing", "no_keys"]: a request without credentials is a client
	// that has not logged in yet, not an attack, and no_keys means the
	// identity provider's keys are unavailable (our outage, not theirs).
	IgnoreReasons []string `json:"ignore_reasons,omitempty"`
	// CountMonitor counts would_block decisions of modules in monitor
	// mode as strikes. Default: false (only enforced blocks).
	CountMonitor bool `json:"count_monitor,omitempty"`
	// NoIdentity turns off bans by claimed identity. They are on by
	// default: credential stuffing against one account from many
	// addresses is stopped by them. The identity an invalid credential
	// claims is not verified, so whoever can send requests can get an
	// account banned for the ban time (a lockout): turn this on where
	// that matters more. Default: false.
	NoIdentity bool `json:"no_identity,omitempty"`
}

// AbuseRedis addresses the shared Redis.
type AbuseRedis struct {
	// Addresses are host:port: one server, Cluster seed nodes (with
	// cluster), or Sentinels (with master_name). Required.
	Addresses []string `json:"addresses,omitempty"`
	// MasterName selects Sentinel mode. Default: none.
	MasterName string `json:"master_name,omitempty"`
	// Cluster selects Redis Cluster. All keys of one prefix share a hash
	// tag (one Lua script touches one slot): use a prefix per site to
	// spread them. Default: false.
	Cluster bool `json:"cluster,omitempty"`
	// Username for ACL AUTH. Placeholders ({env.*}, {file.*}) are
	// resolved. Default: none.
	Username string `json:"username,omitempty"`
	// Password for AUTH. Placeholders ({env.*}, {file.*}) are resolved.
	// Default: none.
	Password string `json:"password,omitempty"`
	// SentinelPassword authenticates to the Sentinels. Default: none.
	SentinelPassword string `json:"sentinel_password,omitempty"`
	// DB is the database number (not in Cluster). Default: 0.
	DB int `json:"db,omitempty"`
	// TLS encrypts connections. Default: none (plain TCP).
	TLS *AbuseRedisTLS `json:"tls,omitempty"`
	// Timeout bounds each decision's round trip; past it the fail mode
	// applies. Default: 5ms.
	Timeout caddy.Duration `json:"timeout,omitempty"`
	// PoolSize is the most connections per node. Default: 10 per CPU.
	PoolSize int `json:"pool_size,omitempty"`
	// Prefix starts every key (and is the Cluster hash tag). Default:
	// "gatehouse".
	Prefix string `json:"prefix,omitempty"`
	// Backoff is how long Redis is not tried after an error. Default: 1s.
	Backoff caddy.Duration `json:"backoff,omitempty"`
}

// AbuseRedisTLS configures TLS to Redis.
type AbuseRedisTLS struct {
	// CAFile is a PEM bundle of the CAs that sign the server certificate.
	// Default: the system roots.
	CAFile string `json:"ca_file,omitempty"`
	// ServerName overrides the name checked in the certificate. Default:
	// the host of the address.
	ServerName string `json:"server_name,omitempty"`
	// CertFile and KeyFile are a client certificate (mutual TLS).
	// Default: none.
	CertFile string `json:"cert_file,omitempty"`
	KeyFile  string `json:"key_file,omitempty"`
}

// CaddyModule returns the Caddy module information.
func (AbuseControl) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.handlers.abuse_control",
		New: func() caddy.Module { return new(AbuseControl) },
	}
}

// Header modes.
const (
	abHeadersAll = iota
	abHeadersDenied
	abHeadersOff
)

// Defaults.
const (
	abDefaultMaxKeys   = 100_000
	abDefaultBanAfter  = 10
	abDefaultBanWithin = 10 * time.Minute
	abDefaultBanFor    = 10 * time.Minute
	abDefaultLease     = 5 * time.Minute
	abModule           = "abuse_control"
)

// abClock is the process-wide clock: monotonic, shared by the tables
// that outlive a reload.
var abClock = limits.MonotonicClock()

// abInstance prefixes this process's concurrency lease tokens in Redis.
var abInstance = func() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:]) + "-"
}()

// Shared state, kept across config reloads by config identity.
var (
	abLimiters    limits.Registry[*limits.Limiter]
	abConcurrency limits.Registry[*limits.Concurrency]
	abBanTables   limits.Registry[*limits.Bans]
	abStores      limits.Registry[*limits.Store]
)

// abRule is a provisioned rule.
type abRule struct {
	name          string
	match         caddyhttp.MatcherSet
	parts         []abKeyPart
	identityKeyed bool
	base          *abTier
	tiers         []*abTier
	anon          *abTier
	lease         time.Duration
}

// abTier is a provisioned set of limits.
type abTier struct {
	name     string
	roles    []string
	claim    string
	values   []string
	limiter  *limits.Limiter
	limits   []limits.Limit
	conc     *limits.Concurrency
	concMax  int64
	policy   string   // RateLimit-Policy members
	quoted   []string // limit names as Structured Field Strings
	redisKey string   // rule:tier, in Redis key names
}

func (t *abTier) empty() bool { return t == nil || (t.limiter == nil && t.conc == nil) }

// Provision sets defaults, compiles rules and acquires the shared tables,
// Redis client and ban observer.
func (h *AbuseControl) Provision(ctx caddy.Context) error {
	h.logger = ctx.Logger()
	h.clock = abClock
	h.v4, h.v6 = h.IPv4Prefix, h.IPv6Prefix
	if h.v4 == 0 {
		h.v4 = 32
	}
	if h.v6 == 0 {
		h.v6 = 64
	}
	if h.MaxKeys == 0 {
		h.MaxKeys = abDefaultMaxKeys
	}
	switch h.Headers {
	case "", "all":
		h.headers = abHeadersAll
	case "denied":
		h.headers = abHeadersDenied
	case "off":
		h.headers = abHeadersOff
	}
	h.failClosed = h.FailMode == "closed"

	var err error
	if h.metrics, err = newAbuseMetrics(ctx.GetMetricsRegistry()); err != nil {
		return fmt.Errorf("abuse_control: metrics: %w", err)
	}
	if h.decisions, err = newDecisionLog(ctx, abModule, h.logger, h.LogRate); err != nil {
		return fmt.Errorf("abuse_control: metrics: %w", err)
	}

	for i := range h.Rules {
		rule, err := h.provisionRule(ctx, i)
		if err != nil {
			return fmt.Errorf("abuse_control: rule %d (%s): %w", i, h.ruleName(i), err)
		}
		h.rules = append(h.rules, rule)
	}
	if h.Redis != nil {
		if err := h.provisionRedis(); err != nil {
			return fmt.Errorf("abuse_control: redis: %w", err)
		}
	}
	if h.Ban != nil {
		if err := h.provisionBans(); err != nil {
			return fmt.Errorf("abuse_control: ban: %w", err)
		}
	}
	return nil
}

func (h *AbuseControl) ruleName(i int) string {
	if h.Rules[i].Name != "" {
		return h.Rules[i].Name
	}
	return "rule" + strconv.Itoa(i)
}

func (h *AbuseControl) provisionRule(ctx caddy.Context, i int) (*abRule, error) {
	cfg := &h.Rules[i]
	rule := &abRule{name: h.ruleName(i), lease: time.Duration(cfg.Lease)}
	if rule.lease <= 0 {
		rule.lease = abDefaultLease
	}
	if cfg.MatchRaw != nil {
		mods, err := ctx.LoadModule(cfg, "MatchRaw")
		if err != nil {
			return nil, fmt.Errorf("loading matchers: %w", err)
		}
		for _, m := range mods.(map[string]any) {
			switch m.(type) {
			case caddyhttp.RequestMatcherWithError, caddyhttp.RequestMatcher:
				rule.match = append(rule.match, m)
			default:
				return nil, fmt.Errorf("module is not a request matcher: %T", m)
			}
		}
	}
	keys := cfg.Key
	if len(keys) == 0 {
		keys = []string{"client_ip"}
	}
	for _, k := range keys {
		p, err := parseAcKeyPart(k)
		if err != nil {
			return nil, err
		}
		rule.identityKeyed = rule.identityKeyed || p.identity()
		rule.parts = append(rule.parts, p)
	}
	var err error
	if rule.base, err = h.provisionTier(rule.name, rule.name, "", AbuseTier{Limits: cfg.Limits, Concurrency: cfg.Concurrency}); err != nil {
		return nil, err
	}
	for j, tc := range cfg.Tiers {
		if tc.Name == "" {
			tc.Name = "tier" + strconv.Itoa(j)
		}
		t, err := h.provisionTier(rule.name, tc.Name, rule.name+"."+tc.Name, tc)
		if err != nil {
			return nil, fmt.Errorf("tier %s: %w", tc.Name, err)
		}
		rule.tiers = append(rule.tiers, t)
	}
	if cfg.Anonymous != nil {
		tc := *cfg.Anonymous
		if tc.Name == "" {
			tc.Name = "anonymous"
		}
		if rule.anon, err = h.provisionTier(rule.name, tc.Name, rule.name+"."+tc.Name, tc); err != nil {
			return nil, fmt.Errorf("anonymous: %w", err)
		}
	}
	return rule, nil
}

// provisionTier builds one tier; policyName names its limits in headers.
func (h *AbuseControl) provisionTier(rule, tier, policyName string, tc AbuseTier) (*abTier, error) {
	if policyName == "" {
		policyName = rule
	}
	t := &abTier{name: tier, roles: tc.Roles, claim: tc.Claim, values: tc.Values, concMax: int64(tc.Concurrency), redisKey: rule + ":" + tier}
	var policy []string
	for j, lc := range tc.Limits {
		count, period, err := limits.ParseRate(lc.Rate)
		if err != nil {
			return nil, err
		}
		name := lc.Name
		if name == "" {
			name = policyName
			if j > 0 {
				name += "." + strconv.Itoa(j)
			}
		}
		l := limits.Limit{Name: name, Count: count, Period: period, Burst: lc.Burst, Quota: lc.Quota}
		if err := l.Validate(); err != nil {
			return nil, err
		}
		t.limits = append(t.limits, l)
		t.quoted = append(t.quoted, abSFString(name))
		policy = append(policy, abSFString(name)+";q="+strconv.FormatInt(count, 10)+";w="+strconv.FormatInt(abCeilSeconds(int64(period)), 10))
	}
	t.policy = strings.Join(policy, ", ")
	if len(t.limits) > 0 {
		id, _ := json.Marshal(struct {
			Rule, Tier string
			Limits     []limits.Limit
			MaxKeys    int
		}{rule, tier, t.limits, h.MaxKeys})
		lim, release, err := abLimiters.Acquire(string(id), func() (*limits.Limiter, error) {
			return limits.NewLimiter(t.limits, h.MaxKeys)
		}, nil)
		if err != nil {
			return nil, err
		}
		h.releases = append(h.releases, release)
		t.limiter = lim
	}
	if tc.Concurrency > 0 {
		id := fmt.Sprintf("%s\x00%s\x00%d\x00%d", rule, tier, tc.Concurrency, h.MaxKeys)
		c, release, err := abConcurrency.Acquire(id, func() (*limits.Concurrency, error) {
			return limits.NewConcurrency(int64(tc.Concurrency), h.MaxKeys)
		}, nil)
		if err != nil {
			return nil, err
		}
		h.releases = append(h.releases, release)
		t.conc = c
	}
	return t, nil
}

func (h *AbuseControl) provisionRedis() error {
	rc := h.Redis
	repl := caddy.NewReplacer()
	cfg := limits.RedisConfig{
		Addrs:            rc.Addresses,
		MasterName:       rc.MasterName,
		Cluster:          rc.Cluster,
		Username:         repl.ReplaceKnown(rc.Username, ""),
		Password:         repl.ReplaceKnown(rc.Password, ""),
		SentinelPassword: repl.ReplaceKnown(rc.SentinelPassword, ""),
		DB:               rc.DB,
		Timeout:          time.Duration(rc.Timeout),
		PoolSize:         rc.PoolSize,
		Prefix:           rc.Prefix,
		Backoff:          time.Duration(rc.Backoff),
	}
	if rc.TLS != nil {
		tc, err := rc.TLS.config()
		if err != nil {
			return err
		}
		cfg.TLS = tc
	}
	// The registry key is a digest: the config holds the password.
	raw, _ := json.Marshal(rc)
	sum := sha256.Sum256(append(raw, cfg.Password+"\x00"+cfg.Username...))
	st, release, err := abStores.Acquire(hex.EncodeToString(sum[:]), func() (*limits.Store, error) {
		return limits.NewStore(cfg)
	}, func(s *limits.Store) { _ = s.Close() })
	if err != nil {
		return err
	}
	h.releases = append(h.releases, release)
	h.store = st
	// Warn early; a Redis that is down at load is not a load error (the
	// fail mode covers it, and it may come back).
	pctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if err := st.Ping(pctx); err != nil {
		h.logger.Warn("abuse_control: redis not reachable at load; fail mode applies until it is",
			zap.Strings("addresses", rc.Addresses), zap.String("fail_mode", h.failModeName()), zap.Error(err))
	}
	return nil
}

func (t *AbuseRedisTLS) config() (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("tls ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls ca_file %s: no PEM certificate", t.CAFile)
		}
		tc.RootCAs = pool
	}
	if t.CertFile != "" || t.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("tls client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

func (h *AbuseControl) failModeName() string {
	if h.failClosed {
		return "closed"
	}
	return "open"
}

// Validate checks the configuration without side effects.
func (h *AbuseControl) Validate() error {
	if len(h.Rules) == 0 && h.Ban == nil {
		return errors.New("abuse_control: configure at least one rule or a ban")
	}
	switch h.FailMode {
	case "", "open", "closed":
	default:
		return fmt.Errorf("abuse_control: fail_mode %q: expected open or closed", h.FailMode)
	}
	switch h.Headers {
	case "", "all", "denied", "off":
	default:
		return fmt.Errorf("abuse_control: headers %q: expected all, denied or off", h.Headers)
	}
	switch h.Body {
	case "", "json", "problem":
	default:
		return fmt.Errorf("abuse_control: body %q: expected json or problem", h.Body)
	}
	if h.IPv4Prefix < 0 || h.IPv4Prefix > 32 || h.IPv6Prefix < 0 || h.IPv6Prefix > 128 {
		return errors.New("abuse_control: ipv4_prefix must be 1-32 and ipv6_prefix 1-128")
	}
	if h.MaxKeys < 0 {
		return errors.New("abuse_control: max_keys must be positive")
	}
	names := map[string]bool{}
	for i, r := range h.Rules {
		name := h.ruleName(i)
		if names[name] {
			return fmt.Errorf("abuse_control: rule name %q used twice", name)
		}
		names[name] = true
		if len(r.Limits) == 0 && r.Concurrency == 0 && len(r.Tiers) == 0 && r.Anonymous == nil {
			return fmt.Errorf("abuse_control: rule %s: no limit, concurrency, tier or anonymous limit", name)
		}
		all := append([]AbuseTier{{Limits: r.Limits, Concurrency: r.Concurrency}}, r.Tiers...)
		if r.Anonymous != nil {
			all = append(all, *r.Anonymous)
		}
		for j, t := range all {
			if len(t.Limits) > limits.MaxLimits {
				return fmt.Errorf("abuse_control: rule %s: at most %d limits per rule or tier", name, limits.MaxLimits)
			}
			if t.Concurrency < 0 {
				return fmt.Errorf("abuse_control: rule %s: concurrency must be positive", name)
			}
			if j > 0 && j <= len(r.Tiers) && len(t.Roles) == 0 && t.Claim == "" {
				return fmt.Errorf("abuse_control: rule %s: tier %q selects nobody (set roles or claim and values)", name, t.Name)
			}
			if t.Claim != "" && len(t.Values) == 0 {
				return fmt.Errorf("abuse_control: rule %s: tier %q: claim %q without values", name, t.Name, t.Claim)
			}
		}
		for _, k := range r.Key {
			if _, err := parseAcKeyPart(k); err != nil {
				return fmt.Errorf("abuse_control: rule %s: %w", name, err)
			}
		}
	}
	if b := h.Ban; b != nil && (b.After < 0 || b.Within < 0 || b.For < 0) {
		return errors.New("abuse_control: ban: after, within and for must be positive")
	}
	if rc := h.Redis; rc != nil {
		if len(rc.Addresses) == 0 {
			return errors.New("abuse_control: redis: no address")
		}
		if len(rc.Addresses) > 1 && !rc.Cluster && rc.MasterName == "" {
			return errors.New("abuse_control: redis: several addresses need cluster or master_name (Sentinel)")
		}
		if rc.Cluster && rc.MasterName != "" {
			return errors.New("abuse_control: redis: cluster and master_name exclude each other")
		}
	}
	return nil
}

// Cleanup releases the shared state this config acquired; what a newer
// config also holds stays.
func (h *AbuseControl) Cleanup() error {
	if h.unregister != nil {
		h.unregister()
	}
	if h.bans != nil {
		h.bans.leave(h)
	}
	for _, release := range h.releases {
		release()
	}
	h.releases = nil
	return nil
}

// abApplied is one rule charged for the request: what the headers report
// and what must be released afterwards.
type abApplied struct {
	rule    *abRule
	tier    *abTier
	res     limits.Result
	hash    uint64 // local concurrency slot held when conc
	conc    bool
	connKey string // Redis concurrency slot held when not ""
	token   string
}

// abMaxApplied bounds the stack array of applied rules (more rules grow a
// slice).
const abMaxApplied = 8

// ServeHTTP decides on r.
func (h *AbuseControl) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	monitor := h.decisions.monitor(r, h.Monitor)
	var ipBuf [64]byte
	ipKey := limits.AppendClientIP(ipBuf[:0], decisionClientIP(r), h.v4, h.v6)
	id, _ := caddyhttp.GetVar(r.Context(), identityVarKey).(*authz.Identity)
	user := abUserID(r, id)

	// wouldBlock: a refusal was recorded in monitor mode (the request is
	// then not also counted as allowed).
	wouldBlock := false
	// Bans, locally first: a banned client costs no round trip.
	if h.bans != nil {
		if banned, left := h.bans.check(ipKey, user, h.clock()); banned {
			ref := abRefusal{reason: "banned", user: user, retry: left}
			if !monitor {
				return h.refuse(w, r, next, false, ref)
			}
			// Monitor mode reports the ban and still charges the rules,
			// so their would_block figures stay true.
			h.recordRefusal(r, ref, true)
			wouldBlock = true
		}
	}

	var appliedBuf [abMaxApplied]abApplied
	applied := appliedBuf[:0]
	var keyBuf [512]byte
	var redisBans []string
	if h.store != nil && h.bans != nil {
		redisBans = h.bans.redisKeys(h.store, ipKey, user)
	}
	for _, rule := range h.rules {
		if rule.match != nil {
			ok, err := rule.match.MatchWithError(r)
			if err != nil {
				return caddyhttp.Error(http.StatusInternalServerError, err)
			}
			if !ok {
				continue
			}
		}
		tier, key := rule.resolve(r, id, user, ipKey, keyBuf[:0])
		if tier.empty() {
			continue
		}
		a := abApplied{rule: rule, tier: tier}
		var ref *abRefusal
		if h.store != nil && h.store.Available() {
			var err error
			ref, err = h.decideRedis(r, &a, key, redisBans, user)
			redisBans = nil // checked once, with the first rule
			if err != nil {
				if rf := h.backendFailed(r, err); rf != nil {
					h.releaseAll(r, applied)
					return h.refuse(w, r, next, monitor, *rf)
				}
				ref = h.decideLocal(&a, key, user)
			}
		} else {
			if h.store != nil {
				if rf := h.backendFailed(r, errAbuseBackendSkipped); rf != nil {
					h.releaseAll(r, applied)
					return h.refuse(w, r, next, monitor, *rf)
				}
			}
			ref = h.decideLocal(&a, key, user)
		}
		if ref != nil && ref.reason == "banned" {
			// Learn a fleet ban locally: the client's next requests need
			// no round trip.
			h.bans.learn(ipKey, user, ref.banIndex, h.clock(), ref.retry)
			if !monitor {
				h.releaseAll(r, applied)
				return h.refuse(w, r, next, false, *ref)
			}
			// The script stopped at the ban: decide this rule locally.
			h.recordRefusal(r, *ref, true)
			wouldBlock = true
			ref = h.decideLocal(&a, key, user)
		}
		if ref != nil {
			if monitor {
				h.recordRefusal(r, *ref, true)
				wouldBlock = true
				continue
			}
			h.releaseAll(r, applied)
			applied = append(applied, a)
			return h.refuse(w, r, next, false, *ref, applied...)
		}
		applied = append(applied, a)
	}
	if len(redisBans) > 0 {
		// No rule asked Redis: check the shared bans on their own.
		if ref := h.checkRedisBans(r, redisBans, user); ref != nil {
			h.bans.learn(ipKey, user, ref.banIndex, h.clock(), ref.retry)
			return h.refuse(w, r, next, monitor, *ref)
		}
	}
	if !wouldBlock {
		h.decisions.allowed()
	}
	if len(applied) > 0 {
		if !monitor && h.headers == abHeadersAll {
			h.setHeaders(w.Header(), applied, nil)
		}
		defer h.releaseAll(r, applied)
	}
	return next.ServeHTTP(w, r)
}

// errAbuseBackendSkipped is the error of a decision made while Redis is
// in its backoff after a failure.
var errAbuseBackendSkipped = errors.New("redis: backing off after an error")

// backendFailed counts a Redis failure and says what to do: nil to fall
// back to local limits (fail open), or the refusal (fail closed).
func (h *AbuseControl) backendFailed(r *http.Request, err error) *abRefusal {
	if !errors.Is(err, errAbuseBackendSkipped) {
		h.metrics.backendErrors.Inc()
		if ce := h.logger.Check(zap.WarnLevel, "abuse_control: redis unavailable"); ce != nil {
			// One line per second at most: an outage is one event, not
			// one per request.
			if ok, dropped := h.metrics.errLog.allow(); ok {
				ce.Write(zap.String("fail_mode", h.failModeName()), zap.Int64("dropped_since_last", dropped), zap.Error(err))
			}
		}
	}
	if h.failClosed {
		h.metrics.fallback.WithLabelValues("closed").Inc()
		return &abRefusal{reason: "backend_unavailable", status: http.StatusServiceUnavailable, retry: int64(time.Second)}
	}
	h.metrics.fallback.WithLabelValues("open").Inc()
	return nil
}

// decideLocal decides with this instance's tables.
func (h *AbuseControl) decideLocal(a *abApplied, key []byte, user string) *abRefusal {
	t := a.tier
	hash := limits.HashBytes(key)
	if t.conc != nil {
		ok, _ := t.conc.Acquire(hash)
		if !ok {
			return &abRefusal{rule: a.rule, tier: t, reason: "concurrency", user: user, retry: int64(time.Second)}
		}
		a.hash, a.conc = hash, true
	}
	if t.limiter != nil {
		a.res = t.limiter.AllowClock(hash, h.clock)
		if !a.res.Allowed {
			if a.conc {
				t.conc.Release(hash)
				a.conc = false
			}
			return h.limitRefusal(a, user)
		}
	}
	return nil
}

// decideRedis decides in one round trip to Redis.
func (h *AbuseControl) decideRedis(r *http.Request, a *abApplied, key []byte, bans []string, user string) (*abRefusal, error) {
	t := a.tier
	d := limits.Decision{BanKeys: bans, Limits: t.limits}
	for i := range t.limits {
		d.LimitKeys = append(d.LimitKeys, h.store.Key("rl", t.redisKey+":"+strconv.Itoa(i), key))
	}
	if t.concMax > 0 {
		d.ConcurrencyKey = h.store.Key("cc", t.redisKey, key)
		d.Concurrency, d.Lease, d.Token = t.concMax, a.rule.lease, limits.NewToken(abInstance)
	}
	start := time.Now()
	out, err := h.store.Decide(r.Context(), &d)
	h.metrics.redisSeconds.Observe(time.Since(start).Seconds())
	if err != nil {
		return nil, err
	}
	a.res = out.Result
	switch {
	case out.Banned:
		return &abRefusal{reason: "banned", user: user, retry: out.BanLeft, banIndex: out.BanIndex}, nil
	case out.ConcurrencyFull:
		return &abRefusal{rule: a.rule, tier: t, reason: "concurrency", user: user, retry: int64(time.Second)}, nil
	case !out.Allowed:
		return h.limitRefusal(a, user), nil
	}
	if d.Concurrency > 0 {
		a.connKey, a.token = d.ConcurrencyKey, d.Token
	}
	return nil, nil
}

// checkRedisBans asks Redis about bans alone (no rule applied).
func (h *AbuseControl) checkRedisBans(r *http.Request, bans []string, user string) *abRefusal {
	if !h.store.Available() {
		return nil
	}
	start := time.Now()
	out, err := h.store.Decide(r.Context(), &limits.Decision{BanKeys: bans})
	h.metrics.redisSeconds.Observe(time.Since(start).Seconds())
	if err != nil {
		// Local bans were already checked; a ban check alone never fails
		// closed.
		h.metrics.backendErrors.Inc()
		return nil
	}
	if out.Banned {
		return &abRefusal{reason: "banned", user: user, retry: out.BanLeft, banIndex: out.BanIndex}
	}
	return nil
}

func (h *AbuseControl) limitRefusal(a *abApplied, user string) *abRefusal {
	reason := "rate_limited"
	l := a.tier.limits[max(a.res.Denied, 0)]
	if l.Quota {
		reason = "quota"
	}
	return &abRefusal{rule: a.rule, tier: a.tier, reason: reason, limit: l.Name, user: user, retry: a.res.RetryAfter}
}

// releaseAll gives back the concurrency slots of applied rules.
func (h *AbuseControl) releaseAll(r *http.Request, applied []abApplied) {
	for i := range applied {
		a := &applied[i]
		if a.conc {
			a.tier.conc.Release(a.hash)
			a.conc = false
		}
		if a.connKey != "" {
			// The client may be gone: release regardless of its context.
			if err := h.store.Release(context.WithoutCancel(r.Context()), a.connKey, a.token); err != nil {
				h.metrics.backendErrors.Inc()
			}
			a.connKey = ""
		}
	}
}

// abRefusal is why a request is (or would be) refused.
type abRefusal struct {
	rule     *abRule
	tier     *abTier
	reason   string
	limit    string
	user     string
	status   int   // default 429
	retry    int64 // nanoseconds
	banIndex int   // which Redis ban key (reason banned)
}

var (
	errAbuseRefused     = errors.New("too many requests")
	errAbuseUnavailable = errors.New("rate limit backend unavailable")
)

// refuse answers a refusal, or records it and goes on in monitor mode.
// applied are the rules charged so far (the last one refused), for the
// RateLimit fields.
func (h *AbuseControl) refuse(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler, monitor bool, ref abRefusal, applied ...abApplied) error {
	if ref.status == 0 {
		ref.status = http.StatusTooManyRequests
	}
	h.recordRefusal(r, ref, monitor)
	if monitor {
		return next.ServeHTTP(w, r)
	}
	hdr := w.Header()
	hdr.Set("Retry-After", strconv.FormatInt(max(abCeilSeconds(ref.retry), 1), 10))
	if h.headers != abHeadersOff && len(applied) > 0 {
		h.setHeaders(hdr, applied, &ref)
	}
	hdr.Set("Cache-Control", "no-store")
	requestID := decisionRequestID(r)
	if h.DeniedAsError {
		err := errAbuseRefused
		if ref.status == http.StatusServiceUnavailable {
			err = errAbuseUnavailable
		}
		he := caddyhttp.Error(ref.status, err)
		if requestID != "" {
			he.ID = requestID
		}
		return he
	}
	h.writeBody(w, r, ref.status, requestID)
	return nil
}

func (h *AbuseControl) recordRefusal(r *http.Request, ref abRefusal, monitor bool) {
	d := decision{Decision: decisionBlock, Reason: ref.reason, Status: ref.status, User: ref.user, Monitor: monitor}
	if d.Status == 0 {
		d.Status = http.StatusTooManyRequests
	}
	if monitor {
		d.Decision = decisionWouldBlock
	}
	fields := make([]zap.Field, 0, 3)
	if ref.reason == "banned" {
		d.Rule = "ban"
	}
	if ref.rule != nil {
		d.Rule = ref.rule.name
		fields = append(fields, zap.String("tier", ref.tier.name))
	}
	if ref.limit != "" {
		fields = append(fields, zap.String("limit", ref.limit))
	}
	fields = append(fields, zap.Int64("retry_after", max(abCeilSeconds(ref.retry), 1)))
	h.decisions.record(r, d, fields...)
	if extra := accessLogFields(r); extra != nil {
		extra.Set(zap.String("abuse_reason", ref.reason))
	}
}

// writeBody writes a 429 (or 503) body that says nothing but the status
// and the request id.
func (h *AbuseControl) writeBody(w http.ResponseWriter, r *http.Request, status int, requestID string) {
	var body []byte
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	title := http.StatusText(status)
	if h.Body == "problem" {
		hdr.Set("Content-Type", "application/problem+json")
		body, _ = json.Marshal(struct {
			Type     string `json:"type"`
			Title    string `json:"title"`
			Status   int    `json:"status"`
			Instance string `json:"instance,omitempty"`
		}{"about:blank", title, status, abInstanceURN(requestID)})
	} else {
		hdr.Set("Content-Type", "application/json")
		body, _ = json.Marshal(map[string]string{"error": strings.ToLower(title), "request_id": requestID})
	}
	body = append(body, '\n')
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func abInstanceURN(id string) string {
	if id == "" {
		return ""
	}
	return "urn:uuid:" + id
}

// setHeaders writes RateLimit-Policy and RateLimit
// (draft-ietf-httpapi-ratelimit-headers-09/10: lists of quoted policy
// names with q/w and r/t parameters) for every limit charged, and the
// legacy X-RateLimit-* for the most constrained one.
func (h *AbuseControl) setHeaders(hdr http.Header, applied []abApplied, ref *abRefusal) {
	var stateBuf [256]byte
	state := stateBuf[:0]
	policy := ""
	bestRem, best, bestTier := int64(-1), -1, -1
	for ai := range applied {
		a := &applied[ai]
		t := a.tier
		if len(t.limits) == 0 || a.res.N == 0 {
			continue
		}
		if policy == "" {
			policy = t.policy // the common case: one rule, no copy
		} else {
			policy += ", " + t.policy
		}
		for i := range t.limits {
			if len(state) > 0 {
				state = append(state, ", "...)
			}
			rem := a.res.Remaining[i]
			reset := a.res.Reset[i]
			if ref != nil && ref.tier == t && i == a.res.Denied {
				rem, reset = 0, a.res.RetryAfter
			}
			state = append(state, t.quoted[i]...)
			state = append(state, ";r="...)
			state = strconv.AppendInt(state, rem, 10)
			state = append(state, ";t="...)
			state = strconv.AppendInt(state, abCeilSeconds(reset), 10)
			if bestRem < 0 || rem < bestRem {
				bestRem, best, bestTier = rem, i, ai
			}
		}
	}
	if policy == "" {
		return
	}
	hdr.Set("RateLimit-Policy", policy)
	hdr.Set("RateLimit", string(state))
	if h.LegacyHeaders && best >= 0 {
		a := &applied[bestTier]
		l := a.tier.limits[best]
		reset := a.res.Reset[best]
		if ref != nil && best == a.res.Denied {
			reset = a.res.RetryAfter
		}
		hdr.Set("X-RateLimit-Limit", strconv.FormatInt(l.Count, 10))
		hdr.Set("X-RateLimit-Remaining", strconv.FormatInt(bestRem, 10))
		hdr.Set("X-RateLimit-Reset", strconv.FormatInt(abCeilSeconds(reset), 10))
	}
}

// abCeilSeconds rounds nanoseconds up to whole seconds (headers carry
// integers; rounding down would invite a retry that is refused again).
func abCeilSeconds(ns int64) int64 {
	if ns <= 0 {
		return 0
	}
	return (ns + int64(time.Second) - 1) / int64(time.Second)
}

// abSFString renders s as a Structured Field String (RFC 9651): printable
// ASCII in quotes, with " and \ escaped; other bytes are dropped.
func abSFString(s string) string {
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e {
			continue
		}
		if c == '"' || c == '\\' {
			b = append(b, '\\')
		}
		b = append(b, c)
	}
	return string(append(b, '"'))
}

// abUserID is the authenticated caller: api_auth's identity, else the
// {http.auth.user.id} another module set.
func abUserID(r *http.Request, id *authz.Identity) string {
	if id != nil {
		return id.ID
	}
	if repl, ok := r.Context().Value(caddy.ReplacerCtxKey).(*caddy.Replacer); ok {
		if v, ok := repl.GetString("http.auth.user.id"); ok {
			return v
		}
	}
	return ""
}

// resolve picks the tier for the caller and builds the key. A caller
// with an empty key part is anonymous: counted by client IP, under the
// anonymous tier if any, else the rule's own limits.
func (rule *abRule) resolve(r *http.Request, id *authz.Identity, user string, ipKey, dst []byte) (*abTier, []byte) {
	var repl *caddy.Replacer
	anonymous := false
	for _, p := range rule.parts {
		if p.kind == abKeyClientIP {
			dst = limits.AppendKeyPart(dst, unsafeString(ipKey))
			continue
		}
		if repl == nil && p.needsReplacer() {
			repl, _ = r.Context().Value(caddy.ReplacerCtxKey).(*caddy.Replacer)
		}
		v := p.value(r, id, user, repl)
		if v == "" {
			anonymous = true
			break
		}
		dst = limits.AppendKeyPart(dst, v)
	}
	if anonymous {
		dst = append(dst[:0], "anon|"...)
		dst = append(dst, ipKey...)
		if rule.anon != nil {
			return rule.anon, dst
		}
		return rule.base, dst
	}
	for _, t := range rule.tiers {
		if t.selects(r, id, repl) {
			return t, dst
		}
	}
	return rule.base, dst
}

// selects says whether the tier's condition holds for the caller.
func (t *abTier) selects(r *http.Request, id *authz.Identity, repl *caddy.Replacer) bool {
	if len(t.roles) > 0 && id != nil {
		for _, role := range id.Roles {
			if slices.Contains(t.roles, role) {
				return true
			}
		}
	}
	if t.claim == "" {
		return false
	}
	if id != nil {
		v, ok := authn.LookupClaim(id.Claims, t.claim)
		if !ok {
			return false
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				if s, ok := e.(string); ok && slices.Contains(t.values, s) {
					return true
				}
			}
			return false
		case string:
			return slices.Contains(t.values, x)
		}
		s, _ := authn.ClaimString(id.Claims, t.claim)
		return slices.Contains(t.values, s)
	}
	// Identity from another module: its {http.auth.user.<claim>}.
	if repl == nil {
		repl, _ = r.Context().Value(caddy.ReplacerCtxKey).(*caddy.Replacer)
	}
	if repl != nil {
		if s, ok := repl.GetString("http.auth.user." + t.claim); ok {
			return slices.Contains(t.values, s)
		}
	}
	return false
}

// abuseMetrics are abuse_control's own counters (beyond the shared
// decision metrics). Labels are bounded: no rule, no key.
type abuseMetrics struct {
	backendErrors prometheus.Counter
	fallback      *prometheus.CounterVec // mode: open, closed
	bans          *prometheus.CounterVec // kind: ip, identity; source: module
	redisSeconds  prometheus.Histogram
	errLog        *logSampler
}

func newAbuseMetrics(r *prometheus.Registry) (*abuseMetrics, error) {
	var reg prometheus.Registerer
	if r != nil {
		reg = r
	}
	m := &abuseMetrics{errLog: newLogSampler(1, time.Now)}
	errs := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "caddy_gatehouse_abuse_backend_errors_total",
		Help: "Redis operations of abuse_control that failed or timed out.",
	}, nil)
	fallback := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "caddy_gatehouse_abuse_fallback_total",
		Help: "Decisions abuse_control made without Redis, by fail mode (open: local limits, closed: 503).",
	}, []string{"mode"})
	bans := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "caddy_gatehouse_abuse_bans_total",
		Help: "Bans started by abuse_control, by key kind (ip, identity) and the module whose blocks caused them.",
	}, []string{"kind", "source"})
	var err error
	if errs, err = registerCounterVec(reg, errs); err != nil {
		return nil, err
	}
	if m.fallback, err = registerCounterVec(reg, fallback); err != nil {
		return nil, err
	}
	if m.bans, err = registerCounterVec(reg, bans); err != nil {
		return nil, err
	}
	m.backendErrors = errs.WithLabelValues()
	hist := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "caddy_gatehouse_abuse_redis_seconds",
		Help:    "Round-trip time of abuse_control's Redis decisions.",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .1},
	})
	if reg != nil {
		if err := reg.Register(hist); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				return nil, err
			}
			if existing, ok := are.ExistingCollector.(prometheus.Histogram); ok {
				hist = existing
			}
		}
	}
	m.redisSeconds = hist
	return m, nil
}

// abBans is the ban table of one ban configuration, shared by the
// handlers (sites, old and new configs) that use it; only the most
// recently provisioned of them counts strikes, so a block observed once
// is one strike however many handlers share the table.
type abBans struct {
	table        *limits.Bans
	after        int64
	within, dur  time.Duration
	modules      []string
	ignore       []string
	countMonitor bool
	noIdentity   bool
	// ns namespaces the Redis keys by ban configuration: instances with
	// the same ban block share strikes and bans; two different ban blocks
	// in one process do not count each block twice in one counter.
	ns string

	mu    sync.Mutex
	users []*AbuseControl
}

var (
	abBanStatesMu sync.Mutex
	abBanStates   = map[*limits.Bans]*abBans{}
)

func (h *AbuseControl) provisionBans() error {
	b := *h.Ban
	if b.After == 0 {
		b.After = abDefaultBanAfter
	}
	if b.Within == 0 {
		b.Within = caddy.Duration(abDefaultBanWithin)
	}
	if b.For == 0 {
		b.For = caddy.Duration(abDefaultBanFor)
	}
	if b.Modules == nil {
		b.Modules = []string{"request_filter", "api_auth"}
	}
	if b.IgnoreReasons == nil {
		b.IgnoreReasons = []string{string(authn.ReasonMissing), string(authn.ReasonNoKeys)}
	}
	id, _ := json.Marshal(struct {
		B       AbuseBan
		MaxKeys int
		V4, V6  int
	}{b, h.MaxKeys, h.v4, h.v6})
	table, release, err := abBanTables.Acquire(string(id), func() (*limits.Bans, error) {
		return limits.NewBans(int64(b.After), int64(b.Within), int64(b.For), h.MaxKeys)
	}, func(t *limits.Bans) {
		abBanStatesMu.Lock()
		delete(abBanStates, t)
		abBanStatesMu.Unlock()
	})
	if err != nil {
		return err
	}
	h.releases = append(h.releases, release)
	abBanStatesMu.Lock()
	st, ok := abBanStates[table]
	if !ok {
		st = &abBans{table: table, after: int64(b.After), within: time.Duration(b.Within), dur: time.Duration(b.For),
			modules: b.Modules, ignore: b.IgnoreReasons, countMonitor: b.CountMonitor, noIdentity: b.NoIdentity,
			ns: abBanNamespace(b)}
		abBanStates[table] = st
	}
	abBanStatesMu.Unlock()
	st.mu.Lock()
	st.users = append(st.users, h)
	st.mu.Unlock()
	h.bans = st
	h.unregister = registerDecisionObserver(&abObserver{h: h})
	return nil
}

// abBanNamespace digests what makes two ban blocks count alike (not
// max_keys, which is local).
func abBanNamespace(b AbuseBan) string {
	raw, _ := json.Marshal(b)
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:4]) + ":"
}

func (b *abBans) leave(h *AbuseControl) {
	b.mu.Lock()
	b.users = slices.DeleteFunc(b.users, func(x *AbuseControl) bool { return x == h })
	b.mu.Unlock()
}

// active is the handler that counts strikes for this table.
func (b *abBans) active() *AbuseControl {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.users) == 0 {
		return nil
	}
	return b.users[len(b.users)-1]
}

// Ban keys: the kind and the value, so that an identity equal to an
// address is a different key.
func abBanKey(dst []byte, kind string, v []byte) []byte {
	dst = append(dst, kind...)
	dst = append(dst, '|')
	return append(dst, v...)
}

// check looks both of the request's ban keys up locally.
func (b *abBans) check(ipKey []byte, user string, now int64) (bool, int64) {
	var buf [320]byte
	if banned, left := b.table.Banned(limits.HashBytes(abBanKey(buf[:0], "ip", ipKey)), now); banned {
		return true, left
	}
	if user != "" && !b.noIdentity {
		return b.table.Banned(limits.HashBytes(abBanKey(buf[:0], "id", []byte(user))), now)
	}
	return false, 0
}

// redisKeys are the request's ban keys in Redis.
func (b *abBans) redisKeys(st *limits.Store, ipKey []byte, user string) []string {
	keys := []string{st.Key("ban", b.ns+"ip", ipKey)}
	if user != "" && !b.noIdentity {
		keys = append(keys, st.Key("ban", b.ns+"id", []byte(user)))
	}
	return keys
}

// learn copies a ban Redis reported into the local table, so the next
// requests of the banned client need no round trip. index is the position
// in redisKeys: 0 the address, 1 the identity.
func (b *abBans) learn(ipKey []byte, user string, index int, now, left int64) {
	var buf [320]byte
	key := abBanKey(buf[:0], "ip", ipKey)
	if index == 1 {
		key = abBanKey(buf[:0], "id", []byte(user))
	}
	b.table.Ban(limits.HashBytes(key), now, left)
}

// abObserver is one handler's observer of other modules' decisions.
type abObserver struct{ h *AbuseControl }

func (o *abObserver) observeDecision(r *http.Request, module string, d *decision) {
	h := o.h
	b := h.bans
	if b == nil || b.active() != h {
		return
	}
	if !slices.Contains(b.modules, module) || slices.Contains(b.ignore, d.Reason) {
		return
	}
	if d.Decision == decisionWouldBlock && !b.countMonitor {
		return
	}
	if d.Decision != decisionBlock && d.Decision != decisionWouldBlock {
		return
	}
	var ipBuf [64]byte
	ipKey := limits.AppendClientIP(ipBuf[:0], decisionClientIP(r), h.v4, h.v6)
	h.strike(r, module, "ip", ipKey)
	if module == "api_auth" && d.User != "" && !b.noIdentity {
		h.strike(r, module, "id", []byte(d.User))
	}
}

// strike counts one strike against one ban key, locally and in Redis.
func (h *AbuseControl) strike(r *http.Request, module, kind string, v []byte) {
	b := h.bans
	var buf [320]byte
	hash := limits.HashBytes(abBanKey(buf[:0], kind, v))
	now := h.clock()
	banned := b.table.Strike(hash, now)
	if h.store != nil && h.store.Available() {
		// The block is being answered whether or not the client waits:
		// count the strike regardless of its context.
		shared, err := h.store.Strike(context.WithoutCancel(r.Context()), h.store.Key("st", b.ns+kind, v), h.store.Key("ban", b.ns+kind, v), b.after, b.within, b.dur)
		if err != nil {
			h.metrics.backendErrors.Inc()
		} else if shared && !banned {
			// The fleet's strikes banned it: ban it here too.
			b.table.Ban(hash, now, int64(b.dur))
			banned = true
		}
	}
	if !banned {
		return
	}
	h.metrics.bans.WithLabelValues(abBanKind(kind), module).Inc()
	if ce := h.logger.Check(zap.WarnLevel, "abuse_control: banned"); ce != nil {
		fields := []zap.Field{zap.String("source", module), zap.String("key_kind", abBanKind(kind)), zap.Duration("ban_time", b.dur)}
		if kind == "ip" {
			fields = append(fields, zap.String("client", string(v)))
		} else {
			fields = append(fields, zap.String("user", truncateForLog(string(v), 128)))
		}
		ce.Write(fields...)
	}
}

func abBanKind(kind string) string {
	if kind == "id" {
		return "identity"
	}
	return "ip"
}

// Interface guards.
var (
	_ caddy.Provisioner           = (*AbuseControl)(nil)
	_ caddy.Validator             = (*AbuseControl)(nil)
	_ caddy.CleanerUpper          = (*AbuseControl)(nil)
	_ caddyhttp.MiddlewareHandler = (*AbuseControl)(nil)
	_ decisionObserver            = (*abObserver)(nil)
)
