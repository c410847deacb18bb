// Package authn verifies caller credentials and turns them into an
// *authz.Identity: JWT bearer tokens signed with static keys (PEM, JWK, JWK
// Set, base64 HMAC secrets) or with keys fetched from a remote JWKS endpoint
// (directly or through OIDC discovery), and API keys stored as SHA-256
// hashes. It knows nothing about Caddy; the gatehouse package adapts it.
//
// Security properties the package enforces, cheapest check first:
//   - token size and shape (exactly two dots) before any decoding;
//   - the token's `alg` never chooses a key: every key is pinned to the
//     algorithms of its own type (and optionally narrowed further), and a
//     token whose `alg` the chosen key does not allow is rejected; `none`
//     in any casing is never accepted;
//   - the unverified `iss` only selects among configured issuers; keys are
//     those of that issuer only; header `jwk`, `jku`, `x5u` and `x5c` are
//     never read;
//   - `crit` headers are rejected (no extension is understood), `typ` is
//     checked when configured;
//   - `exp` (required by default), `nbf`, `iat` with a leeway, a maximum
//     lifetime, `aud` (any of a list).
package authn
