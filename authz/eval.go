package authz

import (
	"net/http"
	"net/netip"
	"strings"
)

// Request is what a policy sees of an HTTP request.
type Request struct {
	// Method is the HTTP method as sent.
	Method string
	// Host is the canonical host (see CanonicalHost).
	Host string
	// Path is the canonical path (see CanonicalPath / Policy.CanonicalPath).
	Path string
	// Client is the client address; the zero Addr matches no client_ip.
	Client netip.Addr
	// Header is the request header.
	Header http.Header
	// Identity is the authenticated caller, or nil for an anonymous one.
	Identity *Identity
}

// Effect is what a rule or policy does with a request.
type Effect uint8

const (
	Deny Effect = iota
	Allow
)

func (e Effect) String() string {
	if e == Allow {
		return "allow"
	}
	return "deny"
}

// Reason qualifies a Deny for the response.
type Reason uint8

const (
	// ReasonNone: the request is allowed.
	ReasonNone Reason = iota
	// ReasonForbidden: the caller is known (or needs not be) and is denied: 403.
	ReasonForbidden
	// ReasonUnauthenticated: an identity would be needed and there is none: 401.
	ReasonUnauthenticated
	// ReasonInsufficientScope: an allow rule failed only for want of scopes: 403
	// with error="insufficient_scope".
	ReasonInsufficientScope
)

func (r Reason) String() string {
	switch r {
	case ReasonForbidden:
		return "forbidden"
	case ReasonUnauthenticated:
		return "unauthenticated"
	case ReasonInsufficientScope:
		return "insufficient_scope"
	}
	return "none"
}

// Decision is the outcome of Policy.Evaluate.
type Decision struct {
	// Effect decided by the first matching enforced rule, or the default.
	Effect Effect
	// Rule is the deciding rule's name, or DefaultRuleName.
	Rule string
	// RuleIndex is the deciding rule's index, or -1 for the default.
	RuleIndex int
	// Reason qualifies a Deny.
	Reason Reason
	// Scope lists the scopes (space-separated) that would have allowed the
	// request, for ReasonInsufficientScope.
	Scope string
	// Shadow is set when Effect is Deny but the policy is observe-only: the
	// request goes through and the denial is only logged.
	Shadow bool
	// ShadowRule names the first shadow rule that matched before the
	// decision ("" if none); ShadowEffect is what it would have done.
	ShadowRule      string
	ShadowRuleIndex int
	ShadowEffect    Effect
}

// Permitted reports whether the request may proceed.
func (d Decision) Permitted() bool { return d.Effect == Allow || d.Shadow }

// identityResult is how a rule's identity conditions fared.
type identityResult uint8

const (
	idMatch   identityResult = iota
	idMissing                // an identity is needed and there is none
	idScope                  // everything held but the scopes
	idFail
)

// Evaluate decides a request: first matching rule wins; shadow rules are
// noted and skipped. It does not allocate.
func (p *Policy) Evaluate(req *Request) Decision {
	d := Decision{RuleIndex: -1, ShadowRuleIndex: -1}
	needIdentity := false
	scopeRule := -1
	mbit := methodBit(req.Method)
	client := clientAddr{addr: req.Client.Unmap()}
	if client.addr.Is4() {
		b := client.addr.As4()
		client.v4, client.is4 = uint32(b[0])<<24|uint32(b[1])<<16|uint32(b[2])<<8|uint32(b[3]), true
	}
	hc := headerCache{hdr: req.Header, keys: p.headerKeys}
	for i := range p.filters {
		f := &p.filters[i]
		// The prefix's last byte first: rules usually differ there
		// ("/svc1" vs "/svc2"), and one byte is cheaper than a compare.
		pp := f.pathPrefix
		if (f.methods != 0 && f.methods&mbit == 0) || len(req.Path) < len(pp) ||
			(pp != "" && req.Path[len(pp)-1] != f.last) || req.Path[:len(pp)] != pp {
			continue
		}
		r := &p.rules[i]
		if !r.matchRequest(req, mbit, client, &hc) {
			continue
		}
		res := r.matchIdentity(req.Identity)
		if r.obj != nil && len(r.obj.bindings) > 0 && (res == idMatch || res == idScope) && !r.obj.matchBindings(req, &hc.caps) {
			continue
		}
		switch res {
		case idMatch:
		case idMissing:
			if r.allow && !r.shadow {
				needIdentity = true
			}
			continue
		case idScope:
			if r.allow && !r.shadow && scopeRule < 0 {
				scopeRule = i
			}
			continue
		default:
			continue
		}
		if r.shadow {
			if d.ShadowRuleIndex < 0 {
				d.ShadowRuleIndex, d.ShadowRule = i, r.name
				if r.allow {
					d.ShadowEffect = Allow
				}
			}
			continue
		}
		d.RuleIndex, d.Rule = i, r.name
		if r.allow {
			d.Effect = Allow
		}
		break
	}
	if d.RuleIndex < 0 {
		d.Rule = DefaultRuleName
		if p.defaultAllow {
			d.Effect = Allow
		}
	}
	if d.Effect == Allow {
		return d
	}
	switch {
	case req.Identity == nil && (needIdentity || (d.RuleIndex >= 0 && p.rules[d.RuleIndex].anonymousOnly)):
		d.Reason = ReasonUnauthenticated
	case scopeRule >= 0:
		d.Reason = ReasonInsufficientScope
		d.Scope = p.rules[scopeRule].scopeHint
	default:
		d.Reason = ReasonForbidden
	}
	d.Shadow = p.shadow
	return d
}

// matchRequest checks the request conditions, cheapest first.
// clientAddr is the request's client address, with its IPv4 form as an
// integer computed once per request.
type clientAddr struct {
	addr netip.Addr
	v4   uint32
	is4  bool
}

func (r *compiledRule) matchRequest(req *Request, mbit uint16, client clientAddr, hc *headerCache) bool {
	if r.methodMask != 0 && (r.methodMask&mbit == 0 || (mbit == methodOther && !containsFold(r.otherMethods, req.Method))) {
		return false
	}
	if len(r.hosts) > 0 && !r.matchHost(req.Host) {
		return false
	}
	if r.hasPath && !r.matchPath(req.Path) && (r.obj == nil || !r.obj.matchTemplates(req.Path, &hc.caps)) {
		return false
	}
	if len(r.nets) > 0 && !r.matchClient(client) {
		return false
	}
	for i := range r.headers {
		if !r.headers[i].match(hc) {
			return false
		}
	}
	return true
}

func (r *compiledRule) matchHost(host string) bool {
	for _, h := range r.hosts {
		if h[0] == '.' {
			if len(host) > len(h) && strings.HasSuffix(host, h) {
				return true
			}
		} else if host == h {
			return true
		}
	}
	return false
}

func (r *compiledRule) matchPath(path string) bool {
	for _, p := range r.paths {
		if path == p {
			return true
		}
	}
	for _, p := range r.prefixes {
		if p == "/" || path == p || (strings.HasPrefix(path, p) && path[len(p)] == '/') {
			return true
		}
	}
	for i := range r.patterns {
		if r.patterns[i].match(path) {
			return true
		}
	}
	return false
}

func (r *compiledRule) matchClient(c clientAddr) bool {
	if c.is4 {
		for _, n := range r.nets4 {
			if c.v4&n.mask == n.addr {
				return true
			}
		}
		return false
	}
	if !c.addr.IsValid() {
		return false
	}
	for _, n := range r.nets {
		if n.Contains(c.addr) {
			return true
		}
	}
	return false
}

// headerCache looks each header name a policy uses up once per request.
// It also holds the per-request scratch of path template variables,
// captured for the rule at hand (see pathTemplate.match).
type headerCache struct {
	hdr    http.Header
	keys   []string
	loaded uint8
	vals   [maxCachedHeaders][]string
	caps   [MaxPathParams]string
}

func (c *headerCache) get(slot int, key string) []string {
	if slot < 0 {
		return c.hdr[key]
	}
	if c.loaded&(1<<slot) == 0 {
		c.vals[slot] = c.hdr[c.keys[slot]]
		c.loaded |= 1 << slot
	}
	return c.vals[slot]
}

func (h *headerCond) match(hc *headerCache) bool {
	vals := hc.get(h.slot, h.key)
	if len(h.values) == 0 {
		return len(vals) > 0
	}
	for _, v := range vals {
		for _, want := range h.values {
			if v == want {
				return true
			}
		}
	}
	return false
}

// matchIdentity checks the identity conditions; scopes go last so that a
// failure on them alone can be told apart (insufficient_scope).
func (r *compiledRule) matchIdentity(id *Identity) identityResult {
	if id == nil {
		if r.needIdentity {
			return idMissing
		}
		return idMatch
	}
	if r.anonymousOnly {
		return idFail
	}
	if !r.needIdentity {
		return idMatch
	}
	if len(r.users) > 0 && !contains(r.users, id.ID) {
		return idFail
	}
	if len(r.authMethods) > 0 && !contains(r.authMethods, id.Method) {
		return idFail
	}
	if len(r.issuers) > 0 && !contains(r.issuers, id.Issuer) {
		return idFail
	}
	if len(r.rolesAny) > 0 && !anyIn(r.rolesAny, id.Roles) {
		return idFail
	}
	for _, role := range r.rolesAll {
		if !contains(id.Roles, role) {
			return idFail
		}
	}
	for i := range r.claims {
		if !r.claims[i].match(id.Claims) {
			return idFail
		}
	}
	if len(r.scopesAny) > 0 {
		ok := false
		for _, s := range r.scopesAny {
			if hasScope(id, s) {
				ok = true
				break
			}
		}
		if !ok {
			return idScope
		}
	}
	for _, s := range r.scopesAll {
		if !hasScope(id, s) {
			return idScope
		}
	}
	return idMatch
}

// hasScope looks in Identity.Scopes, or, when the authenticator left it
// empty, in the raw "scope" (space-delimited) or "scp" (array) claims.
func hasScope(id *Identity, scope string) bool {
	if len(id.Scopes) > 0 {
		return contains(id.Scopes, scope)
	}
	switch v := id.Claims["scope"].(type) {
	case string:
		for rest := v; rest != ""; {
			var f string
			f, rest, _ = strings.Cut(strings.TrimLeft(rest, " "), " ")
			if f == scope {
				return true
			}
		}
	case []any:
		return anyEquals(v, scope)
	case []string:
		return contains(v, scope)
	}
	switch v := id.Claims["scp"].(type) {
	case []any:
		return anyEquals(v, scope)
	case []string:
		return contains(v, scope)
	case string:
		return v == scope
	}
	return false
}

func (c *claimCond) match(claims map[string]any) bool {
	cur, ok := lookupClaim(claims, c.path)
	if !ok {
		return false
	}
	if len(c.values) == 0 {
		return true
	}
	switch v := cur.(type) {
	case []any:
		for _, e := range v {
			if c.matchScalar(e) {
				return true
			}
		}
		return false
	case []string:
		for _, e := range v {
			if c.matchScalar(e) {
				return true
			}
		}
		return false
	}
	return c.matchScalar(cur)
}

func (c *claimCond) matchScalar(v any) bool {
	for _, want := range c.values {
		switch x := v.(type) {
		case string:
			if x == want.s {
				return true
			}
		case float64:
			if want.isNum && x == want.num {
				return true
			}
		case int:
			if want.isNum && float64(x) == want.num {
				return true
			}
		case int64:
			if want.isNum && float64(x) == want.num {
				return true
			}
		case bool:
			if want.isBool && x == want.b {
				return true
			}
		case interface{ String() string }: // json.Number
			if x.String() == want.s {
				return true
			}
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func anyIn(want, have []string) bool {
	for _, w := range want {
		if contains(have, w) {
			return true
		}
	}
	return false
}

func anyEquals(list []any, s string) bool {
	for _, v := range list {
		if str, ok := v.(string); ok && str == s {
			return true
		}
	}
	return false
}
