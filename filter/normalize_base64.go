package filter

import (
	"encoding/base64"
	"unicode/utf8"
)

// minBase64Len is the shortest value tried as Base64: 12 characters decode
// to 9 bytes, enough for "<svg/onload" fragments yet long past the ids and
// short words whose Base64 decoding is noise.
const minBase64Len = 12

// base64Text decodes raw when it is entirely Base64 (standard or URL
// alphabet, padded or not; a space stands for '+', as form decoding turns
// '+' into a space) and the result is printable text. Why this is safe: a
// random token decodes to bytes that are printable with probability
// (95/256)^n, so ids, hashes and session cookies are rejected by the
// printable test; only text that someone deliberately encoded survives, and
// that text must then still match a detector. Cost: one scan, and one
// decode only for values made of Base64 characters.
func base64Text(dst []byte, kind Kind, raw string) ([]byte, bool) {
	s := raw
	if kind == KindPath {
		for len(s) > 0 && s[0] == '/' {
			s = s[1:]
		}
	}
	for len(s) > 0 && s[len(s)-1] == '=' {
		s = s[:len(s)-1]
	}
	if len(s) < minBase64Len || len(s)%4 == 1 {
		return dst, false
	}
	urlSafe, std, lower, upper, digit := false, false, false, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= '0' && c <= '9':
			digit = true
		case c == '+' || c == '/' || c == ' ':
			std = true
		case c == '-' || c == '_':
			urlSafe = true
		default:
			return dst, false
		}
	}
	// Mixed alphabets or a single-case word are not Base64 worth decoding.
	if (std && urlSafe) || !(lower && upper) && !(digit && (lower || upper)) {
		return dst, false
	}
	enc := base64.RawStdEncoding
	if urlSafe {
		enc = base64.RawURLEncoding
	}
	n := enc.DecodedLen(len(s))
	if cap(dst) < n+len(s) {
		dst = make([]byte, 0, n+len(s))
	}
	// Restore '+' from spaces in a copy kept at the tail of dst.
	src := dst[n : n+len(s)]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			c = '+'
		}
		src[i] = c
	}
	out := dst[:n]
	m, err := enc.Decode(out, src)
	if err != nil || m < 6 {
		return dst[:0], false
	}
	out = out[:m]
	if !printableText(out) {
		return dst[:0], false
	}
	return out, true
}

// printableText reports whether b is valid UTF-8 text with at least 90%
// printable ASCII (tab, CR, LF count as printable). A stray NUL or control
// byte is tolerated: attackers put them in on purpose ("<scr\x00ipt").
func printableText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	ascii := 0
	for _, c := range b {
		if c >= 0x20 && c < 0x7f || c == '\t' || c == '\n' || c == '\r' {
			ascii++
		}
	}
	return ascii*10 >= len(b)*9
}
