package redact

import (
	"encoding/binary"
	"io"
	"math/rand/v2"
	"testing"
)

// TestWordFlags: the lowest flagged lane of wordFlags is the first byte in
// [wordLo, wordHi] or equal to wordEx, for every byte in every lane.
func TestWordFlags(t *testing.T) {
	in := func(c byte) bool { return c >= wordLo && c <= wordHi || c == wordEx }
	rng := rand.New(rand.NewPCG(11, 17))
	var w [8]byte
	for k := range 200000 {
		for l := range w {
			w[l] = byte(rng.IntN(256))
			if rng.IntN(3) > 0 { // mostly bytes outside the set
				w[l] = "abcdefghijklmnopqrstuvwxyz \x80\xff!`"[rng.IntN(31)]
			}
		}
		if k < 8*256 { // every byte in every lane
			w[k/256] = byte(k)
		}
		want := -1
		for l, c := range w {
			if in(c) {
				want = l
				break
			}
		}
		got := -1
		if m := wordFlags(binary.LittleEndian.Uint64(w[:])); m != 0 {
			got = 0
			for m&0x80 == 0 {
				m >>= 8
				got++
			}
		}
		if got != want {
			t.Fatalf("%q: lowest flagged lane %d, want %d", w, got, want)
		}
	}
}

// TestWordSet: the word search applies to the default detectors and not
// where IP addresses make hex letters triggers or custom detectors scan
// every string.
func TestWordSet(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want bool
	}{
		{Config{}, true},
		{Config{Disable: []string{DetBearer}}, true},
		{Config{IPAddresses: true}, false},
		{Config{Custom: []CustomDetector{{Name: "ref", Pattern: `ref-[0-9]+`}}}, false},
	} {
		r := mustNew(t, c.cfg)
		if r.words != c.want {
			t.Errorf("%+v: words = %v, want %v", c.cfg, r.words, c.want)
		}
		_ = r.NewStream(io.Discard, KindJSON)
	}
}
