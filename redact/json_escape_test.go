package redact

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestJSONEscapedValues: values spelled with \uXXXX or \/ escapes inside
// JSON strings are detected and masked, the output stays valid JSON and
// decodes to a string without the value.
func TestJSONEscapedValues(t *testing.T) {
	r := mustNew(t, Config{HMACKey: "k"})
	cases := []struct {
		name, in, det, secret string
	}{
		{"email with escaped at", `{"note":"mail jane\u0040example.com now"}`, DetEmail, "jane@example.com"},
		{"email inside go html escaping", `{"to":"Jane \u003cjane@example.com\u003e"}`, DetEmail, "jane@example.com"},
		{"card fully escaped", `{"n":"\u0034\u0031\u0031\u0031\u0031\u0031\u0031\u0031\u0031\u0031\u0031\u0031\u0031\u0031\u0031\u0031"}`, DetCreditCard, "4111111111111111"},
		{"card with escaped dashes", `{"c":"5555\u002d5555\u002d5555\u002d4444"}`, DetCreditCard, "5555-5555-5555-4444"},
		{"iban escaped letters", `{"iban":"\u0044\u004589370400440532013000"}`, DetIBAN, "DE89370400440532013000"},
		{"ssn escaped dash", `{"x":"ssn 123\u002d45\u002d6788"}`, DetSSN, "123-45-6788"},
		{"bearer with php slashes", `{"h":"Bearer abcDEF0123456789\/ghiJKL\/mnoPQR+stu="}`, DetBearer, "ghiJKL/mnoPQR"},
		{"19-digit card in card key", `{"card_number":"\u0034000000000000000006"}`, DetCreditCard, "4000000000000000006"},
		{"key escaped", `{"jane\u0040example.com":1}`, DetEmail, "jane@example.com"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !json.Valid([]byte(tc.in)) {
				t.Fatalf("test input is not JSON: %s", tc.in)
			}
			for _, cut := range []int{0, 1, 7, len(tc.in) / 2} {
				var cuts []int
				if cut > 0 {
					for c := cut; c < len(tc.in); c += cut {
						cuts = append(cuts, c)
					}
				}
				out, f := maskChunked(t, r, KindJSON, []byte(tc.in), cuts, nil)
				if f.Types[tc.det] == 0 {
					t.Fatalf("cut %d: %s not found in %s -> %s (%v)", cut, tc.det, tc.in, out, f.Types)
				}
				if !json.Valid(out) {
					t.Fatalf("cut %d: output is not JSON: %s", cut, out)
				}
				var v any
				if err := json.Unmarshal(out, &v); err != nil {
					t.Fatal(err)
				}
				if dec := decodedStrings(v); strings.Contains(dec, tc.secret) {
					t.Fatalf("cut %d: %q survives decoded: %s", cut, tc.secret, dec)
				}
			}
		})
	}
}

// decodedStrings concatenates every key and string of a decoded document.
func decodedStrings(v any) string {
	var sb strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			sb.WriteString(x + "\n")
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				sb.WriteString(k + "\n")
				walk(e)
			}
		}
	}
	walk(v)
	return sb.String()
}

// TestJSONEscapedNegatives: decoding does not turn ordinary values into
// findings (the same validators and card context apply).
func TestJSONEscapedNegatives(t *testing.T) {
	r := mustNew(t, Config{})
	for _, in := range []string{
		`{"order_id":"\u0034000000000000000006"}`,
		`{"n":"\u0034111 1111 1111 1112"}`,
		`{"d":"2024\u002d01\u002d15T10:30:00Z","u":"550e8400\u002de29b-41d4-a716-446655440000"}`,
		`{"p":"caf\u00e9 \u20ac 12.99 \/api\/v1\/items"}`,
	} {
		out, f := maskAll(t, r, KindJSON, []byte(in))
		if string(out) != in || f.Total != 0 {
			t.Errorf("%s changed to %s (%v)", in, out, f.Types)
		}
	}
}

// TestJSONEscapedKeepLast: keep_first/keep_last count escaped digits as
// digits and ordinary escapes not at all.
func TestJSONEscapedKeepLast(t *testing.T) {
	r := mustNew(t, Config{Styles: map[string]Style{DetCreditCard: {KeepFirst: 6, KeepLast: 4}}})
	for _, tc := range []struct{ in, want string }{
		{`{"c":"\u0034111 1111 1111 1111"}`, `{"c":"\u0034111 11** **** 1111"}`},
		{`{"c":"4111 1111 1111 \u0031\u0031\u0031\u0031"}`, `{"c":"4111 11** **** \u0031\u0031\u0031\u0031"}`},
		{`{"c":"4111\u002011\u00311 1111 1111"}`, `{"c":"4111\u002011\u002a* **** 1111"}`},
	} {
		out, _ := maskAll(t, r, KindJSON, []byte(tc.in))
		if string(out) != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.in, out, tc.want)
		}
	}
}

// TestJSONEscapedHMAC: a pseudonym is of the value, not of its spelling.
func TestJSONEscapedHMAC(t *testing.T) {
	r := mustNew(t, Config{HMACKey: "k", Style: &Style{Kind: StyleHMAC}})
	a, _ := maskAll(t, r, KindJSON, []byte(`{"e":"jane@example.com"}`))
	b, _ := maskAll(t, r, KindJSON, []byte(`{"e":"jane\u0040example.com"}`))
	if !bytes.Equal(a, b) || !bytes.Contains(a, []byte("[EMAIL:")) {
		t.Fatalf("pseudonyms differ or missing: %s vs %s", a, b)
	}
}

// TestDecodeJSONString pins the decoder and its offset map.
func TestDecodeJSONString(t *testing.T) {
	for _, tc := range []struct{ raw, dec string }{
		{`plain`, "plain"},
		{`a\u0040b`, "a@b"},
		{`\n\t\"\\\/`, "\n\t\"\\/"},
		{`\ud83d\ude00!`, "\U0001F600!"},
		{`\ud83d`, "\uFFFD"},
		{`\u12`, `\u12`},
		{`\x`, `\x`},
		{`end\`, `end\`},
	} {
		dec, dmap := decodeJSONString(nil, nil, []byte(tc.raw), true)
		if string(dec) != tc.dec {
			t.Errorf("%q decoded to %q, want %q", tc.raw, dec, tc.dec)
		}
		if len(dmap) != len(dec)+1 || dmap[len(dec)] != len(tc.raw) {
			t.Errorf("%q: bad map %v", tc.raw, dmap)
		}
		for i := 1; i < len(dmap); i++ {
			if dmap[i] < dmap[i-1] {
				t.Errorf("%q: map not monotonic %v", tc.raw, dmap)
			}
		}
	}
}

// TestJSONEscapedChunking: the escaped slow path gives the same output
// however the body is split.
func TestJSONEscapedChunking(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	r := mustNew(t, Config{WindowBytes: MinWindowBytes, HMACKey: "k",
		Styles: map[string]Style{DetEmail: {Kind: StyleHMAC}, DetCreditCard: {KeepLast: 4}}})
	for range 40 {
		var sb strings.Builder
		sb.WriteString(`{"items":[`)
		for i := range 1 + rng.IntN(8) {
			if i > 0 {
				sb.WriteByte(',')
			}
			p := planted[rng.IntN(len(planted))]
			sb.WriteString(`{"v":"` + escapeSome(rng, p) + `","w":"x\/y \u00e9 ` + escapeSome(rng, p) + `"}`)
		}
		sb.WriteString(`]}`)
		body := []byte(sb.String())
		want, wf := maskAll(t, r, KindJSON, body)
		if !json.Valid(want) {
			t.Fatalf("invalid output %s", want)
		}
		for range 5 {
			got, gf := maskChunked(t, r, KindJSON, body, randomCuts(rng, len(body), 1+rng.IntN(40)), nil)
			if !bytes.Equal(got, want) || gf.Total != wf.Total {
				t.Fatalf("chunked differs at %d:\n%s\n%s", firstDiff(got, want), want, got)
			}
		}
		var v any
		if err := json.Unmarshal(want, &v); err != nil {
			t.Fatal(err)
		}
		dec := decodedStrings(v)
		for _, p := range planted {
			if strings.Contains(dec, p) {
				t.Fatalf("planted %q survives in %s", p, dec)
			}
		}
	}
}

// escapeSome spells some characters of s as \uXXXX (and escapes what JSON
// requires).
func escapeSome(rng *rand.Rand, s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\' || c < 0x20 || rng.IntN(3) == 0:
			sb.WriteString(`\u00`)
			sb.WriteByte("0123456789abcdef"[c>>4])
			sb.WriteByte("0123456789abcdef"[c&15])
		case c == '/':
			sb.WriteString(`\/`)
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}
