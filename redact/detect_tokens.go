package redact

import (
	"bytes"
	"net/netip"
	"unicode"
	"unicode/utf8"
)

// Token detectors: e-mail, IBAN, JWT, bearer tokens, PEM private keys,
// provider secrets, IPv6.

// tryEmail is triggered at '@': the local part is searched backwards (at
// most 64 bytes, never before lo, which also stops at the previous match),
// the domain forwards (labels, at least one dot, an alphabetic TLD or an
// "xn--" one). Local parts and domains may hold Unicode letters, digits
// and marks (RFC 6531 addresses, IDN domains: "josé.garcía@example.com",
// "jane@bücher.de", "用户@例子.广告"), so the address is masked whole;
// Unicode spaces and punctuation end it.
// urlDelimiter says whether c (one of emailURL), after the bytes before of
// the token an address's local part was read from, ends a URL's word
// before the address rather than being part of the local part: '=' always
// ("?email=jane@…", "user=jane@…"); '?' and '&' after a query's '=' or '?'
// ("?a=1&jane@…", not "Joseph?Asamoah@…"); '/' at the start of a path or
// after another '/', '?' or '=' ("/users/jane@…", "//host/u/jane@…", not
// "julijs/lasmane@…").
func urlDelimiter(before []byte, c byte) bool {
	switch c {
	case '=':
		return true
	case '/':
		return len(before) == 0 || bytes.ContainsAny(before, "/?=")
	}
	return bytes.ContainsAny(before, "=?")
}

func tryEmail(b []byte, lo, i, end int, inJSON bool) (int, int, bool) {
	a := i
	sym := false // a character of emailAtext or emailURL was taken
	for a > lo && i-a < 64 {
		c := b[a-1]
		if c < utf8.RuneSelf {
			if !emailLocal[c] {
				if !emailAtext[c] && !emailURL[c] {
					break
				}
				sym = true
			}
			a--
			continue
		}
		r, w := utf8.DecodeLastRune(b[max(lo, a-utf8.UTFMax):a])
		if !emailRune(r) && r != '\u2018' && r != '\u2019' || i-(a-w) > 64 {
			break // (‘ and ’ as apostrophes: Uzbek "o‘", "O’Brien")
		}
		a -= w
	}
	if sym && (!inJSON || a > lo && !(b[a-1] == '"' || b[a-1] == '\\')) {
		for k := i - 1; k >= a; k-- {
			if emailURL[b[k]] && urlDelimiter(b[a:k], b[k]) {
				a = k + 1 // "?email=jane@example.com", "/users/jane@example.com"
				break
			}
		}
	}
	for sym && a < i && emailAtext[b[a]] {
		a++ // "'jane@example.com'", "{jane@example.com}"
	}
	if a > lo && b[a-1] == '\\' && escapedAt(b, lo, a) {
		// "\nfoo@x.io": the 'n' belongs to the escape, \uXXXX to 4 more.
		if b[a] == 'u' {
			a += 5
		} else {
			a++
		}
	}
	for sym && a < i && emailAtext[b[a]] {
		a++
	}
	for a+3 <= i && b[a] == 0xe2 && b[a+1] == 0x80 && (b[a+2] == 0x98 || b[a+2] == 0x99) {
		a += 3 // "‘jane@example.com’"
	}
	if a >= i || b[a] == '.' || b[i-1] == '.' {
		return 0, 0, false
	}
	j := i + 1
	for j < end && j-i <= 253 {
		c := b[j]
		if c < utf8.RuneSelf {
			if !domainByte[c] {
				break
			}
			j++
			continue
		}
		r, w := utf8.DecodeRune(b[j:end])
		if !emailRune(r) {
			break
		}
		j += w
	}
	// Trim a sentence's final dot or dash.
	for j > i+1 && (b[j-1] == '.' || b[j-1] == '-') {
		j--
	}
	dom := b[i+1 : j]
	dots := bytes.Count(dom, []byte{'.'})
	if dots == 0 || len(dom) < 4 {
		return 0, 0, false
	}
	tld := dom[bytes.LastIndexByte(dom, '.')+1:]
	if !tldOK(tld) {
		return 0, 0, false
	}
	if bytes.Contains(dom, []byte("..")) || dom[0] == '.' || dom[0] == '-' {
		return 0, 0, false
	}
	return a, j, true
}

// emailRune: the non-ASCII characters an internationalised address may
// hold.
func emailRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)) ||
		r == '\u200c' || r == '\u200d' // ZWNJ, ZWJ: inside Persian, Kurdish, Indic words
}

// tldOK: two or more ASCII letters, a punycode label ("xn--p1ai"), or
// Unicode letters and marks ("广告", "рф").
func tldOK(tld []byte) bool {
	if len(tld) >= 5 && (tld[0]|0x20) == 'x' && (tld[1]|0x20) == 'n' && tld[2] == '-' && tld[3] == '-' {
		return true
	}
	n := 0
	for k := 0; k < len(tld); {
		c := tld[k]
		if c < utf8.RuneSelf {
			if !alphaASCII(c) {
				return false
			}
			k++
			n++
			continue
		}
		r, w := utf8.DecodeRune(tld[k:])
		if !(unicode.IsLetter(r) || unicode.IsMark(r)) {
			return false
		}
		k += w
		n++
	}
	return n >= 2
}

// tryIBAN: a country code with its registry length, two check digits and
// the BBAN, in any case, with separators (space, dash, dot; one or two in a
// row) anywhere between characters, including right after the country code
// ("RS 35 2651 …", "de89-3704-0044", "GB82 WEST 1234 5698 7654 32"),
// validated by length, the country's BBAN format (which positions are
// digits, letters or either) and mod-97. Written compact or in groups of
// four (after the country code or the check digits), that is all; with
// separators elsewhere, so that prose never passes by the 1 in 97 chance
// of mod-97, at least half the BBAN must be digits and a run of letters is
// at most 4 long (the bank codes of GB, NL, …).
func tryIBAN(b []byte, i, end int) (int, bool) {
	if i+4 > end {
		return 0, false
	}
	a0, a1 := upperASCII(b[i]), upperASCII(b[i+1])
	want, ok := ibanLen(a0, a1) // a registered country: two letters
	if !ok {
		return 0, false
	}
	var buf [34]byte
	buf[0], buf[1] = a0, a1
	n, j, letters, run, maxRun := 2, i+2, 0, 0, 0
	grouped := true // separators only where IBANs are printed with them
	for j < end && n < want {
		c := b[j]
		switch ibanClass[c] {
		case ibDigit:
			run = 0
		case ibLetter:
			if n < 4 {
				return 0, false // the check digits
			}
			c &^= 0x20 // upper case
			letters++
			run++
			maxRun = max(maxRun, run)
		case ibSep:
			k := j + 1
			if k < end && ibanClass[b[k]] == ibSep {
				k++
				grouped = false
			}
			if k < end && alnum[b[k]] {
				grouped = grouped && (n == 2 || n%4 == 0)
				if !grouped && maxRun > 4 {
					return 0, false
				}
				j = k
				run = 0
				continue
			}
			goto done
		default:
			goto done
		}
		buf[n] = c
		n++
		j++
	}
done:
	if n != want || j < end && wordByte[b[j]] || !grouped && (2*letters > want-4 || maxRun > 4) {
		return 0, false
	}
	return j, ibanBBANOK(buf[:n]) && ibanMod97(buf[:n])
}

// ibanClass sorts the bytes tryIBAN reads after the country code.
const (
	ibOther uint8 = iota
	ibDigit
	ibLetter
	ibSep
)

var ibanClass = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = ibDigit
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = ibLetter, ibLetter
	}
	t[' '], t['-'], t['.'] = ibSep, ibSep, ibSep
	return t
}()

func upperASCII(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

// ibanStartBefore is checked at a digit trigger b[i] (inside a word or at a
// word start): it returns where an IBAN whose check digits start at b[i]
// begins ("de89…", "Gb82…", "rs 35 …", "RS-35…"), or -1. floor is the
// earliest position a match may start.
func ibanStartBefore(b []byte, floor, lo, i, end int, inJSON bool) int {
	if i+1 >= end || !isDig(b[i+1]) {
		return -1
	}
	ws := i - 2
	if ws >= floor && alphaASCII(b[ws]) && alphaASCII(b[ws+1]) {
		if _, ok := ibanLen(upperASCII(b[ws]), upperASCII(b[ws+1])); ok && wordStartAt(b, lo, ws, inJSON) {
			return ws
		}
		return -1
	}
	ws = i - 3
	if ws >= floor && (b[i-1] == ' ' || b[i-1] == '-' || b[i-1] == '.') && alphaASCII(b[ws]) && alphaASCII(b[ws+1]) {
		if _, ok := ibanLen(upperASCII(b[ws]), upperASCII(b[ws+1])); !ok || !wordStartAt(b, lo, ws, inJSON) {
			return -1
		}
		return ws
	}
	return -1
}

// ibanAt is checked at a trigger b[i] (a digit, or a letter of any
// trigger class): it returns where an IBAN around it starts when b[i] is
// one of its check digits or a letter of its country code, else -1.
func ibanAt(b []byte, floor, lo, i, end int, inJSON bool) int {
	at := i
	if !isDig(b[i]) {
		switch {
		case i+1 < end && isDig(b[i+1]):
			at = i + 1
		case i+2 < end && alphaASCII(b[i+1]) && isDig(b[i+2]):
			at = i + 2
		case i+3 < end && alphaASCII(b[i+1]) && isIBANSep(b[i+2]) && isDig(b[i+3]):
			at = i + 3
		default:
			return -1
		}
	}
	return ibanStartBefore(b, floor, lo, at, end, inJSON)
}

// ibanMaybe is the cheap test before ibanAt at a trigger of class k. At a
// digit: another digit follows and two letters precede it, directly or
// across one separator (as ibanStartBefore requires). At a
// letter, only where the scan would otherwise skip the word with the IBAN
// in it (hex letters and in-word capitals when IPv6 is on, 'b' of a Belgian
// "be68…"): a digit or separator within the next two bytes. Everything
// else reaches an IBAN at its country code (try) or its check digits.
// ibanMaybeQuick is inlined before ibanMaybe: false where ibanMaybe is.
func ibanMaybeQuick(b []byte, lo, i, end int, k uint8, ip bool) bool {
	if k == clDigit {
		return i+1 < end && isDig(b[i+1]) && i-2 >= lo && alphaASCII(b[i-2])
	}
	return ip || k == clLowerB
}

// ibanCC says whether a and b (in any case) are a country code with IBANs.
func ibanCC(a, b byte) bool {
	a, b = a|0x20-'a', b|0x20-'a'
	return a < 26 && b < 26 && ibanLengths[int(a)*26+int(b)] != 0
}

func ibanMaybe(b []byte, lo, i, end int, k uint8, ip bool) bool {
	if k == clDigit {
		// ibanStartBefore's own shapes: a country code right before, or
		// one separator before, at what may be a word start (the
		// country codes of hex digits inside a UUID or a hash are not).
		// The two letters must be a country with IBANs: the letters of
		// hex ids ("ca72", "f3 21") stop here.
		if !(i+1 < end && isDig(b[i+1]) && i-2 >= lo && alphaASCII(b[i-2])) {
			return false
		}
		if alphaASCII(b[i-1]) {
			return ibanCC(b[i-2], b[i-1]) && mayStartWord(b, lo, i-2)
		}
		return isIBANSep(b[i-1]) && i-3 >= lo && ibanCC(b[i-3], b[i-2]) && mayStartWord(b, lo, i-3)
	}
	if !(ip && alphaASCII(b[i]) || k == clLowerB) || i+3 >= end {
		return false
	}
	return isDig(b[i+1]) || isDig(b[i+2]) || isIBANSep(b[i+2])
}

// ibanHead is the cheap test before tryIBAN at a country code b[i] (with
// b[i+3] in range): a second letter, then a check digit or a separator
// before it, as tryIBAN requires; capitalised words ("The", "Customer")
// stop here.
func ibanHead(b []byte, i int) bool {
	return alphaASCII(b[i+1]) && (isDig(b[i+2]) || isIBANSep(b[i+2]))
}

// mayStartWord is wordStartAt without the escape count: false only where
// wordStartAt is false too.
func mayStartWord(b []byte, lo, i int) bool {
	return i <= lo || !wordByte[b[i-1]] || i-2 >= lo && b[i-2] == '\\'
}

func isIBANSep(c byte) bool { return c == ' ' || c == '-' || c == '.' }

func alphaASCII(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// tryJWT: "eyJ" header, '.', payload, '.', signature (base64url; an empty
// signature is an unsigned token, still a credential).
func tryJWT(b []byte, i, end int, atEnd bool) (int, bool, bool) {
	if i+3 > end || b[i+1] != 'y' || b[i+2] != 'J' {
		return 0, false, false
	}
	j := i
	for seg := 0; seg < 3; seg++ {
		k := j
		for k < end && b64url[b[k]] {
			k++
		}
		if seg >= 1 && k == end && !atEnd {
			// Cut by the window inside the payload or signature: mask to
			// here and continue past it.
			return k, true, true
		}
		if seg < 2 && k-j < 10 {
			return 0, false, false
		}
		j = k
		if seg < 2 {
			if j >= end || b[j] != '.' {
				return 0, false, false
			}
			j++
		}
	}
	if j < end && b[j] == '.' {
		return 0, false, false
	}
	return j, j == end && !atEnd, true
}

// tryBearer: "Bearer " (any case) and a token of at least 16 characters;
// only the token is masked.
func tryBearer(b []byte, i, end int, atEnd bool) (int, int, bool, bool) {
	if i+7 > end || !bytes.EqualFold(b[i:i+6], []byte("bearer")) || b[i+6] != ' ' {
		return 0, 0, false, false
	}
	a := i + 7
	for a < end && b[a] == ' ' && a-i < 10 {
		a++
	}
	k := a
	for k < end && bearerTok[b[k]] {
		k++
	}
	for k < end && b[k] == '=' {
		k++
	}
	if k-a < 16 {
		return 0, 0, false, false
	}
	return a, k, k == end && !atEnd, true
}

var (
	pemBegin = []byte("-----BEGIN ")
	pemEnd   = []byte("-----END ")
	pemDash  = []byte("-----")
	pemKey   = []byte("PRIVATE KEY")
)

// tryPEM: "-----BEGIN <...>PRIVATE KEY-----" through the matching END line.
// Without an END line the block runs to the first byte that cannot be in a
// PEM body; at the window limit it is continued (capped).
func tryPEM(b []byte, i, end int, atEnd bool) (int, bool, bool) {
	if !bytes.HasPrefix(b[i:end], pemBegin) {
		return 0, false, false
	}
	j := i + len(pemBegin)
	k := j
	for k < end && k-j <= 40 && (isUpper(b[k]) || b[k] == ' ' || isDig(b[k])) {
		k++
	}
	if !bytes.HasSuffix(b[j:k], pemKey) || !bytes.HasPrefix(b[k:end], pemDash) {
		return 0, false, false
	}
	z, done := pemBodyEnd(b, k+len(pemDash), end)
	return z, !done && z == end && !atEnd, true
}

// pemBodyEnd returns where a PEM body starting at j ends, and whether it
// ended with an END line.
func pemBodyEnd(b []byte, j, end int) (int, bool) {
	for j < end {
		c := b[j]
		if c == '-' && bytes.HasPrefix(b[j:end], pemEnd) {
			k := j + len(pemEnd)
			for k < end && k-j < 64 && b[k] != '-' && (isUpper(b[k]) || b[k] == ' ' || isDig(b[k])) {
				k++
			}
			if bytes.HasPrefix(b[k:end], pemDash) {
				return k + len(pemDash), true
			}
			return k, false
		}
		if !pemBody[c] {
			return j, false
		}
		j++
	}
	return j, false
}

var hexOrColon = func() (t [256]bool) {
	for _, c := range []byte("0123456789abcdefABCDEF:.") {
		t[c] = true
	}
	return
}()

// tryIPv6 takes the longest run of hex digits, colons and dots at i and
// lets net/netip decide (only with ip_address on; it allocates).
func tryIPv6(b []byte, lo, i, end int) (int, int, bool) {
	k := i
	colons := 0
	for k < end && hexOrColon[b[k]] && k-i < 45 {
		if b[k] == ':' {
			colons++
		}
		k++
	}
	for k > i && (b[k-1] == '.' || b[k-1] == ':' && !(k-2 >= i && b[k-2] == ':')) {
		k--
	}
	if colons < 2 || k < end && wordByte[b[k]] {
		return 0, 0, false
	}
	a, err := netip.ParseAddr(string(b[i:k]))
	if err != nil || !a.Is6() {
		return 0, 0, false
	}
	return i, k, true
}
