package authz

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gatehouse-dev/caddy-gatehouse/internal/hexdigit"
)

// maxDecodeRounds bounds repeated percent-decoding. Each round shortens the
// path, so the loop always ends, but "%252525…" would otherwise cost one
// pass per level; legitimate clients never nest encodings this deep.
const maxDecodeRounds = 4

// Errors returned by CanonicalPath. The handler answers them with 400: a path
// that cannot be canonicalised cannot be matched safely.
var (
	ErrPathEncoding = errors.New("path is percent-encoded too many times")
	ErrPathControl  = errors.New("path contains a control character")
	ErrPathUTF8     = errors.New("path is not valid UTF-8")
	// ErrPathTraversal: a ".." segment would remove a segment before it.
	// Backends disagree on such paths (whether %2F separates segments,
	// whether ";" or trailing dots are cut, whether ".." is resolved at
	// all), so "/admin/x%2F..%2F..%2Fpublic" is /public to one reading and
	// under /admin to another; rather than guess, the path is refused.
	ErrPathTraversal = errors.New("path climbs out of a segment with ..")
)

// CanonicalPath rewrites a request path (as decoded once by net/http, i.e.
// url.URL.Path; an escaped path works too) into the one form rules are
// matched against, so that a rule on /admin cannot be bypassed by spelling it
// differently. In order:
//
//  1. percent-decode repeatedly until no escape is left (so %2561 → %61 → a,
//     %2F → /, %2e → .), at most maxDecodeRounds rounds;
//  2. turn backslashes into slashes (some backends treat them alike);
//  3. reject control characters (NUL, CR, LF, DEL, …) and invalid UTF-8
//     (overlong forms such as %c0%ae, which old decoders read as "."), and
//     map look-alike slashes and dots (／ ＼ ∕ ⁄ ． ․) to "/" and ".";
//  4. per segment: cut ";params" (/admin;x → /admin), strip trailing dots and
//     spaces (/admin. → /admin, as Windows-style file systems do), drop empty
//     and "." segments (//admin, /./admin); a ".." segment (or one made of
//     dots and spaces only, with at least two dots, which Windows-style
//     backends read as "..") is dropped at the root (/../admin → /admin)
//     and anywhere else rejected with ErrPathTraversal, because backends
//     resolve /a/x%2F..%2F..%2Fb differently (see ErrPathTraversal);
//  5. drop the trailing slash (/admin/ → /admin; the root stays /);
//  6. when caseInsensitive, lower-case the result (Unicode simple folding, so
//     /ADMIN and /Admin → /admin); otherwise case is kept, because most API
//     backends are case-sensitive.
//
// The result is a fixed point: CanonicalPath(CanonicalPath(p)) == CanonicalPath(p).
// A path that is already canonical is returned as is, without allocating.
// A path without a leading slash (OPTIONS *, or an escaped one) is treated as
// if it had one.
func CanonicalPath(p string, caseInsensitive bool) (string, error) {
	if isCanonical(p, caseInsensitive) {
		return p, nil
	}
	return canonicalSlow(p, caseInsensitive)
}

// canonicalSlow is CanonicalPath without the fast path; the fuzz target
// checks that both agree.
func canonicalSlow(p string, caseInsensitive bool) (string, error) {
	decoded, ok := decodeRepeatedly(p)
	if !ok {
		return "", ErrPathEncoding
	}
	nonASCII := false
	for i := 0; i < len(decoded); i++ {
		c := decoded[i]
		if c < 0x20 || c == 0x7f {
			return "", ErrPathControl
		}
		nonASCII = nonASCII || c >= utf8.RuneSelf
	}
	if nonASCII {
		if !utf8.ValidString(decoded) {
			return "", ErrPathUTF8
		}
		decoded = confusables.Replace(decoded)
	}
	out, err := cleanSegments(decoded)
	if err != nil {
		return "", err
	}
	if caseInsensitive {
		out = foldCase(out)
	}
	return out, nil
}

// decodeRepeatedly percent-decodes p until nothing changes; ok is false
// when that takes more than maxDecodeRounds rounds.
func decodeRepeatedly(p string) (decoded string, ok bool) {
	decoded = p
	for round := 0; strings.IndexByte(decoded, '%') >= 0; round++ {
		next, changed := percentDecode(decoded)
		if !changed {
			break
		}
		if round == maxDecodeRounds {
			return "", false
		}
		decoded = next
	}
	return decoded, true
}

// confusables maps look-alike separators that some backends (Windows "best
// fit" mappings, NFKC normalisation) turn into "/" or ".", so that
// "/public／..／admin" cannot walk out of /public.
var confusables = strings.NewReplacer(
	"\uFF0F", "/", // fullwidth solidus
	"\uFF3C", "/", // fullwidth reverse solidus
	"\u2215", "/", // division slash
	"\u2044", "/", // fraction slash
	"\uFF0E", ".", // fullwidth full stop
	"\u2024", ".", // one dot leader
)

// isCanonical reports, without allocating, whether p is already in the form
// CanonicalPath would produce, which is the case for nearly every request.
func isCanonical(p string, caseInsensitive bool) bool {
	if p == "/" {
		return true
	}
	if p == "" || p[0] != '/' || p[len(p)-1] == '/' {
		return false
	}
	segStart := 0
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '/':
			if i > 0 && !segmentOK(p[segStart:i]) {
				return false
			}
			segStart = i + 1
		case c == '%', c == '\\', c == ';', c < 0x20, c == 0x7f:
			return false
		case c >= utf8.RuneSelf:
			return false // leave UTF-8 checks and folding to the slow path
		case caseInsensitive && 'A' <= c && c <= 'Z':
			return false
		}
	}
	return segmentOK(p[segStart:])
}

// segmentOK reports whether a segment survives cleanSegments unchanged.
func segmentOK(seg string) bool {
	if seg == "" || seg == "." || seg == ".." {
		return false
	}
	last := seg[len(seg)-1]
	return last != '.' && last != ' '
}

// percentDecode decodes every valid %XX escape once; invalid ones ("%zz",
// a trailing "%") are kept literally, as no backend decodes them either.
func percentDecode(s string) (string, bool) {
	var b strings.Builder
	changed := false
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && hexdigit.Is(s[i+1]) && hexdigit.Is(s[i+2]) {
			if !changed {
				b.Grow(len(s))
				b.WriteString(s[:i])
				changed = true
			}
			b.WriteByte(hexdigit.Val(s[i+1])<<4 | hexdigit.Val(s[i+2]))
			i += 2
			continue
		}
		if changed {
			b.WriteByte(s[i])
		}
	}
	if !changed {
		return s, false
	}
	return b.String(), true
}

// cleanSegments applies steps 2, 4 and 5 of CanonicalPath to a decoded path.
func cleanSegments(p string) (string, error) {
	segs := make([]string, 0, 8)
	for _, seg := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' }) {
		if i := strings.IndexByte(seg, ';'); i >= 0 {
			seg = seg[:i]
		}
		if trimmed := strings.TrimRight(seg, ". "); trimmed != "" {
			segs = append(segs, trimmed)
			continue
		}
		if strings.Count(seg, ".") < 2 { // "", ".", " ", ". "
			continue
		}
		if len(segs) > 0 { // "..", "...", ".. ": would pop a segment
			return "", ErrPathTraversal
		}
	}
	if len(segs) == 0 {
		return "/", nil
	}
	return "/" + strings.Join(segs, "/"), nil
}

// foldCase lower-cases valid runes and keeps invalid UTF-8 bytes as they are,
// so that folding is idempotent.
func foldCase(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteByte(s[i])
			i++
			continue
		}
		b.WriteRune(unicode.ToLower(r))
		i += size
	}
	return b.String()
}

// CanonicalHost lower-cases a Host header value and drops its port and any
// trailing dot, allocating only when the host has upper-case letters.
func CanonicalHost(host string) string {
	if strings.HasPrefix(host, "[") { // [v6]:port
		if i := strings.IndexByte(host, ']'); i > 0 {
			host = host[1:i]
		}
	} else if i := strings.LastIndexByte(host, ':'); i >= 0 && strings.IndexByte(host, ':') == i {
		host = host[:i]
	}
	host = strings.TrimSuffix(host, ".")
	for i := 0; i < len(host); i++ {
		if 'A' <= host[i] && host[i] <= 'Z' {
			return strings.ToLower(host)
		}
	}
	return host
}

// PathForm says how a request path, as the client escaped it, differs from
// the canonical form rules were matched against.
type PathForm uint8

const (
	// PathExact: the path is canonical (a trailing slash aside) and can be
	// forwarded as it is.
	PathExact PathForm = iota
	// PathRedundant: the path spells its canonical form redundantly (empty
	// or "." segments inside, percent-encoded ordinary characters,
	// ";params", trailing dots); forwarding the canonical form instead
	// changes nothing a rule decided on.
	PathRedundant
	// PathAmbiguous: backends may read the path as another one than the
	// canonical form: a leading "//" (WHATWG URL parsers read "//x/admin"
	// as host x and path /admin), a backslash, an encoded slash or
	// backslash (%2F, %5C, also double-encoded), a look-alike separator, or
	// a ".." segment (also "..;").
	PathAmbiguous
)

// ClassifyPath tells how escaped (url.URL.EscapedPath()) differs from its
// canonical form. It is meant for paths CanonicalPath accepts; one it
// refuses is PathAmbiguous.
func ClassifyPath(escaped string) PathForm {
	if escaped == "" || escaped == "*" {
		return PathExact // no path at all, or OPTIONS *
	}
	if escaped[0] != '/' {
		return PathAmbiguous
	}
	if len(escaped) > 1 && (escaped[1] == '/' || escaped[1] == '\\') {
		return PathAmbiguous
	}
	trimmed := escaped
	if len(trimmed) > 1 && trimmed[len(trimmed)-1] == '/' {
		trimmed = trimmed[:len(trimmed)-1]
	}
	if isCanonical(trimmed, false) {
		return PathExact
	}
	decoded, ok := decodeRepeatedly(escaped)
	if !ok {
		return PathAmbiguous
	}
	if strings.IndexByte(decoded, '\\') >= 0 ||
		strings.Count(decoded, "/") != strings.Count(escaped, "/") ||
		confusables.Replace(decoded) != decoded {
		return PathAmbiguous
	}
	if len(decoded) > 1 && decoded[1] == '/' {
		return PathAmbiguous
	}
	for _, seg := range strings.Split(decoded, "/") {
		if i := strings.IndexByte(seg, ';'); i >= 0 {
			seg = seg[:i]
		}
		if strings.TrimRight(seg, ". ") == "" && strings.Count(seg, ".") >= 2 {
			return PathAmbiguous
		}
	}
	return PathRedundant
}

// ForwardPath is the path to send upstream for a request whose decoded path
// (url.URL.Path) is p: its canonical form with case kept, and with the
// trailing slash kept when p has one. CanonicalPath(ForwardPath(p)) equals
// CanonicalPath(p), so the backend gets exactly the path that was
// authorised.
func ForwardPath(p string) (string, error) {
	c, err := CanonicalPath(p, false)
	if err != nil {
		return "", err
	}
	if c != "/" && strings.HasSuffix(p, "/") {
		c += "/"
	}
	return c, nil
}
