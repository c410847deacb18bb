package authn

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"sync"
	"testing"
	"time"
)

// testKeys are generated once per test binary: RSA generation is slow.
type testKeys struct {
	rsa      *rsa.PrivateKey
	rsa2     *rsa.PrivateKey
	p256     *ecdsa.PrivateKey
	p384     *ecdsa.PrivateKey
	p521     *ecdsa.PrivateKey
	ed       ed25519.PrivateKey
	hmac     []byte
	rsaPEM   []byte // public key PEM of rsa
	attacker *rsa.PrivateKey
}

var loadKeys = sync.OnceValue(func() *testKeys {
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	k := &testKeys{}
	var err error
	k.rsa, err = rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	k.rsa2, err = rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	k.attacker, err = rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	k.p256, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err)
	k.p384, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	must(err)
	k.p521, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	must(err)
	_, k.ed, err = ed25519.GenerateKey(rand.Reader)
	must(err)
	k.hmac = []byte(strings.Repeat("0123456789abcdef", 4)) // 64 bytes: HS256..HS512
	der, err := x509.MarshalPKIXPublicKey(&k.rsa.PublicKey)
	must(err)
	k.rsaPEM = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	return k
})

// algCase is one algorithm with its signing key and pinned verification key.
type algCase struct {
	alg  string
	sign any
	key  *Key
}

func algCases(t testing.TB) []algCase {
	t.Helper()
	k := loadKeys()
	mk := func(material any) *Key {
		key, err := newKey("", material, nil)
		if err != nil {
			t.Fatal(err)
		}
		return key
	}
	rsaKey, ecKey256, ecKey384, ecKey521 := mk(&k.rsa.PublicKey), mk(&k.p256.PublicKey), mk(&k.p384.PublicKey), mk(&k.p521.PublicKey)
	edKey, hKey := mk(k.ed.Public()), mk(k.hmac)
	return []algCase{
		{"HS256", k.hmac, hKey}, {"HS384", k.hmac, hKey}, {"HS512", k.hmac, hKey},
		{"RS256", k.rsa, rsaKey}, {"RS384", k.rsa, rsaKey}, {"RS512", k.rsa, rsaKey},
		{"PS256", k.rsa, rsaKey}, {"PS384", k.rsa, rsaKey}, {"PS512", k.rsa, rsaKey},
		{"ES256", k.p256, ecKey256}, {"ES384", k.p384, ecKey384}, {"ES512", k.p521, ecKey521},
		{"EdDSA", k.ed, edKey},
	}
}

const testIssuer = "https://issuer.example"

var testNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func baseClaims() map[string]any {
	return map[string]any{
		"iss":   testIssuer,
		"sub":   "alice",
		"aud":   "api",
		"iat":   testNow.Add(-time.Minute).Unix(),
		"exp":   testNow.Add(10 * time.Minute).Unix(),
		"roles": []any{"admin", "dev"},
		"scope": "read write",
	}
}

func mint(t testing.TB, alg string, key any, kid string, claims map[string]any) string {
	t.Helper()
	s, err := Mint(alg, key, kid, claims)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newTestVerifier(t testing.TB, mutate func(*Options), keys ...*Key) *Verifier {
	t.Helper()
	o := Options{
		Issuers:    []Issuer{{Issuer: testIssuer, Audiences: []string{"api", "other"}, Keys: keys}},
		Leeway:     DefaultLeeway,
		RoleClaims: []string{"roles", "realm_access.roles"},
		Now:        func() time.Time { return testNow },
	}
	if mutate != nil {
		mutate(&o)
	}
	v, err := NewVerifier(o)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var bg = context.Background()
