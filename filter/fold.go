package filter

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxFoldLen bounds the values folded: longer ones are documents, whose
// accents are language.
const maxFoldLen = 4096

// foldCompat returns s with its compatibility forms folded (fullwidth
// ＜ｓｃｒｉｐｔ＞, ；, ｜ to ASCII: NFKD) and the accents of Latin letters
// dropped (ǔnion sëlect → union select), when that makes a difference a
// detector can see: fullwidth or other compatibility punctuation folded
// to ASCII, or keywords (kw, those of s) that s did not have. Names and
// prose with accents (Seán, Müller, l'été) fold to nothing new and are
// not inspected twice.
func foldCompat(s string, kw uint64) (string, bool) {
	if len(s) > maxFoldLen || norm.NFKD.IsNormalString(s) && !hasCompatForms(s) {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(s))
	punct := false
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if r < utf8.RuneSelf && r > ' ' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			punct = true
		}
		b.WriteRune(r)
	}
	f := b.String()
	if f == s {
		return "", false
	}
	if hasCompatForms(s) && punct {
		return f, true
	}
	if keywords.scan(strings.ToLower(f))&^kw != 0 {
		return f, true
	}
	return "", false
}

// hasCompatForms: s has a halfwidth or fullwidth form (U+FF01–U+FFEE),
// which NFKD folds to ASCII punctuation and letters.
func hasCompatForms(s string) bool {
	for i := 0; i+2 < len(s); i++ {
		if s[i] == 0xef && (s[i+1] == 0xbc || s[i+1] == 0xbd || s[i+1] == 0xbe || s[i+1] == 0xbf) {
			return true
		}
	}
	return false
}
