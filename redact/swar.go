package redact

import (
	"encoding/binary"
	"math/bits"
)

// Word-at-a-time string search. The bytes that matter inside a JSON string
// (stab: the triggers, '"' and '\\') are, for the built-in detectors
// without IP addresses, ASCII punctuation, digits and capitals between '"'
// (0x22) and '_' (0x5f), and the 'b' of Bearer: a range test and one
// equality test on a 64-bit word flag a superset of them, eight bytes in a
// dozen ALU instructions and no table load. The false ones (',', '.', ';'
// …) are sorted out by stab where the word test stops.

const (
	swLSB = 0x0101010101010101
	swMSB = 0x8080808080808080
	// The flagged set: wordLo..wordHi and wordEx.
	wordLo, wordHi, wordEx = 0x22, 0x5f, 'b'
)

// wordFlags flags, in the high bit of each byte lane of v (eight bytes,
// the first in the low lane), the bytes in [wordLo, wordHi] or equal to
// wordEx. The lowest flagged lane is exact; lanes above it may be flagged
// falsely (the equality test's borrow), so only the lowest is used.
func wordFlags(v uint64) uint64 {
	t := v &^ swMSB
	in := (t + (0x80-wordLo)*swLSB) &^ (t + (0x7f-wordHi)*swLSB) &^ v // ASCII in range
	x := v ^ wordEx*swLSB
	return (in | (x-swLSB)&^x) & swMSB
}

// wordSet reports whether every non-zero entry of tab is flagged by
// wordFlags, so that bytes it does not flag can be skipped.
func wordSet(tab *[256]uint8) bool {
	for c := range 256 {
		if tab[c] != 0 && !(c >= wordLo && c <= wordHi || c == wordEx) {
			return false
		}
	}
	return true
}

// wordSkip returns the first position q >= p with a flagged byte (every
// byte of b[p:q] is outside the set) among the whole words from p, or -1.
func wordSkip(b []byte, p int) int {
	for ; uint(p+8) <= uint(len(b)); p += 8 {
		if m := wordFlags(binary.LittleEndian.Uint64((*[8]byte)(b[p : p+8])[:])); m != 0 {
			return p + bits.TrailingZeros64(m)>>3
		}
	}
	return -1
}
