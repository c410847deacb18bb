package authn

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"slices"
	"strings"
	"testing"
)

func jwkJSON(t *testing.T, kid, alg string, pub any) string {
	t.Helper()
	m, err := PublicJWK(kid, alg, pub)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func TestParseKeys(t *testing.T) {
	k := loadKeys()
	ecDER, _ := x509.MarshalPKIXPublicKey(&k.p384.PublicKey)
	ecPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecDER}))
	privDER, _ := x509.MarshalPKCS8PrivateKey(k.ed)
	privPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER}))
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k.rsa.PublicKey)}))
	oct := `{"kty":"oct","kid":"h","k":"` + base64.RawURLEncoding.EncodeToString(k.hmac) + `"}`
	set := `{"keys":[` + jwkJSON(t, "r1", "RS256", &k.rsa.PublicKey) + `,` + jwkJSON(t, "e1", "", &k.p256.PublicKey) +
		`,{"kty":"RSA","use":"enc","n":"AQAB","e":"AQAB"},{"kty":"XYZ"}]}`
	cases := []struct {
		name    string
		in      string
		wantN   int
		wantAlg []string // of the first key
		wantKid string
		wantErr string
	}{
		{name: "RSA PEM", in: string(k.rsaPEM), wantN: 1, wantAlg: []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}},
		{name: "PKCS1 PEM", in: pkcs1, wantN: 1, wantAlg: []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}},
		{name: "EC PEM pinned to its curve", in: ecPEM, wantN: 1, wantAlg: []string{"ES384"}},
		{name: "private key PEM reduced to public", in: privPEM, wantN: 1, wantAlg: []string{"EdDSA"}},
		{name: "two PEM blocks", in: string(k.rsaPEM) + ecPEM, wantN: 2},
		{name: "JWK with alg", in: jwkJSON(t, "r1", "PS256", &k.rsa.PublicKey), wantN: 1, wantAlg: []string{"PS256"}, wantKid: "r1"},
		{name: "EdDSA JWK", in: jwkJSON(t, "ed", "", k.ed.Public()), wantN: 1, wantAlg: []string{"EdDSA"}, wantKid: "ed"},
		{name: "oct JWK", in: oct, wantN: 1, wantAlg: []string{"HS256", "HS384", "HS512"}, wantKid: "h"},
		{name: "JWK Set skips enc and unknown keys", in: set, wantN: 2, wantAlg: []string{"RS256"}, wantKid: "r1"},
		{name: "JWK alg outside the curve", in: jwkJSON(t, "e", "ES384", &k.p256.PublicKey), wantErr: "cannot be used"},
		{name: "JWK HS alg on RSA key", in: jwkJSON(t, "r", "HS256", &k.rsa.PublicKey), wantErr: "cannot be used"},
		{name: "short oct", in: `{"kty":"oct","k":"c2hvcnQ"}`, wantErr: "too short"},
		{name: "EC point off the curve", in: `{"kty":"EC","crv":"P-256","x":"` + strings.Repeat("A", 43) + `","y":"` + strings.Repeat("B", 43) + `"}`, wantErr: "invalid EC point"},
		{name: "empty set", in: `{"keys":[]}`, wantErr: "no usable"},
		{name: "RSA modulus over 8192 bits", in: rsaJWKOfBits(8200, "AQAB"), wantErr: "too large"},
		{name: "RSA modulus under 2048 bits", in: rsaJWKOfBits(2040, "AQAB"), wantErr: "too small"},
		{name: "RSA modulus of 8192 bits", in: rsaJWKOfBits(8192, "AQAB"), wantN: 1},
		{name: "RSA exponent too large", in: rsaJWKOfBits(2048, "AQAAAAE"), wantErr: "exponent too large"},
		{name: "RSA exponent over 2^31-1", in: rsaJWKOfBits(2048, "_____w"), wantErr: "exponent too large"},
		{name: "RSA even exponent", in: rsaJWKOfBits(2048, "AQAA"), wantErr: "invalid RSA exponent"},
		{name: "not a key", in: "hello", wantErr: "neither PEM nor JSON"},
		{name: "bad PEM type", in: "-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n", wantErr: "unsupported PEM type"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			keys, err := ParseKeys([]byte(c.in))
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != c.wantN {
				t.Fatalf("%d keys, want %d", len(keys), c.wantN)
			}
			if c.wantAlg != nil && !slices.Equal(keys[0].Algorithms, c.wantAlg) {
				t.Fatalf("algorithms = %v, want %v", keys[0].Algorithms, c.wantAlg)
			}
			if keys[0].ID != c.wantKid {
				t.Fatalf("kid = %q, want %q", keys[0].ID, c.wantKid)
			}
		})
	}
}

func TestHMACKeyAlgorithmsFollowSecretLength(t *testing.T) {
	cases := []struct {
		n    int
		want []string
	}{{31, nil}, {32, []string{"HS256"}}, {48, []string{"HS256", "HS384"}}, {64, []string{"HS256", "HS384", "HS512"}}}
	for _, c := range cases {
		k, err := NewHMACKey("", make([]byte, c.n))
		if c.want == nil {
			if err == nil {
				t.Fatalf("%d-byte secret accepted", c.n)
			}
			continue
		}
		if err != nil || !slices.Equal(k.Algorithms, c.want) {
			t.Fatalf("%d bytes: %v %v", c.n, k, err)
		}
	}
	if _, err := NewHMACKey("", make([]byte, 32), "HS512"); err == nil {
		t.Fatal("HS512 allowed with a 32-byte secret")
	}
}

func TestDecodeSecret(t *testing.T) {
	raw := []byte{0xfb, 0xff, 0xfe, 1, 2}
	for _, c := range []struct {
		prefix string
		enc    *base64.Encoding
	}{
		{"base64:", base64.StdEncoding}, {"base64:", base64.RawStdEncoding},
		{"base64url:", base64.URLEncoding}, {"base64url:", base64.RawURLEncoding},
	} {
		got, err := DecodeSecret(c.prefix + c.enc.EncodeToString(raw))
		if err != nil || !slices.Equal(got, raw) {
			t.Fatalf("%s: %v %v", c.prefix, got, err)
		}
		// Unprefixed, the same text is ambiguous.
		if _, err := DecodeSecret(c.enc.EncodeToString(raw)); !errors.Is(err, ErrAmbiguousSecret) {
			t.Fatalf("unprefixed %q: %v", c.enc.EncodeToString(raw), err)
		}
	}
	// The raw secret of issue 9 is valid base64: raw: keeps its bytes.
	const issue = "thisIsMyLongRawSecretForHS256Tokens2024abcdEFGH"
	if got, err := DecodeSecret("raw:" + issue); err != nil || string(got) != issue {
		t.Fatalf("raw: %q %v", got, err)
	}
	if _, err := DecodeSecret(issue); !errors.Is(err, ErrAmbiguousSecret) || !strings.Contains(err.Error(), "raw:") {
		t.Fatalf("unprefixed valid-base64 secret: %v", err)
	}
	// Unprefixed text that no base64 alphabet reads is raw.
	if got, err := DecodeSecret("not base64! but a raw secret"); err != nil || string(got) != "not base64! but a raw secret" {
		t.Fatalf("unprefixed raw: %q %v", got, err)
	}
	for _, bad := range []string{"base64:not base64!", "base64url:a+b/", "base64:-_-_", "raw:", "base64:", "raw: padded ", ""} {
		if _, err := DecodeSecret(bad); err == nil {
			t.Fatalf("%q decoded", bad)
		}
	}
}

func TestRestrict(t *testing.T) {
	k := loadKeys()
	key, _ := newKey("", &k.rsa.PublicKey, nil)
	r, err := key.Restrict("kid", []string{"PS256", "ES256"})
	if err != nil || r.ID != "kid" || !slices.Equal(r.Algorithms, []string{"PS256"}) {
		t.Fatalf("%+v %v", r, err)
	}
	if _, err := key.Restrict("", []string{"HS256"}); err == nil {
		t.Fatal("restricting an RSA key to HS256 succeeded")
	}
	ec, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	if _, err := newKey("", &ec.PublicKey, nil); err == nil {
		t.Fatal("P-224 accepted")
	}
}

// rsaJWKOfBits builds an RSA JWK whose modulus has exactly bits bits (all
// ones: not a real key, but the size checks run before any use).
func rsaJWKOfBits(bits int, e string) string {
	n := make([]byte, (bits+7)/8)
	for i := range n {
		n[i] = 0xff
	}
	if r := bits % 8; r != 0 {
		n[0] = byte(1<<r - 1)
	}
	return `{"kty":"RSA","n":"` + base64.RawURLEncoding.EncodeToString(n) + `","e":"` + e + `"}`
}
