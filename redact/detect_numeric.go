package redact

// Numeric detectors: payment cards, US SSNs, IPv4 (one parse of the digit
// groups at a word start serves them all) and phone numbers
// (detect_phone.go).

const maxGroups = 8

// digitReject is the cheap test the scan loops run at a digit that starts a
// word, before any parsing: it returns where to continue and true when no
// numeric value can start here, judging only by the first two digit runs
// (cards: one run of 13+ or groups of 4-6 then 3+; SSN 3-2; phone 3-3 or
// 1-3). Anything it lets through gets the full tryDigits.
func digitReject(b []byte, lo, i, n int, phone bool) (int, bool) {
	j := i + 1
	for j < n && isDig(b[j]) {
		j++
	}
	l1 := j - i
	if l1 >= 13 {
		return i, false
	}
	if l1 >= 4 && l1 <= 6 && j+1 < n && cardSepLead[b[j]] {
		// looseCardNext, with its commonest case (one ASCII separator,
		// then a digit) decided here.
		if isIBANSep(b[j]) && isDig(b[j+1]) {
			if j+3 < n && isDig(b[j+2]) && isDig(b[j+3]) {
				return i, false // a card with any separators
			}
		} else if looseCardNext(b, j, n) {
			return i, false
		}
	}
	if !(j+1 < n && (b[j] == ' ' || b[j] == '-' || b[j] == '.') && isDig(b[j+1])) {
		// Phones: a bare run long enough for a number (masked only with
		// context), "030/12345678", "415 - 555 …", "1 (800) …", and a
		// short local number that is a whole JSON string or follows a
		// word that says phone ("Tel. 519398"; see minShortLocal).
		if phone && (l1 >= 8 || j+1 < n && (b[j] == '/' && isDig(b[j+1]) ||
			b[j] == ' ' && (b[j+1] == '-' || b[j+1] == '.' || b[j+1] == '(')) ||
			l1 >= minShortLocal && shortLocalAt(b, lo, i, j, n)) {
			return i, false
		}
		for j < n && wordRest[b[j]] {
			j++
		}
		return j, true
	}
	g2 := j + 1
	k := g2 + 1
	for k < n && isDig(b[k]) {
		k++
	}
	l2 := k - g2
	if l1 >= 4 && l1 <= 6 && l2 >= 3 || l1 == 3 && (l2 == 2 || l2 == 3) || l1 == 1 && l2 == 3 {
		return i, false
	}
	// Phones in national formats ("60-56-85-91", "07700 900 123", "06 12
	// 34 56 78", "684-8281"): two groups of 6 digits or more, or a third
	// group; not a year and month ("2024-01").
	if phone && b[i] == '0' && (l1 >= 3 && b[i+1] == '0' || l1+l2 >= 6) {
		return i, false // "00971-2-234-5159", "02 123 072"
	}
	if phone && l1 <= 5 && l2 >= 2 && !(l1 == 4 && l2 == 2 && b[j] != ' ') &&
		(l1+l2 >= 8 || l1+l2 >= 6 && l1 >= 2 || k+1 < n && (b[k] == ' ' || b[k] == '-' || b[k] == '.') && isDig(b[k+1])) {
		return i, false
	}
	return g2, true
}

// digitRunSep holds the bytes after a digit run that may continue it into a
// card, SSN or phone number (cardSepLead, and the '/' of "030/12345678"):
// digitReject looks further only where one of them follows a short run.
var digitRunSep = func() (t [256]bool) {
	t = cardSepLead
	t['/'] = true
	return t
}()

// tryDigits tests the numeric values that start with a digit at b[i]:
// cards, SSNs and IPv4 addresses (tryNumbers), then phone numbers
// (tryPhone).
func (s *Stream) tryDigits(st *scanState, b []byte, lo, i, end int, atEnd bool) (ms, me, det, next int) {
	ms, me, det, next = s.tryNumbers(st, b, lo, i, end)
	if det == detNone && s.r.on[detPhone] {
		if z, ok := s.tryPhone(st, b, lo, i, end); ok {
			return i, z, detPhone, z
		}
	}
	return ms, me, det, next
}

// tryNumbers parses digit groups joined by one consistent separator (' ',
// '-' or '.') and tests, from the longest run of groups down, the shapes of
// a card, an SSN and an IPv4 address.
func (s *Stream) tryNumbers(st *scanState, b []byte, lo, i, end int) (ms, me, det, next int) {
	r := s.r
	// A digit right after "<digit>." is a decimal fraction, not a value.
	if i-2 >= lo && b[i-1] == '.' && isDig(b[i-2]) {
		j := i
		for j < end && isDig(b[j]) {
			j++
		}
		return 0, 0, detNone, j
	}
	// Fast reject: one short run of digits not followed by a separator and
	// a digit cannot be any numeric value (cards need 13 digits in one run
	// or several groups; SSNs, phones and IPv4 addresses several groups).
	{
		j := i + 1
		for j < end && isDig(b[j]) {
			j++
		}
		if j-i < 13 && !(j+1 < end && (b[j] == ' ' || b[j] == '-' || b[j] == '.') && isDig(b[j+1])) &&
			!(r.on[detCard] && j-i >= 4 && j-i <= 6 && j < end && looseCardNext(b, j, end)) {
			return 0, 0, detNone, j
		}
	}
	var gs, gl [maxGroups]int
	ng := 0
	var sep byte
	j := i
	for {
		g := j
		for j < end && isDig(b[j]) && j-g <= 19 {
			j++
		}
		if j-g > 19 { // a long digit string: an id, a hash, not a value
			for j < end && isDig(b[j]) {
				j++
			}
			return 0, 0, detNone, j
		}
		gs[ng], gl[ng] = g, j-g
		ng++
		if ng == maxGroups || j+1 >= end {
			break
		}
		c := b[j]
		if (c == ' ' || c == '-' || c == '.') && (sep == 0 || c == sep) && isDig(b[j+1]) {
			sep = c
			j++
			continue
		}
		break
	}
	runEnd := j
	if r.on[detCard] && gl[0] >= 4 && gl[0] <= 6 && !sameAsLoose(b, gl[:ng], j, end) && looseCardNext(b, gs[0]+gl[0], end) {
		// Separators the consistent parse stops at (mixed, repeated,
		// NBSP, thin spaces, escapes): see tryLooseCard. No SSN, phone
		// or IPv4 shape starts with a group of 4 to 6 digits, so the card
		// takes precedence as in the loop below.
		if e, ok := s.tryLooseCard(st, b, lo, i, end); ok {
			return i, e, detCard, e
		}
	}
	if ng == 2 && gl[0]+gl[1] < 13 {
		return 0, 0, detNone, gs[1] // no numeric shape has two short groups
	}
	// What follows the run: glued letters or a decimal point make it a
	// different token.
	glued := false
	if runEnd < end {
		c := b[runEnd]
		glued = wordByte[c] || c == '.' && runEnd+1 < end && isDig(b[runEnd+1])
	}
	var digits [19]byte
	for k := ng - 1; k >= 0; k-- {
		last := k == ng-1
		if last && glued {
			continue
		}
		d := 0
		for g := 0; g <= k; g++ {
			d += gl[g]
		}
		e := gs[k] + gl[k]
		if r.on[detCard] && d >= 13 && d <= 19 && cardGroupsOK(gl[:k+1]) {
			n := 0
			for g := 0; g <= k; g++ {
				n += copy(digits[n:], b[gs[g]:gs[g]+gl[g]])
			}
			if validCard(digits[:n]) && (n < 19 || s.cardContext(st, b, lo, i)) ||
				cardUnlisted(digits[:n]) && s.cardContext(st, b, lo, i) {
				return i, e, detCard, e
			}
		}
		if !last {
			continue
		}
		if r.on[detSSN] && k == 2 && (sep == '-' || sep == ' ') && gl[0] == 3 && gl[1] == 2 && gl[2] == 4 {
			n := 0
			for g := 0; g <= k; g++ {
				n += copy(digits[n:], b[gs[g]:gs[g]+gl[g]])
			}
			if validSSN(digits[:9]) && !(sep == ' ' && addressWordBefore(b, lo, i)) {
				return i, e, detSSN, e
			}
		}
		if r.on[detIP] && sep == '.' && k == 3 && ipv4Groups(b, gs[:4], gl[:4]) &&
			!(e < end && b[e] == '.') {
			return i, e, detIP, e
		}
	}
	if ng > 1 {
		return 0, 0, detNone, gs[1]
	}
	return 0, 0, detNone, runEnd
}

// sameAsLoose says whether tryLooseCard would parse the same card groups
// as the consistent parse that found gl and stopped at b[j] (every group of
// 3 to 6 digits, and no separator run at j to go on with): the loop of
// tryNumbers then tests them itself, so that the commonest card shapes
// ("4111 1111 1111 1111") are parsed once.
func sameAsLoose(b []byte, gl []int, j, end int) bool {
	if len(gl) == maxGroups || j < end && cardSepRun(b, j, end) > 0 {
		return false
	}
	for _, n := range gl[1:] {
		if n < 3 || n > 6 {
			return false
		}
	}
	return true
}

// cardGroupsOK accepts the groupings cards are printed in: one block, or
// blocks of 3 digits and more starting with at least 4 (4-4-4-4, 4-6-5,
// 4-4-4-4-3).
func cardGroupsOK(gl []int) bool {
	if len(gl) == 1 {
		return true
	}
	if gl[0] < 4 {
		return false
	}
	for _, n := range gl {
		if n < 3 || n > 6 {
			return false
		}
	}
	return true
}

func ipv4Groups(b []byte, gs, gl []int) bool {
	for k := range 4 {
		if gl[k] > 3 || gl[k] > 1 && b[gs[k]] == '0' {
			return false
		}
		if prefixNum(b[gs[k]:gs[k]+gl[k]], 3) > 255 {
			return false
		}
	}
	return true
}

// cardContext says whether a 19-digit number (which may be an id that passes
// Luhn by chance) is called a card by its surroundings: the JSON key, or a
// word such as "card", "credit", "PAN" or "cc" just before it.
func (s *Stream) cardContext(st *scanState, b []byte, lo, i int) bool {
	if st.json && s.cardContextJSON() || s.parent != nil && s.parent.cardContextJSON() {
		return true
	}
	from := max(lo, i-48)
	var low [48]byte
	n := 0
	for _, c := range b[from:i] {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[n] = c
		n++
	}
	return hasCardWord(low[:n])
}

// addressWordBefore says whether the word just before b[i] (one space or
// "# " between) is a unit of a street address ("Suite 680 36 4022", "Apt
// 123 45 6789"): space-separated digit groups there are a suite, floor and
// house number, not an SSN.
func addressWordBefore(b []byte, lo, i int) bool {
	j := i - 1
	for j >= lo && j >= i-3 && (b[j] == ' ' || b[j] == '#' || b[j] == '.') {
		j--
	}
	if j == i-1 {
		return false
	}
	k := j
	for k >= lo && j-k < 8 && alphaASCII(b[k]) {
		k--
	}
	if k >= lo && alphaASCII(b[k]) {
		return false
	}
	var low [8]byte
	w := lowerInto(low[:0], b[k+1:j+1])
	switch string(w) {
	case "suite", "ste", "apt", "apartment", "unit", "room", "rm", "floor", "fl", "bldg", "building", "box", "po":
		return true
	}
	return false
}
