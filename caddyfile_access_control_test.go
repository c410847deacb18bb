package gatehouse

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"

	"github.com/gatehouse-dev/caddy-gatehouse/authz"
)

func TestAccessControlUnmarshalCaddyfile(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name  string
		input string
		want  AccessControl
	}{
		{"named policy shorthand", `access_control api`, AccessControl{Policy: "api"}},
		{"named policy in block", `access_control {
			policy api
			shadow
			realm example
			problem_json
			log_limit 20
		}`, AccessControl{Policy: "api", Shadow: true, Realm: "example", ProblemJSON: true, LogLimit: 20}},
		{"request forwarding options", `access_control api {
			ambiguous_paths rewrite
			keep_method_override
			keep_url_override
		}`, AccessControl{Policy: "api", AmbiguousPaths: "rewrite", KeepMethodOverride: true, KeepURLOverride: true}},
		{"ambiguous_paths reject", `access_control api {
			ambiguous_paths reject
		}`, AccessControl{Policy: "api", AmbiguousPaths: "reject"}},
		{"inline rules", `access_control {
			name orders
			default allow
			case_insensitive
			deny internal {
				path_prefix /internal /ops
				path_glob /x/**
			}
			allow health {
				path /health
				client_ip private_ranges 192.0.2.0/24
			}
			deny
		}`, AccessControl{Name: "orders", Default: "allow", CaseInsensitive: true, Rules: []authz.Rule{
			{Name: "internal", Action: "deny", PathPrefixes: []string{"/internal", "/ops"}, PathGlobs: []string{"/x/**"}},
			{Name: "health", Action: "allow", Paths: []string{"/health"}, ClientIPs: []string{"private_ranges", "192.0.2.0/24"}},
			{Action: "deny"},
		}}},
		{"every condition", `access_control {
			allow all {
				shadow
				method GET post
				method PUT
				host api.example.com *.example.net
				path /a
				path_prefix /b
				path_glob /c/*
				path_regexp ^/d/[0-9]+$
				client_ip 10.0.0.0/8
				header X-Env prod staging
				header X-Trace
				authenticated
				user alice bob
				auth_method jwt api_key
				issuer https://idp.example.com
				roles_any admin ops
				roles_all staff
				scopes_any orders:read
				scopes_all orders:write audit
				claim org.id acme
				claim email_verified
			}
			deny anon {
				authenticated false
			}
		}`, AccessControl{Rules: []authz.Rule{{
			Name: "all", Action: "allow", Shadow: true,
			Methods: []string{"GET", "post", "PUT"}, Hosts: []string{"api.example.com", "*.example.net"},
			Paths: []string{"/a"}, PathPrefixes: []string{"/b"}, PathGlobs: []string{"/c/*"}, PathRegexps: []string{"^/d/[0-9]+$"},
			ClientIPs:     []string{"10.0.0.0/8"},
			Headers:       []authz.HeaderCondition{{Name: "X-Env", Values: []string{"prod", "staging"}}, {Name: "X-Trace", Values: []string{}}},
			Authenticated: &yes, Users: []string{"alice", "bob"}, AuthMethods: []string{"jwt", "api_key"},
			Issuers: []string{"https://idp.example.com"}, RolesAny: []string{"admin", "ops"}, RolesAll: []string{"staff"},
			ScopesAny: []string{"orders:read"}, ScopesAll: []string{"orders:write", "audit"},
			Claims: []authz.ClaimCondition{{Path: "org.id", Values: []string{"acme"}}, {Path: "email_verified", Values: []string{}}},
		}, {Name: "anon", Action: "deny", Authenticated: &no}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got AccessControl
			if err := got.UnmarshalCaddyfile(caddyfile.NewTestDispenser(tt.input)); err != nil {
				t.Fatalf("UnmarshalCaddyfile: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				gj, _ := json.Marshal(got)
				wj, _ := json.Marshal(tt.want)
				t.Errorf("got  %s\nwant %s", gj, wj)
			}
		})
	}
}

func TestAccessControlUnmarshalCaddyfileErrors(t *testing.T) {
	tests := []struct {
		name, input, want string
	}{
		{"two policy args", `access_control a b`, "wrong argument count"},
		{"unknown subdirective", `access_control {
			bogus
		}`, `unrecognized subdirective "bogus"`},
		{"unknown condition", `access_control {
			allow {
				paht /x
			}
		}`, `unrecognized subdirective "paht"`},
		{"condition without value", `access_control {
			allow {
				path_prefix
			}
		}`, "path_prefix: missing value"},
		{"bad default", `access_control {
			default maybe
		}`, `default "maybe"`},
		{"bad authenticated", `access_control {
			allow {
				authenticated sometimes
			}
		}`, "authenticated"},
		{"bad log_limit", `access_control {
			log_limit lots
		}`, "log_limit"},
		{"bad ambiguous_paths", `access_control {
			ambiguous_paths allow
		}`, `ambiguous_paths "allow"`},
		{"ambiguous_paths without value", `access_control {
			ambiguous_paths
		}`, "wrong argument count"},
		{"keep_method_override with arg", `access_control {
			keep_method_override yes
		}`, "wrong argument count"},
		{"keep_url_override with arg", `access_control {
			keep_url_override yes
		}`, "wrong argument count"},
		{"rule with two names", `access_control {
			allow a b
		}`, "wrong argument count"},
		{"shadow with arg", `access_control {
			shadow yes
		}`, "wrong argument count"},
		{"named policy with inline rules", `access_control api {
			allow
		}`, `policy "api" is named`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h AccessControl
			err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser(tt.input))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), "Testfile:") {
				t.Errorf("error %q does not carry file:line", err)
			}
		})
	}
}

func TestAccessPolicyGlobalOption(t *testing.T) {
	first, err := parseAccessPolicyOption(caddyfile.NewTestDispenser(`access_policy api {
		default deny
		shadow
		allow reads {
			method GET
		}
	}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := parseAccessPolicyOption(caddyfile.NewTestDispenser(`access_policy admin {
		case_insensitive
		allow {
			roles_any admin
		}
	}`), first)
	if err != nil {
		t.Fatal(err)
	}
	app, ok := second.(httpcaddyfile.App)
	if !ok || app.Name != "access_policies" {
		t.Fatalf("got %#v, want an httpcaddyfile.App named access_policies", second)
	}
	var got AccessPolicies
	if err := json.Unmarshal(app.Value, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]authz.PolicyConfig{
		"api":   {Default: "deny", Shadow: true, Rules: []authz.Rule{{Name: "reads", Action: "allow", Methods: []string{"GET"}}}},
		"admin": {CaseInsensitive: true, Rules: []authz.Rule{{Action: "allow", RolesAny: []string{"admin"}}}},
	}
	if !reflect.DeepEqual(got.Policies, want) {
		t.Errorf("policies = %+v\nwant %+v", got.Policies, want)
	}

	for _, tc := range []struct{ input, want string }{
		{`access_policy`, "wrong argument count"},
		{`access_policy api {
			bogus
		}`, `unrecognized subdirective "bogus"`},
	} {
		if _, err := parseAccessPolicyOption(caddyfile.NewTestDispenser(tc.input), nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.input, err, tc.want)
		}
	}
	if _, err := parseAccessPolicyOption(caddyfile.NewTestDispenser(`access_policy api`), first); err == nil || !strings.Contains(err.Error(), "defined twice") {
		t.Errorf("duplicate policy accepted: %v", err)
	}
}

func TestAccessControlObjectLevelCaddyfile(t *testing.T) {
	var h AccessControl
	err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser(`access_control {
		allow own_user {
			path_template /users/{id} /users/{id}/**
			path_param    {id} == claim sub
		}
		allow tenant {
			method GET
			path_template /tenants/{tenant}/**
			path_param    tenant in claim tenants
			header_param  X-Tenant == claim org.tenant
		}
		allow tenant_header {
			path_template /t/{tenant}/*
			path_param    tenant == header X-Tenant
			shadow
		}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []authz.Rule{
		{Name: "own_user", Action: "allow", PathTemplates: []string{"/users/{id}", "/users/{id}/**"},
			Bindings: []authz.ClaimBinding{{PathParam: "id", Op: "eq", Claim: "sub"}}},
		{Name: "tenant", Action: "allow", Methods: []string{"GET"}, PathTemplates: []string{"/tenants/{tenant}/**"},
			Bindings: []authz.ClaimBinding{{PathParam: "tenant", Op: "in", Claim: "tenants"}, {Header: "X-Tenant", Op: "eq", Claim: "org.tenant"}}},
		{Name: "tenant_header", Action: "allow", Shadow: true, PathTemplates: []string{"/t/{tenant}/*"},
			Bindings: []authz.ClaimBinding{{PathParam: "tenant", Op: "eq", ToHeader: "X-Tenant"}}},
	}
	if !reflect.DeepEqual(h.Rules, want) {
		t.Errorf("rules = %+v\nwant %+v", h.Rules, want)
	}
	// The JSON it stands for compiles.
	if _, err := authz.Compile(authz.PolicyConfig{Rules: h.Rules}); err != nil {
		t.Errorf("Compile: %v", err)
	}
	js, _ := json.Marshal(h.Rules[0])
	if got := string(js); got != `{"name":"own_user","action":"allow","path_templates":["/users/{id}","/users/{id}/**"],"bindings":[{"path_param":"id","op":"eq","claim":"sub"}]}` {
		t.Errorf("JSON = %s", got)
	}

	errs := []struct{ name, input, want string }{
		{"bad template", `access_control {
			allow {
				path_template /users/{id}.json
			}
		}`, "Testfile:3"},
		{"caddy placeholder in template", `access_control {
			allow {
				path_template /users/{http.request.uri.path}
			}
		}`, "not template variables"},
		{"unknown var", `access_control {
			allow {
				path_template /users/{id}
				path_param uid == claim sub
			}
		}`, "Testfile:4"},
		{"var not in every template", `access_control {
			allow {
				path_param id == claim sub
				path_template /users/{id} /me
			}
		}`, "Testfile:3"},
		{"var without template", `access_control {
			allow {
				path_param id == claim sub
			}
		}`, "not captured"},
		{"bad operator", `access_control {
			allow {
				path_template /users/{id}
				path_param id != claim sub
			}
		}`, `operator "!="`},
		{"wrong arg count", `access_control {
			allow {
				path_template /users/{id}
				path_param id sub
			}
		}`, "want <name> ==|in claim"},
		{"header to header", `access_control {
			allow {
				header_param X-A == header X-B
			}
		}`, "only path_param"},
		{"bad target", `access_control {
			allow {
				header_param X-A == user alice
			}
		}`, "want claim"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			var h AccessControl
			err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser(tt.input))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), "Testfile:") {
				t.Errorf("error %q does not carry file:line", err)
			}
		})
	}
}
