// Package authn verifies caller credentials and turns them into an
// *authz.Identity: JWT bearer tokens signed with static keys (PEM, JWK, JWK
// Set, HMAC secrets with an explicit raw:, base64: or base64url: encoding)
// or with keys fetched from a remote JWKS endpoint (directly or through OIDC
// discovery), and API keys stored as SHA-256 hashes. It knows nothing about
// Caddy; the gatehouse package adapts it.
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
//
// # Remote key caches (JWKS, OIDC discovery)
//
// A Registry shares remote key caches between verifiers, across Caddy
// config loads. Entries are process-wide and reference-counted, keyed by
// URL and settings (RemoteConfig): identical configs share one cache and one
// refresh goroutine, which stops when the last handle is released
// (RemoteKeys.Release). A config reload provisions the new config, which
// acquires the warm entry, before the old one is cleaned up and releases
// it, so a reload does not refetch.
//
// Each entry's goroutine fetches in the background: the first fetch starts
// at once (startup never blocks on the identity provider; a token that
// arrives before it completes waits for it through WaitReady, at most the
// fetch timeout), failures are retried with backoff (1 s, 2 s, … up to the
// refresh interval), and keys are then refreshed every refresh interval, or
// after a shorter Cache-Control max-age, never sooner than 30 s (or the
// minimum refetch interval if longer). A failed refresh keeps the previous
// snapshot: Keys serves stale keys while the source is unreachable.
//
// On-demand fetches (a token with an unknown kid, or a token that finds no
// keys for its issuer) go through RefetchUnknownKID: single flight, rate
// limited to one per minimum refetch interval per entry. Requests that
// arrive while a fetch is in flight wait for it (at most the fetch timeout,
// and never past their own context) and then see its keys; requests that
// arrive later within the interval do not wait and are answered from the
// keys already there. The fetch is not cancelled when the request that
// started it goes away. The rate limit runs on the registry's clock, which
// tests replace to check both "no refetch inside the interval" and "one
// refetch right after it".
//
// Observers: each handle may register a FetchObserver (told the result, "ok"
// or "error", of every fetch: the gatehouse package counts it in
// caddy_gatehouse_jwks_fetches_total) and a StateObserver (told each
// FetchState change: the first failure after a success or at startup, the
// first success after failures, and a reminder every
// FailureReminderInterval while failures last; never key material: the
// gatehouse package logs it). An entry reports to its newest user only:
// Caddy creates a new metrics registry on every config load and the old
// config is about to be cleaned up, while every api_auth of one config shares
// that config's registry, so each fetch is counted exactly once.
//
// # Verified-token cache
//
// Verified tokens are cached by the SHA-256 of the token (never the token
// itself) with the identity they produced, until the earlier of the token's
// exp and the cache TTL, up to a bound on entries. When the cache is full,
// expired entries are swept, then a batch of arbitrary entries (1/16 of the
// bound) is evicted, so the sweep runs once per bound/16 inserts rather than
// on every insert. A lookup is the size and shape guards, one SHA-256 and a
// read-locked map lookup, with no allocation. A cached identity is not
// re-checked against key removal until its entry expires.
package authn
