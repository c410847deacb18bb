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
