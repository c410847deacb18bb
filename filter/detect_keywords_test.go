package filter

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// naiveKeywords is the definition scan implements: the groups of every
// keyword that occurs in s.
func naiveKeywords(s string) uint64 {
	var mask uint64
	for _, g := range kwGroups {
		for _, w := range g.words {
			if strings.Contains(s, w) {
				mask |= g.bit
			}
		}
	}
	return mask
}

// keywordSamples are values built from the keywords themselves: whole,
// cut short at the end of the value, and glued to their neighbours.
func keywordSamples() []string {
	var out []string
	for _, g := range kwGroups {
		for _, w := range g.words {
			out = append(out, w, w[:len(w)-1], "x"+w, w+"x", "a "+w[:len(w)/2+1], w+w[:len(w)-1])
		}
	}
	return out
}

func TestKeywordScanMatchesDefinition(t *testing.T) {
	samples := append(keywordSamples(), "", "a", "gift wrap, ring the bell", "union station parking", "1 union select password from users--")
	rng := rand.New(rand.NewPCG(1, 2))
	words := keywordSamples()
	for range 20000 {
		var b strings.Builder
		for range 1 + rng.IntN(4) {
			b.WriteString(words[rng.IntN(len(words))])
			if rng.IntN(2) == 0 {
				b.WriteByte(" ._-(/'"[rng.IntN(7)])
			}
		}
		samples = append(samples, b.String())
	}
	for _, s := range samples {
		if got, want := keywords.scan(s), naiveKeywords(s); got != want {
			t.Fatalf("scan(%q) = %#x, want %#x", s, got, want)
		}
	}
}

func FuzzKeywordScan(f *testing.F) {
	for _, s := range keywordSamples()[:200] {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := keywords.scan(s), naiveKeywords(s); got != want {
			t.Fatalf("scan(%q) = %#x, want %#x", s, got, want)
		}
	})
}
