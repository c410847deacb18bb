package authn

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse-dev/caddy-gatehouse/authz"
)

// Defaults applied by the gatehouse adapter (the engine takes explicit
// values so tests can set zero).
const (
	DefaultLeeway       = 60 * time.Second
	DefaultMaxTokenSize = 8 << 10
	DefaultCacheSize    = 10000
	DefaultCacheTTL     = 5 * time.Minute
	DefaultIDClaim      = "sub"
	maxKeyIDLength      = 256
)

// Issuer is one trusted token issuer with its own keys, audiences and
// algorithms.
type Issuer struct {
	// Issuer must equal the token's `iss` exactly.
	Issuer string
	// Audiences: when non-empty, the token's `aud` must contain one of them.
	Audiences []string
	// Algorithms: when non-empty, narrows every key of this issuer to these.
	Algorithms []string
	// Keys are static verification keys.
	Keys []*Key
	// Remote, if set, supplies keys fetched from a JWKS endpoint.
	Remote *RemoteKeys
}

// Options configures a Verifier.
type Options struct {
	Issuers []Issuer
	// Leeway tolerates clock skew on exp, nbf and iat. Zero means none.
	Leeway time.Duration
	// AllowMissingExp accepts tokens without `exp`. A MaxLifetime, when
	// set, still rejects them: their lifetime cannot be bounded.
	AllowMissingExp bool
	// MaxLifetime, when non-zero, bounds exp-iat (or exp-now without iat).
	MaxLifetime time.Duration
	// TokenType, when set, is the required `typ` header (e.g. "at+jwt"),
	// compared case-insensitively with an optional "application/" prefix.
	TokenType string
	// MaxTokenSize bounds the token length in bytes; zero means
	// DefaultMaxTokenSize.
	MaxTokenSize int
	// IDClaim names the claim (dotted path allowed) holding the identity ID;
	// empty means "sub".
	IDClaim string
	// RoleClaims name the claims (dotted paths allowed) holding roles.
	RoleClaims []string
	// CacheSize bounds the verified-token cache; zero or negative disables it.
	CacheSize int
	// CacheTTL bounds how long a verified token is cached (never past exp).
	CacheTTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Verifier verifies JWTs against configured issuers. It is safe for
// concurrent use. Identities it returns may be shared between requests
// (through the cache) and must be treated as read-only.
type Verifier struct {
	issuers  map[string]*issuerState
	parser   *jwt.Parser
	cache    *tokenCache
	now      func() time.Time
	leeway   time.Duration
	opts     Options
	maxSize  int
	typ      string
	allowAlg map[string]bool
}

type issuerState struct {
	Issuer
	algs map[string]bool
}

// supportedAlgorithms are the only algorithms ever accepted.
var supportedAlgorithms = []string{
	"HS256", "HS384", "HS512", "RS256", "RS384", "RS512",
	"PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
}

var asymmetricAlgorithms = supportedAlgorithms[3:]

// NewVerifier checks the options and builds a Verifier.
func NewVerifier(o Options) (*Verifier, error) {
	if len(o.Issuers) == 0 {
		return nil, errors.New("at least one issuer is required")
	}
	if o.Leeway < 0 || o.MaxLifetime < 0 {
		return nil, errors.New("leeway and max lifetime must not be negative")
	}
	v := &Verifier{
		issuers:  make(map[string]*issuerState, len(o.Issuers)),
		now:      o.Now,
		leeway:   o.Leeway,
		opts:     o,
		maxSize:  o.MaxTokenSize,
		typ:      normaliseTyp(o.TokenType),
		allowAlg: map[string]bool{},
	}
	if v.now == nil {
		v.now = time.Now
	}
	if v.maxSize <= 0 {
		v.maxSize = DefaultMaxTokenSize
	}
	if v.opts.IDClaim == "" {
		v.opts.IDClaim = DefaultIDClaim
	}
	for _, iss := range o.Issuers {
		if iss.Issuer == "" {
			return nil, errors.New("issuer: the issuer (iss) value is required")
		}
		if _, dup := v.issuers[iss.Issuer]; dup {
			return nil, fmt.Errorf("issuer %q configured twice", iss.Issuer)
		}
		if len(iss.Keys) == 0 && iss.Remote == nil {
			return nil, fmt.Errorf("issuer %q: no keys and no JWKS source", iss.Issuer)
		}
		st := &issuerState{Issuer: iss, algs: map[string]bool{}}
		for _, a := range iss.Algorithms {
			if !slices.Contains(supportedAlgorithms, a) {
				return nil, fmt.Errorf("issuer %q: unsupported algorithm %q", iss.Issuer, a)
			}
			st.algs[a] = true
		}
		for _, k := range iss.Keys {
			usable := false
			for _, a := range k.Algorithms {
				if len(st.algs) == 0 || st.algs[a] {
					usable = true
				}
			}
			if !usable {
				return nil, fmt.Errorf("issuer %q: key %q allows none of the issuer's algorithms", iss.Issuer, k.ID)
			}
		}
		// The parser-level allow list: every algorithm the issuer could
		// accept (remote keys are pinned again per key in keyFunc).
		algs := iss.Algorithms
		if len(algs) == 0 {
			for _, k := range iss.Keys {
				algs = appendUnique(algs, k.Algorithms)
			}
			if iss.Remote != nil {
				// Remote JWKS never supply HMAC secrets (see parseRemoteKeys).
				algs = appendUnique(algs, asymmetricAlgorithms)
			}
		}
		for _, a := range algs {
			v.allowAlg[a] = true
		}
		v.issuers[iss.Issuer] = st
	}
	methods := make([]string, 0, len(v.allowAlg))
	for _, a := range supportedAlgorithms {
		if v.allowAlg[a] {
			methods = append(methods, a)
		}
	}
	// Claims are validated by validateClaims with per-issuer rules; the
	// parser only decodes, pins methods and checks the signature.
	v.parser = jwt.NewParser(jwt.WithValidMethods(methods), jwt.WithoutClaimsValidation())
	v.cache = newTokenCache(o.CacheSize, o.CacheTTL)
	return v, nil
}

// Verify checks token and returns the caller's identity, or an *Error. ctx
// bounds any wait for remote keys (first fetch, unknown-kid refetch).
func (v *Verifier) Verify(ctx context.Context, token string) (*authz.Identity, error) {
	// Cheapest guards first: size, then shape, before any decoding.
	if len(token) > v.maxSize {
		return nil, reject(ReasonTooLarge, "token of %d bytes exceeds %d", len(token), v.maxSize)
	}
	if strings.Count(token, ".") != 2 {
		return nil, reject(ReasonMalformed, "token is not three dot-separated segments")
	}
	now := v.now()
	var cacheKey [sha256.Size]byte
	if v.cache != nil {
		cacheKey = sha256.Sum256(stringBytes(token))
		if id, ok := v.cache.get(cacheKey, now); ok {
			return id, nil
		}
	}

	c := &verifyCall{v: v, ctx: ctx, claims: jwt.MapClaims{}}
	claims, info := c.claims, &c.info
	tok, err := v.parser.ParseWithClaims(token, claims, c.keyFunc)
	if err != nil {
		return nil, v.classify(tok, err, info)
	}
	iss := v.issuers[info.Issuer]
	exp, rerr := v.validateClaims(claims, iss, now)
	if rerr != nil {
		rerr.Issuer, rerr.KeyID = info.Issuer, info.KeyID
		rerr.Subject, _ = ClaimString(claims, v.opts.IDClaim)
		rerr.Subject = truncate(rerr.Subject, 128)
		return nil, rerr
	}
	id, rerr := v.identity(claims, info.Issuer)
	if rerr != nil {
		rerr.Issuer, rerr.KeyID = info.Issuer, info.KeyID
		return nil, rerr
	}
	if v.cache != nil {
		v.cache.put(cacheKey, id, exp, now)
	}
	return id, nil
}

// verifyCall carries one verification's state into the key function, in
// one allocation.
type verifyCall struct {
	v      *Verifier
	ctx    context.Context
	claims jwt.MapClaims
	info   Error
}

func (c *verifyCall) keyFunc(t *jwt.Token) (any, error) {
	return c.v.keyFor(c.ctx, t, c.claims, &c.info)
}

// keyFor runs after decoding and before signature verification: it checks
// the header, picks the issuer from the unverified iss (among configured
// ones only) and returns the issuer's keys that match kid and are pinned
// to the token's alg.
func (v *Verifier) keyFor(ctx context.Context, t *jwt.Token, claims jwt.MapClaims, info *Error) (any, error) {
	if kid, ok := t.Header["kid"]; ok {
		s, isString := kid.(string)
		if !isString {
			return nil, reject(ReasonMalformed, "kid header is not a string")
		}
		info.KeyID = truncate(s, 64)
		if len(s) > maxKeyIDLength {
			return nil, reject(ReasonUnknownKey, "kid too long")
		}
	}
	if _, ok := t.Header["crit"]; ok {
		// RFC 7515 §4.1.11: we understand no extension, so any crit fails.
		return nil, reject(ReasonCrit, "crit header present")
	}
	if v.typ != "" {
		typ, _ := t.Header["typ"].(string)
		if normaliseTyp(typ) != v.typ {
			return nil, reject(ReasonType, "typ header mismatch")
		}
	}
	issRaw, ok := claims["iss"]
	iss, isString := issRaw.(string)
	if !ok || !isString {
		return nil, reject(ReasonUnknownIssuer, "iss claim missing or not a string")
	}
	st, ok := v.issuers[iss]
	if !ok {
		info.Issuer = truncate(iss, 128)
		return nil, reject(ReasonUnknownIssuer, "issuer not configured")
	}
	info.Issuer = iss
	alg := t.Method.Alg()
	if len(st.algs) > 0 && !st.algs[alg] {
		return nil, reject(ReasonAlgorithm, "algorithm %s not allowed for issuer", alg)
	}
	kid, _ := t.Header["kid"].(string)
	keys, reason := st.candidates(alg, kid)
	if len(keys) == 0 && st.Remote != nil {
		// Keys may simply not be there yet (startup, or an IdP outage
		// since) or rotated (new kid): wait for the first fetch attempt,
		// then, if the keys are still missing, ask for one rate-limited,
		// shared refetch, so recovery follows the IdP within about
		// MinRefetchInterval instead of the background backoff.
		if !st.Remote.Ready() {
			st.Remote.WaitReady(ctx)
			if !st.Remote.Ready() {
				st.Remote.RefetchUnknownKID(ctx)
			}
		} else if reason == ReasonUnknownKey && kid != "" {
			st.Remote.RefetchUnknownKID(ctx)
		}
		keys, reason = st.candidates(alg, kid)
		if len(keys) == 0 && !st.Remote.Ready() {
			reason = ReasonNoKeys
		}
	}
	switch {
	case len(keys) == 0:
		return nil, reject(reason, "no key for alg %s", alg)
	case len(keys) == 1:
		return keys[0].material, nil
	case len(keys) > MaxCandidateKeys:
		return nil, reject(ReasonUnknownKey, "%d keys could have signed a token without kid", len(keys))
	}
	set := jwt.VerificationKeySet{Keys: make([]jwt.VerificationKey, len(keys))}
	for i, k := range keys {
		set.Keys[i] = k.material
	}
	return set, nil
}

// MaxCandidateKeys bounds the signature checks one token may cost. A token
// without kid (or an issuer's keys without IDs) is tried against every key
// that allows its algorithm, so a forged kid-less token against a large JWK
// Set would otherwise cost one signature check per key; past this many
// candidates the token must name its key.
const MaxCandidateKeys = 8

// candidates returns the keys of the issuer matching kid (a key without ID
// matches any) that allow alg; when there are none, the reason says whether
// the kid was unknown or the alg was not allowed for it.
func (st *issuerState) candidates(alg, kid string) ([]*Key, Reason) {
	var out []*Key
	sawKid := false
	match := func(k *Key) {
		if kid != "" && k.ID != "" && k.ID != kid {
			return
		}
		sawKid = true
		if k.Allows(alg) && (len(st.algs) == 0 || st.algs[alg]) {
			out = append(out, k)
		}
	}
	for _, k := range st.Keys {
		match(k)
	}
	if st.Remote != nil {
		for _, k := range st.Remote.Keys() {
			match(k)
		}
	}
	if len(out) == 0 && sawKid {
		return nil, ReasonAlgorithm
	}
	return out, ReasonUnknownKey
}

// classify maps a golang-jwt error to a rejection reason.
func (v *Verifier) classify(tok *jwt.Token, err error, info *Error) error {
	var e *Error
	switch {
	case errors.As(err, &e):
		// our own, from keyFor
	case errors.Is(err, jwt.ErrTokenMalformed):
		e = reject(ReasonMalformed, "undecodable token")
	case tok != nil && (tok.Method == nil || !v.allowAlg[tok.Method.Alg()]):
		e = reject(ReasonAlgorithm, "algorithm not accepted")
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		e = reject(ReasonAlgorithm, "algorithm not accepted")
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		e = reject(ReasonSignature, "signature invalid")
	default:
		e = reject(ReasonMalformed, "%v", err)
	}
	out := *e
	out.Issuer, out.KeyID = info.Issuer, info.KeyID
	if tok != nil {
		if claims, ok := tok.Claims.(jwt.MapClaims); ok && out.Issuer != "" {
			out.Subject, _ = ClaimString(claims, v.opts.IDClaim)
			out.Subject = truncate(out.Subject, 128)
		}
	}
	return &out
}

// validateClaims applies the time and audience rules and returns exp (zero
// if absent).
func (v *Verifier) validateClaims(c jwt.MapClaims, iss *issuerState, now time.Time) (time.Time, *Error) {
	exp, err := c.GetExpirationTime()
	if err != nil {
		return time.Time{}, reject(ReasonClaims, "exp is not a number")
	}
	nbf, err := c.GetNotBefore()
	if err != nil {
		return time.Time{}, reject(ReasonClaims, "nbf is not a number")
	}
	iat, err := c.GetIssuedAt()
	if err != nil {
		return time.Time{}, reject(ReasonClaims, "iat is not a number")
	}
	var expT time.Time
	switch {
	case exp != nil:
		expT = exp.Time
		if !now.Before(expT.Add(v.leeway)) {
			return time.Time{}, reject(ReasonExpired, "")
		}
	case !v.opts.AllowMissingExp:
		return time.Time{}, reject(ReasonMissingExp, "")
	}
	if nbf != nil && now.Add(v.leeway).Before(nbf.Time) {
		return time.Time{}, reject(ReasonNotYetValid, "")
	}
	if iat != nil && now.Add(v.leeway).Before(iat.Time) {
		return time.Time{}, reject(ReasonIssuedInFuture, "")
	}
	if max := v.opts.MaxLifetime; max > 0 {
		switch {
		case exp == nil:
			return time.Time{}, reject(ReasonLifetime, "no exp to bound the lifetime")
		case iat != nil && expT.Sub(iat.Time) > max:
			return time.Time{}, reject(ReasonLifetime, "exp-iat exceeds the maximum lifetime")
		case iat == nil && expT.Sub(now) > max+v.leeway:
			return time.Time{}, reject(ReasonLifetime, "exp-now exceeds the maximum lifetime")
		}
	}
	if len(iss.Audiences) > 0 {
		aud, err := c.GetAudience()
		if err != nil {
			return time.Time{}, reject(ReasonClaims, "aud is neither a string nor an array of strings")
		}
		if !slices.ContainsFunc(aud, func(a string) bool { return slices.Contains(iss.Audiences, a) }) {
			return time.Time{}, reject(ReasonAudience, "")
		}
	}
	return expT, nil
}

// identity builds the caller's identity from verified claims.
func (v *Verifier) identity(c jwt.MapClaims, issuer string) (*authz.Identity, *Error) {
	claims := map[string]any(c)
	raw, ok := LookupClaim(claims, v.opts.IDClaim)
	id, isString := raw.(string)
	if !ok || !isString || id == "" {
		return nil, reject(ReasonClaims, "identity claim %q missing or not a string", v.opts.IDClaim)
	}
	out := &authz.Identity{ID: id, Method: "jwt", Issuer: issuer, Claims: claims}
	for _, rc := range v.opts.RoleClaims {
		if r, ok := LookupClaim(claims, rc); ok {
			out.Roles = merge(out.Roles, stringList(r, false))
		}
	}
	if s, ok := claims["scope"]; ok {
		out.Scopes = merge(out.Scopes, stringList(s, true))
	}
	if s, ok := claims["scp"]; ok {
		out.Scopes = merge(out.Scopes, stringList(s, true))
	}
	return out, nil
}

// normaliseTyp implements RFC 7515 §4.1.9: case-insensitive media type with
// an optional "application/" prefix.
func normaliseTyp(t string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	return strings.TrimPrefix(t, "application/")
}
