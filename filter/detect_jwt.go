package filter

import (
	"encoding/base64"
	"encoding/json"
	"net/netip"
	"strings"
)

// jwtForgery reports whether s, a value that may be a JSON Web Token
// (bare or after "Bearer "), carries a protected header that only a forger
// writes. Each shape is an attack on how a verifier picks its key or
// algorithm:
//   - alg "none" (any case): libraries that honour it skip the signature;
//   - a kid that names a file or runs syntax: verifiers that read the key
//     from a file named by kid, or look it up in SQL, are led to a file of
//     known content (/dev/null) or to a key the attacker chose;
//   - jku or x5u on an address, with user-info, over http or on an
//     out-of-band service: a verifier that fetches keys from the header
//     fetches the attacker's (CVE-2018-0114 and its kin);
//   - an embedded jwk: the token brings its own key. DPoP proofs
//     (typ dpop+jwt) embed their key by design and pass.
func jwtForgery(s string) bool {
	if len(s) > 7 && hasPrefixFold(s, "bearer ") {
		s = strings.TrimLeft(s[7:], " ")
	}
	if len(s) < 20 || !strings.HasPrefix(s, "eyJ") {
		return false
	}
	dot := strings.IndexByte(s, '.')
	if dot < 0 || dot > 4096 || strings.IndexByte(s[dot+1:], '.') < 0 {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s[:dot], "="))
	if err != nil {
		return false
	}
	var h struct {
		Alg any             `json:"alg"`
		Typ string          `json:"typ"`
		Kid any             `json:"kid"`
		Jku string          `json:"jku"`
		X5u string          `json:"x5u"`
		Jwk json.RawMessage `json:"jwk"`
	}
	if json.Unmarshal(raw, &h) != nil {
		return false
	}
	if alg, ok := h.Alg.(string); ok && strings.EqualFold(strings.TrimSpace(alg), "none") {
		return true
	}
	if kid, ok := h.Kid.(string); ok && forgedKid(kid) {
		return true
	}
	for _, u := range [...]string{h.Jku, h.X5u} {
		if u != "" && untrustedKeyURL(u) {
			return true
		}
	}
	return len(h.Jwk) > 0 && string(h.Jwk) != "null" && !strings.EqualFold(h.Typ, "dpop+jwt")
}

// forgedKid: a key id that is a path into the file system, climbs
// directories, or carries SQL or shell syntax. Issuers write ids as
// names, UUIDs, dates or base64url thumbprints (whose '-' and '_' are
// letters here).
func forgedKid(kid string) bool {
	if strings.Contains(kid, "../") || strings.Contains(kid, "..\\") || strings.IndexByte(kid, 0) >= 0 {
		return true
	}
	if len(kid) > 1 && kid[0] == '/' {
		top, _, _ := strings.Cut(kid[1:], "/")
		switch top {
		case "etc", "proc", "dev", "sys", "var", "usr", "tmp", "home", "root", "opt", "bin", "boot", "srv", "run", "app", "windows", "Windows":
			return true
		}
	}
	if strings.ContainsAny(kid, "'\"`|;") || strings.Contains(kid, "$(") || strings.Contains(kid, "&&") {
		return true
	}
	if strings.IndexByte(kid, ' ') >= 0 {
		l := strings.ToLower(kid)
		for _, w := range [...]string{" or ", " and ", "union ", "select ", " --", "1=1"} {
			if strings.Contains(l, w) {
				return true
			}
		}
	}
	return false
}

// untrustedKeyURL: a jku or x5u that no issuer publishes its keys at: not
// https, a literal address, user-info before the host, or an out-of-band
// interaction service.
func untrustedKeyURL(u string) bool {
	if !hasPrefixFold(u, "https://") {
		return true
	}
	auth := u[len("https://"):]
	if i := strings.IndexAny(auth, "/?#"); i >= 0 {
		auth = auth[:i]
	}
	if strings.IndexByte(auth, '@') >= 0 || strings.IndexByte(auth, '\\') >= 0 {
		return true
	}
	host := hostOnly(auth)
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	return containsAnyFold(host, oastDomains)
}
