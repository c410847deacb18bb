package gatehouse

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/caddyserver/caddy/v2/caddyconfig"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"

	"github.com/gatehouse-dev/caddy-gatehouse/authz"
)

// UnmarshalCaddyfile sets up the handler from Caddyfile tokens:
//
//	access_control [<matcher>] [<policy-name>] {
//	    policy           <policy-name>
//	    name             <label>
//	    default          allow|deny
//	    case_insensitive
//	    monitor          [on|off]
//	    realm            <realm>
//	    problem_json
//	    log_limit        <lines-per-second>
//	    ambiguous_paths  reject|rewrite
//	    keep_method_override
//	    keep_url_override
//	    allow|deny [<rule-name>] [{
//	        monitor
//	        method        <methods...>
//	        host          <hosts...>
//	        path          <paths...>
//	        path_prefix   <prefixes...>
//	        path_glob     <globs...>
//	        path_regexp   <regexps...>
//	        path_template <templates...>
//	        path_param    <name> ==|in claim <claim-path>
//	        path_param    <name> == header <header>
//	        header_param  <header> ==|in claim <claim-path>
//	        client_ip     <addresses|cidrs|private_ranges...>
//	        header        <name> [<values...>]
//	        authenticated [true|false]
//	        user          <ids...>
//	        auth_method   jwt|api_key|external...
//	        issuer        <issuers...>
//	        roles_any     <roles...>
//	        roles_all     <roles...>
//	        scopes_any    <scopes...>
//	        scopes_all    <scopes...>
//	        claim         <path> [<values...>]
//	    }]
//	}
//
// Rules are evaluated in the order written; the first that matches decides.
// A policy name (as argument or `policy`) refers to an `access_policy`
// global option; rules, default, case_insensitive and name then belong
// there. Repeating a condition adds values (header, claim, path_param and
// header_param add conditions).
//
// Object-level rules: path_template takes paths whose segments may be
// {name} (captures one whole segment), * (any one segment) or, last, **
// (zero or more segments); path_param binds a captured variable to a claim
// (== equal, in: element of a list claim) or to a header, header_param a
// header to a claim:
//
//	allow own_orders {
//	    path_template /users/{id} /users/{id}/**
//	    path_param    id == claim sub
//	}
func (h *AccessControl) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	d.Next() // directive name
	if d.NextArg() {
		h.Policy = d.Val()
		if d.NextArg() {
			return d.ArgErr()
		}
	}
	for d.NextBlock(0) {
		switch d.Val() {
		case "policy":
			if err := oneArg(d, &h.Policy); err != nil {
				return err
			}
		case "name":
			if err := oneArg(d, &h.Name); err != nil {
				return err
			}
		case "realm":
			if err := oneArg(d, &h.Realm); err != nil {
				return err
			}
		case "problem_json":
			if d.NextArg() {
				return d.ArgErr()
			}
			h.ProblemJSON = true
		case "log_limit":
			var s string
			if err := oneArg(d, &s); err != nil {
				return err
			}
			n, err := strconv.Atoi(s)
			if err != nil {
				return d.Errf("log_limit %q: not an integer", s)
			}
			h.LogLimit = n
		case "ambiguous_paths":
			var s string
			if err := oneArg(d, &s); err != nil {
				return err
			}
			if s != acAmbiguousReject && s != acAmbiguousRewrite {
				return d.Errf("ambiguous_paths %q: want %s or %s", s, acAmbiguousReject, acAmbiguousRewrite)
			}
			h.AmbiguousPaths = s
		case "keep_method_override":
			if d.NextArg() {
				return d.ArgErr()
			}
			h.KeepMethodOverride = true
		case "keep_url_override":
			if d.NextArg() {
				return d.ArgErr()
			}
			h.KeepURLOverride = true
		case "monitor":
			m, err := parseMonitorOption(d)
			if err != nil {
				return err
			}
			h.Monitor = m
		default:
			var cfg authz.PolicyConfig
			handled, err := unmarshalPolicyDirective(d, &cfg)
			if err != nil {
				return err
			}
			if !handled {
				return d.Errf("unrecognized subdirective %q", d.Val())
			}
			h.Rules = append(h.Rules, cfg.Rules...)
			if cfg.Default != "" {
				h.Default = cfg.Default
			}
			h.CaseInsensitive = h.CaseInsensitive || cfg.CaseInsensitive
			h.Shadow = h.Shadow || cfg.Shadow
		}
	}
	// Validate says the same at load time; saying it here adds file:line.
	if h.Policy != "" && (len(h.Rules) > 0 || h.Default != "" || h.CaseInsensitive || h.Name != "") {
		return d.Errf("access_control: policy %q is named; rules, default, case_insensitive and name belong to its access_policy", h.Policy)
	}
	return nil
}

// parseAccessPolicyOption parses the global option
//
//	access_policy <name> {
//	    default          allow|deny
//	    case_insensitive
//	    monitor
//	    allow|deny [<rule-name>] [{ <conditions as in access_control> }]
//	}
//
// which may be repeated, one policy each, into the access_policies app.
func parseAccessPolicyOption(d *caddyfile.Dispenser, existing any) (any, error) {
	app := AccessPolicies{Policies: map[string]authz.PolicyConfig{}}
	if prev, ok := existing.(httpcaddyfile.App); ok {
		if err := json.Unmarshal(prev.Value, &app); err != nil {
			return nil, fmt.Errorf("access_policy: reading previous policies: %w", err)
		}
	}
	d.Next() // option name
	if !d.NextArg() {
		return nil, d.ArgErr()
	}
	name := d.Val()
	if d.NextArg() {
		return nil, d.ArgErr()
	}
	if _, dup := app.Policies[name]; dup {
		return nil, d.Errf("access_policy %q defined twice", name)
	}
	var cfg authz.PolicyConfig
	for d.NextBlock(0) {
		handled, err := unmarshalPolicyDirective(d, &cfg)
		if err != nil {
			return nil, err
		}
		if !handled {
			return nil, d.Errf("unrecognized subdirective %q", d.Val())
		}
	}
	app.Policies[name] = cfg
	return httpcaddyfile.App{Name: "access_policies", Value: caddyconfig.JSON(app, nil)}, nil
}

// unmarshalPolicyDirective handles the subdirectives common to inline and
// named policies; it reports false for any other.
func unmarshalPolicyDirective(d *caddyfile.Dispenser, cfg *authz.PolicyConfig) (bool, error) {
	switch d.Val() {
	case "default":
		if err := oneArg(d, &cfg.Default); err != nil {
			return true, err
		}
		if cfg.Default != "allow" && cfg.Default != "deny" {
			return true, d.Errf("default %q: must be allow or deny", cfg.Default)
		}
	case "case_insensitive":
		if d.NextArg() {
			return true, d.ArgErr()
		}
		cfg.CaseInsensitive = true
	case "monitor", "shadow": // shadow: the former name
		if d.NextArg() {
			return true, d.ArgErr()
		}
		cfg.Shadow = true
	case "allow", "deny":
		rule, err := unmarshalRule(d)
		if err != nil {
			return true, err
		}
		cfg.Rules = append(cfg.Rules, rule)
	default:
		return false, nil
	}
	return true, nil
}

// unmarshalRule parses `allow|deny [<name>] [{ conditions }]`.
func unmarshalRule(d *caddyfile.Dispenser) (authz.Rule, error) {
	rule := authz.Rule{Action: d.Val()}
	if d.NextArg() {
		rule.Name = d.Val()
		if d.NextArg() {
			return rule, d.ArgErr()
		}
	}
	var vars []templateVars      // variables of each path_template, for the checks below
	var unbound []pendingBinding // path_param conditions, checked at the end of the block
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		cond := d.Val()
		args := d.RemainingArgs()
		needArgs := func() error {
			if len(args) == 0 {
				return d.Errf("%s: missing value", cond)
			}
			return nil
		}
		switch cond {
		case "monitor", "shadow", "authenticated":
		default:
			if err := needArgs(); err != nil {
				return rule, err
			}
		}
		switch cond {
		case "monitor", "shadow": // shadow: the former name
			if len(args) > 0 {
				return rule, d.ArgErr()
			}
			rule.Shadow = true
		case "method":
			rule.Methods = append(rule.Methods, args...)
		case "host":
			rule.Hosts = append(rule.Hosts, args...)
		case "path":
			rule.Paths = append(rule.Paths, args...)
		case "path_prefix":
			rule.PathPrefixes = append(rule.PathPrefixes, args...)
		case "path_glob":
			rule.PathGlobs = append(rule.PathGlobs, args...)
		case "path_regexp":
			rule.PathRegexps = append(rule.PathRegexps, args...)
		case "path_template":
			for _, t := range args {
				names, err := authz.ParsePathTemplate(t)
				if err != nil {
					return rule, d.Errf("path_template %q: %v", t, err)
				}
				vars = append(vars, templateVars{tmpl: t, names: names})
			}
			rule.PathTemplates = append(rule.PathTemplates, args...)
		case "path_param", "header_param":
			b, err := unmarshalBinding(d, cond, args)
			if err != nil {
				return rule, err
			}
			if b.PathParam != "" {
				unbound = append(unbound, pendingBinding{name: b.PathParam, err: d.Errf(
					"path_param %s: not captured by every path_template of this rule (templates: %v)", b.PathParam, rule.PathTemplates)})
			}
			rule.Bindings = append(rule.Bindings, b)
		case "client_ip":
			rule.ClientIPs = append(rule.ClientIPs, args...)
		case "header":
			rule.Headers = append(rule.Headers, authz.HeaderCondition{Name: args[0], Values: args[1:]})
		case "authenticated":
			v := true
			switch {
			case len(args) > 1:
				return rule, d.ArgErr()
			case len(args) == 1:
				b, err := strconv.ParseBool(args[0])
				if err != nil {
					return rule, d.Errf("authenticated %q: want true or false", args[0])
				}
				v = b
			}
			rule.Authenticated = &v
		case "user":
			rule.Users = append(rule.Users, args...)
		case "auth_method":
			rule.AuthMethods = append(rule.AuthMethods, args...)
		case "issuer":
			rule.Issuers = append(rule.Issuers, args...)
		case "roles_any":
			rule.RolesAny = append(rule.RolesAny, args...)
		case "roles_all":
			rule.RolesAll = append(rule.RolesAll, args...)
		case "scopes_any":
			rule.ScopesAny = append(rule.ScopesAny, args...)
		case "scopes_all":
			rule.ScopesAll = append(rule.ScopesAll, args...)
		case "claim":
			rule.Claims = append(rule.Claims, authz.ClaimCondition{Path: args[0], Values: args[1:]})
		default:
			return rule, d.Errf("unrecognized subdirective %q", cond)
		}
	}
	// Compile says the same at load time; saying it here adds file:line.
	for _, u := range unbound {
		if len(vars) == 0 {
			return rule, u.err
		}
		for _, v := range vars {
			if !slices.Contains(v.names, u.name) {
				return rule, u.err
			}
		}
	}
	return rule, nil
}

type templateVars struct {
	tmpl  string
	names []string
}

type pendingBinding struct {
	name string
	err  error
}

// unmarshalBinding parses the arguments of
//
//	path_param   <name> ==|in claim <claim-path>
//	path_param   <name> == header <header>
//	header_param <header> ==|in claim <claim-path>
func unmarshalBinding(d *caddyfile.Dispenser, cond string, args []string) (authz.ClaimBinding, error) {
	var b authz.ClaimBinding
	if len(args) != 4 {
		return b, d.Errf("%s: want <%s> ==|in claim <claim-path>", cond, map[string]string{"path_param": "name", "header_param": "header"}[cond])
	}
	if cond == "path_param" {
		b.PathParam = strings.TrimSuffix(strings.TrimPrefix(args[0], "{"), "}")
	} else {
		b.Header = args[0]
	}
	switch args[1] {
	case "==", "eq":
		b.Op = "eq"
	case "in":
		b.Op = "in"
	default:
		return b, d.Errf("%s %s: operator %q: want == or in", cond, args[0], args[1])
	}
	switch args[2] {
	case "claim":
		b.Claim = args[3]
	case "header":
		if cond != "path_param" || b.Op != "eq" {
			return b, d.Errf("%s %s: only path_param <name> == header <header> compares with a header", cond, args[0])
		}
		b.ToHeader = args[3]
	default:
		return b, d.Errf("%s %s: %q: want claim <claim-path> or header <header>", cond, args[0], args[2])
	}
	return b, nil
}

// Interface guard.
var _ caddyfile.Unmarshaler = (*AccessControl)(nil)
