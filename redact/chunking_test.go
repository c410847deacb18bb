package redact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// randomJSONBody builds a JSON document mixing structure, numbers, long
// strings (beyond the window), escapes and planted secrets.
func randomJSONBody(rng *rand.Rand, records int) []byte {
	var sb strings.Builder
	sb.WriteString("{\"items\": [\n")
	for i := range records {
		if i > 0 {
			sb.WriteString(",\n")
		}
		fmt.Fprintf(&sb, `  {"id": %d, "ok": %t, "n": null, "price": %d.%02d, "card_number": 4111111111111111, `,
			rng.Int64N(1e18), rng.IntN(2) == 0, rng.IntN(999), rng.IntN(100))
		fmt.Fprintf(&sb, `"note": "%s", "password": "pw-%d", "nested": {"ssn": "%s", "tags": ["a", "%s"]}, `,
			randomText(rng, rng.IntN(3000)), i, planted[rng.IntN(len(planted))], planted[rng.IntN(len(planted))])
		fmt.Fprintf(&sb, `"esc": "line\n%s\t\"q\" \\ \u00e9", "secret": {"k": [1, 2, "%s"]}}`,
			planted[rng.IntN(len(planted))], planted[rng.IntN(len(planted))])
	}
	sb.WriteString("\n]}\n")
	return []byte(sb.String())
}

// randomText is prose with planted secrets and separators.
func randomText(rng *rand.Rand, n int) string {
	words := []string{"order", "shipped", "Card", "on", "2024-01-15", "12.99", "id", "1234567890123456789",
		"The", "value", "e-mail:", "call", "PAN", "x", "ref#", "550e8400-e29b-41d4-a716-446655440000", "Bearer"}
	var sb strings.Builder
	for sb.Len() < n {
		if rng.IntN(8) == 0 {
			sb.WriteString(planted[rng.IntN(len(planted))])
		} else {
			sb.WriteString(words[rng.IntN(len(words))])
		}
		sb.WriteByte(" ,;:/"[rng.IntN(5)])
	}
	return sb.String()
}

func invarianceConfigs() map[string]Config {
	return map[string]Config{
		"defaults": {WindowBytes: MinWindowBytes},
		"fields": {WindowBytes: MinWindowBytes, Fields: []FieldRule{
			{Path: "password"}, {Path: "nested.ssn", Style: &Style{Kind: StyleHMAC}},
			{Path: "secret", Style: &Style{Kind: StyleRemove}}, {Path: "tags[*]", Style: &Style{Kind: StyleLabel}},
		}, HMACKey: "k", Styles: map[string]Style{DetCreditCard: {KeepFirst: 6, KeepLast: 4}, DetEmail: {Kind: StyleLabel}}},
		"custom+ip": {WindowBytes: MinWindowBytes, IPAddresses: true,
			Custom: []CustomDetector{{Name: "order_ref", Pattern: `ref#[0-9]{4,}`}}},
	}
}

// TestChunkingInvariance: masking a body split at arbitrary boundaries gives
// byte for byte the output of masking it whole (text and JSON).
func TestChunkingInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	for name, cfg := range invarianceConfigs() {
		r := mustNew(t, cfg)
		for iter := range 30 {
			body := randomJSONBody(rng, 1+rng.IntN(6))
			for _, kind := range []BodyKind{KindJSON, KindText} {
				want, wf := maskAll(t, r, kind, body)
				for trial := range 6 {
					var cuts []int
					switch trial {
					case 0: // one byte at a time
						for c := 1; c < len(body); c++ {
							cuts = append(cuts, c)
						}
					default:
						cuts = randomCuts(rng, len(body), 1+rng.IntN(200))
					}
					got, gf := maskChunked(t, r, kind, body, cuts, nil)
					if !bytes.Equal(got, want) {
						i := firstDiff(got, want)
						t.Fatalf("%s iter %d kind %d trial %d: chunked output differs at %d:\nwhole:   %q\nchunked: %q",
							name, iter, kind, trial, i, excerpt(want, i), excerpt(got, i))
					}
					if gf.Total != wf.Total {
						t.Fatalf("%s: findings differ: whole %+v chunked %+v", name, wf, gf)
					}
				}
			}
		}
	}
}

// TestJSONStaysValid: valid JSON in, valid JSON out, under every style and
// field rule (including removal), however it is chunked.
func TestJSONStaysValid(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for name, cfg := range invarianceConfigs() {
		r := mustNew(t, cfg)
		for range 20 {
			body := randomJSONBody(rng, 1+rng.IntN(4))
			if !json.Valid(body) {
				t.Fatalf("generator produced invalid JSON")
			}
			out, f := maskChunked(t, r, KindJSON, body, randomCuts(rng, len(body), 50), nil)
			if !json.Valid(out) {
				t.Fatalf("%s: output is not valid JSON:\n%s", name, out)
			}
			if f.Fallback {
				t.Fatalf("%s: valid JSON fell back to text", name)
			}
		}
	}
}

// TestNoPlantedSecretSurvives checks every planted value is gone from the
// output, in JSON and text, whole and chunked.
func TestNoPlantedSecretSurvives(t *testing.T) {
	r := mustNew(t, Config{WindowBytes: MinWindowBytes})
	// Several seeds: planted values land next to every kind of neighbour
	// (dates, prices, ids, other values glued by '/', ',', ':' …).
	for seed := range uint64(24) {
		rng := rand.New(rand.NewPCG(5+seed, 6))
		testPlanted(t, r, rng)
	}
}

func testPlanted(t *testing.T, r *Redactor, rng *rand.Rand) {
	for range 20 {
		body := randomJSONBody(rng, 3)
		for _, kind := range []BodyKind{KindJSON, KindText} {
			out, _ := maskChunked(t, r, kind, body, randomCuts(rng, len(body), 40), nil)
			for _, p := range planted {
				if i := bytes.Index(out, []byte(p)); i >= 0 {
					t.Fatalf("kind %d: planted %q survived: %q", kind, p, excerpt(out, i))
				}
			}
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func excerpt(b []byte, i int) []byte {
	return b[max(0, i-60):min(len(b), i+60)]
}
