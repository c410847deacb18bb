package redact

import (
	"bytes"
	"net/netip"
)

// Token detectors: e-mail, IBAN, JWT, bearer tokens, PEM private keys,
// provider secrets, IPv6.

// tryEmail is triggered at '@': the local part is searched backwards (at
// most 64 bytes, never before lo, which also stops at the previous match),
// the domain forwards (labels, at least one dot, an alphabetic TLD).
func tryEmail(b []byte, lo, i, end int, inJSON bool) (int, int, bool) {
	a := i
	for a > lo && i-a < 64 && emailLocal[b[a-1]] {
		a--
	}
	if a > lo && b[a-1] == '\\' && escapedAt(b, lo, a) {
		// "\nfoo@x.io": the 'n' belongs to the escape, \uXXXX to 4 more.
		if b[a] == 'u' {
			a += 5
		} else {
			a++
		}
	}
	if a >= i || b[a] == '.' || b[i-1] == '.' {
		return 0, 0, false
	}
	j := i + 1
	for j < end && domainByte[b[j]] && j-i <= 253 {
		j++
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
	if len(tld) < 2 {
		return 0, 0, false
	}
	for _, c := range tld {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return 0, 0, false
		}
	}
	if bytes.Contains(dom, []byte("..")) || dom[0] == '.' || dom[0] == '-' {
		return 0, 0, false
	}
	return a, j, true
}

// tryIBAN: country code, two check digits, then letters and digits up to
// the country's length, optionally in blocks of four separated by one
// space; then mod-97.
func tryIBAN(b []byte, i, end int) (int, bool) {
	want, ok := ibanLen(b[i], b[i+1])
	if !ok {
		return 0, false
	}
	var buf [34]byte
	n, j := 0, i
	for j < end && n < want {
		c := b[j]
		if c == ' ' && n%4 == 0 && n > 0 && j+1 < end && alnum[b[j+1]] {
			j++
			continue
		}
		if !(isDig(c) || isUpper(c)) {
			break
		}
		buf[n] = c
		n++
		j++
	}
	if n != want || j < end && wordByte[b[j]] {
		return 0, false
	}
	return j, ibanMod97(buf[:n])
}

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
