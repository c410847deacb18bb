package redact

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gatehouse-dev/caddy-gatehouse/internal/hexdigit"
)

// JSON strings may spell any character as a \uXXXX escape ("jane\u0040
// example.com", "\u0034111 1111 1111 1111") and PHP escapes every '/' as
// "\/" (which cuts base64 tokens). A detector run on the bytes as written
// would miss such values, so a string that carries one of these escapes
// and fits in the window is decoded into a scratch buffer, scanned there,
// and its matches are mapped back to the raw bytes (an escape is never
// split: a match covers whole escapes). Other escapes (\n, \t, \" …) are
// already word boundaries for the raw scan. Strings longer than the window
// are scanned as written (see the package limits).

// hasDecodeEscape reports whether the raw string content b holds a \u or
// \/ escape.
func hasDecodeEscape(b []byte) bool {
	for {
		k := bytes.IndexByte(b, '\\')
		if k < 0 || k+1 >= len(b) {
			return false
		}
		if c := b[k+1]; c == 'u' || c == '/' {
			return true
		}
		b = b[k+2:]
	}
}

// hex4 parses four hexadecimal digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var v rune
	for _, c := range b[:4] {
		if !hexdigit.Is(c) {
			return 0, false
		}
		v = v<<4 | rune(hexdigit.Val(c))
	}
	return v, true
}

// decodeJSONString appends the decoded form of the raw string content raw
// to dst and, for every decoded byte, the offset in raw of the unit (byte
// or whole escape) it came from to dmap, plus one final entry len(raw).
// Malformed escapes are kept as written. dmap may be nil (decoded bytes
// only).
func decodeJSONString(dst []byte, dmap []int, raw []byte, withMap bool) ([]byte, []int) {
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' || i+1 >= len(raw) {
			dst = append(dst, c)
			if withMap {
				dmap = append(dmap, i)
			}
			i++
			continue
		}
		n, w := 2, 0
		var r rune
		switch raw[i+1] {
		case '"', '\\', '/':
			r = rune(raw[i+1])
		case 'b':
			r = '\b'
		case 'f':
			r = '\f'
		case 'n':
			r = '\n'
		case 'r':
			r = '\r'
		case 't':
			r = '\t'
		case 'u':
			v, ok := hex4(raw[i+2:])
			if !ok {
				r, n = '\\', 1 // keep the malformed escape as written
				break
			}
			r, n = v, 6
			if utf16.IsSurrogate(v) {
				r = utf8.RuneError
				if i+12 <= len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' {
					if v2, ok := hex4(raw[i+8:]); ok {
						if p := utf16.DecodeRune(v, v2); p != utf8.RuneError {
							r, n = p, 12
						}
					}
				}
			}
		default:
			r, n = '\\', 1
		}
		l := len(dst)
		dst = utf8.AppendRune(dst, r)
		w = len(dst) - l
		if withMap {
			for range w {
				dmap = append(dmap, i)
			}
		}
		i += n
	}
	if withMap {
		dmap = append(dmap, len(raw))
	}
	return dst, dmap
}

// scanEscaped scans the complete JSON string content [a, z) (absolute) in
// its decoded form and records the matches in raw offsets.
func (s *Stream) scanEscaped(a, z int) {
	raw := s.buf[a-s.base : z-s.base]
	s.dec, s.dmap = decodeJSONString(s.dec[:0], s.dmap[:0], raw, true)
	sub := s.sub
	if sub == nil {
		// A scratch stream over the decoded bytes: the same detectors,
		// with the JSON path of this stream as card context.
		sub = &Stream{r: s.r, kind: KindText, parent: s}
		sub.found0.types = make([]int, len(s.r.names))
		s.sub = sub
	}
	sub.buf, sub.base, sub.emitted, sub.origin = s.dec, 0, 0, a
	sub.pending, sub.pi = sub.pending[:0], 0
	var st scanState
	st.reset(0, false)
	n := len(s.dec)
	sub.scan(&st, n, n, true)
	for _, m := range sub.pending {
		ms, me := a+s.dmap[m.s], a+s.dmap[m.e]
		if me <= ms {
			continue
		}
		s.pending = append(s.pending, match{s: ms, e: me, det: m.det, json: true})
		s.found(m.det)
	}
	sub.buf = nil
}
