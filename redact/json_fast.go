package redact

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// jsonFast is the tokenizer's hot path: one loop with the position and
// state in locals, handling structure, complete strings, numbers and
// literals inline. It stops, leaving state and position for the general
// state machine (jsonStep), at anything else: a token cut by the buffer
// end, a field rule, member removal, malformed input.
func (s *Stream) jsonFast() {
	j := &s.js
	r := s.r
	b := s.buf
	base := s.base
	n := len(b)
	i := j.pos - base
	state := j.state
	rules := len(r.rules) > 0
	secrets := r.on[detSecret]
	// top is the innermost level (nil at the top level), kept across the
	// loop: only this loop pushes and pops levels while it runs.
	var top *level
	if len(s.levels) > 0 {
		top = &s.levels[len(s.levels)-1]
	}
	run := r.words && !rules
loop:
	for i < n {
		if run && top != nil {
			// Everything jsonRun can take, without a call per token.
			j.pos, j.state = i+base, state
			s.jsonRun()
			i, state = j.pos-base, j.state
			top = nil
			if len(s.levels) > 0 {
				top = &s.levels[len(s.levels)-1]
			}
			if i >= n {
				break
			}
		}
		c := b[i]
		if c <= ' ' && isSpace(c) {
			i++
			continue
		}
		switch state {
		case jCommaOrEnd:
			switch {
			case c == ',':
				i++
				if top.arr {
					state = jValue
				} else {
					state = jKey
				}
				continue
			case c == ']' && top.arr, c == '}' && !top.arr:
				top = s.pop()
				i++
				state = stateAfter(top)
				continue
			}
			break loop
		case jColon:
			if c != ':' {
				break loop
			}
			i++
			state = jValue
		case jKeyOrEnd, jKey:
			if c == '}' && state == jKeyOrEnd {
				top = s.pop()
				i++
				state = stateAfter(top)
				continue
			}
			if c != '"' {
				break loop
			}
			z, ft, esc := s.stringEnd(b, i+1)
			if z < 0 {
				break loop
			}
			lv := top
			kl := min(z-i-1, maxKey)
			lv.keyAbs, lv.keyLen, lv.keyMat, lv.longKey = i+1+base, kl, false, z-i-1 > maxKey
			// secretNameEnd(b, z-kl, z), written out here and in jsonRun:
			// it is not inlined, and calling it cost the order-list
			// benchmark about a tenth of its throughput.
			lv.secret = secrets && kl >= 3 && !lv.longKey && (secretKeyEnd(b[z-3:z]) || isDig(b[z-1]) && secretNumberedEnd(b, z-kl, z))
			if ft >= 0 {
				s.scanString(i+1+base, z+base, ft+base, esc)
			}
			if rules {
				j.valRule = s.matchRule()
			}
			i = z + 1
			state = jColon
			if i < n && b[i] == ':' { // the usual "key":value, without a loop turn
				i++
				state = jValue
			}
		case jValue, jValueOrEnd, jTop:
			if c == ']' && state == jValueOrEnd {
				top = s.pop()
				i++
				state = stateAfter(top)
				continue
			}
			if rules && top != nil {
				if top.arr {
					if len(r.rulesArr) > 0 && s.matchRule() >= 0 {
						break loop
					}
				} else if j.valRule >= 0 {
					break loop
				}
			}
			switch {
			case c == '"':
				z, ft, esc := s.stringEnd(b, i+1)
				if z < 0 {
					break loop
				}
				if secrets && z-i-1 >= passwordMinLen && s.secretKeyHint() && s.secretJSON(i+1+base, z+base) {
					// The whole value is masked: nothing inside it is
					// scanned.
				} else if ft >= 0 {
					s.scanString(i+1+base, z+base, ft+base, esc)
				}
				i = z + 1
			case c == '{' || c == '[':
				if len(s.levels) >= maxDepth {
					break loop
				}
				s.levels = append(s.levels, level{arr: c == '['})
				top = &s.levels[len(s.levels)-1]
				i++
				if c == '[' {
					state = jValueOrEnd
				} else {
					state = jKeyOrEnd
				}
				continue
			case c == '-' || isDig(c):
				k := i + 1
				for k < n && isNumByte(b[k]) {
					k++
				}
				if k == n {
					break loop
				}
				if k-i >= 13 && k-i <= 19 && r.on[detCard] {
					s.numberCard(i+base, k+base)
				}
				if k-i >= 8 && k-i <= 15 && r.on[detPhone] {
					s.numberPhone(i+base, k+base)
				}
				i = k
			case c == 't' && n-i >= 4 && string(b[i:i+4]) == "true",
				c == 'n' && n-i >= 4 && string(b[i:i+4]) == "null":
				i += 4
			case c == 'f' && n-i >= 5 && string(b[i:i+5]) == "false":
				i += 5
			default:
				break loop
			}
			state = stateAfter(top)
			if top != nil && i < n && b[i] == ',' { // the next member or element, without a loop turn
				i++
				if top.arr {
					state = jValue
				} else {
					state = jKey
				}
			}
		default:
			break loop
		}
	}
	j.pos = i + base
	j.state = state
}

// pop leaves the innermost level and returns the new innermost one (nil:
// the top level).
func (s *Stream) pop() *level {
	s.levels = s.levels[:len(s.levels)-1]
	if len(s.levels) == 0 {
		return nil
	}
	return &s.levels[len(s.levels)-1]
}

// stateAfter is the state after a value whose enclosing level is top.
func stateAfter(top *level) int {
	if top == nil {
		return jTop
	}
	return jCommaOrEnd
}

// closingQuote returns the index of the quote closing a string whose content
// starts at p, or -1 if the buffer ends first, and whether the string holds
// a \u or \/ escape from p on (see json_escape.go).
func closingQuote(b []byte, p int) (int, bool) {
	// Most strings are short: look at the first bytes directly before
	// paying for IndexByte calls.
	for k := p; k < len(b) && k < p+24; k++ {
		switch b[k] {
		case '"':
			return k, false
		case '\\':
			return closingQuoteSlow(b, p)
		}
	}
	return closingQuoteSlow(b, p)
}

func closingQuoteSlow(b []byte, p int) (int, bool) {
	esc := false
	for {
		q := bytes.IndexByte(b[p:], '"')
		if q < 0 {
			return -1, esc
		}
		q += p
		bs := bytes.IndexByte(b[p:q], '\\')
		if bs < 0 {
			return q, esc
		}
		// Skip escapes one by one up to the candidate quote.
		k := p + bs
		for k < q {
			if b[k] == '\\' {
				if k+1 < len(b) && (b[k+1] == 'u' || b[k+1] == '/') {
					esc = true
				}
				k += 2
				continue
			}
			k++
		}
		if k == q {
			return q, esc
		}
		p = k // the candidate quote was escaped
		if p >= len(b) {
			return -1, esc
		}
	}
}

// stringEnd finds the closing quote of the string whose content starts at
// p in one pass with the trigger table; it returns the quote's index (-1:
// not in the buffer), the first trigger byte inside (-1: none, the string
// needs no scan) and whether the string holds a \u or \/ escape after
// it. Custom detectors need every string scanned.
func (s *Stream) stringEnd(b []byte, p int) (z, first int, esc bool) {
	return s.stringEndAt(b, p, p)
}

// stringEndAt is stringEnd for the string whose content starts at lo, from
// p on: nothing in b[lo:p] is in stab.
func (s *Stream) stringEndAt(b []byte, lo, p int) (z, first int, esc bool) {
	r := s.r
	if len(r.custom) > 0 {
		z, esc = closingQuote(b, p)
		return z, p, esc
	}
	stab, tab, pair := &r.stab, &r.tab, &r.pair
	n := len(b)
	for {
		// Triggers come in runs (the digits and dashes of ids, dates and
		// UUIDs): where a rejected trigger is followed by another, the
		// eight-byte test would fail at once, so the next byte is looked
		// at first.
		if p >= n || stab[b[p]] == 0 {
			for p+8 <= n {
				q := (*[8]byte)(b[p : p+8])
				if m := lanes4(stab, q[:4]) | lanes4(stab, q[4:])<<32; m != 0 {
					p += bits.TrailingZeros64(m) >> 3
					goto found
				}
				p += 8
			}
			for p < n && stab[b[p]] == 0 {
				p++
			}
		found:
		}
		if p >= n {
			return -1, -1, false
		}
		switch b[p] {
		case '"':
			return p, -1, false
		case '\\':
			if p+1 < n && (b[p+1] == 'u' || b[p+1] == '/') {
				// A spelled-out character may hide a value: the string
				// is scanned decoded (json_escape.go).
				z, _ = closingQuote(b, p)
				return z, p, true
			}
			p += 2
			if p >= n {
				return -1, -1, false
			}
			continue
		}
		// prefilter's first test, the byte after the trigger, holds for
		// every class and configuration: decided here for all of them.
		k := tab[b[p]]
		if p+1 < n {
			if nc := b[p+1]; pair[k][nc>>6]&(1<<(nc&63)) == 0 {
				p++
				continue
			}
		}
		if k == clAt {
			goto candidate // prefilter passes every '@'
		}
		if !r.on[detIP] {
			// The commonest triggers (the digits and dashes of ids, dates
			// and UUIDs, the capitals of codes and names, the colons of
			// times), decided here as prefilter decides them but without
			// the call; anything else, and every trigger when IP
			// addresses are detected, goes to prefilter.
			switch k {
			case clDash:
				if (p+1 >= n || b[p+1] != '-') && !(p-4 >= lo && b[p-4] == 'x' && b[p-3] == 'o' && b[p-2] == 'x') {
					p++
					continue
				}
			case clDigit:
				if r.on[detIBAN] && ibanMaybeQuick(b, lo, p, n, k, false) {
					// ibanMaybe only after a country code (ibanCC, inlined
					// here), directly or across a separator: the letters
					// of codes ("SKU-000007") stop before the call.
					x, y := b[p-2], b[p-1]
					if !alphaASCII(y) && p-3 >= lo {
						x, y = b[p-3], x
					}
					if ibanCC(x, y) && ibanMaybe(b, lo, p, n, k, false) {
						break
					}
				}
				if p > lo && wordByte[b[p-1]] {
					if p-2 < lo || b[p-2] != '\\' {
						for p++; p < n && wordRest[b[p]]; p++ {
						}
						continue
					}
				} else {
					// digitReject's commonest verdict without the call: a
					// run of fewer than eight digits that no separator
					// continues (counts, the digits of codes: "SKU-000007")
					// starts no numeric value, unless a short local phone
					// number stands there.
					j := p + 1
					for j < n && isDig(b[j]) {
						j++
					}
					if l := j - p; l < 8 && (j >= n || !digitRunSep[b[j]]) &&
						(l < minShortLocal || !r.on[detPhone] || !shortLocalAt(b, lo, p, j, n)) {
						for ; j < n && wordRest[b[j]]; j++ {
						}
						p = j
						continue
					}
					if j, ok := digitReject(b, lo, p, n, r.on[detPhone]); ok && j > p {
						p = j
						continue
					}
				}
			case clUpper:
				// Without IP addresses ibanMaybeQuick is false for
				// capitals: the word test, then prefilter's own shapes.
				if p > lo && wordByte[b[p-1]] {
					if p-2 < lo || b[p-2] != '\\' {
						for p++; p < n && wordRest[b[p]]; p++ {
						}
						continue
					}
					break
				}
				var nc, nc2 byte
				if p+1 < n {
					nc = b[p+1]
				}
				if p+2 < n {
					nc2 = b[p+2]
				}
				if c := b[p]; !(c == 'A' && (nc == 'K' || nc == 'S' || nc == 'I')) &&
					!(alphaASCII(nc) && (isDig(nc2) || isIBANSep(nc2))) && !(c == 'B' && isBearerWord(b, p)) {
					// A capital after it is inside the word: the next
					// turn would skip the word from there once its pair
					// test passes (codes and ids: EUR, SKU-…).
					if p+1 < n && tab[nc] == clUpper && (p == lo || b[p-1] != '\\') &&
						(p+2 >= n || pair[clUpper][nc2>>6]&(1<<(nc2&63)) != 0) {
						for p += 2; p < n && wordRest[b[p]]; p++ {
						}
						continue
					}
					p++
					continue
				}
				goto candidate
			case clAssign:
				if !assignMaybe(b, lo, p) {
					p++
					continue
				}
				goto candidate
			}
		}
		if next := s.prefilter(b, lo, p); next > p {
			p = next
			continue
		}
	candidate:
		z, esc = closingQuote(b, p)
		return z, p, esc
	}
}

// prefilter applies the scan loop's cheap rejections (byte pair, word
// start, short digit run) to the trigger at b[i] of a JSON string starting
// at lo; it returns where to continue, or i if b[i] is a real candidate.
// It must reject only what scan would reject too.
func (s *Stream) prefilter(b []byte, lo, i int) int {
	r := s.r
	k := r.tab[b[i]]
	if i+1 < len(b) {
		if nc := b[i+1]; r.pair[k][nc>>6]&(1<<(nc&63)) == 0 {
			return i + 1
		}
	}
	if r.on[detIBAN] && ibanMaybeQuick(b, lo, i, len(b), k, r.on[detIP]) && ibanMaybe(b, lo, i, len(b), k, r.on[detIP]) && ibanAt(b, lo, lo, i, len(b), true) >= 0 {
		return i // as in scan
	}
	if k >= clDigit && i > lo && wordByte[b[i-1]] &&
		!(i-2 >= lo && b[i-2] == '\\' && escapedAt(b, lo, i-1)) {
		j := i + 1
		for j < len(b) && wordRest[b[j]] {
			j++
		}
		return j
	}
	if r.on[detIP] {
		return i // hex letters, colons: leave it to the detectors
	}
	n := len(b)
	at := func(j int) byte { // b[j], or 0 outside the string's bytes
		if j < lo || j >= n {
			return 0
		}
		return b[j]
	}
	c, nc := b[i], at(i+1)
	switch k {
	case clDigit:
		if j, ok := digitReject(b, lo, i, n, r.on[detPhone]); ok {
			return j
		}
	case clDash: // PEM "-----", Slack "xox?-"
		if nc != '-' && !(at(i-4) == 'x' && at(i-3) == 'o' && at(i-2) == 'x') {
			return i + 1
		}
	case clUnder: // sk_/rk_, gh?_, github_
		if !(at(i-1) == 'k' && (at(i-2) == 's' || at(i-2) == 'r')) &&
			!(at(i-3) == 'g' && at(i-2) == 'h') && !(at(i-6) == 'g' && at(i-1) == 'b') {
			return i + 1
		}
	case clAssign: // "secret=", "password: "
		if !assignMaybe(b, lo, i) {
			return i + 1
		}
	case clJ: // "eyJ", or a JO… IBAN
		if !(at(i-2) == 'e' && at(i-1) == 'y') && !alphaASCII(nc) {
			return i + 1
		}
	case clUpper, clLowerB: // AKIA/ASIA/AIza, IBAN "CCdd", "Bearer"
		switch {
		case c == 'A' && (nc == 'K' || nc == 'S' || nc == 'I'):
		case alphaASCII(nc) && (isDig(at(i+2)) || isIBANSep(at(i+2))):
		case (c == 'B' || c == 'b') && isBearerWord(b, i):
		default:
			return i + 1
		}
	}
	return i
}

func isBearerWord(b []byte, i int) bool {
	return i+7 <= len(b) && bytes.EqualFold(b[i:i+6], []byte("bearer"))
}

// scanString scans the complete string content [a, z) (absolute) from its
// first trigger at from; esc: it holds a \u or \/ escape after from.
func (s *Stream) scanString(a, z, from int, esc bool) {
	if esc && z-a <= s.r.window {
		s.scanEscaped(a, z)
		return
	}
	st := &s.js.str
	st.start, st.pos, st.minStart, st.cpos, st.cont, st.json = a, from, a, a, 0, true
	s.scan(st, z, z, true)
}

// numberCard checks the complete number [a, z) (absolute) for a card number
// (only where its key says card: see numberDone).
func (s *Stream) numberCard(a, z int) {
	d := s.buf[a-s.base : z-s.base]
	if isAllDigits(d) && (validCard(d) || cardUnlisted(d)) && s.cardContextJSON() {
		s.pending = append(s.pending, match{s: a, e: z, det: detCard, quote: true})
		s.found(detCard)
	}
}

// lanes4 classes the four bytes of q in tab, one byte lane each of the
// result. Two calls class eight bytes in one word, whose lowest non-zero
// lane is the first trigger: the loads are independent (no dependency chain
// between bytes) and the trigger is found without a byte loop.
func lanes4(tab *[256]uint8, q []byte) uint64 {
	_ = q[3]
	return uint64(tab[q[0]]) | uint64(tab[q[1]])<<8 | uint64(tab[q[2]])<<16 | uint64(tab[q[3]])<<24
}

// numByte is isNumByte as a table.
var numByte = func() (t [256]bool) {
	for c := range 256 {
		t[c] = isNumByte(byte(c))
	}
	return t
}()

// jsonRun is the innermost loop of jsonFast, for configurations without
// field rules or custom detectors whose string bytes the word test covers
// (Redactor.words). Each state is a label (no dispatch on a state
// variable), and the common tokens make no call: whitespace, structure
// inside a container, strings with no flagged byte before their closing
// quote (keys and values: no trigger, nothing to scan), numbers and
// literals. A string with a flagged byte continues in stringEndAt from
// that byte, and is scanned, a number of a card's or a phone's length is
// checked, and a value whose key may name a secret goes to secretJSON,
// all exactly as in jsonFast. It returns, leaving position and state for
// jsonFast, at the top level, at a level the stack has no room for, at
// the end of the buffer and at anything malformed.
func (s *Stream) jsonRun() {
	j := &s.js
	b := s.buf
	i := j.pos - s.base
	lv := s.levels
	d := len(lv)
	st := j.state
	if d == 0 || uint(i) > uint(len(b)) {
		return
	}
	// Positions are compared as unsigned (uint(i) < uint(len(b))), which
	// spares the bounds checks; the detector switches are read where used
	// (s.r.on), not kept in locals: fewer live values, fewer spills.
	var (
		c   byte
		q   int
		top = &lv[d-1]
		km  = s.memo
	)
	if km == nil && len(b) >= memoMinBuf {
		km = new([memoSlots]memo)
		s.memo = km
	}
	switch st {
	case jValue:
		goto value
	case jValueOrEnd:
		goto valueOrEnd
	case jKeyOrEnd:
		goto keyOrEnd
	case jKey:
		goto key
	case jColon:
		goto colon
	case jCommaOrEnd:
		goto commaOrEnd
	}
	return

keyOrEnd:
	for uint(i) < uint(len(b)) && b[i] <= ' ' && isSpace(b[i]) {
		i++
	}
	st = jKeyOrEnd
	if uint(i) < uint(len(b)) && b[i] == '}' {
		i++
		goto pop
	}
	goto keyString
key:
	for uint(i) < uint(len(b)) && b[i] <= ' ' && isSpace(b[i]) {
		i++
	}
	st = jKey
keyString:
	if uint(i) >= uint(len(b)) || b[i] != '"' {
		goto out
	}
	if km != nil && uint(i+17) <= uint(len(b)) {
		// The key the same member of the previous object had (arrays of
		// records repeat their keys): one or two word compares instead
		// of the word test, and the colon with it.
		m := &km[memoSlot(d, top.ord)]
		w := (*[16]byte)(b[i+1 : i+17])
		if binary.LittleEndian.Uint64(w[:8])&m.mask0 == m.w0 && m.n != 0 &&
			binary.LittleEndian.Uint64(w[8:])&m.mask1 == m.w1 {
			kl := int(m.n) - 2
			top.keyAbs, top.keyLen, top.keyMat, top.longKey, top.secret = i+1+s.base, kl, false, false, m.secret
			top.ord++
			i += kl + 3
			goto value
		}
	}
	if q = wordSkip(b, i+1); q >= 0 && b[q] == '"' && q-i-1 <= maxKey {
		kl := q - i - 1
		sec := false // secretNameEnd(b, q-kl, q), written out (see jsonFast)
		if kl >= 3 && s.r.on[detSecret] {
			sec = secretKeyEnd(b[q-3:q]) || isDig(b[q-1]) && secretNumberedEnd(b, q-kl, q)
		}
		top.keyAbs, top.keyLen, top.keyMat, top.longKey, top.secret = i+1+s.base, kl, false, false, sec
		if km != nil && kl+2 <= 16 && uint(i+17) <= uint(len(b)) && b[q+1] == ':' { // q+1 <= i+16
			km[memoSlot(d, top.ord)].set(b[i+1:i+17], kl+2, sec)
		}
		top.ord++
		i = q + 1
	} else {
		// A key with a flagged byte: stringEnd's decisions from there,
		// then as in jsonFast.
		if q < 0 {
			q = i + 1
		}
		z, ft, esc := s.stringEndAt(b, i+1, q)
		if z < 0 {
			goto out
		}
		kl := min(z-i-1, maxKey)
		top.keyAbs, top.keyLen, top.keyMat, top.longKey = i+1+s.base, kl, false, z-i-1 > maxKey
		top.secret = kl >= 3 && s.r.on[detSecret] && !top.longKey && (secretKeyEnd(b[z-3:z]) || isDig(b[z-1]) && secretNumberedEnd(b, z-kl, z))
		if ft >= 0 {
			s.levels = lv[:d]
			s.scanString(i+1+s.base, z+s.base, ft+s.base, esc)
		}
		i = z + 1
	}
	st = jColon
colon:
	for uint(i) < uint(len(b)) && b[i] <= ' ' && isSpace(b[i]) {
		i++
	}
	if uint(i) >= uint(len(b)) || b[i] != ':' {
		st = jColon
		goto out
	}
	i++
value:
	for uint(i) < uint(len(b)) && b[i] <= ' ' && isSpace(b[i]) {
		i++
	}
	st = jValue
	goto valueAt
valueOrEnd:
	for uint(i) < uint(len(b)) && b[i] <= ' ' && isSpace(b[i]) {
		i++
	}
	st = jValueOrEnd
	if uint(i) < uint(len(b)) && b[i] == ']' {
		i++
		goto pop
	}
valueAt:
	if uint(i) >= uint(len(b)) {
		goto out
	}
	switch c = b[i]; {
	case c == '"':
		if q = wordSkip(b, i+1); q < 0 || b[q] != '"' {
			if q < 0 {
				q = i + 1
			}
			z, ft, esc := s.stringEndAt(b, i+1, q)
			if z < 0 {
				goto out
			}
			s.levels = lv[:d]
			if z-i-1 >= passwordMinLen && !top.arr && top.secret && s.r.on[detSecret] && s.secretJSON(i+1+s.base, z+s.base) {
				// The whole value is masked: nothing inside it is
				// scanned.
			} else if ft >= 0 {
				s.scanString(i+1+s.base, z+s.base, ft+s.base, esc)
			}
			i = z + 1
		} else {
			if q-i-1 >= passwordMinLen && !top.arr && top.secret && s.r.on[detSecret] {
				s.levels = lv[:d]
				s.secretJSON(i+1+s.base, q+s.base)
			}
			i = q + 1
		}
	case c == '{' || c == '[':
		if d >= maxDepth || d >= cap(lv) {
			goto out
		}
		lv = lv[:d+1]
		top = &lv[d]
		*top = level{}
		top.arr = c == '['
		d++
		i++
		if c == '[' {
			goto valueOrEnd
		}
		goto keyOrEnd
	case c == '-' || isDig(c):
		q = i + 1
		for uint(q) < uint(len(b)) && numByte[b[q]] {
			q++
		}
		if q == len(b) {
			goto out
		}
		if l := q - i; l >= 8 && l <= 19 {
			s.levels = lv[:d]
			if l >= 13 && s.r.on[detCard] {
				s.numberCard(i+s.base, q+s.base)
			}
			if l <= 15 && s.r.on[detPhone] {
				s.numberPhone(i+s.base, q+s.base)
			}
		}
		i = q
	case c == 't' && len(b)-i >= 4 && string(b[i:i+4]) == "true",
		c == 'n' && len(b)-i >= 4 && string(b[i:i+4]) == "null":
		i += 4
	case c == 'f' && len(b)-i >= 5 && string(b[i:i+5]) == "false":
		i += 5
	default:
		goto out
	}
commaOrEnd:
	for uint(i) < uint(len(b)) && b[i] <= ' ' && isSpace(b[i]) {
		i++
	}
	st = jCommaOrEnd
	if uint(i) >= uint(len(b)) {
		goto out
	}
	switch c = b[i]; {
	case c == ',':
		i++
		if top.arr {
			goto value
		}
		goto key
	case c == ']' && top.arr, c == '}' && !top.arr:
		i++
		goto pop
	}
	goto out
pop:
	if d--; d > 0 {
		top = &lv[d-1]
		goto commaOrEnd
	}
	st = jTop
out:
	j.pos, j.state = i+s.base, st
	s.levels = lv[:d]
}

// memo holds one object key with no flagged byte (wordSkip finds its
// closing quote first) and the `":` after it, as the words that match them
// from the opening quote + 1, with the key's secret flag (which depends on
// its bytes alone): arrays of records repeat their keys member by member,
// and the same bytes again need no word test, no secret-name test and no
// colon state. A memo is a cache: a miss costs one compare and the usual
// path.
type memo struct {
	w0, w1       uint64 // the bytes, masked
	mask0, mask1 uint64
	n            uint8 // how many bytes (2 to 16); 0: empty
	secret       bool
}

const (
	// memoSlots memos: one per member position (up to 8) of the objects
	// of the first depths (deeper or later members share slots, and their
	// memos replace each other).
	memoSlots = 32
	// memoMinBuf: a body shorter than this in one buffer is tokenized
	// without memos (their allocation would outweigh what they save).
	memoMinBuf = 4 << 10
)

// memoSlot is the slot of the member at position ord of an object at depth d.
func memoSlot(d int, ord uint8) int { return (d<<3 + int(ord)) & (memoSlots - 1) }

// set memos the n bytes of w (len(w) >= 16) and the key's secret flag.
func (m *memo) set(w []byte, n int, secret bool) {
	m.mask0, m.mask1 = lowBytes(min(n, 8)), lowBytes(max(n-8, 0))
	m.w0 = binary.LittleEndian.Uint64(w) & m.mask0
	m.w1 = binary.LittleEndian.Uint64(w[8:]) & m.mask1
	m.n, m.secret = uint8(n), secret
}

// lowBytes is the mask of the n (0 to 8) low byte lanes of a word.
func lowBytes(n int) uint64 {
	if n >= 8 {
		return ^uint64(0)
	}
	return 1<<(8*uint(n)) - 1
}
