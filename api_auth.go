package gatehouse

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/gatehouse-dev/caddy-gatehouse/authz"
	"github.com/gatehouse-dev/caddy-gatehouse/authz/authn"
)

// APIAuth authenticates requests with JWT bearer tokens (static keys,
// remote JWKS, OIDC discovery; several issuers) and API keys. On success
// the caller's identity is available as {http.auth.user.id} (the access
// log's user_id), {http.auth.user.<claim>} for chosen claims, and as an
// *authz.Identity request variable for access_control. Failures get a 401
// with an RFC 6750 challenge.
type APIAuth struct {
	// Issuers are the trusted token issuers. Default: none (API keys only).
	Issuers []IssuerConfig `json:"issuers,omitempty"`

	// TokenSources say where JWTs are read from, in order. Default:
	// [{"kind":"bearer"}] (the Authorization: Bearer header) when issuers
	// are configured. Two different tokens in one request are rejected.
	TokenSources []TokenSourceConfig `json:"token_sources,omitempty"`

	// APIKeys are the accepted API keys, stored as hashes only. Default:
	// none.
	APIKeys []APIKeyConfig `json:"api_keys,omitempty"`
	// APIKeyHeader is the request header carrying an API key. Default:
	// "X-API-Key" when api_keys are set and api_key_query is not.
	APIKeyHeader string `json:"api_key_header,omitempty"`
	// APIKeyQuery is a query parameter carrying an API key. Default: none.
	APIKeyQuery string `json:"api_key_query,omitempty"`

	// Leeway tolerates clock skew on exp, nbf and iat. Default: 60s.
	Leeway *caddy.Duration `json:"leeway,omitempty"`
	// MaxLifetime bounds exp-iat of accepted tokens. Default: 0 (no bound).
	MaxLifetime caddy.Duration `json:"max_lifetime,omitempty"`
	// AllowMissingExp accepts tokens without exp. Default: false (exp is
	// required).
	AllowMissingExp bool `json:"allow_missing_exp,omitempty"`
	// TokenType is the required typ header, e.g. "at+jwt" (RFC 9068).
	// Default: "" (not checked).
	TokenType string `json:"token_type,omitempty"`
	// MaxTokenSize bounds the token length in bytes. Default: 8192.
	MaxTokenSize int `json:"max_token_size,omitempty"`

	// UserIDClaim is the claim (dotted path allowed) that becomes
	// {http.auth.user.id}. Default: "sub".
	UserIDClaim string `json:"user_id_claim,omitempty"`
	// RoleClaims are the claims (dotted paths allowed, e.g.
	// "realm_access.roles") read as roles. Default: ["roles"].
	RoleClaims []string `json:"role_claims,omitempty"`
	// UserClaims are exposed as {http.auth.user.<claim>} placeholders
	// (nested paths allowed; arrays joined with commas); a claim the token
	// lacks (or an anonymous request) gives the empty string. Default: none.
	UserClaims []string `json:"user_claims,omitempty"`
	// ClaimHeaders maps an upstream request header to a claim. Any copy of
	// these headers sent by the client is always removed first. Default:
	// none.
	ClaimHeaders map[string]string `json:"claim_headers,omitempty"`
	// StripCredentials removes the token or API key from the request
	// (header, cookie or query parameter) before it goes upstream.
	// Default: false.
	StripCredentials bool `json:"strip_credentials,omitempty"`

	// Realm is the realm of the WWW-Authenticate challenge. Default:
	// "gatehouse".
	Realm string `json:"realm,omitempty"`
	// AllowPreflight lets CORS preflight requests (OPTIONS with Origin and
	// Access-Control-Request-Method) through unauthenticated. Default: false.
	AllowPreflight bool `json:"allow_preflight,omitempty"`
	// Optional lets requests without any credential through anonymously; a
	// credential that is present must still be valid. Default: false.
	Optional bool `json:"optional,omitempty"`
	// Monitor runs authentication observe-only: a request that would be
	// rejected is logged and counted as would_block and goes on
	// anonymously (no identity, credentials left in place); a valid
	// credential still sets the identity. Unset: the site's gatehouse
	// handler or the gatehouse global option decides (default: enforce).
	Monitor *bool `json:"monitor,omitempty"`
	// LogRate is the most decision log lines written per second by this
	// handler; the others are counted and reported. Default: the
	// gatehouse app's decision_log_rate, else 20. Negative: no limit.
	LogRate int `json:"log_rate,omitempty"`

	// CacheSize bounds the verified-token cache (entries). Default: 10000;
	// -1 disables the cache.
	CacheSize int `json:"cache_size,omitempty"`
	// CacheTTL bounds how long a verified token stays cached (never past
	// its exp). Default: 5m.
	CacheTTL caddy.Duration `json:"cache_ttl,omitempty"`

	verifier      *authn.Verifier
	apiKeys       *authn.APIKeySet
	sources       []authn.TokenSource
	apiKeySources []authn.TokenSource
	remotes       []*authn.RemoteKeys
	logger        *zap.Logger
	fetchLog      *atomic.Pointer[zap.Logger] // unsampled: JWKS health changes are rare
	metrics       *authMetrics
	decisions     *decisionLog
	challenge     string
	// userClaimKeys are the placeholder names of UserClaims, built once:
	// {http.auth.user.<claim>} would otherwise be concatenated per request.
	userClaimKeys []string
}

// IssuerConfig is one trusted issuer.
type IssuerConfig struct {
	// Issuer must equal the token's iss exactly. Required.
	Issuer string `json:"issuer,omitempty"`
	// Audiences: the token's aud must contain one of them. Default: none
	// (aud not checked).
	Audiences []string `json:"audiences,omitempty"`
	// Algorithms narrows every key of this issuer to these algorithms.
	// Default: each key's own family (RSA: RS*/PS*, ECDSA: its curve's
	// ES*, Ed25519: EdDSA, HMAC: the HS* its length allows).
	Algorithms []string `json:"algorithms,omitempty"`
	// Keys are static verification keys. Default: none.
	Keys []KeyConfig `json:"keys,omitempty"`
	// JWKSURL is a remote JWK Set (https, or http on loopback). Default:
	// none.
	JWKSURL string `json:"jwks_url,omitempty"`
	// Discovery finds the JWK Set through OIDC discovery
	// (<issuer>/.well-known/openid-configuration → jwks_uri). Default: false.
	Discovery bool `json:"discovery,omitempty"`
	// RefreshInterval is the background JWKS refresh period. Default: 5m.
	RefreshInterval caddy.Duration `json:"refresh_interval,omitempty"`
	// MinRefetchInterval rate-limits the on-demand JWKS fetch that a token
	// triggers when its issuer has no keys yet (an IdP outage at startup)
	// or its kid is unknown (a rotation): at most one per interval per
	// source, shared by concurrent requests. Default: 1s.
	MinRefetchInterval caddy.Duration `json:"min_refetch_interval,omitempty"`
	// FetchTimeout bounds each JWKS/discovery request, and how long a token
	// waits for the first fetch after startup. Default: 5s.
	FetchTimeout caddy.Duration `json:"fetch_timeout,omitempty"`
	// MaxFetchSize bounds each JWKS/discovery response in bytes. Default:
	// 1048576 (1 MiB).
	MaxFetchSize int64 `json:"max_fetch_size,omitempty"`
}

// KeyConfig is one static key; exactly one of Key, File and Secret is set.
type KeyConfig struct {
	// Key is inline key material: PEM, a JWK or a JWK Set, detected from
	// the content. Placeholders such as {env.JWT_PUBLIC_KEY} and
	// {file./path} are resolved at provision time. Default: none.
	Key string `json:"key,omitempty"`
	// File is the path of a PEM, JWK or JWK Set file. Default: none.
	File string `json:"file,omitempty"`
	// Secret is an HMAC secret of at least 32 bytes whose encoding is
	// explicit: raw:<string> (the bytes of the string), base64:<text>
	// (standard alphabet) or base64url:<text> (URL alphabet), padding
	// optional. Placeholders are resolved first, so raw:{env.JWT_SECRET},
	// base64:{file./run/secrets/jwt} and {env.JWT_SECRET} holding a
	// prefixed value all work. An unprefixed secret that is valid base64 is
	// a load error (ambiguous); one that is not is taken as raw. Default:
	// none.
	Secret string `json:"secret,omitempty"`
	// KeyID sets the kid of keys that carry none. Default: none (the key
	// matches any kid).
	KeyID string `json:"kid,omitempty"`
	// Algorithms narrows the key to these algorithms. Default: the key's
	// family (or the JWK's alg).
	Algorithms []string `json:"algorithms,omitempty"`
}

// APIKeyConfig maps a stored API key hash to an identity.
type APIKeyConfig struct {
	// Hash is "sha256:" followed by the lowercase hex SHA-256 of the key
	// (as printed by `caddy gatehouse hash-key`). Required.
	Hash string `json:"hash,omitempty"`
	// ID becomes {http.auth.user.id}. Required.
	ID string `json:"id,omitempty"`
	// Roles of the caller. Default: none.
	Roles []string `json:"roles,omitempty"`
	// Scopes of the caller. Default: none.
	Scopes []string `json:"scopes,omitempty"`
}

// TokenSourceConfig names one place a JWT is read from.
type TokenSourceConfig struct {
	// Kind is "bearer", "header", "cookie" or "query". Required.
	Kind string `json:"kind,omitempty"`
	// Name of the header, cookie or query parameter; required for those
	// kinds, unused for bearer. Default: none.
	Name string `json:"name,omitempty"`
}

// CaddyModule returns the Caddy module information.
func (APIAuth) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.handlers.api_auth",
		New: func() caddy.Module { return new(APIAuth) },
	}
}

const (
	authDefaultRealm        = "gatehouse"
	authDefaultAPIKeyHeader = "X-API-Key"
)

// Provision resolves secrets, loads keys, joins the shared JWKS caches and
// registers metrics. It never waits for an IdP.
func (a *APIAuth) Provision(ctx caddy.Context) error {
	// Sampling keeps rejection logs bounded under attack: per message and
	// level, the first 20 each second, then every 100th.
	a.logger = ctx.Logger().WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		return zapcore.NewSamplerWithOptions(c, time.Second, 20, 100)
	}))
	a.fetchLog = new(atomic.Pointer[zap.Logger])
	a.fetchLog.Store(ctx.Logger())
	a.metrics = newAuthMetrics(ctx.GetMetricsRegistry())
	var derr error
	if a.decisions, derr = newDecisionLog(ctx, "api_auth", ctx.Logger(), a.LogRate); derr != nil {
		return fmt.Errorf("api_auth: metrics: %w", derr)
	}
	if a.Realm == "" {
		a.Realm = authDefaultRealm
	}
	a.challenge = `Bearer realm="` + a.Realm + `"`
	a.userClaimKeys = make([]string, len(a.UserClaims))
	for i, c := range a.UserClaims {
		a.userClaimKeys[i] = "http.auth.user." + c
	}

	for _, s := range a.TokenSources {
		a.sources = append(a.sources, authn.TokenSource{Kind: s.Kind, Name: s.Name})
	}
	if len(a.sources) == 0 && len(a.Issuers) > 0 {
		a.sources = []authn.TokenSource{{Kind: authn.SourceBearer}}
	}
	if len(a.APIKeys) > 0 {
		if a.APIKeyHeader == "" && a.APIKeyQuery == "" {
			a.APIKeyHeader = authDefaultAPIKeyHeader
		}
		if a.APIKeyHeader != "" {
			a.apiKeySources = append(a.apiKeySources, authn.TokenSource{Kind: authn.SourceHeader, Name: a.APIKeyHeader})
		}
		if a.APIKeyQuery != "" {
			a.apiKeySources = append(a.apiKeySources, authn.TokenSource{Kind: authn.SourceQuery, Name: a.APIKeyQuery})
		}
		keys := make([]authn.APIKey, len(a.APIKeys))
		for i, k := range a.APIKeys {
			keys[i] = authn.APIKey{Hash: k.Hash, ID: k.ID, Roles: k.Roles, Scopes: k.Scopes}
		}
		set, err := authn.NewAPIKeySet(keys)
		if err != nil {
			return fmt.Errorf("api_auth: %w", err)
		}
		a.apiKeys = set
	}
	if len(a.Issuers) == 0 {
		return nil
	}

	repl := caddy.NewReplacer()
	issuers := make([]authn.Issuer, 0, len(a.Issuers))
	for i, ic := range a.Issuers {
		iss, err := a.provisionIssuer(ic, repl)
		if err != nil {
			return fmt.Errorf("api_auth: issuer %d (%s): %w", i, ic.Issuer, err)
		}
		issuers = append(issuers, iss)
	}
	leeway := authn.DefaultLeeway
	if a.Leeway != nil {
		leeway = time.Duration(*a.Leeway)
	}
	cacheSize, cacheTTL := a.CacheSize, time.Duration(a.CacheTTL)
	if cacheSize == 0 {
		cacheSize = authn.DefaultCacheSize
	}
	if cacheTTL == 0 {
		cacheTTL = authn.DefaultCacheTTL
	}
	roleClaims := a.RoleClaims
	if len(roleClaims) == 0 {
		roleClaims = []string{"roles"}
	}
	v, err := authn.NewVerifier(authn.Options{
		Issuers:         issuers,
		Leeway:          leeway,
		AllowMissingExp: a.AllowMissingExp,
		MaxLifetime:     time.Duration(a.MaxLifetime),
		TokenType:       a.TokenType,
		MaxTokenSize:    a.MaxTokenSize,
		IDClaim:         a.UserIDClaim,
		RoleClaims:      roleClaims,
		CacheSize:       cacheSize,
		CacheTTL:        cacheTTL,
	})
	if err != nil {
		return fmt.Errorf("api_auth: %w", err)
	}
	a.verifier = v
	return nil
}

func (a *APIAuth) provisionIssuer(ic IssuerConfig, repl *caddy.Replacer) (authn.Issuer, error) {
	iss := authn.Issuer{Issuer: ic.Issuer, Audiences: ic.Audiences, Algorithms: ic.Algorithms}
	for j, kc := range ic.Keys {
		keys, err := authLoadKey(kc, repl)
		if err != nil {
			return iss, fmt.Errorf("key %d: %w", j, err)
		}
		iss.Keys = append(iss.Keys, keys...)
	}
	if ic.JWKSURL != "" || ic.Discovery {
		cfg := authn.RemoteConfig{
			JWKSURL:            ic.JWKSURL,
			RefreshInterval:    time.Duration(ic.RefreshInterval),
			MinRefetchInterval: time.Duration(ic.MinRefetchInterval),
			FetchTimeout:       time.Duration(ic.FetchTimeout),
			MaxFetchSize:       ic.MaxFetchSize,
		}
		if ic.JWKSURL == "" {
			cfg.Issuer = ic.Issuer
		}
		issuer, fetchLog := ic.Issuer, a.fetchLog
		h, err := authn.SharedRegistry.AcquireWithState(cfg, a.metrics.observeFetch, func(st authn.FetchState) {
			authLogFetchState(fetchLog.Load(), issuer, st)
		})
		if err != nil {
			return iss, err
		}
		a.remotes = append(a.remotes, h)
		iss.Remote = h
	}
	return iss, nil
}

// logFetchState logs a JWKS/discovery source's health change: one warning
// when fetches start failing, one info line when they recover, and a
// warning every authn.FailureReminderInterval while they keep failing.
// Errors name the URL and the reason, never key material.
func authLogFetchState(log *zap.Logger, issuer string, st authn.FetchState) {
	if log == nil {
		return
	}
	fields := []zap.Field{
		zap.String("issuer", issuer),
		zap.String("url", st.URL),
		zap.Int("failures", st.Failures),
		zap.Time("failing_since", st.Since),
	}
	switch {
	case st.Healthy:
		log.Info("JWKS fetch recovered", append(fields, zap.Duration("failed_for", time.Since(st.Since).Round(time.Second)))...)
	case st.Reminder:
		log.Warn("JWKS fetch still failing; serving the last keys fetched, if any", append(fields, zap.String("error", st.Err.Error()))...)
	default:
		log.Warn("JWKS fetch failing; serving the last keys fetched, if any", append(fields, zap.String("error", st.Err.Error()))...)
	}
}

// authLoadKey reads one KeyConfig into pinned keys.
func authLoadKey(kc KeyConfig, repl *caddy.Replacer) ([]*authn.Key, error) {
	set := 0
	for _, s := range []string{kc.Key, kc.File, kc.Secret} {
		if s != "" {
			set++
		}
	}
	if set != 1 {
		return nil, errors.New("exactly one of key, file and secret is required")
	}
	var keys []*authn.Key
	switch {
	case kc.Secret != "":
		secret := repl.ReplaceKnown(kc.Secret, "")
		if secret == "" {
			return nil, errors.New("secret is empty after resolving placeholders")
		}
		raw, err := authn.DecodeSecret(secret)
		if err != nil {
			return nil, err
		}
		k, err := authn.NewHMACKey("", raw)
		if err != nil {
			return nil, err
		}
		keys = []*authn.Key{k}
	case kc.File != "":
		data, err := os.ReadFile(repl.ReplaceKnown(kc.File, ""))
		if err != nil {
			return nil, fmt.Errorf("reading key file: %w", err)
		}
		if keys, err = authn.ParseKeys(data); err != nil {
			return nil, fmt.Errorf("key file %s: %w", kc.File, err)
		}
	default:
		material := repl.ReplaceKnown(kc.Key, "")
		var err error
		if keys, err = authn.ParseKeys([]byte(material)); err != nil {
			return nil, err
		}
	}
	for i, k := range keys {
		r, err := k.Restrict(kc.KeyID, kc.Algorithms)
		if err != nil {
			return nil, err
		}
		keys[i] = r
	}
	return keys, nil
}

// Validate runs fast consistency checks.
func (a *APIAuth) Validate() error {
	if len(a.Issuers) == 0 && len(a.APIKeys) == 0 {
		return errors.New("api_auth: configure at least one issuer or API key")
	}
	if strings.ContainsAny(a.Realm, "\"\\\r\n") {
		return errors.New("api_auth: realm must not contain quotes, backslashes or line breaks")
	}
	for _, s := range a.sources {
		if err := s.Validate(); err != nil {
			return fmt.Errorf("api_auth: %w", err)
		}
	}
	if len(a.TokenSources) > 0 && len(a.Issuers) == 0 {
		return errors.New("api_auth: token sources need at least one issuer")
	}
	for h := range a.ClaimHeaders {
		if h == "" || strings.ContainsAny(h, " :\r\n") {
			return fmt.Errorf("api_auth: invalid claim header name %q", h)
		}
	}
	if a.MaxTokenSize < 0 || a.CacheSize < -1 || a.CacheTTL < 0 || a.MaxLifetime < 0 || (a.Leeway != nil && *a.Leeway < 0) {
		return errors.New("api_auth: sizes and durations must not be negative")
	}
	return nil
}

// Cleanup releases the shared JWKS caches; a cache the new config also
// holds stays alive. It is safe after a failed Provision.
func (a *APIAuth) Cleanup() error {
	for _, h := range a.remotes {
		h.Release()
	}
	a.remotes = nil
	return nil
}

// ServeHTTP authenticates the request, exposes the identity, and calls next.
func (a *APIAuth) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	// Client-sent copies of identity headers never reach the backend,
	// whatever happens next.
	for h := range a.ClaimHeaders {
		r.Header.Del(h)
	}
	if a.AllowPreflight && authIsPreflight(r) {
		a.metrics.count("allowed", "preflight")
		return next.ServeHTTP(w, r)
	}

	token, err := authn.Extract(r, a.sources)
	var apiKey string
	if err == nil && a.apiKeys != nil {
		apiKey, err = authn.Extract(r, a.apiKeySources)
	}
	if err == nil && token != "" && apiKey != "" {
		err = &authn.Error{Reason: authn.ReasonMultiple}
	}
	if err != nil {
		return a.refuse(w, r, next, http.StatusBadRequest, err, "")
	}

	var id *authz.Identity
	switch {
	case token != "":
		id, err = a.verifier.Verify(r.Context(), token)
		if err != nil {
			return a.refuse(w, r, next, http.StatusUnauthorized, err, "jwt")
		}
	case apiKey != "":
		id, err = a.apiKeys.Lookup(apiKey)
		if err != nil {
			return a.refuse(w, r, next, http.StatusUnauthorized, err, "api_key")
		}
	case a.Optional:
		a.clearUserClaims(r)
		a.metrics.count("anonymous", "missing")
		a.decisions.allowed()
		return next.ServeHTTP(w, r)
	default:
		return a.refuse(w, r, next, http.StatusUnauthorized, &authn.Error{Reason: authn.ReasonMissing}, "")
	}

	a.expose(r, id)
	a.decisions.allowed()
	if a.StripCredentials && !a.decisions.monitor(r, a.Monitor) {
		authn.Strip(r, a.sources)
		authn.Strip(r, a.apiKeySources)
	}
	a.metrics.count("allowed", id.Method)
	return next.ServeHTTP(w, r)
}

// expose publishes the identity to placeholders, the request variable,
// upstream headers and the access log.
func (a *APIAuth) expose(r *http.Request, id *authz.Identity) {
	if repl, ok := r.Context().Value(caddy.ReplacerCtxKey).(*caddy.Replacer); ok {
		repl.Set("http.auth.user.id", id.ID)
		for i, c := range a.UserClaims {
			// An absent claim is the empty string, never the literal
			// placeholder in a respond body or header.
			v, _ := authn.ClaimString(id.Claims, c)
			repl.Set(a.userClaimKeys[i], v)
		}
	}
	caddyhttp.SetVar(r.Context(), identityVarKey, id)
	for h, c := range a.ClaimHeaders {
		if v, ok := authn.ClaimString(id.Claims, c); ok {
			r.Header.Set(h, authSanitizeHeader(v))
		}
	}
	if extra := accessLogFields(r); extra != nil {
		extra.Add(zap.String("auth_method", id.Method))
	}
}

// clearUserClaims sets every user_claims placeholder to the empty string
// for an anonymous request, so none is left unreplaced.
func (a *APIAuth) clearUserClaims(r *http.Request) {
	if repl, ok := r.Context().Value(caddy.ReplacerCtxKey).(*caddy.Replacer); ok {
		for _, k := range a.userClaimKeys {
			repl.Set(k, "")
		}
	}
}

// refuse rejects the request, or in monitor mode records the would-be
// rejection and passes it on anonymously.
func (a *APIAuth) refuse(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler, status int, err error, method string) error {
	var e *authn.Error
	if !errors.As(err, &e) {
		e = &authn.Error{Reason: authn.ReasonMalformed, Err: err}
	}
	if a.decisions.monitor(r, a.Monitor) {
		a.metrics.count("monitored", string(e.Reason))
		a.logRejection(r, e, status, method, true)
		a.clearUserClaims(r)
		return next.ServeHTTP(w, r)
	}
	return a.reject(w, r, status, e, method)
}

// logRejection records a rejection in the shared decision log. The
// subject is the identity the credential claims (unverified unless the
// reason says otherwise): it keys abuse bans and helps an operator, and is
// never a secret; the credential itself is never logged.
func (a *APIAuth) logRejection(r *http.Request, e *authn.Error, status int, method string, monitor bool) {
	d := decision{Decision: decisionBlock, Reason: string(e.Reason), Category: method, Status: status, User: e.Subject, Monitor: monitor}
	if monitor {
		d.Decision = decisionWouldBlock
	}
	a.decisions.record(r, d,
		zap.String("credential", method),
		zap.String("issuer", e.Issuer),
		zap.String("kid", e.KeyID),
	)
	if extra := accessLogFields(r); extra != nil {
		extra.Add(zap.String("auth_reject", string(e.Reason)))
	}
}

// reject answers 401 (or 400 for an ambiguous request) with an RFC 6750
// challenge, logs one rate-limited line, and counts the rejection. The body
// carries nothing; the description names only the broad class of failure.
func (a *APIAuth) reject(w http.ResponseWriter, r *http.Request, status int, e *authn.Error, method string) error {
	challenge := a.challenge
	switch {
	case status == http.StatusBadRequest:
		challenge += `, error="invalid_request", error_description="more than one credential"`
	case e.Reason != authn.ReasonMissing:
		challenge += `, error="invalid_token", error_description="` + authDescribe(e.Reason) + `"`
	}
	w.Header().Set("WWW-Authenticate", challenge)
	a.metrics.count("rejected", string(e.Reason))
	a.logRejection(r, e, status, method, false)
	return caddyhttp.Error(status, fmt.Errorf("api_auth: %s", e.Reason))
}

// authDescribe gives the short error_description of RFC 6750 §3: enough for an
// honest client to act on (renew an expired token), nothing more.
func authDescribe(r authn.Reason) string {
	switch r {
	case authn.ReasonExpired:
		return "the token expired"
	case authn.ReasonNotYetValid, authn.ReasonIssuedInFuture:
		return "the token is not valid yet"
	case authn.ReasonInvalidAPIKey:
		return "invalid API key"
	}
	return "the token is invalid"
}

func authIsPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" &&
		r.Header.Get("Access-Control-Request-Method") != ""
}

// authSanitizeHeader drops control characters a claim could smuggle into
// an upstream header (CR/LF injection, NUL).
func authSanitizeHeader(v string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, v)
}

// authMetrics are the module's Prometheus counters.
type authMetrics struct {
	requests *prometheus.CounterVec
	fetches  *prometheus.CounterVec
	// byResult holds the requests counters by result and reason.
	byResult counterCache
}

func newAuthMetrics(reg *prometheus.Registry) *authMetrics {
	m := &authMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "caddy_gatehouse_auth_requests_total",
			Help: "Requests seen by api_auth, by result (allowed, rejected, anonymous) and reason (method or rejection reason).",
		}, []string{"result", "reason"}),
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "caddy_gatehouse_jwks_fetches_total",
			Help: "JWKS and OIDC discovery fetches by result (ok, error).",
		}, []string{"result"}),
	}
	if reg != nil {
		m.requests = authRegisterCounter(reg, m.requests)
		m.fetches = authRegisterCounter(reg, m.fetches)
	}
	m.byResult.vec = m.requests
	return m
}

// authRegisterCounter registers c, or returns the collector already registered
// under the same name (several api_auth handlers share one registry).
func authRegisterCounter(reg *prometheus.Registry, c *prometheus.CounterVec) *prometheus.CounterVec {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(*prometheus.CounterVec); ok {
				return existing
			}
		}
	}
	return c
}

func (m *authMetrics) count(result, reason string) {
	m.byResult.get2(result, reason).Inc()
}

func (m *authMetrics) observeFetch(result string) {
	m.fetches.WithLabelValues(result).Inc()
}

// Interface guards.
var (
	_ caddy.Provisioner           = (*APIAuth)(nil)
	_ caddy.Validator             = (*APIAuth)(nil)
	_ caddy.CleanerUpper          = (*APIAuth)(nil)
	_ caddyhttp.MiddlewareHandler = (*APIAuth)(nil)
)
