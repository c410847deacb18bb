package redact

import "math/bits"

// The scanner makes one pass over a region with a byte-class table: most
// bytes are not triggers and cost one table load. At a trigger a small,
// bounded detector looks at the bytes around it; validators run only on
// candidates. No regular expression runs for built-in detectors.
//
// Chunk independence: the decision at a trigger at position i depends only
// on bytes in [i-lookBack, i+window) and on where the previous match ended,
// both the same whether the body arrived whole or in pieces. A stream
// therefore examines a trigger only once window bytes after it are
// buffered (or the body ended), and keeps lookBack bytes before its
// emission point as context.

// Trigger classes.
const (
	clNone uint8 = iota
	clAt
	clDash
	clParen
	clColon
	clUnder  // '_' of ghp_, github_pat_, sk_live_ (checked backwards)
	clJ      // 'J' of eyJ (JWT, checked backwards), or an IBAN country
	clAssign // '=' or ':' after a secret's name (checked backwards)
	// Classes from here on only trigger at the start of a word.
	clDigit
	clUpper
	clPlus
	clLowerB
	clHex
)

const (
	// maxBack is how far a match may start before its trigger (the local
	// part of an e-mail address before '@').
	maxBack = 64
	// lookBack bounds every look behind a trigger (maxBack plus the words
	// that give a card number its context).
	lookBack = 112
	// ctxKeep is how much already emitted input a stream keeps as context.
	ctxKeep = 128
)

var (
	wordByte   [256]bool // letters, digits, '_'
	b64url     [256]bool // JWT segments
	bearerTok  [256]bool // RFC 6750 b64token
	pemBody    [256]bool // what may appear inside a PEM block (also JSON \n escapes)
	emailLocal [256]bool
	// emailAtext: the other characters RFC 5322 allows in a local part
	// ("o'brien", "a!b", "x|y", "{tag}"), accepted inside one but not at
	// its start; emailURL: '=', '?', '/' and '&', which in a URL end the
	// word before an address ("?email=jane@example.com"), so they are part
	// of an address only where it is a whole JSON string ("a=b@example.com").
	emailAtext [256]bool
	emailURL   [256]bool
	domainByte [256]bool
	alnumDash  [256]bool
	alnum      [256]bool
	alnumUnd   [256]bool
	// wordRest: bytes a scan may skip inside a word after a failed
	// word-start trigger; 'J' is left out because "eyJ" is checked at 'J'.
	wordRest [256]bool
)

func init() {
	for c := 0; c < 256; c++ {
		b := byte(c)
		an := isAlnum(b)
		alnum[c] = an
		wordRest[c] = an && b != 'J'
		wordByte[c] = an || b == '_'
		alnumUnd[c] = an || b == '_'
		alnumDash[c] = an || b == '-'
		b64url[c] = an || b == '-' || b == '_'
		bearerTok[c] = an || b == '-' || b == '.' || b == '_' || b == '~' || b == '+' || b == '/'
		pemBody[c] = an || b == '+' || b == '/' || b == '=' || b == ' ' || b == '\t' || b == '\r' ||
			b == '\n' || b == '\\' || b == ':' || b == ',' || b == '-'
		emailLocal[c] = an || b == '.' || b == '_' || b == '%' || b == '+' || b == '-'
		emailAtext[c] = b == '!' || b == '#' || b == '$' || b == '\'' || b == '*' || b == '^' || b == '`' ||
			b == '{' || b == '|' || b == '}' || b == '~'
		emailURL[c] = b == '=' || b == '?' || b == '/' || b == '&'
		domainByte[c] = an || b == '-' || b == '.'
	}
}

func isDig(c byte) bool   { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// match is a detected value, in absolute body offsets.
type match struct {
	s, e  int
	det   int
	json  bool // inside a JSON string: escapes must survive
	quote bool // a JSON number: rendered as a JSON string
}

// scanState is the scanner's position in one unit: the whole text body, or
// one JSON string.
type scanState struct {
	start    int // absolute start of the unit: no look-behind crosses it
	pos      int // absolute position of the next byte to examine
	minStart int // end of the last match: no match starts before it
	cont     int // detector of a match cut at the window, continued at contAt
	contAt   int
	cpos     int // where custom detectors resume
	json     bool
}

func (st *scanState) reset(at int, json bool) {
	*st = scanState{start: at, pos: at, minStart: at, cpos: at, json: json}
}

// safe returns the absolute position before which nothing can change any
// more: later matches start at or after it.
func (st *scanState) safe(custom bool) int {
	e := max(st.minStart, st.pos-maxBack, st.start)
	if custom {
		e = min(e, max(st.cpos, st.minStart))
	}
	return e
}

// scan examines the triggers at absolute positions [st.pos, limitAbs) of the
// stream buffer, whose data ends at hiAbs; final says hiAbs is the unit's
// true end. Matches are appended to s.pending.
func (s *Stream) scan(st *scanState, limitAbs, hiAbs int, final bool) {
	r := s.r
	b := s.buf[:hiAbs-s.base]
	base := s.base
	lo := max(st.start, base) - base
	limit := limitAbs - base
	hi := len(b)
	i := st.pos - base
	tab := &r.tab
	w := r.window
	for i < limit {
		if st.cont != 0 && i+base == st.contAt {
			end := min(hi, i+w)
			d := st.cont
			e := s.continueMatch(d, b, i, end)
			st.cont = 0
			if e > i {
				s.addMatch(st, i, e, d, base)
				if e == end && !(final && end == hi) {
					st.cont, st.contAt = d, e+base
				}
				i = e
				continue
			}
		}
		// The hot loop: skip bytes that trigger nothing, eight at a time
		// (independent loads, no dependency chain between bytes). A
		// rejected trigger is often followed by another (the digits and
		// dashes of ids and dates), where the eight-byte test would fail
		// at once: the next byte is looked at first.
		if i >= limit || tab[b[i]] == 0 {
			for i+8 <= limit {
				q := (*[8]byte)(b[i : i+8])
				if m := lanes4(tab, q[:4]) | lanes4(tab, q[4:])<<32; m != 0 {
					i += bits.TrailingZeros64(m) >> 3
					goto found
				}
				i += 8
			}
			for i < limit && tab[b[i]] == 0 {
				i++
			}
		found:
		}
		if i >= limit {
			break
		}
		k := tab[b[i]]
		if k == clAssign && !assignMaybe(b, lo, i) && !(b[i] == ':' && r.on[detIP]) {
			// Most '=' and ':' follow no secret's name (JSON keys in
			// text, times, URLs): decided first, without a call to try.
			i++
			continue
		}
		if st.json && i > lo && b[i-1] == '\\' && escapedAt(b, lo, i) {
			i++ // the character of an escape ("\n") starts nothing
			continue
		}
		if i+1 < hi {
			if nc := b[i+1]; r.pair[k][nc>>6]&(1<<(nc&63)) == 0 {
				i++
				continue
			}
		}
		if r.on[detIBAN] && ibanMaybeQuick(b, lo, i, hi, k, r.on[detIP]) && ibanMaybe(b, lo, i, hi, k, r.on[detIP]) {
			// An IBAN in lower or mixed case, or with a separator after
			// the country code, is seen at its check digits or at a
			// letter of its country code (see ibanAt).
			if ws := ibanAt(b, max(lo, st.minStart-base), lo, i, hi, st.json); ws >= 0 {
				if z, ok := tryIBAN(b, ws, min(hi, ws+w)); ok {
					s.addMatch(st, ws, z, detIBAN, base)
					i = z
					continue
				}
			}
		}
		if k >= clDigit && i > lo && wordByte[b[i-1]] &&
			!(i-2 >= lo && b[i-2] == '\\' && escapedAt(b, lo, i-1)) {
			// Inside a word: nothing in the rest of it starts a value
			// (word-start classes are gated, 'J' and '_' need a word start
			// behind them), so skip it whole.
			i++
			for i < limit && wordRest[b[i]] {
				i++
			}
			continue
		}
		if k == clDigit && !r.on[detIP] {
			// Inline fast reject (most digit runs are short numbers inside
			// ids, dates and prices): see tryDigits.
			if j, ok := digitReject(b, lo, i, hi, r.on[detPhone]); ok {
				i = j
				continue
			}
		}
		end := min(hi, i+w)
		atEnd := final && end == hi
		ms, me, det, next, capped := s.try(k, st, b, lo, i, end, atEnd)
		if det != detNone && ms >= st.minStart-base && me > ms {
			s.addMatch(st, ms, me, det, base)
			if capped {
				st.cont, st.contAt = det, me+base
			}
			i = me
			continue
		}
		i = max(next, i+1)
		if k >= clDigit && alnum[b[i-1]] {
			for i < limit && wordRest[b[i]] {
				i++
			}
		}
	}
	st.pos = max(st.pos, i+base)
	if len(r.custom) > 0 {
		s.scanCustom(st, limitAbs, hiAbs)
	}
}

func (s *Stream) addMatch(st *scanState, ms, me, det, base int) {
	m := match{s: ms + base, e: me + base, det: det, json: st.json}
	s.pending = append(s.pending, m)
	st.minStart = m.e
	s.found(det)
}

// escapedAt reports whether b[j] is the character of a JSON escape (an odd
// run of backslashes before it).
func escapedAt(b []byte, lo, j int) bool {
	n := 0
	for k := j - 1; k >= lo && b[k] == '\\' && n < 32; k-- {
		n++
	}
	return n%2 == 1
}

// try runs the detectors of trigger class k at b[i]. It returns a match
// [ms, me) of detector det (detNone: none) and, on no match, the next
// position worth examining.
func (s *Stream) try(k uint8, st *scanState, b []byte, lo, i, end int, atEnd bool) (ms, me, det, next int, capped bool) {
	r := s.r
	next = i + 1
	switch k {
	case clDigit:
		ms, me, det, next = s.tryDigits(st, b, lo, i, end, atEnd)
		if det == detNone && r.on[detIP] {
			if a, z, ok := tryIPv6(b, lo, i, end); ok {
				return a, z, detIP, z, false
			}
		}
		return
	case clAt:
		if r.on[detEmail] {
			if a, z, ok := tryEmail(b, max(lo, st.minStart-s.base), i, end, st.json); ok {
				return a, z, detEmail, z, false
			}
		}
	case clDash:
		if r.on[detPEM] && i+1 < end && b[i+1] == '-' {
			if z, c, ok := tryPEM(b, i, end, atEnd); ok {
				return i, z, detPEM, z, c
			}
		}
		// "xoxb-…": a Slack token starts four bytes back.
		if r.on[detSlack] && i-4 >= lo && b[i-4] == 'x' && b[i-3] == 'o' && b[i-2] == 'x' &&
			max(lo, st.minStart-s.base) <= i-4 && wordStartAt(b, lo, i-4, st.json) {
			switch b[i-1] {
			case 'a', 'b', 'p', 'r', 's', 'e':
				if z, ok := fixedToken(b, i+1, end, 10, 250, &alnumDash, false); ok {
					return i - 4, z, detSlack, z, false
				}
			}
		}
	case clParen, clPlus:
		if r.on[detPhone] && i+1 < end && (isDig(b[i+1]) || b[i] == '(' && b[i+1] == '+') {
			if z, ok := s.tryPhone(st, b, lo, i, end); ok {
				return i, z, detPhone, z, false
			}
		}
	case clUpper:
		c := b[i]
		if c == 'A' && i+4 <= end {
			if r.on[detAWS] && (b[i+1] == 'K' || b[i+1] == 'S') && b[i+2] == 'I' && b[i+3] == 'A' {
				if z, ok := fixedToken(b, i+4, end, 16, 16, &alnum, true); ok {
					return i, z, detAWS, z, false
				}
			}
			if r.on[detGoogle] && b[i+1] == 'I' && b[i+2] == 'z' && b[i+3] == 'a' {
				if z, ok := fixedToken(b, i+4, end, 35, 35, &b64url, false); ok {
					return i, z, detGoogle, z, false
				}
			}
		}
		if r.on[detIBAN] && i+4 <= end && ibanHead(b, i) {
			if z, ok := tryIBAN(b, i, end); ok {
				return i, z, detIBAN, z, false
			}
		}
		if c == 'B' && r.on[detBearer] {
			if a, z, cp, ok := tryBearer(b, i, end, atEnd); ok {
				return a, z, detBearer, z, cp
			}
		}
	case clJ:
		// "eyJ": the JWT starts two bytes back, at a word start.
		if r.on[detJWT] && i-2 >= lo && b[i-1] == 'y' && b[i-2] == 'e' &&
			max(lo, st.minStart-s.base) <= i-2 && wordStartAt(b, lo, i-2, st.json) {
			if z, cp, ok := tryJWT(b, i-2, min(end+0, i-2+s.r.window), atEnd); ok {
				return i - 2, z, detJWT, z, cp
			}
		}
		if r.on[detIBAN] && wordStartAt(b, lo, i, st.json) && i+4 <= end && ibanHead(b, i) {
			if z, ok := tryIBAN(b, i, end); ok {
				return i, z, detIBAN, z, false
			}
		}
	case clUnder:
		if a, z, det, ok := s.tryUnderscore(st, b, lo, i, end); ok {
			return a, z, det, z, false
		}
	case clAssign:
		if a, z, ok := tryAssign(b, max(lo, st.minStart-s.base), lo, i, end); ok {
			return a, z, detSecret, z, false
		}
		if b[i] == ':' && r.on[detIP] {
			k = clColon // "::1" may start an IPv6 address
		}
	case clLowerB:
		if r.on[detBearer] {
			if a, z, cp, ok := tryBearer(b, i, end, atEnd); ok {
				return a, z, detBearer, z, cp
			}
		}
	}
	// Letters that are also hexadecimal digits may start an IPv6 address.
	if r.on[detIP] && (k == clHex || k == clColon || k == clUpper || k == clLowerB) {
		if k == clColon && i > lo && wordByte[b[i-1]] {
			return 0, 0, detNone, next, false
		}
		if a, z, ok := tryIPv6(b, lo, i, end); ok {
			return a, z, detIP, z, false
		}
	}
	return 0, 0, detNone, next, false
}

// wordStartAt says whether b[i] starts a word. The character of a
// backslash escape ("\n4111…") ends a word, in JSON and in text alike
// (escaped JSON, JavaScript and logs are common in text bodies). inJSON is
// kept for call-site clarity.
func wordStartAt(b []byte, lo, i int, inJSON bool) bool {
	if i <= lo || !wordByte[b[i-1]] {
		return true
	}
	return i-2 >= lo && b[i-2] == '\\' && escapedAt(b, lo, i-1)
}

// tryUnderscore is triggered at '_': ghp_/gho_/ghu_/ghs_/ghr_ (3 back),
// github_pat_ (6 back), sk_/rk_ + live_/test_ (2 back).
func (s *Stream) tryUnderscore(st *scanState, b []byte, lo, i, end int) (int, int, int, bool) {
	r := s.r
	floor := max(lo, st.minStart-s.base)
	if r.on[detGitHub] {
		if i-3 >= floor && b[i-3] == 'g' && b[i-2] == 'h' && wordStartAt(b, lo, i-3, st.json) {
			switch b[i-1] {
			case 'p', 'o', 'u', 's', 'r':
				if z, ok := fixedToken(b, i+1, end, 36, 251, &alnum, false); ok {
					return i - 3, z, detGitHub, true
				}
			}
		}
		if i-6 >= floor && i+5 <= end && string(b[i-6:i+5]) == "github_pat_" && wordStartAt(b, lo, i-6, st.json) {
			if z, ok := fixedToken(b, i+5, end, 22, 244, &alnumUnd, false); ok {
				return i - 6, z, detGitHub, true
			}
		}
	}
	if r.on[detStripe] && i-2 >= floor && i+6 <= end && b[i-1] == 'k' && (b[i-2] == 's' || b[i-2] == 'r') &&
		wordStartAt(b, lo, i-2, st.json) {
		if p := string(b[i+1 : i+6]); p == "live_" || p == "test_" {
			if z, ok := fixedToken(b, i+6, end, 16, 247, &alnum, false); ok {
				return i - 2, z, detStripe, true
			}
		}
	}
	return 0, 0, 0, false
}

// fixedToken checks that b[j:] holds between minN and maxN bytes of set and
// then a byte outside set (or the end of the data). upperOnly additionally
// rejects lower-case letters (AWS key ids).
func fixedToken(b []byte, j, end, minN, maxN int, set *[256]bool, upperOnly bool) (int, bool) {
	k := j
	for k < end && set[b[k]] && k-j <= maxN {
		if upperOnly && b[k] >= 'a' && b[k] <= 'z' {
			return 0, false
		}
		k++
	}
	n := k - j
	if n < minN || n > maxN {
		return 0, false
	}
	return k, true
}

// continueMatch extends a match that reached the window limit: the rest of
// a PEM block, JWT or bearer token is masked too.
func (s *Stream) continueMatch(det int, b []byte, i, end int) int {
	switch det {
	case detPEM:
		z, _ := pemBodyEnd(b, i, end)
		return z
	case detJWT:
		k := i
		for k < end && (b64url[b[k]] || b[k] == '.') {
			k++
		}
		return k
	case detBearer:
		k := i
		for k < end && (bearerTok[b[k]] || b[k] == '=') {
			k++
		}
		return k
	}
	return i
}
