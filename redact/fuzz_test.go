package redact

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

var fuzzSeeds = []string{
	`{"a":"4111 1111 1111 1111","password":"x","debug":[1,{"k":"}"}],"n":4111111111111111}`,
	`{"card_number":4111111111111111,"e":"line\n123-45-6788\t\"q\" \\ \u00e9","t":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx.sig"}`,
	"[1, -2.5e3, true, false, null, \"jane@example.com\", {\"\": []}]\n{\"x\": 1}",
	`{"k":"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----","b":"Bearer abcdefghijklmnop1234"}`,
	"plain text +44 20 7946 0958 (415) 555-2671 DE89 3704 0044 0532 0130 00 AKIAIOSFODNN7EXAMPLE",
	`{"a": tru`, `{"a":[1,2}`, `"unterminated \`, "\xff\xfe{\"a\":1}",
	"ghp_16C7e42F292c6912E7710c838347Ae178B4a xoxb-2345678901-abcdefghijkl sk_live_4eC39HqLyjWDarjtT1zdp7dc",
	`{"e":"jane\u0040example.com","c":"\u0034111 1111 1111 1111","b":"Bearer abcdefghij\/klmnop1234","s":"\ud83d\ude00\ud83d"}`,
}

func fuzzRedactors(t testing.TB) []*Redactor {
	return []*Redactor{
		mustNew(t, Config{WindowBytes: MinWindowBytes}),
		mustNew(t, Config{WindowBytes: MinWindowBytes, IPAddresses: true, HMACKey: "k",
			Fields: []FieldRule{{Path: "password"}, {Path: "debug", Style: &Style{Kind: StyleRemove}},
				{Path: "[*]", Style: &Style{Kind: StyleHMAC}}, {Path: "*.k", Style: &Style{Kind: StyleLabel}}},
			Styles: map[string]Style{DetEmail: {Kind: StyleRemove}, DetCreditCard: {KeepFirst: 6, KeepLast: 4}},
			Custom: []CustomDetector{{Name: "ref", Pattern: `ref-[0-9]+`}}}),
		mustNew(t, Config{WindowBytes: MinWindowBytes, IPAddresses: true, HMACKey: "k",
			Fields: []FieldRule{{Path: "password"}, {Path: "debug", Style: &Style{Kind: StyleRemove}},
				{Path: "[*]", Style: &Style{Kind: StyleRemove}}, {Path: "*.k", Style: &Style{Kind: StyleHMAC}}},
			Styles: map[string]Style{DetPhone: {Kind: StyleLabel}}}),
	}
}

// checkStream is the fuzz property: whole and chunked outputs agree, valid
// JSON stays valid, nothing panics.
func checkStream(t *testing.T, rs []*Redactor, body []byte, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, seed>>7))
	valid := json.Valid(body)
	for ri, r := range rs {
		for _, kind := range []BodyKind{KindJSON, KindText} {
			want, _ := maskAll(t, r, kind, body)
			got, _ := maskChunked(t, r, kind, body, randomCuts(rng, len(body), 1+rng.IntN(16)), nil)
			if ri != 1 && !bytes.Equal(got, want) { // custom regexps (1) are best effort across cuts
				t.Fatalf("redactor %d kind %d: chunked output differs at %d\nwhole:   %q\nchunked: %q",
					ri, kind, firstDiff(got, want), want, got)
			}
			if kind == KindJSON && valid && !json.Valid(want) {
				t.Fatalf("redactor %d: valid JSON became invalid: %q -> %q", ri, body, want)
			}
		}
	}
}

// FuzzJSONStream fuzzes the JSON tokenizer (and, on the same inputs, the
// text scanner) for panics, chunking differences and broken JSON.
func FuzzJSONStream(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add([]byte(s), uint64(i))
	}
	rs := fuzzRedactors(f)
	f.Fuzz(func(t *testing.T, body []byte, seed uint64) {
		checkStream(t, rs, body, seed)
	})
}

// FuzzTextStream fuzzes the text scanner with inputs built around the
// detectors' triggers.
func FuzzTextStream(f *testing.F) {
	for i, s := range planted {
		f.Add("x "+s+" y", "(", uint64(i))
	}
	f.Add("eyJ", "...", uint64(1))
	f.Add("-----BEGIN EC PRIVATE KEY-----", "\n", uint64(2))
	rs := fuzzRedactors(f)
	f.Fuzz(func(t *testing.T, a, b string, seed uint64) {
		body := []byte(a + b + a)
		rng := rand.New(rand.NewPCG(seed, 3))
		for _, r := range rs[:1] {
			want, _ := maskAll(t, r, KindText, body)
			got, _ := maskChunked(t, r, KindText, body, randomCuts(rng, len(body), 1+rng.IntN(16)), nil)
			if !bytes.Equal(got, want) {
				t.Fatalf("chunked text differs at %d\nwhole:   %q\nchunked: %q", firstDiff(got, want), want, got)
			}
		}
	})
}
