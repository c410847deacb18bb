package filter

import (
	"strings"
	"unicode/utf8"
)

// maxFoldLen bounds the values folded: longer ones are documents, whose
// accents are language.
const maxFoldLen = 4096

// latinBase maps U+00C0 to U+024F to the ASCII letter its canonical
// decomposition starts with ('.' where there is none: Æ, ß, ø …), as
// Unicode's NFKD then dropping combining marks would: ë → e, ǔ → u.
// Generated from Python's unicodedata (NFKD of each code point).
const latinBase = "AAAAAA.CEEEEIIII.NOOOOO..UUUUY..aaaaaa.ceeeeiiii.nooooo..uuuuy.y" +
	"AaAaAaCcCcCcCcDd..EeEeEeEeEeGgGgGgGgHh..IiIiIiIiI.IiJjKk.LlLlLlL" +
	"l..NnNnNn...OoOoOo..RrRrRrSsSsSsSsTtTt..UuUuUuUuUuUuWwYyYZzZzZzs" +
	"................................Oo.............Uu..............." +
	"....DDdLLlNNnAaIiOoUuUuUuUuUu.AaAa....GgKkOoOo..jDDdGg..NnAa...." +
	"AaAaEeEeIiIiOoOoRrRrUuUuSsTt..Hh......AaEeOoOoOoOoYy............" +
	"................"

// foldCompat returns s with its fullwidth and halfwidth forms folded to
// ASCII (＜ｓｃｒｉｐｔ＞, ；, ｜: what NFKC makes of them) and the accents
// of Latin letters dropped (ǔnion sëlect → union select: what accent-
// insensitive collations and "unaccent" steps read), when that makes a
// difference a detector can see: punctuation from fullwidth forms, or
// keywords (kw, those of s) that s did not have. Names and prose with
// accents (Seán, Müller, l'été) fold to nothing new and are not
// inspected twice.
func foldCompat(s string, kw uint64) (string, bool) {
	if len(s) > maxFoldLen {
		return "", false
	}
	var b strings.Builder
	changed, punct := false, false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		f := r
		switch {
		case r >= 0xc0 && r <= 0x24f && latinBase[r-0xc0] != '.':
			f = rune(latinBase[r-0xc0])
		case r >= 0xff01 && r <= 0xff5e:
			f = r - 0xfee0 // the fullwidth forms of ASCII ! to ~
			if !isAlnumByte(byte(f)) {
				punct = true
			}
		case r == 0x3000:
			f = ' '
		}
		if f != r {
			if !changed {
				b.Grow(len(s))
				b.WriteString(s[:i])
				changed = true
			}
			b.WriteRune(f)
		} else if changed {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	if !changed {
		return "", false
	}
	f := b.String()
	if punct {
		return f, true
	}
	var buf [512]byte
	if len(f) <= len(buf) {
		l := buf[:len(f)]
		copy(l, f)
		lowerASCII(l)
		if keywords.scan(bstr(l))&^kw != 0 {
			return f, true
		}
		return "", false
	}
	if keywords.scan(strings.ToLower(f))&^kw != 0 {
		return f, true
	}
	return "", false
}
