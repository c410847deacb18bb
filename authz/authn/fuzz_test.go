package authn

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// FuzzVerify feeds arbitrary tokens to a verifier holding HMAC, RSA, ECDSA
// and EdDSA keys: it must never panic, and must only accept tokens that a
// real key signed (the seeds include two; mutations of them must not pass
// unless they decode to the same signed content).
func FuzzVerify(f *testing.F) {
	var keys []*Key
	var valid []string
	for _, c := range algCases(f) {
		keys = append(keys, c.key)
		if c.alg == "HS256" || c.alg == "ES256" {
			valid = append(valid, mint(f, c.alg, c.sign, "", baseClaims()))
		}
	}
	seen := map[*Key]bool{}
	var unique []*Key
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			unique = append(unique, k)
		}
	}
	v := newTestVerifier(f, func(o *Options) { o.CacheSize = 0 }, unique...)
	for _, s := range valid {
		f.Add(s)
	}
	f.Add("eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIn0.")
	f.Add("..")
	f.Add(strings.Repeat(".", 1000))
	f.Add("e30.e30.e30")
	f.Add("eyJhbGciOiJIUzI1NiIsImNyaXQiOlsiZXhwIl19.e30.AAAA")
	f.Fuzz(func(t *testing.T, tok string) {
		id, err := v.Verify(bg, tok)
		if err != nil {
			if ReasonOf(err) == "" {
				t.Fatalf("rejection without a reason: %v", err)
			}
			return
		}
		if id == nil || id.ID == "" || id.Issuer != testIssuer {
			t.Fatalf("accepted token produced identity %+v", id)
		}
	})
}

// FuzzParseKeys feeds arbitrary key material (PEM, JWK, JWK Set, as an
// attacker-controlled JWKS endpoint would) to the parsers.
func FuzzParseKeys(f *testing.F) {
	k := loadKeys()
	f.Add(k.rsaPEM)
	f.Add([]byte(`{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}`))
	f.Add([]byte(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB","alg":"RS256"}]}`))
	f.Add([]byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`))
	f.Add([]byte(`{"kty":"oct","k":"` + strings.Repeat("A", 43) + `"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := ParseKeys(data)
		if err != nil {
			return
		}
		for _, key := range keys {
			if len(key.Algorithms) == 0 {
				t.Fatal("parsed a key with no algorithm")
			}
			for _, a := range key.Algorithms {
				if strings.EqualFold(a, "none") {
					t.Fatal("parsed a key allowing none")
				}
			}
		}
		_, _ = parseRemoteKeys(data)
	})
}

// FuzzCacheMaxAge feeds arbitrary Cache-Control values (from the IdP's
// JWKS response) to the max-age parser: it must never panic, and the
// result is either "none" (-1) or a duration within [0, 365 days].
func FuzzCacheMaxAge(f *testing.F) {
	for _, s := range []string{"max-age=300", "public, max-age=0", "no-store", `max-age="60"`,
		"max-age=99999999999999999999", "max-age=-1", "max-age", ",,,=,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got := cacheMaxAge(http.Header{"Cache-Control": {v}})
		if got != -1 && (got < 0 || got > 365*24*time.Hour) {
			t.Fatalf("cacheMaxAge(%q) = %v", v, got)
		}
	})
}
