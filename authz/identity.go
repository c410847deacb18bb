// Package authz decides who a caller is allowed to be and what it may do. It
// holds the Identity shared by every authentication method, and the access
// rule engine; the credential verifiers (JWT, JWKS, API keys) live in the
// authn sub-package. Nothing here knows about Caddy.
package authz

// Identity is an authenticated caller, whatever proved it. JWT and API-key
// callers are described the same way, so access rules treat them alike.
type Identity struct {
	// ID identifies the caller: the JWT subject (or the configured claim),
	// or the API key's configured identity.
	ID string
	// Method names how the caller was authenticated: "jwt", "api_key", or
	// "external" for an identity set by another Caddy module.
	Method string
	// Issuer is the `iss` of a JWT; empty for other methods.
	Issuer string
	// Roles are the caller's roles or groups, from the configured role
	// claims of a JWT or the API key's configuration.
	Roles []string
	// Scopes are the caller's OAuth scopes, from a space-delimited `scope`
	// claim or an `scp` array, or the API key's configuration.
	Scopes []string
	// Claims is the full, JSON-decoded claim set. For API keys it is
	// synthesised: {"sub": ID, "roles": [...], "scope": "a b"} plus any
	// configured extra claims.
	Claims map[string]any
}
