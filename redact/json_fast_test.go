package redact

import (
	"io"
	"math/rand/v2"
	"testing"
)

// stringEndRef is stringEnd with every trigger handed to prefilter: the
// definition the inline decisions in stringEnd must agree with.
func (s *Stream) stringEndRef(b []byte, p int) (z, first int, esc bool) {
	if len(s.r.custom) > 0 {
		z, esc = closingQuote(b, p)
		return z, p, esc
	}
	stab := &s.r.stab
	n := len(b)
	lo := p
	for {
		for p < n && stab[b[p]] == 0 {
			p++
		}
		if p >= n {
			return -1, -1, false
		}
		switch b[p] {
		case '"':
			return p, -1, false
		case '\\':
			if p+1 < n && (b[p+1] == 'u' || b[p+1] == '/') {
				z, _ = closingQuote(b, p)
				return z, p, true
			}
			p += 2
			if p >= n {
				return -1, -1, false
			}
			continue
		}
		if next := s.prefilter(b, lo, p); next > p {
			p = next
			continue
		}
		z, esc = closingQuote(b, p)
		return z, p, esc
	}
}

// stringEndConfigs: the default detectors, IP addresses on (prefilter
// passes more on), and sets without PEM or Slack, IBAN or phone, whose
// triggers and filters differ.
func stringEndConfigs(t testing.TB) []*Stream {
	var ss []*Stream
	for _, cfg := range []Config{
		{},
		{IPAddresses: true},
		{Disable: []string{DetPrivateKey}},
		{Disable: []string{DetPrivateKey, DetSlackToken}},
		{Disable: []string{DetIBAN, DetPhone}},
	} {
		ss = append(ss, mustNew(t, cfg).NewStream(io.Discard, KindJSON))
	}
	return ss
}

// stringEndAlphabet is rich in what the inline paths decide: digits,
// dashes, hex letters, word bytes, escapes, IBAN country codes, "xox",
// capitals of AKIA/ASIA/AIza and Bearer, secret names before '=' and ':'.
const stringEndAlphabet = "0123456789--abcdefxoxDEGBT_ :.\\\"/u+@ JeyAKSIzr=pwd"

func checkStringEnd(t *testing.T, ss []*Stream, b []byte) {
	t.Helper()
	for ci, s := range ss {
		for p := 0; p <= len(b); p++ {
			z, f, e := s.stringEnd(b, p)
			rz, rf, re := s.stringEndRef(b, p)
			if z != rz || f != rf || e != re {
				t.Fatalf("config %d, %q from %d: stringEnd = %d, %d, %v; by prefilter alone %d, %d, %v",
					ci, b, p, z, f, e, rz, rf, re)
			}
		}
	}
}

func TestStringEndMatchesPrefilter(t *testing.T) {
	ss := stringEndConfigs(t)
	for _, v := range []string{
		`550e8400-e29b-41d4-a716-446655440000"`,
		`2024-03-14T10:05:00Z"`,
		`DE89 3704 0044 0532 0130 00"`,
		`de89-3704"`,
		`xoxb-123-456"`,
		`-----BEGIN"`,
		`a\n5 1\\7 x\u0041"`,
		`4111 1111 1111 1111"`,
		`+1 415-555-0100"`,
		`SKU-12345-A7"`,
		`Customer 5"`,
		`ab12cd-99"`,
		`SKU-000861"`,
		`AKIAIOSFODNN7EXAMPLE AIzaX ASIA"`,
		`Bearer abc BEARER bearer x"`,
		`password=hunter2 token: x 10:05:00"`,
		`jane@example.com"`,
		`Ab\nKS\tAK"`,
	} {
		checkStringEnd(t, ss, []byte(v))
	}
	rng := rand.New(rand.NewPCG(7, 13))
	for range 3000 {
		b := make([]byte, 1+rng.IntN(40))
		for i := range b {
			b[i] = stringEndAlphabet[rng.IntN(len(stringEndAlphabet))]
		}
		checkStringEnd(t, ss, b)
	}
}

func FuzzStringEnd(f *testing.F) {
	f.Add([]byte(`550e8400-e29b-41d4-a716-446655440000"`))
	f.Add([]byte(`2024-03-14T10:05:00Z", "DE89 3704 0044 0532 0130 00"`))
	f.Add([]byte(`xoxb-1-2 \u00410-0 a\\5 "`))
	ss := stringEndConfigs(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 256 {
			b = b[:256]
		}
		checkStringEnd(t, ss, b)
	})
}
