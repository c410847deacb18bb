package redact

// Card numbers as people and systems print them: groups joined by any
// single or repeated separator among space, dash, dot, NBSP (U+00A0),
// narrow NBSP (U+202F) and thin space (U+2009), raw UTF-8 or as a JSON
// \uXXXX escape, mixed freely ("4111-1111 1111-1111", "4111 - 1111 - …").
// Length, issuer prefix and Luhn are checked as for any card.

// maxSepUnits bounds a separator run between two groups (" - " is three).
const maxSepUnits = 3

// cardSepUnit returns the width of one card separator at b[j], or 0.
func cardSepUnit(b []byte, j, end int) int {
	switch c := b[j]; c {
	case ' ', '-', '.':
		return 1
	case 0xC2: // U+00A0
		if j+1 < end && b[j+1] == 0xA0 {
			return 2
		}
	case 0xE2: // U+202F, U+2009
		if j+2 < end && b[j+1] == 0x80 && (b[j+2] == 0xAF || b[j+2] == 0x89) {
			return 3
		}
	case '\\': // \u00a0, \u202f, \u2009 in any case
		if j+5 < end && b[j+1] == 'u' {
			h := [4]byte{lowerASCII(b[j+2]), lowerASCII(b[j+3]), lowerASCII(b[j+4]), lowerASCII(b[j+5])}
			if s := string(h[:]); s == "00a0" || s == "202f" || s == "2009" {
				return 6
			}
		}
	}
	return 0
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// cardSepRun returns the width of a run of 1 to maxSepUnits separators at
// b[j] that is followed by a digit, or 0.
func cardSepRun(b []byte, j, end int) int {
	k := j
	for u := 0; u < maxSepUnits && k < end; u++ {
		w := cardSepUnit(b, k, end)
		if w == 0 {
			break
		}
		k += w
	}
	if k > j && k < end && isDig(b[k]) {
		return k - j
	}
	return 0
}

// looseCardNext says whether the separator run at b[j] (after a first group
// of 4 to 6 digits) leads to a second card group of 3 digits or more: the
// cheap test that keeps dates, times and prices ("2024-01-15", "1234.56")
// out of tryLooseCard.
//
// The common cases are decided inline: a byte that cannot start a separator,
// and a single space, dash or dot followed by a digit (a date, a time, a
// price, a consistently separated number), where the run is that one byte.
func looseCardNext(b []byte, j, end int) bool {
	if j+1 >= end || !cardSepLead[b[j]] {
		return false // a run at b[end-1] has no digit after it
	}
	if isDig(b[j+1]) {
		// No separator unit starts with a digit: the run is b[j] alone,
		// and only if it is an ASCII separator.
		return b[j] != 0xC2 && b[j] != 0xE2 && b[j] != '\\' && j+3 < end && isDig(b[j+2]) && isDig(b[j+3])
	}
	return looseCardNextRun(b, j, end)
}

// cardSepLead: the bytes a card separator unit starts with.
var cardSepLead = [256]bool{' ': true, '-': true, '.': true, 0xC2: true, 0xE2: true, '\\': true}

func looseCardNextRun(b []byte, j, end int) bool {
	w := cardSepRun(b, j, end)
	if w == 0 {
		return false
	}
	k := j + w
	return k+2 < end && isDig(b[k+1]) && isDig(b[k+2])
}

// tryLooseCard parses digit groups from b[i] joined by separator runs and
// returns the end of the longest run of groups that is a valid card.
func (s *Stream) tryLooseCard(st *scanState, b []byte, lo, i, end int) (int, bool) {
	var gs, gl [maxGroups]int
	ng, d := 0, 0
	cut := false // the run ended before a group that is not a card group
	j := i
	for {
		g := j
		for j < end && isDig(b[j]) && j-g <= 6 {
			j++
		}
		if j-g > 6 || j-g < 3 && ng > 0 {
			// Not a card group: the groups before it (and the separator
			// after them) end the run.
			if ng == 0 {
				return 0, false
			}
			j = gs[ng-1] + gl[ng-1]
			cut = true
			break
		}
		gs[ng], gl[ng] = g, j-g
		ng++
		d += j - g
		if ng == maxGroups || d >= 19 || j >= end {
			break
		}
		w := 1 // one ASCII separator before a digit, the commonest run
		if !(j+1 < end && isIBANSep(b[j]) && isDig(b[j+1])) {
			w = cardSepRun(b, j, end)
		}
		if w == 0 {
			break
		}
		j += w
	}
	runEnd := j
	glued := false
	if runEnd < end && !cut {
		c := b[runEnd]
		glued = wordByte[c] || c == '.' && runEnd+1 < end && isDig(b[runEnd+1])
	}
	var digits [19]byte
	for k := ng - 1; k >= 1; k-- {
		if k == ng-1 && glued {
			continue
		}
		n := 0
		for g := 0; g <= k; g++ {
			n += gl[g]
		}
		if n < 13 || n > 19 || !cardGroupsOK(gl[:k+1]) {
			continue
		}
		n = 0
		for g := 0; g <= k; g++ {
			n += copy(digits[n:], b[gs[g]:gs[g]+gl[g]])
		}
		if validCard(digits[:n]) && (n < 19 || s.cardContext(st, b, lo, i)) ||
			cardUnlisted(digits[:n]) && s.cardContext(st, b, lo, i) {
			return gs[k] + gl[k], true
		}
	}
	return 0, false
}
