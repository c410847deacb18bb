package filter

import (
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/gatehouse-dev/caddy-gatehouse/internal/hexdigit"
)

// Character classes of a value, computed in one pass so that detectors can
// skip themselves with a bit test: an ordinary value ("alice", "en-US",
// "42") has none of the triggers most detectors need.
const (
	cQuote     uint64 = 1 << iota // ' "
	cBacktick                     // `
	cLT                           // <
	cGT                           // >
	cParen                        // ( )
	cSemi                         // ;
	cPipe                         // |
	cAmp                          // &
	cDollar                       // $
	cBrace                        // { }
	cBracket                      // [ ]
	cSlash                        // /
	cBackslash                    // \
	cDot                          // .
	cColon                        // :
	cEq                           // =
	cPercent                      // %
	cHash                         // #
	cStar                         // *
	cDash                         // -
	cSpace                        // space, tab
	cNL                           // CR, LF
	cCtrl                         // other C0 controls, DEL
	cHigh                         // bytes >= 0x80
	cPlus                         // +
	cAt                           // @
	cBang                         // !
	cComma                        // ,
	cUpper                        // A-Z
	cDigit                        // 0-9
	cLower                        // a-z
	cQuestion                     // ?
	cCaret                        // ^
	cTilde                        // ~
)

// decodeTriggers are the classes that may start an encoding we undo.
const decodeTriggers = cPercent | cAmp | cBackslash | cHigh | cCtrl

// classTable maps a byte to its class bit. It is computed once and never
// written afterwards.
var classTable = func() (t [256]uint64) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = cLower
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = cUpper
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = cDigit
	}
	for c := 0; c < 0x20; c++ {
		t[c] = cCtrl
	}
	t[0x7f] = cCtrl
	for c := 0x80; c < 0x100; c++ {
		t[c] = cHigh
	}
	set := func(s string, bit uint64) {
		for i := 0; i < len(s); i++ {
			t[s[i]] = bit
		}
	}
	set(`'"`, cQuote)
	set("`", cBacktick)
	set("<", cLT)
	set(">", cGT)
	set("()", cParen)
	set(";", cSemi)
	set("|", cPipe)
	set("&", cAmp)
	set("$", cDollar)
	set("{}", cBrace)
	set("[]", cBracket)
	set("/", cSlash)
	set(`\`, cBackslash)
	set(".", cDot)
	set(":", cColon)
	set("=", cEq)
	set("%", cPercent)
	set("#", cHash)
	set("*", cStar)
	set("-", cDash)
	set(" \t", cSpace)
	set("\r\n", cNL)
	set("+", cPlus)
	set("@", cAt)
	set("!", cBang)
	set(",", cComma)
	set("?", cQuestion)
	set("^", cCaret)
	set("~", cTilde)
	return t
}()

// classify returns the union of the classes of the bytes of s.
func classify(s string) uint64 {
	var m uint64
	for i := 0; i < len(s); i++ {
		m |= classTable[s[i]]
	}
	return m
}

// bstr views b as a string without copying. The result must not outlive the
// next write to b; the Inspector only uses it within one InspectValue call.
func bstr(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// maxDecodePasses bounds repeated decoding (%2527 → %27 → '). Three layers
// cover every double/triple encoding seen in practice; each pass is linear.
const maxDecodePasses = 4

// decode undoes the encodings attackers stack on a value: percent-encoding
// (also %uXXXX), HTML entities (with or without ';', padded numerics),
// JavaScript escapes (\uXXXX, \u{X}, \xHH), repeated until nothing changes,
// then folds Unicode look-alikes (overlong UTF-8, full-width and circled
// letters) to ASCII and drops NULs, BOMs and zero-width characters.
// It writes into dst (reused) and reports whether anything changed.
func decode(dst, tmp []byte, s string) ([]byte, []byte, bool) {
	cur := s
	changed := false
	for pass := 0; pass < maxDecodePasses; pass++ {
		var ch bool
		dst, ch = decodeOnce(dst[:0], cur)
		if !ch {
			break
		}
		changed = true
		// Swap buffers: the next pass reads what this one wrote.
		tmp, dst = dst, tmp
		cur = bstr(tmp)
	}
	var ch bool
	dst, ch = foldUnicode(dst[:0], cur)
	if !ch {
		// cur lives in tmp (or is s); copy it to dst for a stable result.
		dst = append(dst[:0], cur...)
	}
	return dst, tmp, changed || ch
}

// decodeOnce performs one layer of percent, entity and JS-escape decoding.
func decodeOnce(dst []byte, s string) ([]byte, bool) {
	changed := false
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '%':
			if i+2 < len(s) && hexdigit.Is(s[i+1]) && hexdigit.Is(s[i+2]) {
				dst = append(dst, hexdigit.Val(s[i+1])<<4|hexdigit.Val(s[i+2]))
				i += 3
				changed = true
				continue
			}
			if i+5 < len(s) && (s[i+1] == 'u' || s[i+1] == 'U') && hexdigit.Is(s[i+2]) && hexdigit.Is(s[i+3]) && hexdigit.Is(s[i+4]) && hexdigit.Is(s[i+5]) {
				r := rune(hexdigit.Val(s[i+2]))<<12 | rune(hexdigit.Val(s[i+3]))<<8 | rune(hexdigit.Val(s[i+4]))<<4 | rune(hexdigit.Val(s[i+5]))
				dst = utf8.AppendRune(dst, r)
				i += 6
				changed = true
				continue
			}
		case '&':
			if r, n := entity(s[i:]); n > 0 {
				dst = utf8.AppendRune(dst, r)
				i += n
				changed = true
				continue
			}
		case '\\':
			if r, n := jsEscape(s[i:]); n > 0 {
				dst = utf8.AppendRune(dst, r)
				i += n
				changed = true
				continue
			}
		}
		dst = append(dst, c)
		i++
	}
	return dst, changed
}

// jsEscape decodes a JavaScript/JSON escape at the start of s: \uXXXX,
// \u{X…}, \xHH, \ooo. It returns the rune and the bytes consumed (0: none).
func jsEscape(s string) (rune, int) {
	if len(s) < 3 || len(s) < 4 && !isOctal(s[1]) {
		return 0, 0
	}
	switch s[1] {
	case 'u', 'U':
		if s[2] == '{' {
			var r rune
			for j := 3; j < len(s) && j < 10; j++ {
				if s[j] == '}' {
					if j == 3 || r > utf8.MaxRune {
						return 0, 0
					}
					return r, j + 1
				}
				if !hexdigit.Is(s[j]) {
					return 0, 0
				}
				r = r<<4 | rune(hexdigit.Val(s[j]))
			}
			return 0, 0
		}
		if len(s) >= 6 && hexdigit.Is(s[2]) && hexdigit.Is(s[3]) && hexdigit.Is(s[4]) && hexdigit.Is(s[5]) {
			return rune(hexdigit.Val(s[2]))<<12 | rune(hexdigit.Val(s[3]))<<8 | rune(hexdigit.Val(s[4]))<<4 | rune(hexdigit.Val(s[5])), 6
		}
	case 'x', 'X':
		if hexdigit.Is(s[2]) && hexdigit.Is(s[3]) {
			return rune(hexdigit.Val(s[2])<<4 | hexdigit.Val(s[3])), 4
		}
	case '0', '1', '2', '3', '4', '5', '6', '7':
		// A legacy octal escape of a printable ASCII character, \40 to
		// \176 (sloppy-mode JavaScript strings, PHP, Perl and shell
		// $'…' read it) as code spelling letters writes it
		// ('\141\154\145\162\164\50\61\51'): two or three digits (the
		// third only after 0-3, as JavaScript reads them), never one, which
		// is how regular expressions write back-references.
		if !isOctal(s[2]) {
			return 0, 0
		}
		r, n := rune(s[1]-'0')<<3|rune(s[2]-'0'), 3
		if s[1] <= '3' && len(s) > 3 && isOctal(s[3]) {
			r, n = r<<3|rune(s[3]-'0'), 4
		}
		if r >= 0o40 && r < 0o177 {
			return r, n
		}
	}
	return 0, 0
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// namedEntities are the HTML5 named references that matter for detection:
// markup and code punctuation. Unknown names are left alone.
var namedEntities = map[string]rune{
	"lt": '<', "gt": '>', "quot": '"', "apos": '\'', "amp": '&', "colon": ':',
	"lpar": '(', "rpar": ')', "lsqb": '[', "rsqb": ']', "lbrack": '[', "rbrack": ']',
	"lcub": '{', "rcub": '}', "lbrace": '{', "rbrace": '}', "sol": '/', "bsol": '\\',
	"equals": '=', "plus": '+', "comma": ',', "period": '.', "excl": '!', "num": '#',
	"grave": '`', "semi": ';', "tab": '\t', "newline": '\n', "nbsp": ' ', "dollar": '$',
	"percnt": '%', "ast": '*', "midast": '*', "quest": '?', "vert": '|', "verbar": '|',
	"lowbar": '_', "hyphen": '-', "dash": '-', "commat": '@', "hat": '^', "tilde": '~',
}

// entity decodes an HTML character reference at the start of s ("&lt;",
// "&#60;", "&#x3c;", "&#0000060" without ';' as browsers accept it).
func entity(s string) (rune, int) {
	if len(s) < 3 {
		return 0, 0
	}
	if s[1] == '#' {
		j := 2
		hex := false
		if j < len(s) && (s[j] == 'x' || s[j] == 'X') {
			hex = true
			j++
		}
		start := j
		// Browsers take any number of leading zeros (&#0000…60;); they
		// add nothing to the value, so they do not count against the
		// digit bound.
		for j < len(s) && s[j] == '0' {
			j++
		}
		sig := j
		var r rune
		for j < len(s) && j-sig < 12 {
			c := s[j]
			if hex && hexdigit.Is(c) {
				r = r<<4 | rune(hexdigit.Val(c))
			} else if !hex && c >= '0' && c <= '9' {
				r = r*10 + rune(c-'0')
			} else {
				break
			}
			if r > utf8.MaxRune {
				return 0, 0
			}
			j++
		}
		if j == start {
			return 0, 0
		}
		if j < len(s) && s[j] == ';' {
			j++
		}
		if r == 0 {
			r = utf8.RuneError
		}
		return r, j
	}
	// Named: letters up to ';' (required for names, as HTML5 requires it for
	// all but legacy ones, which keeps "&copy_id=1" in query strings intact).
	j := 1
	for j < len(s) && j < 10 && isalpha(s[j]) {
		j++
	}
	if j == 1 || j >= len(s) || s[j] != ';' {
		return 0, 0
	}
	name := s[1:j]
	var buf [10]byte
	n := copy(buf[:], name)
	for k := 0; k < n; k++ {
		buf[k] |= 0x20
	}
	if r, ok := namedEntities[string(buf[:n])]; ok {
		return r, j + 1
	}
	return 0, 0
}

// foldUnicode maps look-alikes to ASCII: overlong UTF-8 sequences (C0 AE is
// '.'), full-width forms (U+FF01–FF5E), circled letters (U+24B6–24E9),
// circled digits (U+2460–2468, U+24EA), ideographic full stops (U+3002,
// U+FF61), slash and backslash look-alikes (U+2215, U+2044, U+2216,
// U+FE68), the
// ideographic space; it drops NUL, BOM and zero-width characters.
func foldUnicode(dst []byte, s string) ([]byte, bool) {
	changed := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			if c == 0 {
				changed = true
				i++
				continue
			}
			dst = append(dst, c)
			i++
			continue
		}
		// Overlong two-byte form of an ASCII character.
		if (c == 0xC0 || c == 0xC1) && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
			dst = append(dst, (c&0x1F)<<6|s[i+1]&0x3F)
			i += 2
			changed = true
			continue
		}
		// Overlong three-byte form of an ASCII character.
		if c == 0xE0 && i+2 < len(s) && s[i+1]&0xE0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			if r := rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F); r < 0x80 {
				dst = append(dst, byte(r))
				i += 3
				changed = true
				continue
			}
		}
		// Overlong four-, five- and six-byte forms (F0 80 80 AE, F8 80 80
		// 80 AE, FC 80 80 80 80 AE): lenient decoders still accept them.
		if k := overlongLen(c); k > 0 && i+k <= len(s) {
			r := rune(0)
			ok := true
			for _, b := range []byte(s[i+1 : i+k]) {
				if b&0xC0 != 0x80 {
					ok = false
					break
				}
				r = r<<6 | rune(b&0x3F)
			}
			if ok && r < 0x80 {
				dst = append(dst, byte(r))
				i += k
				changed = true
				continue
			}
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			dst = append(dst, byte(r-0xFEE0))
			changed = true
		case r >= 0x24B6 && r <= 0x24CF: // circled capitals
			dst = append(dst, byte('A'+r-0x24B6))
			changed = true
		case r >= 0x24D0 && r <= 0x24E9: // circled small letters
			dst = append(dst, byte('a'+r-0x24D0))
			changed = true
		case r >= 0x2460 && r <= 0x2468: // circled digits one to nine
			dst = append(dst, byte('1'+r-0x2460))
			changed = true
		case r == 0x24EA: // circled digit zero
			dst = append(dst, '0')
			changed = true
		case r == 0x3002 || r == 0xFF61: // ideographic full stops (IDNA maps them to '.')
			dst = append(dst, '.')
			changed = true
		case r == 0x2215 || r == 0x2044: // division and fraction slash
			dst = append(dst, '/')
			changed = true
		case r == 0x2216 || r == 0xFE68: // set minus, small reverse solidus
			dst = append(dst, '\\')
			changed = true
		case r == 0x3000 || r == 0x00A0:
			dst = append(dst, ' ')
			changed = true
		case r == 0xFEFF || (r >= 0x200B && r <= 0x200D) || r == 0x2060 || r == 0x00AD:
			changed = true
		default:
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return dst, changed
}

// normTriggers are classes whose presence makes norm differ from dec.
const normTriggers = cUpper | cSpace | cNL | cCtrl | cBackslash | cPlus | cStar

// normalize builds the matching form of an already decoded value: ASCII
// lower case, '\' as '/', '+' and every whitespace run as one space, SQL
// comments removed (/*!…*/ MySQL executable comments keep their content).
// Detectors match keywords against this form only.
func normalize(dst []byte, s string) []byte {
	space := false
	for i := 0; i < len(s); i++ {
		// A run of bytes that stay as they are goes in one copy.
		if normTable[s[i]] == nCopy {
			j := i + 1
			for j < len(s) && normTable[s[j]] == nCopy {
				j++
			}
			dst = append(dst, s[i:j]...)
			space = false
			if j == len(s) {
				break
			}
			i = j
		}
		c := s[i]
		switch normTable[c] {
		case nCopy:
			dst = append(dst, c)
			space = false
			continue
		case nLower:
			dst = append(dst, c|0x20)
			space = false
			continue
		}
		switch {
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			// SQL/C comment: drop it; a MySQL "/*!50000 … */" keeps its body.
			end := indexFrom(s, i+2, "*/")
			if i+2 < len(s) && s[i+2] == '!' {
				j := i + 3
				for j < len(s) && j < i+8 && s[j] >= '0' && s[j] <= '9' {
					j++
				}
				if !space {
					dst = append(dst, ' ')
					space = true
				}
				// Keep scanning inside the comment; its "*/" is dropped below.
				i = j - 1
				continue
			}
			if end < 0 {
				end = len(s) - 2
			}
			if !space {
				dst = append(dst, ' ')
				space = true
			}
			i = end + 1
			continue
		case c == '*' && i+1 < len(s) && s[i+1] == '/':
			if !space {
				dst = append(dst, ' ')
				space = true
			}
			i++
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == '+':
			if !space {
				dst = append(dst, ' ')
				space = true
			}
			continue
		case c == '\\':
			c = '/'
		case c >= 'A' && c <= 'Z':
			c |= 0x20
		case c < 0x20 || c == 0x7f:
			continue
		}
		dst = append(dst, c)
		space = false
	}
	return dst
}

// normTable sorts bytes for normalize's fast path: most bytes are copied
// or lower-cased; the rest take the slow switch.
const (
	nCopy = iota
	nLower
	nSpecial
)

var normTable = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= 'A' && c <= 'Z':
			t[c] = nLower
		case c < 0x20 || c == 0x7f || c == ' ' || c == '+' || c == '/' || c == '*' || c == '\\':
			t[c] = nSpecial
		}
	}
	return t
}()

func indexFrom(s string, from int, sub string) int {
	if from >= len(s) {
		return -1
	}
	if j := strings.Index(s[from:], sub); j >= 0 {
		return from + j
	}
	return -1
}

// byteSet is the table of the bytes of s, for a per-byte test without the
// set strings.IndexAny builds on every call.
func byteSet(s string) (t [256]bool) {
	for i := 0; i < len(s); i++ {
		t[s[i]] = true
	}
	return t
}

func isalpha(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

// decodeLead are the bytes needsDecode looks further at: most bytes of
// a value are none of them, and a table test per byte is cheaper than the
// switch.
var decodeLead = byteSet("%&\\\x00\xC0\xC1\xC2\xE0\xE2\xE3\xEF\xF0\xF8\xFC")

// needsDecode is the fast path of decode: it reports whether s has any
// sequence decode would change. Ordinary text with '&', '%' or non-ASCII
// letters usually has none.
func needsDecode(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !decodeLead[c] {
			continue
		}
		switch {
		case c == '%':
			if i+2 < len(s) && hexdigit.Is(s[i+1]) && hexdigit.Is(s[i+2]) || i+5 < len(s) && (s[i+1] == 'u' || s[i+1] == 'U') {
				return true
			}
		case c == '&':
			if i+2 < len(s) && (s[i+1] == '#' || isalpha(s[i+1])) {
				if _, n := entity(s[i:]); n > 0 {
					return true
				}
			}
		case c == '\\':
			if _, n := jsEscape(s[i:]); n > 0 {
				return true
			}
		case c == 0:
			return true
		case c >= 0xC0 && c <= 0xC1, c == 0xE0:
			return true
		case c == 0xF8 || c == 0xFC, c == 0xF0 && i+1 < len(s) && s[i+1] == 0x80:
			return true // overlong four-, five- and six-byte forms
		case c == 0xC2 && i+1 < len(s) && (s[i+1] == 0xA0 || s[i+1] == 0xAD):
			return true
		case c == 0xE2 && i+1 < len(s) && (s[i+1] == 0x80 || s[i+1] == 0x81 || s[i+1] == 0x92 || s[i+1] == 0x93):
			return true // zero-width, word joiner, fraction slash, circled letters
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x88 && (s[i+2] == 0x95 || s[i+2] == 0x96):
			return true // division slash, set minus
		case c == 0xEF && i+2 < len(s) && s[i+1] == 0xB9 && s[i+2] == 0xA8:
			return true // small reverse solidus
		case c == 0xE3 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0x80 || s[i+2] == 0x82):
			return true // ideographic space, ideographic full stop
		case c == 0xE2 && i+1 < len(s) && s[i+1] == 0x91:
			return true // circled digits
		case c == 0xEF && i+1 < len(s) && (s[i+1] == 0xBB || s[i+1] == 0xBC || s[i+1] == 0xBD):
			return true // BOM, full-width forms
		}
	}
	return false
}

// overlongLen is the length of a sequence whose lead byte can only start an
// overlong form of a small code point: F0 (with 80 next), F8 and FC; 0 for
// any other byte.
func overlongLen(c byte) int {
	switch c {
	case 0xF0:
		return 4
	case 0xF8:
		return 5
	case 0xFC:
		return 6
	}
	return 0
}

// asciiEqualFold: s and t are equal with ASCII letters in any case (no
// Unicode folding: names and schemes are ASCII, and a Kelvin sign is not a
// K to a URL parser).
func asciiEqualFold(s, t string) bool {
	if len(s) != len(t) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c, d := s[i], t[i]
		if c >= 'A' && c <= 'Z' {
			c |= 0x20
		}
		if d >= 'A' && d <= 'Z' {
			d |= 0x20
		}
		if c != d {
			return false
		}
	}
	return true
}

// hasPrefixFold: s starts with prefix, ASCII letters in any case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && asciiEqualFold(s[:len(prefix)], prefix)
}

// containsFold: s contains sub, ASCII letters in any case.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if asciiEqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}
