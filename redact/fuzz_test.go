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
	// Phones: exit codes, parentheses, extensions, national shapes and
	// the near-misses around them.
	"+1 (415) 555-2671 ext. 12, 001-212-555-0143x4587, 0041 44 668 18 00, +44 (0) 20 7946 0958",
	"07700 063 966 (99) 645-791 60-56-85-91 06.12.34.56.78 030/12345678 2024-01-15 1.299.000 #415-555-2671",
	`{"phone":"4155552671","tel":"+33 6 12 34 56 78","order":"2024-000123","v":"10.0.19045.2965"}`,
	`{"phone":4155552671,"p2":"(415) 555-2671 2024-01-15","p3":"\u002b44 20 7946 0958"}`,
	// Short local numbers: whole values under a phone key, after a phone word.
	`{"phone":"519398","v":"Tel. 708168","ids":["519398"],"mobile":["7263987","x"]}`,
	"Phone: 519398\nid: 708168\n\"tel\":\"7263987\"",
	// Secrets by name, in JSON and in text.
	`{"aws_secret_access_key":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","password":"hunter2","secret_name":"x"}`,
	"client_secret=a1B2c3D4e5F6g7H8i9J0&state=1\npassword: Tr0ub4dor&3\n\"api_secret\": \"a1B2c3D4e5F6g7H8i9J0\"",
	`{"secret":"a1B2c3D4\u0065F6g7H8i9J0","x-api-key":"a1B2c3D4e5F6g7H8i9J0"}`,
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
