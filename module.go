// Package gatehouse is a security API gateway built as Caddy v2 HTTP handler
// modules:
//
//   - api_auth (http.handlers.api_auth): authenticates callers with JWT bearer
//     tokens (static keys, remote JWKS, OIDC discovery) and API keys;
//   - access_control (http.handlers.access_control): allows or denies each
//     request by rules over identity, path, method and client address;
//   - request_filter (http.handlers.request_filter): blocks injection,
//     scanners, malformed or oversized input;
//   - response_redact (http.handlers.response_redact): masks sensitive data
//     in responses;
//   - abuse_control (http.handlers.abuse_control): rate limits, quotas,
//     concurrency limits and bans, shared across instances through Redis;
//   - api_contract (http.handlers.api_contract): enforces an OpenAPI
//     document on requests and responses (a positive security model).
//
// The engines live in Caddy-free sub-packages (authz, authz/authn, filter,
// redact, limits, contract); this package adapts them to Caddy's module system,
// Caddyfile and request lifecycle.
package gatehouse

import (
	"github.com/caddyserver/caddy/v2"
)

// Every Gatehouse module, registered in one place. Their Caddyfile
// directives and handler order are in caddyfile.go.
func init() {
	caddy.RegisterModule(GatehouseApp{})
	caddy.RegisterModule(Gatehouse{})
	caddy.RegisterModule(RequestFilter{})
	caddy.RegisterModule(APIAuth{})
	caddy.RegisterModule(AccessControl{})
	caddy.RegisterModule(AccessPolicies{})
	caddy.RegisterModule(ResponseRedact{})
	caddy.RegisterModule(AbuseControl{})
	caddy.RegisterModule(APIContract{})
}

// identityVarKey is the caddyhttp request variable under which api_auth
// stores the *authz.Identity of an authenticated caller, so that
// access_control can read roles, scopes and claims without re-parsing
// placeholders. Callers authenticated by other Caddy modules (basic_auth,
// forward_auth) only have the {http.auth.user.*} placeholders; access_control
// falls back to those.
const identityVarKey = "gatehouse.identity"
