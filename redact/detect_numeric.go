package redact

// Numeric detectors: payment cards, US SSNs, phone numbers, IPv4. One
// parse of the digit groups at a word start serves them all.

const maxGroups = 8

// digitReject is the cheap test the scan loops run at a digit that starts a
// word, before any parsing: it returns where to continue and true when no
// numeric value can start here, judging only by the first two digit runs
// (cards: one run of 13+ or groups of 4-6 then 3+; SSN 3-2; phone 3-3 or
// 1-3). Anything it lets through gets the full tryDigits.
func digitReject(b []byte, i, n int) (int, bool) {
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
	return g2, true
}

// tryDigits parses digit groups joined by one consistent separator (' ',
// '-' or '.') and tests, from the longest run of groups down, the shapes of
// a card, an SSN, a phone number and an IPv4 address.
func (s *Stream) tryDigits(st *scanState, b []byte, lo, i, end int, atEnd bool) (ms, me, det, next int) {
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
	if r.on[detCard] && gl[0] >= 4 && gl[0] <= 6 && looseCardNext(b, gs[0]+gl[0], end) {
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
			if validCard(digits[:n]) && (n < 19 || s.cardContext(st, b, lo, i)) {
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
		if r.on[detPhone] && sep != 0 && nanpShape(b, gs[:k+1], gl[:k+1]) {
			return i, e, detPhone, e
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

// nanpShape: NXX-NXX-XXXX or 1-NXX-NXX-XXXX (separator required).
func nanpShape(b []byte, gs, gl []int) bool {
	switch {
	case len(gl) == 3 && gl[0] == 3 && gl[1] == 3 && gl[2] == 4:
		return b[gs[0]] >= '2' && b[gs[1]] >= '2'
	case len(gl) == 4 && gl[0] == 1 && b[gs[0]] == '1' && gl[1] == 3 && gl[2] == 3 && gl[3] == 4:
		return b[gs[1]] >= '2' && b[gs[2]] >= '2'
	}
	return false
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

// tryParenPhone: "(NXX) NXX-XXXX", "(NXX)NXX-XXXX", "(NXX) NXX XXXX".
func tryParenPhone(b []byte, i, end int) (int, bool) {
	j := i + 1
	if j+4 > end || !digitsAt(b, j, 3) || b[j] < '2' || b[j+3] != ')' {
		return 0, false
	}
	j += 4
	if j < end && b[j] == ' ' {
		j++
	}
	if j+8 > end || !digitsAt(b, j, 3) || b[j] < '2' {
		return 0, false
	}
	j += 3
	if b[j] == '-' || b[j] == '.' || b[j] == ' ' {
		j++
	}
	if j+4 > end || !digitsAt(b, j, 4) {
		return 0, false
	}
	j += 4
	if j < end && (wordByte[b[j]] || b[j] == '-' && j+1 < end && isDig(b[j+1])) {
		return 0, false
	}
	return j, true
}

func digitsAt(b []byte, j, n int) bool {
	if j+n > len(b) {
		return false
	}
	for k := j; k < j+n; k++ {
		if !isDig(b[k]) {
			return false
		}
	}
	return true
}

// tryIntlPhone: '+', a country code and 8 to 15 digits in all, with
// spaces, dashes, dots or parentheses between them ("+44 20 7946 0958",
// "+1 (415) 555-2671", "+4915112345678"). The longest run of digit groups
// that ends at a word boundary wins.
func tryIntlPhone(b []byte, i, end int) (int, bool) {
	j := i + 1
	if j >= end || b[j] < '1' || b[j] > '9' {
		return 0, false
	}
	var ends [16]int // end of each digit group
	var cnt [16]int  // digits up to that group's end
	ng, digits, run := 0, 0, 0
	for ; j < end && j-i <= 24 && ng < len(ends); j++ {
		c := b[j]
		switch {
		case isDig(c):
			digits++
			run = 0
			if j+1 >= end || !isDig(b[j+1]) {
				ends[ng], cnt[ng] = j+1, digits
				ng++
			}
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
			run++
			if run > 2 {
				goto done
			}
		default:
			goto done
		}
	}
done:
	for g := ng - 1; g >= 0; g-- {
		z := ends[g]
		if cnt[g] < 8 || cnt[g] > 15 {
			continue
		}
		if z < end && (wordByte[b[z]] || b[z] == '.' && z+1 < end && isDig(b[z+1])) {
			continue
		}
		return z, true
	}
	return 0, false
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
