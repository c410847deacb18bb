package redact

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strings"
)

const (
	kMask = iota
	kReplace
	kLabel
	kHMAC
	kRemove
)

// style is a compiled Style: everything rendering needs, precomputed.
type style struct {
	kind      int
	char      byte
	keepFirst int
	keepLast  int
	text      []byte // replace/label text, raw
	textJSON  []byte // the same, escaped for a JSON string
	label     []byte // label of the hmac style
	// maskTab maps a byte to its masked form when nothing is kept: letters,
	// digits and non-ASCII bytes to char, everything else to itself.
	maskTab [256]byte
}

func (r *Redactor) compileStyles(cfg Config) error {
	base := Style{}
	if cfg.Style != nil {
		base = *cfg.Style
	}
	if _, err := compileStyle(base, "REDACTED", false, r.hmac); err != nil {
		return fmt.Errorf("style: %w", err)
	}
	for name := range cfg.Styles {
		found := false
		for _, n := range r.names {
			if n == name && n != FieldFinding && n != "none" {
				found = true
			}
		}
		if !found {
			return fmt.Errorf("styles: unknown detector %q", name)
		}
	}
	r.styles = make([]style, len(r.names))
	for id, name := range r.names {
		st, ok := cfg.Styles[name]
		if !ok {
			st = base
		}
		cs, err := compileStyle(st, strings.ToUpper(name), id == detCard, r.hmac)
		if err != nil {
			return fmt.Errorf("styles[%q]: %w", name, err)
		}
		r.styles[id] = cs
	}
	return nil
}

func compileStyle(s Style, label string, card bool, key []byte) (style, error) {
	var cs style
	if s.Label != "" {
		label = s.Label
		if strings.ContainsAny(label, "\"\\") || strings.ContainsFunc(label, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return cs, fmt.Errorf("label %q: quotes, backslashes and control characters are not allowed", label)
		}
	}
	switch s.Kind {
	case "", StyleMask:
		cs.kind = kMask
	case StyleReplace:
		cs.kind = kReplace
		t := s.Replacement
		if t == "" {
			t = DefaultReplacement
		}
		cs.text = []byte(t)
	case StyleLabel:
		cs.kind = kLabel
		cs.text = []byte("[" + label + "]")
	case StyleHMAC:
		cs.kind = kHMAC
		if len(key) == 0 {
			return cs, errors.New("kind hmac needs hmac_key")
		}
		cs.label = appendJSONEscaped(nil, []byte(label)) // also inside JSON strings
	case StyleRemove:
		cs.kind = kRemove
	default:
		return cs, fmt.Errorf("unknown style kind %q (known: mask, replace, label, hmac, remove)", s.Kind)
	}
	cs.char = '*'
	if s.Char != "" {
		if len(s.Char) != 1 || s.Char[0] < 0x20 || s.Char[0] > 0x7e || s.Char[0] == '"' || s.Char[0] == '\\' {
			return cs, fmt.Errorf("mask char %q must be one printable ASCII character other than '\"' and '\\'", s.Char)
		}
		cs.char = s.Char[0]
	}
	if s.KeepFirst < 0 || s.KeepLast < 0 {
		return cs, errors.New("keep_first and keep_last cannot be negative")
	}
	cs.keepFirst, cs.keepLast = s.KeepFirst, s.KeepLast
	if card {
		// PCI DSS: at most the BIN and the last four digits may be shown.
		cs.keepFirst = min(cs.keepFirst, 6)
		cs.keepLast = min(cs.keepLast, 4)
	}
	cs.textJSON = appendJSONEscaped(nil, cs.text)
	for c := range cs.maskTab {
		cs.maskTab[c] = byte(c)
		if alnum[c] || c >= 0x80 {
			cs.maskTab[c] = cs.char
		}
	}
	return cs, nil
}

// appendJSONEscaped appends t escaped for the inside of a JSON string.
func appendJSONEscaped(dst, t []byte) []byte {
	const hexd = "0123456789abcdef"
	for _, c := range t {
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexd[c>>4], hexd[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// keepCounts bounds the kept characters so that at least min(6, half) of
// a value's characters are always masked (a card keeps BIN + last 4 of 16,
// a short value never comes out whole); the leading ones give way first.
func keepCounts(first, last, n int) (int, int) {
	mustMask := min(6, (n+1)/2)
	if over := first + last - (n - mustMask); over > 0 {
		d := min(over, first)
		first -= d
		last = max(0, last-(over-d))
	}
	return first, last
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// render appends the rewritten form of the detected value raw. inJSON says
// raw is the inside of a JSON string (escapes must survive intact and the
// output must stay a valid JSON string); quote wraps the result in quotes
// (a JSON number turned string).
func (s *Stream) render(dst []byte, det int, raw []byte, inJSON, quote bool) []byte {
	st := &s.r.styles[det]
	if quote {
		dst = append(dst, '"')
	}
	switch st.kind {
	case kMask:
		dst = maskBytes(dst, raw, st, inJSON)
	case kReplace, kLabel:
		if inJSON {
			dst = append(dst, st.textJSON...)
		} else {
			dst = append(dst, st.text...)
		}
	case kHMAC:
		if inJSON && bytes.IndexByte(raw, '\\') >= 0 {
			// The pseudonym is of the value, however it is spelled.
			s.hdec, _ = decodeJSONString(s.hdec[:0], nil, raw, false)
			raw = s.hdec
		}
		dst = s.appendPseudonym(dst, st.label, raw, normalizeForHMAC(det))
	case kRemove:
	}
	if quote {
		dst = append(dst, '"')
	}
	return dst
}

// maskBytes replaces letters and digits with the mask character, keeping
// separators (so "4111 1111 1111 1111" stays readable as a card) and JSON
// escape sequences (so the string stays valid). Inside JSON, a \uXXXX
// escape of a letter or digit counts as that character and, when masked,
// becomes the escaped mask character (\u002a), and one of a non-ASCII
// character is masked too. The output has exactly the input's length, so
// it is written in place into grown dst.
func maskBytes(dst, raw []byte, st *style, inJSON bool) []byte {
	if st.keepFirst == 0 && st.keepLast == 0 && !(inJSON && bytes.IndexByte(raw, '\\') >= 0) {
		// The common case: one table load per byte.
		n0 := len(dst)
		dst = slices.Grow(dst, len(raw))[:n0+len(raw)]
		o := dst[n0:]
		for i, c := range raw {
			o[i] = st.maskTab[c]
		}
		return dst
	}
	n := 0
	for i := 0; i < len(raw); i++ {
		if inJSON && raw[i] == '\\' && i+1 < len(raw) {
			w, v := jsonEscape(raw, i)
			if w == 6 && v < 0x80 && alnum[v] {
				n++
			}
			i += w - 1
			continue
		}
		if alnum[raw[i]] {
			n++
		}
	}
	first, last := keepCounts(st.keepFirst, st.keepLast, n)
	n0 := len(dst)
	dst = slices.Grow(dst, len(raw))[:n0+len(raw)]
	o := dst[n0:]
	k := 0
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if inJSON && c == '\\' && i+1 < len(raw) {
			// An escape: copied whole, unless it spells a character that
			// is masked.
			w, v := jsonEscape(raw, i)
			copy(o[i:i+w], raw[i:i+w])
			if w == 6 {
				switch {
				case v < 0x80 && alnum[v]:
					if !(k < first || k >= n-last) {
						putEscapedByte(o[i:i+6], st.char)
					}
					k++
				case v >= 0x80:
					putEscapedByte(o[i:i+6], st.char) // never leak non-ASCII letters
				}
			}
			i += w - 1
			continue
		}
		switch {
		case !alnum[c]:
			if c >= 0x80 {
				c = st.char // never leak non-ASCII letters
			}
		case k < first || k >= n-last:
			k++
		default:
			c = st.char
			k++
		}
		o[i] = c
	}
	return dst
}

// jsonEscape returns the width of the escape at raw[i] (a backslash) and,
// for a well-formed \uXXXX (width 6), the code unit it spells.
func jsonEscape(raw []byte, i int) (int, rune) {
	if raw[i+1] == 'u' {
		if v, ok := hex4(raw[i+2:]); ok {
			return 6, v
		}
		return 2, 0
	}
	return 2, 0
}

// putEscapedByte writes c as the JSON escape \u00XX into o[:6].
func putEscapedByte(o []byte, c byte) {
	const hexd = "0123456789abcdef"
	copy(o, `\u00`)
	o[4], o[5] = hexd[c>>4], hexd[c&15]
}

// normalizeForHMAC says whether a detector's pseudonym is computed over its
// letters and digits only, so that "4111 1111 1111 1111" and
// "4111-1111-1111-1111" join.
func normalizeForHMAC(det int) bool {
	switch det {
	case detCard, detIBAN, detSSN, detPhone:
		return true
	}
	return false
}

// appendPseudonym appends "[LABEL:16 hex]" where the hex digits are the first
// 8 bytes of HMAC-SHA256(key, value). The hash state belongs to the stream.
func (s *Stream) appendPseudonym(dst, label, raw []byte, alnumOnly bool) []byte {
	h := s.hmacState()
	h.Reset()
	if alnumOnly {
		var tmp [64]byte
		t := tmp[:0]
		for _, c := range raw {
			if isAlnum(c) {
				t = append(t, c)
				if len(t) == cap(t) {
					h.Write(t)
					t = t[:0]
				}
			}
		}
		h.Write(t)
	} else {
		h.Write(raw)
	}
	var sum [sha256.Size]byte
	return appendPseudonymSum(dst, label, h.Sum(sum[:0]))
}

func appendPseudonymSum(dst, label, sum []byte) []byte {
	dst = append(dst, '[')
	dst = append(dst, label...)
	dst = append(dst, ':')
	var hx [16]byte
	hex.Encode(hx[:], sum[:8])
	dst = append(dst, hx[:]...)
	return append(dst, ']')
}

func (s *Stream) hmacState() hash.Hash {
	if s.mac == nil {
		s.mac = hmac.New(sha256.New, s.r.hmac)
	}
	return s.mac
}
