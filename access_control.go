package gatehouse

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/gatehouse-dev/caddy-gatehouse/authz"
)

// AccessPolicies is a Caddy app holding named access policies, so that
// several sites and routes can apply one policy without repeating it. In
// JSON it is the top-level app "access_policies"; in a Caddyfile, each
// `access_policy <name> { … }` global option adds one policy.
type AccessPolicies struct {
	// Policies by name. Default: none.
	Policies map[string]authz.PolicyConfig `json:"policies,omitempty"`

	compiled map[string]*authz.Policy

	// ctx and clientIPPolicies let Start warn, once the whole config is
	// provisioned, about client_ip rules on servers whose trusted_proxies
	// let clients choose their address.
	ctx              caddy.Context
	clientIPPolicies []string
}

// CaddyModule returns the Caddy module information.
func (AccessPolicies) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "access_policies",
		New: func() caddy.Module { return new(AccessPolicies) },
	}
}

// Provision compiles every policy; an invalid one fails the whole config,
// naming the policy and the rule.
func (a *AccessPolicies) Provision(ctx caddy.Context) error {
	a.ctx = ctx
	a.compiled = make(map[string]*authz.Policy, len(a.Policies))
	for name, cfg := range a.Policies {
		if name == "" {
			return errors.New("access policy with an empty name")
		}
		p, err := authz.Compile(cfg)
		if err != nil {
			return fmt.Errorf("access policy %q: %w", name, err)
		}
		a.compiled[name] = p
	}
	return nil
}

// Start implements caddy.App. Every app of the config is provisioned by
// now, so this is where the load-time warning about client_ip rules behind
// a non-strict trusted_proxies can read the http app's servers.
func (a *AccessPolicies) Start() error {
	if len(a.clientIPPolicies) == 0 {
		return nil
	}
	appVal, err := a.ctx.AppIfConfigured("http")
	if err != nil || appVal == nil {
		return nil //nolint:nilerr // no http app: nothing to warn about
	}
	httpApp, ok := appVal.(*caddyhttp.App)
	if !ok {
		return nil
	}
	for name, srv := range httpApp.Servers {
		if !acTrustsProxies(srv) || srv.TrustedProxiesStrict != 0 {
			continue
		}
		a.ctx.Logger().Warn(acNonStrictProxiesWarning,
			zap.String("server", name),
			zap.Strings("policies", a.clientIPPolicies))
	}
	return nil
}

// usesClientIP records, at load, a policy that decides on the client
// address, for Start's trusted_proxies check.
func (a *AccessPolicies) usesClientIP(label string) {
	a.clientIPPolicies = append(a.clientIPPolicies, label)
}

// acNonStrictProxiesWarning is logged at load (per server) and at the first
// request (per handler) when client_ip rules meet a non-strict
// trusted_proxies.
const acNonStrictProxiesWarning = "access_control: client_ip rules with trusted_proxies but without trusted_proxies_strict: clients behind an appending proxy can choose their address with X-Forwarded-For; set trusted_proxies_strict"

// Stop implements caddy.App.
func (*AccessPolicies) Stop() error { return nil }

// Policy returns the compiled policy with that name.
func (a *AccessPolicies) Policy(name string) (*authz.Policy, bool) {
	p, ok := a.compiled[name]
	return p, ok
}

// AccessControl allows or denies each request by ordered rules over the
// caller's identity (set by api_auth, or by any Caddy authentication that
// sets {http.auth.user.id}) and the request's method, host, canonical path,
// client address and headers. Denials answer 401 (an identity is needed and
// missing) or 403, and are logged and counted; a policy or a rule can run in
// shadow (observe-only) mode.
type AccessControl struct {
	// Policy names a policy of the access_policies app to apply. When set,
	// Rules, Default and CaseInsensitive must be empty. Default: "" (use
	// the inline rules).
	Policy string `json:"policy,omitempty"`

	// Name labels an inline policy in logs and metrics. Default: "inline"
	// (a named policy is labelled with its name).
	Name string `json:"name,omitempty"`

	// Rules of the inline policy, in order; see authz.Rule. Default: none.
	Rules []authz.Rule `json:"rules,omitempty"`

	// Default effect of the inline policy when no rule matches: "deny" or
	// "allow". Default: "deny".
	Default string `json:"default,omitempty"`

	// CaseInsensitive makes the inline policy match paths
	// case-insensitively. Default: false.
	CaseInsensitive bool `json:"case_insensitive,omitempty"`

	// Monitor runs this handler observe-only: would-be denials (and paths
	// that would be refused as ambiguous) are logged and counted as
	// would_block, and the request goes on unchanged (no path rewrite, no
	// override header removed). Applies to a named policy too (a named
	// policy or a rule may also be in monitor mode by itself). Unset: the
	// site's gatehouse handler or the gatehouse global option decides
	// (default: enforce).
	Monitor *bool `json:"monitor,omitempty"`

	// Shadow is the former name of Monitor (true: monitor).
	Shadow bool `json:"shadow,omitempty"`

	// Realm is sent in WWW-Authenticate challenges. Default: "gatehouse".
	Realm string `json:"realm,omitempty"`

	// ProblemJSON makes denials (and the 400 for a path that cannot be
	// canonicalised) answer with an RFC 9457 application/problem+json body
	// (status and a generic title and detail only) written by this
	// handler, instead of returning a Caddy error for handle_errors.
	// Default: false.
	ProblemJSON bool `json:"problem_json,omitempty"`

	// LogLimit caps decision log lines per second for this handler, so an
	// attack cannot flood the logs; dropped lines are counted in the next
	// line's "dropped_since_last" field and in
	// caddy_gatehouse_decision_logs_dropped_total. Negative: no cap.
	// Default: the gatehouse app's decision_log_rate, else 20.
	LogLimit int `json:"log_limit,omitempty"`

	// AmbiguousPaths says what happens to a request whose path backends
	// may read as another path than the canonical one rules were matched
	// against (a leading "//", which WHATWG URL parsers read as a host; a
	// backslash; an encoded slash or backslash; a look-alike separator; a
	// ".." segment): "reject" answers 400; "rewrite" forwards the
	// canonical path instead. Either way, a path that is merely spelled
	// redundantly ("/a//b", "/./a", "/%61", "/a;x", "/a.") is rewritten to
	// its canonical form (case and a trailing slash kept), so the backend
	// acts on exactly the path that was authorised. Default: "reject".
	AmbiguousPaths string `json:"ambiguous_paths,omitempty"`

	// KeepMethodOverride keeps the X-HTTP-Method-Override, X-HTTP-Method
	// and X-Method-Override headers and the _method query parameter, which
	// frameworks read as the request's method, on allowed requests. Rules
	// decide on the real method only. Default: false (they are removed).
	KeepMethodOverride bool `json:"keep_method_override,omitempty"`

	// KeepURLOverride keeps the X-Original-URL, X-Rewrite-URL and
	// X-Override-URL headers, which some frameworks (Symfony, IIS URL
	// Rewrite) route by instead of the request path. Default: false (they
	// are removed).
	KeepURLOverride bool `json:"keep_url_override,omitempty"`

	policy    *authz.Policy
	label     string
	challenge string
	logger    *zap.Logger
	decisions *decisionLog
	counters  [][acNumDecisions]lazyCounter
	vec       *prometheus.CounterVec
	ruleNames []string
	now       func() time.Time

	// usesClientIP: the policy has client_ip conditions, so a non-strict
	// trusted_proxies lets clients choose their address; warned about
	// once, at the first request (the server is not known at Provision).
	usesClientIP bool
	proxyWarned  *atomic.Bool // set by Provision
}

// Decision labels of caddy_gatehouse_access_decisions_total.
const (
	acDecAllow = iota
	acDecDeny
	acDecShadowDeny
	acDecShadowAllow
	acNumDecisions
)

var acDecisionLabels = [acNumDecisions]string{"allow", "deny", "shadow_deny", "shadow_allow"}

// CaddyModule returns the Caddy module information.
func (AccessControl) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.handlers.access_control",
		New: func() caddy.Module { return new(AccessControl) },
	}
}

// Provision compiles the inline policy or looks up the named one, and sets
// up logging and metrics.
func (h *AccessControl) Provision(ctx caddy.Context) error {
	h.logger = ctx.Logger()
	if h.now == nil {
		h.now = time.Now
	}
	if err := h.Validate(); err != nil {
		return err
	}
	if h.Policy != "" {
		appVal, err := ctx.App("access_policies")
		if err != nil {
			return fmt.Errorf("access_control: loading access_policies app: %w", err)
		}
		p, ok := appVal.(*AccessPolicies).Policy(h.Policy)
		if !ok {
			return fmt.Errorf("access_control: no access policy named %q (define it with the access_policy global option or the access_policies app)", h.Policy)
		}
		h.policy, h.label = p, h.Policy
		h.usesClientIP = acRulesUseClientIP(appVal.(*AccessPolicies).Policies[h.Policy].Rules)
	} else {
		p, err := authz.Compile(authz.PolicyConfig{Rules: h.Rules, Default: h.Default, CaseInsensitive: h.CaseInsensitive})
		if err != nil {
			return fmt.Errorf("access_control: %w", err)
		}
		h.policy, h.label = p, h.Name
		h.usesClientIP = acRulesUseClientIP(h.Rules)
		if h.label == "" {
			h.label = "inline"
		}
	}
	realm := h.Realm
	if realm == "" {
		realm = "gatehouse"
	}
	h.challenge = `Bearer realm="` + realm + `"`
	if h.Shadow && h.Monitor == nil {
		on := true
		h.Monitor = &on
	}
	var err error
	if h.decisions, err = newDecisionLog(ctx, "access_control", h.logger, h.LogLimit); err != nil {
		return fmt.Errorf("access_control: metrics: %w", err)
	}
	h.proxyWarned = new(atomic.Bool)
	if h.usesClientIP {
		appVal, err := ctx.App("access_policies")
		if err != nil {
			return fmt.Errorf("access_control: loading access_policies app: %w", err)
		}
		appVal.(*AccessPolicies).usesClientIP(h.label)
	}
	return h.provisionMetrics(ctx.GetMetricsRegistry())
}

// Validate checks the configuration's shape; rule errors surface from
// Provision, which compiles them.
func (h *AccessControl) Validate() error {
	if h.Policy != "" && (len(h.Rules) > 0 || h.Default != "" || h.CaseInsensitive || h.Name != "") {
		return fmt.Errorf("access_control: policy %q is named; rules, default, case_insensitive and name belong to the access_policy definition", h.Policy)
	}
	switch h.AmbiguousPaths {
	case "", acAmbiguousReject, acAmbiguousRewrite:
	default:
		return fmt.Errorf("access_control: ambiguous_paths %q: want %q or %q", h.AmbiguousPaths, acAmbiguousReject, acAmbiguousRewrite)
	}
	if strings.ContainsAny(h.Realm, "\"\\\r\n") {
		return fmt.Errorf("access_control: realm %q must not contain quotes, backslashes or line breaks", h.Realm)
	}
	return nil
}

// provisionMetrics registers the decision counter; its series are created
// on first use, never pre-created per rule and decision.
func (h *AccessControl) provisionMetrics(reg *prometheus.Registry) error {
	h.ruleNames = append(h.policy.RuleNames(), authz.DefaultRuleName, authz.InvalidPathRuleName)
	h.counters = make([][acNumDecisions]lazyCounter, len(h.ruleNames))
	vec := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "caddy",
		Subsystem: "gatehouse",
		Name:      "access_decisions_total",
		Help:      "Access control decisions by policy, rule and decision (allow, deny, shadow_deny, shadow_allow).",
	}, []string{"policy", "rule", "decision"})
	// A nil *Registry must not become a non-nil Registerer interface.
	var r prometheus.Registerer
	if reg != nil {
		r = reg
	}
	vec, err := registerCounterVec(r, vec)
	if err != nil {
		return fmt.Errorf("access_control: registering metrics: %w", err)
	}
	h.vec = vec
	return nil
}

func (h *AccessControl) count(rule, decision int) {
	h.counters[rule][decision].get(func() prometheus.Counter {
		return h.vec.WithLabelValues(h.label, h.ruleNames[rule], acDecisionLabels[decision])
	}).Inc()
}

// Values of AccessControl.AmbiguousPaths.
const (
	acAmbiguousReject  = "reject"
	acAmbiguousRewrite = "rewrite"
)

var errAmbiguousPath = errors.New("path may be read differently by the backend")

// ServeHTTP decides the request and either passes it on or rejects it. A
// request passed on carries the path that was authorised (see
// AmbiguousPaths) and no method or URL override (see KeepMethodOverride,
// KeepURLOverride).
func (h *AccessControl) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	if h.usesClientIP && h.proxyWarned != nil && !h.proxyWarned.Load() {
		h.warnTrustedProxies(r)
	}
	id := acRequestIdentity(r, h.policy)
	monitor := h.decisions.monitor(r, h.Monitor)
	shadow := monitor || h.policy.Shadow()
	path, err := h.policy.CanonicalPath(r.URL.Path)
	form := authz.PathExact
	if err == nil {
		form = authz.ClassifyPath(r.URL.EscapedPath())
		if form == authz.PathAmbiguous && h.AmbiguousPaths != acAmbiguousRewrite {
			err = errAmbiguousPath
		}
	}
	if err != nil {
		// In shadow mode nothing is refused, not even a path that cannot
		// be matched safely: it is reported like any would-be denial.
		if shadow {
			h.count(len(h.counters)-1, acDecShadowDeny)
			h.logDecision(r, decision{Decision: decisionWouldBlock, Rule: authz.InvalidPathRuleName, Reason: "bad_request", Status: http.StatusBadRequest, Monitor: true}, "allow", id)
			acAddLogFields(r, authz.InvalidPathRuleName, "shadow_deny")
			if !monitor {
				h.stripOverrides(r)
			}
			return next.ServeHTTP(w, r)
		}
		h.count(len(h.counters)-1, acDecDeny)
		h.logDecision(r, decision{Decision: decisionBlock, Rule: authz.InvalidPathRuleName, Reason: "bad_request", Status: http.StatusBadRequest}, "", id)
		acAddLogFields(r, authz.InvalidPathRuleName, "deny")
		if h.ProblemJSON {
			return acWriteProblem(w, http.StatusBadRequest, "Bad Request", "The request path is not acceptable.")
		}
		return caddyhttp.Error(http.StatusBadRequest, fmt.Errorf("access_control: %w", err))
	}
	req := authz.Request{
		Method:   r.Method,
		Host:     authz.CanonicalHost(r.Host),
		Path:     path,
		Client:   acClientAddr(r),
		Header:   r.Header,
		Identity: id,
	}
	d := h.policy.Evaluate(&req)
	if d.Effect == authz.Deny && monitor {
		d.Shadow = true
	}
	h.record(r, &req, d)
	if !d.Permitted() {
		return h.reject(w, d)
	}
	if form != authz.PathExact && !shadow {
		if err := acRewritePath(r); err != nil {
			return caddyhttp.Error(http.StatusBadRequest, fmt.Errorf("access_control: %w", err))
		}
	}
	if !monitor {
		h.stripOverrides(r)
	}
	return next.ServeHTTP(w, r)
}

// acRewritePath replaces the request's path with the canonical one (case and
// trailing slash kept), as Caddy's rewrite handler does, so that
// reverse_proxy forwards it.
func acRewritePath(r *http.Request) error {
	fwd, err := authz.ForwardPath(r.URL.Path)
	if err != nil {
		return err
	}
	r.URL.Path = fwd
	r.URL.RawPath = ""
	r.RequestURI = r.URL.RequestURI()
	return nil
}

// Headers and the query parameter by which frameworks let a request claim
// another method or URL than the one rules decided on.
var (
	acMethodOverrideHeaders = [...]string{"X-Http-Method-Override", "X-Http-Method", "X-Method-Override"}
	acURLOverrideHeaders    = [...]string{"X-Original-Url", "X-Rewrite-Url", "X-Override-Url"}
)

const acMethodOverrideParam = "_method"

// stripOverrides removes method and URL overrides unless kept by option.
func (h *AccessControl) stripOverrides(r *http.Request) {
	if !h.KeepMethodOverride {
		for _, name := range acMethodOverrideHeaders {
			delete(r.Header, name)
		}
		if q, ok := acStripQueryParam(r.URL.RawQuery, acMethodOverrideParam); ok {
			r.URL.RawQuery = q
			r.URL.ForceQuery = false
			r.RequestURI = r.URL.RequestURI()
		}
	}
	if !h.KeepURLOverride {
		for _, name := range acURLOverrideHeaders {
			delete(r.Header, name)
		}
	}
}

// acStripQueryParam removes every name=value pair whose (unescaped) name
// equals name, ignoring case, keeping the rest of the query byte for byte.
func acStripQueryParam(raw, name string) (string, bool) {
	if !acContainsFoldASCII(raw, "method") {
		return raw, false // fast path: neither _method nor %5Fmethod
	}
	parts := strings.Split(raw, "&")
	kept := parts[:0]
	for _, part := range parts {
		key, _, _ := strings.Cut(part, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		if strings.EqualFold(key, name) {
			continue
		}
		kept = append(kept, part)
	}
	if len(kept) == len(parts) {
		return raw, false
	}
	return strings.Join(kept, "&"), true
}

// acContainsFoldASCII reports whether s contains sub (lower-case ASCII),
// ignoring ASCII case, without allocating.
func acContainsFoldASCII(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		j := 0
		for ; j < len(sub); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				break
			}
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}

// acRulesUseClientIP reports whether any rule has a client_ip condition.
func acRulesUseClientIP(rules []authz.Rule) bool {
	for _, r := range rules {
		if len(r.ClientIPs) > 0 {
			return true
		}
	}
	return false
}

// warnTrustedProxies logs once per handler when the policy decides on the
// client address and the server trusts proxies without
// trusted_proxies_strict: Caddy then takes the leftmost X-Forwarded-For
// entry, which a client behind an appending proxy chooses
// ("X-Forwarded-For: 10.0.0.1" becomes "10.0.0.1, <real address>").
func (h *AccessControl) warnTrustedProxies(r *http.Request) {
	srv, ok := r.Context().Value(caddyhttp.ServerCtxKey).(*caddyhttp.Server)
	if !ok || srv == nil {
		return
	}
	if !h.proxyWarned.CompareAndSwap(false, true) {
		return
	}
	if acTrustsProxies(srv) && srv.TrustedProxiesStrict == 0 {
		h.logger.Warn(acNonStrictProxiesWarning,
			zap.String("policy", h.label))
	}
}

// acTrustsProxies reports whether a server trusts proxies' address headers.
// Once a server is provisioned Caddy clears TrustedProxiesRaw and keeps the
// loaded source in an unexported field, so that field's nil-ness is read by
// reflection (reading, never writing); the raw field still answers for a
// server not provisioned yet.
func acTrustsProxies(srv *caddyhttp.Server) bool {
	if srv == nil {
		return false
	}
	if len(srv.TrustedProxiesRaw) > 0 {
		return true
	}
	f := reflect.ValueOf(srv).Elem().FieldByName("trustedProxies")
	return f.IsValid() && f.Kind() == reflect.Interface && !f.IsNil()
}

// ruleSlot maps a decision's rule index to its counters.
func (h *AccessControl) ruleSlot(idx int) int {
	if idx < 0 {
		return len(h.counters) - 2 // default
	}
	return idx
}

// record counts the decision and logs denials and would-be denials.
func (h *AccessControl) record(r *http.Request, req *authz.Request, d authz.Decision) {
	if d.ShadowRule != "" {
		if d.ShadowEffect == authz.Deny {
			enforced := "deny"
			if d.Permitted() {
				enforced = "allow"
			}
			h.count(d.ShadowRuleIndex, acDecShadowDeny)
			h.logDecision(r, decision{Decision: decisionWouldBlock, Rule: d.ShadowRule, Reason: authz.ReasonForbidden.String(), Status: acDenyStatus(d), Path: req.Path, Monitor: true}, enforced, req.Identity)
			acAddLogFields(r, d.ShadowRule, "shadow_deny")
		} else {
			h.count(d.ShadowRuleIndex, acDecShadowAllow)
		}
	}
	slot := h.ruleSlot(d.RuleIndex)
	switch {
	case d.Effect == authz.Allow:
		h.count(slot, acDecAllow)
		if d.ShadowRule == "" || d.ShadowEffect != authz.Deny {
			h.decisions.allowed()
		}
	case d.Shadow:
		h.count(slot, acDecShadowDeny)
		h.logDecision(r, decision{Decision: decisionWouldBlock, Rule: d.Rule, Reason: d.Reason.String(), Status: acDenyStatus(d), Path: req.Path, Monitor: true}, "allow", req.Identity)
		acAddLogFields(r, d.Rule, "shadow_deny")
	default:
		h.count(slot, acDecDeny)
		h.logDecision(r, decision{Decision: decisionBlock, Rule: d.Rule, Reason: d.Reason.String(), Status: acDenyStatus(d), Path: req.Path}, "", req.Identity)
		acAddLogFields(r, d.Rule, "deny")
	}
}

// acDenyStatus is the status a denial answers (see reject).
func acDenyStatus(d authz.Decision) int {
	if d.Reason == authz.ReasonUnauthenticated {
		return http.StatusUnauthorized
	}
	return http.StatusForbidden
}

// logDecision records one decision in the shared decision log: the
// canonical path and the user id, never the query string or credentials.
func (h *AccessControl) logDecision(r *http.Request, d decision, enforced string, id *authz.Identity) {
	if id != nil {
		d.User = id.ID
	}
	fields := []zap.Field{zap.String("policy", h.label)}
	if enforced != "" {
		fields = append(fields, zap.String("enforced", enforced))
	}
	h.decisions.record(r, d, fields...)
}

// acAddLogFields puts the decision on the request's access-log line.
func acAddLogFields(r *http.Request, rule, decision string) {
	if extra := accessLogFields(r); extra != nil {
		extra.Set(zap.String("access_rule", rule))
		extra.Set(zap.String("access_decision", decision))
	}
}

var (
	errAccessUnauthenticated = errors.New("access_control: authentication required")
	errAccessForbidden       = errors.New("access_control: access denied")
)

// reject answers a denial: 401 with a Bearer challenge when an identity is
// needed, 403 otherwise (with error="insufficient_scope" when only scopes
// were missing). Neither the error nor the body names the rule.
func (h *AccessControl) reject(w http.ResponseWriter, d authz.Decision) error {
	status, err, title, detail := http.StatusForbidden, errAccessForbidden, "Forbidden", "You are not allowed to access this resource."
	switch d.Reason {
	case authz.ReasonUnauthenticated:
		status, err, title, detail = http.StatusUnauthorized, errAccessUnauthenticated, "Unauthorized", "Authentication is required to access this resource."
		w.Header().Set("WWW-Authenticate", h.challenge)
	case authz.ReasonInsufficientScope:
		detail = "The credentials lack a required scope."
		w.Header().Set("WWW-Authenticate", h.challenge+`, error="insufficient_scope", scope="`+d.Scope+`"`)
	}
	if !h.ProblemJSON {
		return caddyhttp.Error(status, err)
	}
	return acWriteProblem(w, status, title, detail)
}

// acWriteProblem writes an RFC 9457 problem body with a generic title and
// detail (never the rule or the reason behind it).
func acWriteProblem(w http.ResponseWriter, status int, title, detail string) error {
	body := fmt.Sprintf(`{"type":"about:blank","title":%q,"status":%d,"detail":%q}`, title, status, detail)
	hdr := w.Header()
	hdr.Set("Content-Type", "application/problem+json")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "no-store")
	hdr.Del("Content-Length")
	w.WriteHeader(status)
	_, werr := w.Write([]byte(body + "\n"))
	return werr
}

// acRequestIdentity returns the identity api_auth stored, or one built from the
// {http.auth.user.*} placeholders another Caddy authentication set, or nil.
func acRequestIdentity(r *http.Request, p *authz.Policy) *authz.Identity {
	if id, ok := caddyhttp.GetVar(r.Context(), identityVarKey).(*authz.Identity); ok && id != nil {
		return id
	}
	repl, ok := r.Context().Value(caddy.ReplacerCtxKey).(*caddy.Replacer)
	if !ok {
		return nil
	}
	uid, ok := repl.GetString("http.auth.user.id")
	if !ok || uid == "" {
		return nil
	}
	id := &authz.Identity{ID: uid, Method: "external", Claims: map[string]any{"sub": uid}}
	// Plugins name these differently (caddy-security sets roles, others
	// groups; OAuth introspection gives scope, Azure-style tokens scp), so
	// every spelling counts, as it does for a JWT's role and scope claims.
	for _, key := range acExternalRoleKeys {
		if v, ok := repl.GetString("http.auth.user." + key); ok {
			id.Roles = append(id.Roles, acSplitList(v)...)
		}
	}
	for _, key := range acExternalScopeKeys {
		if v, ok := repl.GetString("http.auth.user." + key); ok {
			id.Scopes = append(id.Scopes, acSplitList(v)...)
			id.Claims[key] = v
		}
	}
	if iss, ok := repl.GetString("http.auth.user.iss"); ok {
		id.Issuer = iss
	}
	for _, key := range p.ClaimKeys() {
		if v, ok := repl.GetString("http.auth.user." + key); ok {
			id.Claims[key] = v
		}
	}
	return id
}

// Placeholders {http.auth.user.<key>} read as an external identity's roles
// and scopes.
var (
	acExternalRoleKeys  = [...]string{"roles", "groups"}
	acExternalScopeKeys = [...]string{"scope", "scp"}
)

// acSplitList splits a space- or comma-separated placeholder value.
func acSplitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
}

// acClientAddr is Caddy's client IP, which honours trusted_proxies, without
// zone; the zero Addr (matching no client_ip condition) when unknown.
func acClientAddr(r *http.Request) netip.Addr {
	s, _ := caddyhttp.GetVar(r.Context(), caddyhttp.ClientIPVarKey).(string)
	addr, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}
	}
	// A zone (from a forwarded "fe80::1%eth0") would make every range
	// test fail, and so slip past deny rules on client_ip.
	return addr.Unmap().WithZone("")
}

// Interface guards.
var (
	_ caddy.App                   = (*AccessPolicies)(nil)
	_ caddy.Provisioner           = (*AccessPolicies)(nil)
	_ caddy.Provisioner           = (*AccessControl)(nil)
	_ caddy.Validator             = (*AccessControl)(nil)
	_ caddyhttp.MiddlewareHandler = (*AccessControl)(nil)
)
