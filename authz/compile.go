package authz

import (
	"fmt"
	"net/http"
	"net/netip"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
)

// privateRanges is what "private_ranges" stands for in Rule.ClientIPs; the
// same list as Caddy's trusted_proxies private_ranges.
var privateRanges = []string{
	"192.168.0.0/16", "172.16.0.0/12", "10.0.0.0/8", "127.0.0.1/8",
	"fd00::/8", "::1",
}

// Policy is a compiled PolicyConfig. It is immutable and safe for concurrent
// use; Evaluate does not allocate.
type Policy struct {
	// filters holds, densely, the cheapest necessary conditions of each
	// rule, so that most rules are ruled out without touching their full
	// (large) compiled form.
	filters         []ruleFilter
	rules           []compiledRule
	defaultAllow    bool
	shadow          bool
	caseInsensitive bool
	claimKeys       []string
	headerKeys      []string // header names cached per request, by slot
}

// ruleFilter is a necessary condition of a rule: the method must be in the
// mask (0: any method) and the canonical path must start with pathPrefix.
type ruleFilter struct {
	methods    uint16
	last       byte // pathPrefix's last byte, checked first
	pathPrefix string
}

type compiledRule struct {
	// Fields read for most requests come first, to share cache lines.
	allow         bool
	shadow        bool
	hasPath       bool
	needIdentity  bool   // some identity condition is set
	anonymousOnly bool   // authenticated: false
	methodMask    uint16 // 0: any method
	nets4         []v4net
	headers       []headerCond
	nets          []netip.Prefix // all ranges; IPv4 ones also in nets4
	hosts         []string       // lower-case; "*.x" entries are stored as ".x"
	paths         []string
	prefixes      []string
	patterns      []pathPattern // globs and regexps
	otherMethods  []string      // non-standard methods, compared case-insensitively
	obj           *objectRule   // path templates and bindings, nil if none

	// identity conditions.
	users       []string
	authMethods []string
	issuers     []string
	rolesAny    []string
	rolesAll    []string
	scopesAny   []string
	scopesAll   []string
	claims      []claimCond

	name      string
	scopeHint string // space-joined scopes, for WWW-Authenticate
}

type headerCond struct {
	key    string // canonical MIME header key
	slot   int    // index into the per-request header cache, or -1
	values []string
}

// maxCachedHeaders bounds the distinct header names whose values Evaluate
// looks up once per request rather than once per rule.
const maxCachedHeaders = 8

type claimCond struct {
	path   []string
	values []claimValue
}

// claimValue is a configured claim value, pre-parsed so that matching a
// JSON number or boolean does not format or allocate.
type claimValue struct {
	s      string
	num    float64
	isNum  bool
	b      bool
	isBool bool
}

// Compile checks and precompiles a policy. Errors name the rule (position and
// name) and the offending value, so that a bad hot reload is explained.
func Compile(cfg PolicyConfig) (*Policy, error) {
	p := &Policy{shadow: cfg.Shadow, caseInsensitive: cfg.CaseInsensitive}
	switch strings.ToLower(cfg.Default) {
	case "", "deny":
	case "allow":
		p.defaultAllow = true
	default:
		return nil, fmt.Errorf("default %q: must be allow or deny", cfg.Default)
	}
	names := make(map[string]int, len(cfg.Rules))
	slots := make(map[string]int)
	keys := make(map[string]bool)
	for i, rc := range cfg.Rules {
		r, err := compileRule(i, rc, cfg.CaseInsensitive)
		if err != nil {
			return nil, err
		}
		if prev, dup := names[r.name]; dup {
			return nil, fmt.Errorf("rule %d: name %q already used by rule %d", i+1, r.name, prev)
		}
		if r.name == DefaultRuleName || r.name == InvalidPathRuleName {
			return nil, fmt.Errorf("rule %d: name %q is reserved", i+1, r.name)
		}
		names[r.name] = i + 1
		for _, c := range r.claims {
			if !keys[c.path[0]] {
				keys[c.path[0]] = true
				p.claimKeys = append(p.claimKeys, c.path[0])
			}
		}
		for _, b := range r.obj.allBindings() {
			if b.needClaim && !keys[b.claim[0]] {
				keys[b.claim[0]] = true
				p.claimKeys = append(p.claimKeys, b.claim[0])
			}
		}
		for j := range r.headers {
			h := &r.headers[j]
			slot, ok := slots[h.key]
			if !ok && len(slots) < maxCachedHeaders {
				slot, ok = len(slots), true
				slots[h.key] = slot
				p.headerKeys = append(p.headerKeys, h.key)
			}
			if !ok {
				slot = -1
			}
			h.slot = slot
		}
		p.rules = append(p.rules, r)
		p.filters = append(p.filters, r.filter())
	}
	return p, nil
}

func compileRule(i int, rc Rule, caseInsensitive bool) (compiledRule, error) {
	r := compiledRule{name: rc.Name, shadow: rc.Shadow}
	if r.name == "" {
		r.name = "rule" + strconv.Itoa(i+1)
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("rule %d (%s): %s", i+1, r.name, fmt.Sprintf(format, args...))
	}
	switch strings.ToLower(rc.Action) {
	case "allow":
		r.allow = true
	case "deny":
	case "":
		return r, fail("missing action (allow or deny)")
	default:
		return r, fail("action %q: must be allow or deny", rc.Action)
	}

	for _, m := range rc.Methods {
		if m == "" || strings.ContainsAny(m, " \t/") {
			return r, fail("method %q: not an HTTP method", m)
		}
		bit := methodBit(m)
		r.methodMask |= bit
		if bit == methodOther {
			r.otherMethods = append(r.otherMethods, m)
		}
	}
	for _, h := range rc.Hosts {
		h = strings.TrimSuffix(strings.ToLower(h), ".")
		if h == "" || strings.ContainsAny(h, "/ ") || strings.Contains(h[1:], "*") || (h[0] == '*' && !strings.HasPrefix(h, "*.")) {
			return r, fail("host %q: want a host name or *.domain", h)
		}
		r.hosts = append(r.hosts, strings.TrimPrefix(h, "*"))
	}
	if err := r.compilePaths(rc, caseInsensitive); err != nil {
		return r, fail("%v", err)
	}
	for _, v := range rc.ClientIPs {
		if v == "private_ranges" {
			for _, pr := range privateRanges {
				r.nets = append(r.nets, mustPrefix(pr))
			}
			continue
		}
		pfx, err := parsePrefix(v)
		if err != nil {
			return r, fail("client_ip %q: %v", v, err)
		}
		r.nets = append(r.nets, pfx)
	}
	for _, n := range r.nets {
		if n.Addr().Is4() {
			r.nets4 = append(r.nets4, newV4Net(n))
		}
	}
	for _, hc := range rc.Headers {
		if hc.Name == "" || strings.ContainsAny(hc.Name, " :\t") {
			return r, fail("header %q: not a header name", hc.Name)
		}
		r.headers = append(r.headers, headerCond{key: http.CanonicalHeaderKey(hc.Name), values: hc.Values})
	}

	if rc.Authenticated != nil {
		r.anonymousOnly = !*rc.Authenticated
		r.needIdentity = *rc.Authenticated
	}
	r.users, r.issuers = rc.Users, rc.Issuers
	r.rolesAny, r.rolesAll = rc.RolesAny, rc.RolesAll
	r.scopesAny, r.scopesAll = rc.ScopesAny, rc.ScopesAll
	for _, m := range rc.AuthMethods {
		switch m {
		case "jwt", "api_key", "external":
		default:
			return r, fail("auth_method %q: must be jwt, api_key or external", m)
		}
		r.authMethods = append(r.authMethods, m)
	}
	for _, cc := range rc.Claims {
		path, err := parseClaimPath(cc.Path)
		if err != nil {
			return r, fail("claim %q: %v", cc.Path, err)
		}
		c := claimCond{path: path}
		for _, v := range cc.Values {
			c.values = append(c.values, parseClaimValue(v))
		}
		r.claims = append(r.claims, c)
	}
	needClaim := false
	for _, b := range r.obj.allBindings() {
		needClaim = needClaim || b.needClaim
	}
	if len(r.users)+len(r.issuers)+len(r.authMethods)+len(r.rolesAny)+len(r.rolesAll)+
		len(r.scopesAny)+len(r.scopesAll)+len(r.claims) > 0 || needClaim {
		if r.anonymousOnly {
			return r, fail("authenticated false cannot be combined with identity conditions")
		}
		r.needIdentity = true
	}
	if len(r.scopesAll) > 0 {
		r.scopeHint = strings.Join(r.scopesAll, " ")
	} else {
		r.scopeHint = strings.Join(r.scopesAny, " ")
	}
	// Scopes go into a quoted WWW-Authenticate parameter: RFC 6749 scope
	// tokens are printable ASCII without '"' and '\'.
	if strings.ContainsFunc(r.scopeHint, func(c rune) bool { return c < 0x20 || c > 0x7e || c == '"' || c == '\\' }) {
		return r, fail("scope %q: scopes are printable ASCII without quotes and backslashes", r.scopeHint)
	}
	return r, nil
}

// compilePaths canonicalises exact paths and prefixes the way requests are,
// and turns globs and regexps into RE2 patterns.
func (r *compiledRule) compilePaths(rc Rule, caseInsensitive bool) error {
	for _, p := range rc.Paths {
		if strings.Contains(p, "*") {
			return fmt.Errorf("path %q: wildcards belong in path_globs", p)
		}
		c, err := canonicalPattern(p, caseInsensitive)
		if err != nil {
			return fmt.Errorf("path %q: %w", p, err)
		}
		r.paths = append(r.paths, c)
	}
	for _, p := range rc.PathPrefixes {
		c, err := canonicalPattern(p, caseInsensitive)
		if err != nil {
			return fmt.Errorf("path_prefix %q: %w", p, err)
		}
		r.prefixes = append(r.prefixes, c)
	}
	for _, g := range rc.PathGlobs {
		c, err := canonicalPattern(g, caseInsensitive)
		if err != nil {
			return fmt.Errorf("path_glob %q: %w", g, err)
		}
		re, err := regexp.Compile(globToRegexp(c))
		if err != nil {
			return fmt.Errorf("path_glob %q: %w", g, err)
		}
		prefix := c
		if i := strings.IndexAny(c, "*?"); i >= 0 {
			prefix = c[:i]
		}
		r.patterns = append(r.patterns, pathPattern{prefix: prefix, re: re})
	}
	for _, expr := range rc.PathRegexps {
		if caseInsensitive {
			expr = "(?i)" + expr
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return fmt.Errorf("path_regexp %q: %w", expr, err)
		}
		r.patterns = append(r.patterns, pathPattern{prefix: anchoredPrefix(expr), re: re})
	}
	if err := r.compileTemplates(rc, caseInsensitive); err != nil {
		return err
	}
	r.hasPath = len(r.paths)+len(r.prefixes)+len(r.patterns)+len(r.obj.allTemplates()) > 0
	return nil
}

// filter derives the rule's necessary conditions: its method mask and the
// longest literal prefix shared by all its path patterns.
func (r *compiledRule) filter() ruleFilter {
	f := ruleFilter{methods: r.methodMask}
	if !r.hasPath {
		return f
	}
	var prefixes []string
	prefixes = append(prefixes, r.paths...)
	prefixes = append(prefixes, r.prefixes...)
	for _, p := range r.patterns {
		prefixes = append(prefixes, p.prefix)
	}
	for _, t := range r.obj.allTemplates() {
		prefixes = append(prefixes, t.prefix)
	}
	f.pathPrefix = prefixes[0]
	for _, p := range prefixes[1:] {
		n := 0
		for n < len(p) && n < len(f.pathPrefix) && p[n] == f.pathPrefix[n] {
			n++
		}
		f.pathPrefix = f.pathPrefix[:n]
	}
	if f.pathPrefix != "" {
		f.last = f.pathPrefix[len(f.pathPrefix)-1]
	}
	return f
}

// pathPattern is a compiled glob or regexp with the literal prefix every
// match must start with, checked first because it is much cheaper.
type pathPattern struct {
	prefix string
	re     *regexp.Regexp
}

func (p *pathPattern) match(path string) bool {
	return strings.HasPrefix(path, p.prefix) && p.re.MatchString(path)
}

// anchoredPrefix returns the literal text a start-anchored regexp requires
// at the beginning of the input ("^/orders/[0-9]+" → "/orders/"), or "".
func anchoredPrefix(expr string) string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return ""
	}
	re = re.Simplify()
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 || re.Sub[0].Op != syntax.OpBeginText {
		return ""
	}
	lit := re.Sub[1]
	if lit.Op != syntax.OpLiteral || lit.Flags&syntax.FoldCase != 0 {
		return ""
	}
	return string(lit.Rune)
}

func canonicalPattern(p string, caseInsensitive bool) (string, error) {
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("must start with /")
	}
	return CanonicalPath(p, caseInsensitive)
}

// globToRegexp translates a path glob: "**" any run of characters, "*" any
// run within a segment, "?" one character within a segment.
func globToRegexp(glob string) string {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(glob); i++ {
		switch {
		case strings.HasPrefix(glob[i:], "**"):
			b.WriteString(".*")
			i++
		case glob[i] == '*':
			b.WriteString("[^/]*")
		case glob[i] == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(glob[i : i+1]))
		}
	}
	b.WriteString("$")
	return b.String()
}

// v4net is an IPv4 range as integers: an address a is in it when
// a&mask == addr. Matching IPv4 clients this way avoids netip's generic
// (zone- and family-aware) Contains.
type v4net struct{ addr, mask uint32 }

func newV4Net(p netip.Prefix) v4net {
	b := p.Masked().Addr().As4()
	mask := ^uint32(0)
	if p.Bits() < 32 {
		mask = ^(^uint32(0) >> p.Bits())
	}
	return v4net{addr: uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]), mask: mask}
}

func parsePrefix(v string) (netip.Prefix, error) {
	if strings.Contains(v, "/") {
		pfx, err := netip.ParsePrefix(v)
		if err != nil {
			return pfx, err
		}
		return netip.PrefixFrom(pfx.Addr().Unmap(), pfx.Bits()).Masked(), nil
	}
	addr, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Prefix{}, err
	}
	addr = addr.Unmap().WithZone("")
	return netip.PrefixFrom(addr, addr.BitLen()), nil
}

func mustPrefix(v string) netip.Prefix {
	p, err := parsePrefix(v)
	if err != nil {
		panic(err)
	}
	return p
}

// parseClaimPath splits a dotted path or an RFC 6901 JSON pointer.
func parseClaimPath(p string) ([]string, error) {
	if p == "" {
		return nil, fmt.Errorf("empty claim path")
	}
	var parts []string
	if strings.HasPrefix(p, "/") {
		parts = strings.Split(p[1:], "/")
		for i, s := range parts {
			parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
		}
	} else {
		parts = strings.Split(p, ".")
	}
	for _, s := range parts {
		if s == "" {
			return nil, fmt.Errorf("empty segment")
		}
	}
	return parts, nil
}

func parseClaimValue(v string) claimValue {
	c := claimValue{s: v}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		c.num, c.isNum = f, true
	}
	if b, err := strconv.ParseBool(v); err == nil && (v == "true" || v == "false") {
		c.b, c.isBool = b, true
	}
	return c
}

// DefaultRuleName labels decisions taken by the policy default;
// InvalidPathRuleName labels requests rejected because their path cannot be
// canonicalised. Neither may name a rule.
const (
	DefaultRuleName     = "default"
	InvalidPathRuleName = "invalid_path"
)

// RuleNames returns the rule names in order, for pre-creating metrics.
func (p *Policy) RuleNames() []string {
	names := make([]string, len(p.rules))
	for i := range p.rules {
		names[i] = p.rules[i].name
	}
	return names
}

// ClaimKeys returns the top-level claim names the rules refer to, so that an
// identity set by another Caddy module can be filled from its
// {http.auth.user.<key>} placeholders.
func (p *Policy) ClaimKeys() []string { return p.claimKeys }

// Shadow reports whether the whole policy is observe-only.
func (p *Policy) Shadow() bool { return p.shadow }

// CanonicalPath canonicalises a request path with this policy's case policy.
func (p *Policy) CanonicalPath(path string) (string, error) {
	return CanonicalPath(path, p.caseInsensitive)
}
