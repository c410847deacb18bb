package filter

import (
	"path"
	"strings"

	"github.com/gatehouse-dev/caddy-gatehouse/internal/hexdigit"
)

// splitURI splits a request-target into its raw path and raw query. An
// absolute-form target ("http://host/p?q") loses its scheme and authority;
// a fragment, which clients should not send, is dropped.
func splitURI(uri string) (rawPath, rawQuery string) {
	if i := strings.IndexByte(uri, '#'); i >= 0 {
		uri = uri[:i]
	}
	if !strings.HasPrefix(uri, "/") {
		if i := strings.Index(uri, "://"); i >= 0 && i < strings.IndexAny(uri+"?", "?") {
			rest := uri[i+3:]
			if j := strings.IndexAny(rest, "/?"); j >= 0 {
				uri = rest[j:]
			} else {
				uri = ""
			}
		}
	}
	rawPath, rawQuery, _ = strings.Cut(uri, "?")
	return rawPath, rawQuery
}

// percentDecode decodes %XX escapes once (and '+' as space when plus is
// set). Malformed escapes are kept as they are and reported with ok=false.
// Without anything to decode, s is returned without allocating.
func percentDecode(s string, plus bool) (dec string, ok bool) {
	i := strings.IndexByte(s, '%')
	if plus {
		if j := strings.IndexByte(s, '+'); j >= 0 && (i < 0 || j < i) {
			i = j
		}
	}
	if i < 0 {
		return s, true
	}
	ok = true
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+' && plus:
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && hexdigit.Is(s[i+1]) && hexdigit.Is(s[i+2]):
			b = append(b, hexdigit.Val(s[i+1])<<4|hexdigit.Val(s[i+2]))
			i += 2
		case c == '%':
			ok = false
			b = append(b, c)
		default:
			b = append(b, c)
		}
	}
	return string(b), ok
}

// validEscapes reports whether every '%' in s starts a %XX escape.
func validEscapes(s string) bool {
	for i := strings.IndexByte(s, '%'); i >= 0; {
		if i+2 >= len(s) || !hexdigit.Is(s[i+1]) || !hexdigit.Is(s[i+2]) {
			return false
		}
		j := strings.IndexByte(s[i+3:], '%')
		if j < 0 {
			return true
		}
		i += 3 + j
	}
	return true
}

// cleanPath is the path exclusions are matched against: decoded (twice, so
// that %252e does not slip through), backslashes as slashes, dot-segments
// removed. A request cannot reach an excluded path's exclusion from outside
// it with "/cms/../admin".
func cleanPath(rawPath string) string {
	p, _ := percentDecode(rawPath, false)
	p, _ = percentDecode(p, false)
	p = strings.ReplaceAll(p, "\\", "/")
	if p == "" {
		return "/"
	}
	c := path.Clean("/" + p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}
