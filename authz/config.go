package authz

// PolicyConfig is the JSON form of an access policy: ordered rules, the
// first matching one decides, and a default for requests no rule matches.
type PolicyConfig struct {
	// Rules are evaluated in order; the first rule whose conditions all hold
	// decides (shadow rules excepted, see Rule.Shadow). Default: no rules, so
	// the Default applies to every request.
	Rules []Rule `json:"rules,omitempty"`

	// Default is the effect when no rule matches: "deny" or "allow".
	// Default: "deny".
	Default string `json:"default,omitempty"`

	// Shadow puts the whole policy in observe-only mode: a request the
	// policy would deny is logged and counted as "shadow_deny" and let
	// through. Default: false (enforce).
	Shadow bool `json:"shadow,omitempty"`

	// CaseInsensitive lower-cases the canonical request path and every path
	// pattern before matching, for backends that treat /ADMIN as /admin.
	// Default: false (paths are case-sensitive, as in most API backends).
	CaseInsensitive bool `json:"case_insensitive,omitempty"`
}

// Rule is one ordered access rule. All the conditions it sets must hold for
// it to match (all-of); within one condition, any listed value will do
// (any-of), except roles_all and scopes_all. A rule with no condition
// matches every request.
type Rule struct {
	// Name identifies the rule in logs and metrics; unique within a policy.
	// Default: "rule<N>", N being its 1-based position.
	Name string `json:"name,omitempty"`

	// Action is "allow" or "deny". Required.
	Action string `json:"action,omitempty"`

	// Shadow makes this rule observe-only: when it is the first shadow
	// rule to match, a deny rule is logged ("would be denied") and counted
	// as shadow_deny, an allow rule counted as shadow_allow, and evaluation
	// carries on with the next rule as if it were absent.
	// Default: false (enforce).
	Shadow bool `json:"shadow,omitempty"`

	// Methods the request method must be one of (case-insensitive).
	// Default: any method.
	Methods []string `json:"methods,omitempty"`

	// Hosts the request host must be one of, without port; "*.example.com"
	// matches any subdomain of example.com (not example.com itself).
	// Default: any host.
	Hosts []string `json:"hosts,omitempty"`

	// Paths are exact canonical paths ("/admin" also matches "/admin/",
	// "//admin", "/%61dmin" …, see CanonicalPath). Default: no exact path.
	Paths []string `json:"paths,omitempty"`

	// PathPrefixes match a path and everything below it, by whole
	// segments: "/admin" matches "/admin" and "/admin/x", not
	// "/administrator". Default: none.
	PathPrefixes []string `json:"path_prefixes,omitempty"`

	// PathGlobs are patterns over the canonical path where "*" matches
	// within one segment, "**" across segments and "?" one character of a
	// segment: "/users/*/orders", "/static/**". Default: none.
	PathGlobs []string `json:"path_globs,omitempty"`

	// PathRegexps are RE2 regular expressions over the canonical path,
	// unanchored (use ^ and $). Default: none.
	//
	// The path condition, if any of Paths, PathPrefixes, PathGlobs or
	// PathRegexps is set, holds when any pattern of any kind matches.
	PathRegexps []string `json:"path_regexps,omitempty"`

	// PathTemplates are path templates over the canonical path, matched
	// segment by segment: "{name}" captures one whole segment into a
	// variable that Bindings can use, "*" matches any one segment, and a
	// final "**" zero or more segments: "/users/{id}" (the object only),
	// "/users/{id}/**" (the object and everything below it),
	// "/tenants/{tenant}/users/*". At most MaxPathParams variables per
	// rule. A template counts as one more pattern of the path condition.
	// Default: none.
	PathTemplates []string `json:"path_templates,omitempty"`

	// Bindings tie the object a request names to the caller (object-level
	// authorization, OWASP API1): a variable captured by PathTemplates, or
	// a header, must equal a claim ("eq") or be an element of a list claim
	// ("in"), or a variable must equal a header. All must hold. A rule
	// with a variable binding may only use PathTemplates for its path, and
	// each of its templates must capture the variable; a claim binding
	// needs an identity, like the other identity conditions.
	// Default: none.
	Bindings []ClaimBinding `json:"bindings,omitempty"`

	// ClientIPs are addresses or CIDR ranges the client address (Caddy's
	// client IP, which honours trusted_proxies) must fall in;
	// "private_ranges" stands for the RFC 1918/4193 and loopback ranges.
	// Default: any client.
	ClientIPs []string `json:"client_ips,omitempty"`

	// Headers are request header conditions, all of which must hold.
	// Default: none.
	Headers []HeaderCondition `json:"headers,omitempty"`

	// Authenticated, when set, requires the caller to be authenticated
	// (true) or anonymous (false). Default: unset (either).
	Authenticated *bool `json:"authenticated,omitempty"`

	// Users the identity's ID must be one of. Default: any user.
	Users []string `json:"users,omitempty"`

	// AuthMethods the identity's method must be one of: "jwt", "api_key",
	// "external". Default: any method.
	AuthMethods []string `json:"auth_methods,omitempty"`

	// Issuers the identity's issuer (JWT iss) must be one of. Default: any.
	Issuers []string `json:"issuers,omitempty"`

	// RolesAny requires at least one of these roles/groups. Default: none.
	RolesAny []string `json:"roles_any,omitempty"`

	// RolesAll requires every one of these roles/groups. Default: none.
	RolesAll []string `json:"roles_all,omitempty"`

	// ScopesAny requires at least one of these OAuth scopes. Default: none.
	ScopesAny []string `json:"scopes_any,omitempty"`

	// ScopesAll requires every one of these OAuth scopes. Default: none.
	ScopesAll []string `json:"scopes_all,omitempty"`

	// Claims are conditions on identity claims, all of which must hold.
	// Default: none.
	Claims []ClaimCondition `json:"claims,omitempty"`
}

// HeaderCondition holds when the request header Name has one of Values
// (exact, case-sensitive), or, with no Values, when the header is present.
type HeaderCondition struct {
	// Name of the header, case-insensitive. Required.
	Name string `json:"name,omitempty"`
	// Values any of which the header must equal. Default: none (presence).
	Values []string `json:"values,omitempty"`
}

// ClaimCondition holds when the claim at Path equals one of Values (for an
// array claim: when one of its elements does), or, with no Values, when the
// claim is present and not null. Strings compare exactly, numbers and
// booleans by value ("42" matches 42, "true" matches true).
type ClaimCondition struct {
	// Path to the claim: dot-separated for nested objects ("org.id",
	// "realm_access.roles"), or an RFC 6901 JSON pointer when it starts
	// with "/" ("/https:~1~1example.com~1tenant") for keys holding dots.
	// Required.
	Path string `json:"path,omitempty"`
	// Values any of which the claim must equal. Default: none (presence).
	Values []string `json:"values,omitempty"`
}
