// Package authz decides who a caller is allowed to be and what it may do. It
// holds the Identity shared by every authentication method, and the access
// rule engine; the credential verifiers (JWT, JWKS, API keys) live in the
// authn sub-package. Nothing here knows about Caddy.
//
// # Path canonicalisation
//
// Rules see one canonical form of the path, so /admin cannot be reached
// around a rule as /%61dmin, /%2561dmin, /./admin, //admin, /admin/,
// /admin;x, /admin., /admin%20, /public/%2e%2e/admin, /public%2f..%2fadmin,
// /public\..\admin, /..;/admin, /public/%EF%BC%8E%EF%BC%8E/admin (fullwidth
// dots) or, with case folding, /ADMIN (those with ".." after a segment are
// refused, see step 4). Nor can a request leave a protected prefix on paper
// while staying under it for the backend: /admin/x%2F..%2F..%2Fpublic is
// /public to a canonicaliser that splits on %2F but /admin/… to a backend
// that does not, so it is refused. CanonicalPath, in order:
//
//  1. percent-decode repeatedly until no escape is left (%2561 → %61 → a,
//     %2F → /, %2e → .); more than 4 levels of encoding is an error (400);
//  2. backslashes count as slashes;
//  3. control characters (NUL, CR, LF, DEL…) are an error; invalid UTF-8 is
//     an error (this rejects overlong forms such as %c0%ae, which old
//     decoders read as ".", and also legacy non-UTF-8 encodings such as
//     Latin-1 %E9); the look-alike separators ／ ＼ ∕ ⁄ become / and ． ․
//     become . (some backends normalise them so);
//  4. per segment: cut ;params, strip trailing dots and spaces, drop empty
//     and "." segments; a ".." segment (also "...", ".. " and the like,
//     which Windows-style backends read as "..") is dropped at the root
//     (/../admin → /admin) and anywhere else is an error: backends disagree
//     on what it removes (whether %2F separates, whether ;params and
//     trailing dots are cut, whether ".." is resolved at all), so no single
//     reading is safe to match rules against; clients following RFC 3986
//     (browsers, curl without --path-as-is) never send one;
//  5. drop the trailing slash (the root stays /);
//  6. case: kept by default (most API backends are case-sensitive: /ADMIN is
//     then another resource and does not match a rule on /admin). With case
//     folding on, path and patterns are lower-cased (Unicode simple folding),
//     for backends that serve /ADMIN as /admin.
//
// Patterns of exact paths and prefixes (and globs) are canonicalised the
// same way, so the prefix /admin/ is /admin. The result is a fixed point
// (canonicalising twice = once; fuzz-tested by FuzzCanonicalPath, which also
// checks that the fast path agrees with the slow one), and an already
// canonical path costs no allocation. CanonicalPath and ClassifyPath share
// one repeated percent-decoding loop. ClassifyPath tells a forwarding
// handler whether the path as sent is canonical, a redundant spelling of the
// canonical path (rewritten before forwarding) or ambiguous (backends may
// read another path: leading //, backslash, %2F, %5C, look-alike slash,
// ".."); ForwardPath gives the path to forward. CanonicalHost lower-cases a
// host and drops its port and trailing dot.
//
// # Rule evaluation
//
// Compile turns a PolicyConfig into an immutable *Policy, once per config
// load. Rules are ordered and the first matching (non-shadow) rule decides.
// Each rule carries a dense prefilter: its method mask and the longest literal
// prefix shared by all its path patterns, so a rule costs one method-mask AND and one prefix
// compare unless it can match. Header values are looked up once per
// request, IPv4 ranges are matched as integers (FuzzClientMatch checks that
// this agrees with net/netip), and a decision over 100 typical rules
// allocates nothing on the allow path.
//
// Path templates (/users/{id}/**) are compiled once and matched segment by
// segment on the canonical path, with the captures in a fixed array on the
// stack (at most 8 variables per rule); a binding is one claim lookup (a
// list claim is scanned without allocating). Claim conditions and bindings
// walk claim paths through the same lookup: a dotted path, or an RFC 6901
// pointer when it starts with /. A template that starts with a variable
// (/{tenant}/…) has no literal prefix for the prefilter, so it is matched
// segment by segment on every request that reaches it.
//
// The worst case is a policy whose rules have neither a method nor a path
// condition (only client ranges or header values): every rule is then
// evaluated in full, about 11 ns of CPU a rule. Two cheap prechecks were
// measured against the engine: moving each rule's IPv4 ranges and first
// header values into the dense per-rule filter (worst case 1176 → 1115 ns,
// typical 429 → 472 ns, worse for typical policies), and a per-rule bit mask
// of the request conditions it sets (worst case 1165 → 1116 ns, typical
// 430 → 437 ns). Neither reaches 1 µs for 100 such rules, so neither is used;
// only an index that skips rules without visiting them (bit sets of
// candidate rules per method, client prefix and header value) would.
package authz
