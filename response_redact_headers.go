package gatehouse

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse-dev/caddy-gatehouse/redact"
)

// URL header and cookie handling of ResponseRedact.
const (
	urlHeadersScan = "scan"
	urlHeadersOff  = "off"
	sniffJSON      = "json"
	sniffOff       = "off"
)

// urlHeaderNames are the response headers that carry URLs (redirect
// targets, refresh targets, links), whose query strings often hold e-mail
// addresses and tokens. They are scanned by default (url_headers).
var urlHeaderNames = []string{"Location", "Content-Location", "Refresh", "Link"}

// scanURLHeaders runs the detectors over the URL headers of hdr and masks
// what they find in place: first the raw value, then every percent-encoded
// component (between URL delimiters) decoded, so that
// "?email=jane%40example.com" is caught as well; a masked component is
// encoded again. It returns what was found.
func scanURLHeaders(hdr http.Header, r *redact.Redactor, maskWith string) redact.Findings {
	var all redact.Findings
	for _, k := range urlHeaderNames {
		vv := hdr[k]
		for i, v := range vv {
			out, f := maskURLValue(v, r)
			if f.Total == 0 {
				continue
			}
			vv[i] = redact.HeaderSafe(out, maskWith)
			all.AddCounts(f)
		}
	}
	return all
}

// maskURLValue masks one URL header value.
func maskURLValue(v string, r *redact.Redactor) (string, redact.Findings) {
	out, all := r.MaskString(v)
	if !strings.Contains(out, "%") && !strings.Contains(out, "+") {
		return out, all
	}
	var b strings.Builder
	start := 0
	changed := false
	flush := func(end int) {
		seg := out[start:end]
		if strings.ContainsAny(seg, "%+") {
			if dec, err := url.QueryUnescape(seg); err == nil && dec != seg {
				if m, f := r.MaskString(dec); f.Total > 0 {
					all.AddCounts(f)
					seg, changed = escapeURLComponent(m), true
				}
			}
		}
		b.WriteString(seg)
	}
	for i := 0; i < len(out); i++ {
		if strings.IndexByte("?&=#/;,<> \t\"", out[i]) >= 0 {
			flush(i)
			b.WriteByte(out[i])
			start = i + 1
		}
	}
	flush(len(out))
	if !changed {
		return out, all
	}
	return b.String(), all
}

// escapeURLComponent percent-encodes what cannot stay in a query or path
// component (delimiters, '%', '+', spaces, controls, non-ASCII); masking
// characters such as '*' and the '@' of a partly masked address stay
// readable.
func escapeURLComponent(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= 0x20 || c >= 0x7f || strings.IndexByte("?&=#/;,<>\"%+[]{}|\\^`", c) >= 0 {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// cookieMatcher is a compiled MaskCookies list.
type cookieMatcher struct {
	exact    map[string]bool
	prefixes []string
}

func compileCookieNames(names []string) (*cookieMatcher, error) {
	if len(names) == 0 {
		return nil, nil
	}
	m := &cookieMatcher{exact: make(map[string]bool)}
	for _, n := range names {
		name, prefix := strings.CutSuffix(strings.TrimSpace(n), "*")
		if name == "" {
			return nil, fmt.Errorf("mask_cookies: %q is not a cookie name or name prefix*", n)
		}
		for i := 0; i < len(name); i++ {
			if !isCookieNameChar(name[i]) {
				return nil, fmt.Errorf("mask_cookies: invalid cookie name %q", n)
			}
		}
		if prefix {
			m.prefixes = append(m.prefixes, name)
		} else {
			m.exact[name] = true
		}
	}
	return m, nil
}

// isCookieNameChar reports whether c may appear in a cookie name (an RFC
// 9110 token).
func isCookieNameChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// match reports whether cookie name is selected. Names are case-sensitive;
// the __Host- and __Secure- prefixes are ignored, so "session" also
// selects "__Host-session".
func (m *cookieMatcher) match(name string) bool {
	for _, n := range []string{name, strings.TrimPrefix(name, "__Host-"), strings.TrimPrefix(name, "__Secure-")} {
		if m.exact[n] {
			return true
		}
		for _, p := range m.prefixes {
			if strings.HasPrefix(n, p) {
				return true
			}
		}
	}
	return false
}

// maskCookies replaces the value of every selected Set-Cookie with repl,
// keeping the name and the attributes as sent. It returns how many were
// masked.
func (m *cookieMatcher) maskCookies(hdr http.Header, repl string) int {
	n := 0
	vv := hdr["Set-Cookie"]
	for i, v := range vv {
		pair, attrs, hasAttrs := strings.Cut(v, ";")
		name, _, ok := strings.Cut(pair, "=")
		if !ok || !m.match(strings.TrimSpace(name)) {
			continue
		}
		out := name + "=" + repl
		if hasAttrs {
			out += ";" + attrs
		}
		vv[i] = out
		n++
	}
	return n
}

// cookieReplacement is the value a masked cookie gets: the header mask
// text if it is a valid cookie value (RFC 6265 cookie-octets), else
// the default.
func cookieReplacement(maskWith string) string {
	if maskWith == "" {
		return redact.DefaultMaskWith
	}
	for i := 0; i < len(maskWith); i++ {
		c := maskWith[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == ',' || c == ';' || c == '\\' {
			return redact.DefaultMaskWith
		}
	}
	return maskWith
}

// sniffMax is how many decoded body bytes are held, at most, looking for
// the first non-whitespace byte of a sniffed body.
const sniffMax = 512

// jsonInScope reports whether ContentTypes lets JSON bodies be masked.
func (h *ResponseRedact) jsonInScope() bool {
	if len(h.types) == 0 {
		return true
	}
	for _, p := range h.types {
		if p.match("application/json") {
			return true
		}
	}
	return false
}

// sniffs reports whether the body of this response, untyped or
// application/octet-stream (see kindAnswer), is sniffed for JSON.
func (w *redactWriter) sniffs() bool {
	if w.h.Sniff == sniffOff || !w.h.jsonInScope() {
		return false
	}
	code := w.status
	return w.h.statuses.match(code) || (code >= 500 && w.h.ErrorPages != errorPagesOff)
}

// startSniff puts the writer in modeSniff; false when the body is not
// sniffed after all (none expected, a range, an unknown coding). An
// identity body keeps its header untouched until the kind is known; a
// compressed one is decoded (and its header rewritten) now, since only
// decoded bytes can be sniffed.
func (w *redactWriter) startSniff(hdr http.Header, kind redact.BodyKind, typeOK bool) bool {
	code := w.status
	if code == http.StatusPartialContent || code == http.StatusNoContent || code == http.StatusNotModified ||
		w.req.Method == http.MethodHead {
		return false
	}
	codings, err := redact.ParseContentEncoding(hdr["Content-Encoding"])
	if err != nil {
		return false
	}
	w.mode, w.sniffKind, w.sniffOK = modeSniff, kind, typeOK
	if len(codings) > 0 {
		stripRepresentationHeaders(hdr)
		delete(hdr, "Content-Encoding")
		w.dec = redact.NewDecodingWriter(inspector{w}, codings)
	}
	return true
}

// sniff holds decoded bytes until the first non-whitespace one (or
// sniffMax bytes) and then starts the body as its kind says.
func (w *redactWriter) sniff(p []byte) (int, error) {
	w.sniffBuf = append(w.sniffBuf, p...)
	if firstNonSpace(w.sniffBuf) < 0 && len(w.sniffBuf) < sniffMax {
		return len(p), nil
	}
	if err := w.endSniff(); err != nil {
		return 0, err
	}
	return len(p), nil
}

// endSniff decides the kind from the held bytes and sends them on.
func (w *redactWriter) endSniff() error {
	buf := w.sniffBuf
	w.sniffBuf = nil
	i := firstNonSpace(buf[:min(len(buf), sniffMax)])
	isJSON := i >= 0 && (buf[i] == '{' || buf[i] == '[')
	kind, typeOK := w.sniffKind, w.sniffOK
	if isJSON {
		kind, typeOK = redact.KindJSON, true
	}
	hdr := w.Header()
	ct := firstHeader(hdr, "Content-Type")
	scan := scannable(ct) || isJSON
	w.mode = modeUndecided
	if w.dec != nil && !(typeOK && w.h.statuses.match(w.status)) &&
		!(w.status >= 500 && w.h.ErrorPages != errorPagesOff && scan) {
		// Decoded already: pass the decoded bytes on, unmasked.
		w.kind, w.mode, w.passing, w.closed, w.result = kind, modeMask, true, true, resultSkipped
	} else {
		w.begin(hdr, ct, kind, typeOK, scan, allMarks) // hdr may have changed since WriteHeader
	}
	switch w.mode {
	case modeFail:
		return w.stopErr
	case modePass:
		if len(buf) == 0 {
			return nil
		}
		if _, err := w.ResponseWriter.Write(buf); err != nil {
			return downstreamError{err}
		}
		return nil
	}
	if len(buf) == 0 {
		return nil
	}
	_, err := w.inspect(buf)
	return err
}

func firstNonSpace(b []byte) int {
	for i, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
		default:
			return i
		}
	}
	return -1
}
