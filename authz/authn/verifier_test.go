package authn

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse-dev/caddy-gatehouse/authz"
)

func wantReason(t *testing.T, err error, want Reason) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("unexpected rejection: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("accepted, want rejection %q", want)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *Error", err)
	}
	if e.Reason != want {
		t.Fatalf("reason = %q (%v), want %q", e.Reason, err, want)
	}
}

func TestVerifyEachAlgorithm(t *testing.T) {
	for _, c := range algCases(t) {
		t.Run(c.alg, func(t *testing.T) {
			v := newTestVerifier(t, nil, c.key)
			id, err := v.Verify(bg, mint(t, c.alg, c.sign, "", baseClaims()))
			wantReason(t, err, "")
			if id.ID != "alice" || id.Method != "jwt" || id.Issuer != testIssuer {
				t.Fatalf("identity = %+v", id)
			}
			if !slices.Equal(id.Roles, []string{"admin", "dev"}) || !slices.Equal(id.Scopes, []string{"read", "write"}) {
				t.Fatalf("roles %v scopes %v", id.Roles, id.Scopes)
			}
			// A flipped signature byte must fail.
			tok := mint(t, c.alg, c.sign, "", baseClaims())
			sig := []byte(tok[strings.LastIndexByte(tok, '.')+1:])
			sig[len(sig)/2] ^= 'A' ^ 'B'
			if sig[len(sig)/2] == tok[strings.LastIndexByte(tok, '.')+1+len(sig)/2] {
				sig[len(sig)/2] = 'C'
			}
			_, err = v.Verify(bg, tok[:strings.LastIndexByte(tok, '.')+1]+string(sig))
			if err == nil {
				t.Fatal("tampered signature accepted")
			}
		})
	}
}

// TestKeyPinning checks that a key never verifies another family's or
// another size's algorithm, whatever the token's alg says.
func TestKeyPinning(t *testing.T) {
	cases := algCases(t)
	for _, signer := range cases {
		for _, verifier := range cases {
			if verifier.key.Allows(signer.alg) {
				continue
			}
			v := newTestVerifier(t, nil, verifier.key)
			_, err := v.Verify(bg, mint(t, signer.alg, signer.sign, "", baseClaims()))
			if err == nil {
				t.Fatalf("%s token accepted by a key pinned to %v", signer.alg, verifier.key.Algorithms)
			}
		}
	}
}

func TestClaimRules(t *testing.T) {
	k := loadKeys()
	hkey, _ := NewHMACKey("", k.hmac)
	type tc struct {
		name    string
		claims  func(map[string]any)
		header  map[string]any
		opts    func(*Options)
		want    Reason
		checkID func(*testing.T, map[string]any)
	}
	cases := []tc{
		{name: "valid"},
		{name: "expired just outside leeway", claims: func(c map[string]any) { c["exp"] = testNow.Add(-61 * time.Second).Unix() }, want: ReasonExpired},
		{name: "expired exactly at leeway", claims: func(c map[string]any) { c["exp"] = testNow.Add(-60 * time.Second).Unix() }, want: ReasonExpired},
		{name: "expired just inside leeway", claims: func(c map[string]any) { c["exp"] = testNow.Add(-59 * time.Second).Unix() }},
		{name: "expired with zero leeway", claims: func(c map[string]any) { c["exp"] = testNow.Add(-time.Second).Unix() }, opts: func(o *Options) { o.Leeway = 0 }, want: ReasonExpired},
		{name: "missing exp", claims: func(c map[string]any) { delete(c, "exp") }, want: ReasonMissingExp},
		{name: "missing exp allowed", claims: func(c map[string]any) { delete(c, "exp") }, opts: func(o *Options) { o.AllowMissingExp = true }},
		{name: "exp not a number", claims: func(c map[string]any) { c["exp"] = "tomorrow" }, want: ReasonClaims},
		{name: "future nbf", claims: func(c map[string]any) { c["nbf"] = testNow.Add(2 * time.Minute).Unix() }, want: ReasonNotYetValid},
		{name: "nbf within leeway", claims: func(c map[string]any) { c["nbf"] = testNow.Add(30 * time.Second).Unix() }},
		{name: "future iat", claims: func(c map[string]any) { c["iat"] = testNow.Add(2 * time.Minute).Unix() }, want: ReasonIssuedInFuture},
		{name: "lifetime too long", claims: func(c map[string]any) { c["exp"] = testNow.Add(2 * time.Hour).Unix() }, opts: func(o *Options) { o.MaxLifetime = time.Hour }, want: ReasonLifetime},
		{name: "lifetime without iat", claims: func(c map[string]any) { delete(c, "iat"); c["exp"] = testNow.Add(2 * time.Hour).Unix() }, opts: func(o *Options) { o.MaxLifetime = time.Hour }, want: ReasonLifetime},
		{name: "lifetime ok", opts: func(o *Options) { o.MaxLifetime = time.Hour }},
		{name: "wrong iss", claims: func(c map[string]any) { c["iss"] = "https://evil.example" }, want: ReasonUnknownIssuer},
		{name: "missing iss", claims: func(c map[string]any) { delete(c, "iss") }, want: ReasonUnknownIssuer},
		{name: "iss not a string", claims: func(c map[string]any) { c["iss"] = 7 }, want: ReasonUnknownIssuer},
		{name: "wrong aud", claims: func(c map[string]any) { c["aud"] = "billing" }, want: ReasonAudience},
		{name: "missing aud", claims: func(c map[string]any) { delete(c, "aud") }, want: ReasonAudience},
		{name: "aud array with one match", claims: func(c map[string]any) { c["aud"] = []any{"billing", "other"} }},
		{name: "aud of wrong type", claims: func(c map[string]any) { c["aud"] = []any{"api", 42} }, want: ReasonClaims},
		{name: "aud a number", claims: func(c map[string]any) { c["aud"] = 42 }, want: ReasonAudience},
		{name: "unknown crit", header: map[string]any{"crit": []any{"exp"}, "exp": 1}, want: ReasonCrit},
		{name: "typ required and matching", header: map[string]any{"typ": "at+JWT"}, opts: func(o *Options) { o.TokenType = "at+jwt" }},
		{name: "typ with application prefix", header: map[string]any{"typ": "application/at+jwt"}, opts: func(o *Options) { o.TokenType = "at+jwt" }},
		{name: "typ mismatch", opts: func(o *Options) { o.TokenType = "at+jwt" }, want: ReasonType},
		{name: "missing sub", claims: func(c map[string]any) { delete(c, "sub") }, want: ReasonClaims},
		{name: "configured id claim", claims: func(c map[string]any) { c["email"] = "a@example.com" }, opts: func(o *Options) { o.IDClaim = "email" },
			checkID: func(t *testing.T, _ map[string]any) {}},
		{name: "nested roles and scp", claims: func(c map[string]any) {
			delete(c, "roles")
			delete(c, "scope")
			c["realm_access"] = map[string]any{"roles": []any{"ops"}}
			c["scp"] = []any{"a", "b"}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := newTestVerifier(t, c.opts, hkey)
			claims := baseClaims()
			if c.claims != nil {
				c.claims(claims)
			}
			tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims(claims))
			for k, val := range c.header {
				tok.Header[k] = val
			}
			s, err := tok.SignedString(k.hmac)
			if err != nil {
				t.Fatal(err)
			}
			id, err := v.Verify(bg, s)
			wantReason(t, err, c.want)
			if err != nil {
				return
			}
			switch c.name {
			case "configured id claim":
				if id.ID != "a@example.com" {
					t.Fatalf("ID = %q", id.ID)
				}
			case "nested roles and scp":
				if !slices.Equal(id.Roles, []string{"ops"}) || !slices.Equal(id.Scopes, []string{"a", "b"}) {
					t.Fatalf("roles %v scopes %v", id.Roles, id.Scopes)
				}
			}
		})
	}
}

// rawToken assembles a token from a header and claims and a signature
// segment, bypassing any library checks.
func rawToken(t *testing.T, header, claims map[string]any, sig []byte) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc(h) + "." + enc(c) + "." + enc(sig)
}

func TestAttacks(t *testing.T) {
	k := loadKeys()
	rsaKeys, err := ParsePEM(k.rsaPEM)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, _ := rsaKeys[0].Restrict("k1", nil)
	ecKey, _ := newKey("k1", &k.p256.PublicKey, nil)
	hKey, _ := NewHMACKey("", k.hmac)

	t.Run("alg none in any casing", func(t *testing.T) {
		for _, alg := range []string{"none", "None", "NONE", "nOnE"} {
			for _, key := range []*Key{rsaKey, hKey} {
				v := newTestVerifier(t, nil, key)
				tok := rawToken(t, map[string]any{"alg": alg, "typ": "JWT"}, baseClaims(), nil)
				_, err := v.Verify(bg, tok)
				wantReason(t, err, ReasonAlgorithm)
			}
		}
	})
	t.Run("HS256 signed with the RSA public key PEM", func(t *testing.T) {
		v := newTestVerifier(t, nil, rsaKey)
		for _, secret := range [][]byte{k.rsaPEM, []byte(strings.TrimSpace(string(k.rsaPEM)))} {
			_, err := v.Verify(bg, mint(t, "HS256", secret, "k1", baseClaims()))
			wantReason(t, err, ReasonAlgorithm)
		}
	})
	t.Run("HS256 against a mixed RSA+HMAC issuer with the RSA kid", func(t *testing.T) {
		// Even when HS256 is allowed for the issuer, the RSA key (kid k1)
		// never acts as an HMAC secret.
		v := newTestVerifier(t, nil, rsaKey, mustRestrict(t, hKey, "h1"))
		_, err := v.Verify(bg, mint(t, "HS256", k.rsaPEM, "k1", baseClaims()))
		wantReason(t, err, ReasonAlgorithm)
	})
	t.Run("ECDSA r=s=0", func(t *testing.T) {
		v := newTestVerifier(t, nil, ecKey)
		tok := rawToken(t, map[string]any{"alg": "ES256", "kid": "k1"}, baseClaims(), make([]byte, 64))
		_, err := v.Verify(bg, tok)
		wantReason(t, err, ReasonSignature)
	})
	t.Run("embedded jwk, jku, x5u ignored", func(t *testing.T) {
		v := newTestVerifier(t, nil, rsaKey)
		attackerJWK, err := PublicJWK("k1", "RS256", &k.attacker.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims(baseClaims()))
		tok.Header["kid"] = "k1"
		tok.Header["jwk"] = attackerJWK
		tok.Header["jku"] = "http://127.0.0.1:1/jwks.json"
		tok.Header["x5u"] = "http://127.0.0.1:1/cert.pem"
		s, err := tok.SignedString(k.attacker)
		if err != nil {
			t.Fatal(err)
		}
		_, err = v.Verify(bg, s)
		wantReason(t, err, ReasonSignature)
	})
	t.Run("kid path traversal and SQL", func(t *testing.T) {
		v := newTestVerifier(t, nil, rsaKey)
		for _, kid := range []string{"../../../../dev/null", "/etc/passwd", "' OR '1'='1' --", "k1' ; DROP TABLE keys; --", "k1\x00", strings.Repeat("k", 300)} {
			_, err := v.Verify(bg, mint(t, "RS256", k.rsa, kid, baseClaims()))
			wantReason(t, err, ReasonUnknownKey)
		}
		_, err := v.Verify(bg, rawToken(t, map[string]any{"alg": "RS256", "kid": 42}, baseClaims(), []byte("x")))
		wantReason(t, err, ReasonMalformed)
	})
	t.Run("oversized token fails fast", func(t *testing.T) {
		v := newTestVerifier(t, nil, rsaKey)
		huge := strings.Repeat("a", 100<<10)
		start := time.Now()
		_, err := v.Verify(bg, huge[:50<<10]+"."+huge[:25<<10]+"."+huge[:25<<10])
		wantReason(t, err, ReasonTooLarge)
		if d := time.Since(start); d > 50*time.Millisecond {
			t.Fatalf("100 KB token took %v", d)
		}
	})
	t.Run("100000 dots fail fast even under a large size limit", func(t *testing.T) {
		v := newTestVerifier(t, func(o *Options) { o.MaxTokenSize = 1 << 20 }, rsaKey)
		start := time.Now()
		_, err := v.Verify(bg, strings.Repeat(".", 100000))
		wantReason(t, err, ReasonMalformed)
		if d := time.Since(start); d > 50*time.Millisecond {
			t.Fatalf("100000-dot token took %v", d)
		}
		allocs := testing.AllocsPerRun(10, func() { _, _ = v.Verify(bg, strings.Repeat(".", 100000)) })
		if allocs > 8 {
			t.Fatalf("many-dot rejection allocates %v times", allocs)
		}
	})
	t.Run("garbage segments", func(t *testing.T) {
		v := newTestVerifier(t, nil, rsaKey)
		for _, tok := range []string{"a.b.c", "..", "e30.e30.", "!!!.###.$$$"} {
			_, err := v.Verify(bg, tok)
			if err == nil {
				t.Fatalf("%q accepted", tok)
			}
		}
	})
}

func mustRestrict(t *testing.T, k *Key, id string) *Key {
	t.Helper()
	out, err := k.Restrict(id, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSeveralIssuers(t *testing.T) {
	k := loadKeys()
	keyA, _ := newKey("", &k.rsa.PublicKey, []string{"RS256"})
	keyB, _ := newKey("", &k.p256.PublicKey, nil)
	v, err := NewVerifier(Options{
		Issuers: []Issuer{
			{Issuer: "https://a.example", Keys: []*Key{keyA}, Audiences: []string{"api-a"}},
			{Issuer: "https://b.example", Keys: []*Key{keyB}, Audiences: []string{"api-b"}},
		},
		Now: func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	claims := func(iss, aud string) map[string]any {
		c := baseClaims()
		c["iss"], c["aud"] = iss, aud
		return c
	}
	cases := []struct {
		name string
		tok  string
		want Reason
	}{
		{"A with A's key", mint(t, "RS256", k.rsa, "", claims("https://a.example", "api-a")), ""},
		{"B with B's key", mint(t, "ES256", k.p256, "", claims("https://b.example", "api-b")), ""},
		{"A claiming to be B", mint(t, "RS256", k.rsa, "", claims("https://b.example", "api-b")), ReasonAlgorithm},
		{"B's audience on A", mint(t, "RS256", k.rsa, "", claims("https://a.example", "api-b")), ReasonAudience},
		{"A with RS512 (pinned to RS256)", mint(t, "RS512", k.rsa, "", claims("https://a.example", "api-a")), ReasonAlgorithm},
		{"unknown issuer", mint(t, "RS256", k.rsa, "", claims("https://c.example", "api-a")), ReasonUnknownIssuer},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id, err := v.Verify(bg, c.tok)
			wantReason(t, err, c.want)
			if err == nil && id.Issuer == "" {
				t.Fatal("issuer not set on identity")
			}
		})
	}
}

func TestRejectionCarriesContextNotToken(t *testing.T) {
	k := loadKeys()
	key, _ := newKey("k1", &k.rsa.PublicKey, nil)
	v := newTestVerifier(t, nil, key)
	c := baseClaims()
	c["exp"] = testNow.Add(-time.Hour).Unix()
	tok := mint(t, "RS256", k.rsa, "k1", c)
	_, err := v.Verify(bg, tok)
	var e *Error
	if !errors.As(err, &e) || e.Reason != ReasonExpired || e.Issuer != testIssuer || e.KeyID != "k1" || e.Subject != "alice" {
		t.Fatalf("error = %#v", err)
	}
	if strings.Contains(err.Error(), tok[:20]) || strings.Contains(err.Error(), tok[len(tok)-20:]) {
		t.Fatal("error message contains the token")
	}
}

func TestVerifierCache(t *testing.T) {
	k := loadKeys()
	key, _ := newKey("", &k.rsa.PublicKey, nil)
	now := testNow
	v := newTestVerifier(t, func(o *Options) {
		o.CacheSize, o.CacheTTL = 3, time.Hour
		o.Leeway = 0
		o.Now = func() time.Time { return now }
	}, key)
	tok := mint(t, "RS256", k.rsa, "", baseClaims()) // exp = testNow+10m
	first, err := v.Verify(bg, tok)
	wantReason(t, err, "")
	second, err := v.Verify(bg, tok)
	wantReason(t, err, "")
	if first != second {
		t.Fatal("second verification was not served from the cache")
	}
	// The entry must not outlive exp even though the TTL is an hour.
	now = testNow.Add(10*time.Minute + time.Second)
	_, err = v.Verify(bg, tok)
	wantReason(t, err, ReasonExpired)

	now = testNow
	for i := range 10 {
		c := baseClaims()
		c["jti"] = i
		if _, err := v.Verify(bg, mint(t, "RS256", k.rsa, "", c)); err != nil {
			t.Fatal(err)
		}
	}
	if n := v.cache.len(); n > 3 {
		t.Fatalf("cache holds %d entries, bound is 3", n)
	}
}

func TestNewVerifierErrors(t *testing.T) {
	k := loadKeys()
	hkey, _ := NewHMACKey("", k.hmac)
	cases := []struct {
		name string
		o    Options
		want string
	}{
		{"no issuers", Options{}, "at least one issuer"},
		{"empty issuer", Options{Issuers: []Issuer{{Keys: []*Key{hkey}}}}, "issuer (iss) value is required"},
		{"duplicate issuer", Options{Issuers: []Issuer{{Issuer: "a", Keys: []*Key{hkey}}, {Issuer: "a", Keys: []*Key{hkey}}}}, "configured twice"},
		{"no keys", Options{Issuers: []Issuer{{Issuer: "a"}}}, "no keys"},
		{"bad alg", Options{Issuers: []Issuer{{Issuer: "a", Keys: []*Key{hkey}, Algorithms: []string{"none"}}}}, "unsupported algorithm"},
		{"key outside issuer algs", Options{Issuers: []Issuer{{Issuer: "a", Keys: []*Key{hkey}, Algorithms: []string{"RS256"}}}}, "allows none"},
		{"negative leeway", Options{Issuers: []Issuer{{Issuer: "a", Keys: []*Key{hkey}}}, Leeway: -1}, "negative"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewVerifier(c.o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

func TestMintRejectsNone(t *testing.T) {
	if _, err := Mint("none", jwt.UnsafeAllowNoneSignatureType, "", baseClaims()); err == nil {
		t.Fatal("minted an unsigned token")
	}
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newKey("", &k.PublicKey, nil); err == nil {
		t.Fatal("accepted a 1024-bit RSA key")
	}
}

// TestTokenCacheBound: a full cache sweeps expired entries first, then
// evicts a batch, and never exceeds its bound.
func TestTokenCacheBound(t *testing.T) {
	c := newTokenCache(64, time.Hour)
	id := &authz.Identity{ID: "x"}
	key := func(i int) (k [32]byte) {
		k[0], k[1] = byte(i), byte(i>>8)
		return k
	}
	// Half of the entries expire after a minute.
	for i := range 64 {
		exp := testNow.Add(time.Hour)
		if i%2 == 0 {
			exp = testNow.Add(time.Minute)
		}
		c.put(key(i), id, exp, testNow)
	}
	later := testNow.Add(2 * time.Minute)
	c.put(key(1000), id, time.Time{}, later)
	if n := c.len(); n != 33 {
		t.Fatalf("%d entries after the sweep, want 33 (32 live + the new one)", n)
	}
	for i := 1; i < 64; i += 2 {
		if _, ok := c.get(key(i), later); !ok {
			t.Fatalf("live entry %d evicted while expired ones could be swept", i)
		}
	}
	for i := range 2000 {
		c.put(key(2000+i), id, time.Time{}, later)
		if n := c.len(); n > 64 {
			t.Fatalf("cache holds %d entries, bound is 64", n)
		}
	}
	if _, ok := c.get(key(2000+1999), later); !ok {
		t.Fatal("the newest entry is missing")
	}
}

// TestVerifyCandidateKeyBound: a kid-less token is tried against at most
// MaxCandidateKeys keys; past that the token must name its key.
func TestVerifyCandidateKeyBound(t *testing.T) {
	secret := func(i int) []byte { return []byte(fmt.Sprintf("%064d", i)) }
	keysN := func(n int) []*Key {
		var keys []*Key
		for i := range n {
			k, err := NewHMACKey(fmt.Sprintf("k%d", i), secret(i))
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, k)
		}
		return keys
	}
	last := MaxCandidateKeys - 1
	within := newTestVerifier(t, nil, keysN(MaxCandidateKeys)...)
	if _, err := within.Verify(bg, mint(t, "HS256", secret(last), "", baseClaims())); err != nil {
		t.Fatalf("kid-less token among %d keys: %v", MaxCandidateKeys, err)
	}
	over := newTestVerifier(t, nil, keysN(MaxCandidateKeys+1)...)
	_, err := over.Verify(bg, mint(t, "HS256", secret(last), "", baseClaims()))
	if ReasonOf(err) != ReasonUnknownKey {
		t.Fatalf("kid-less token among %d keys: reason %q (err %v), want %q", MaxCandidateKeys+1, ReasonOf(err), err, ReasonUnknownKey)
	}
	if _, err := over.Verify(bg, mint(t, "HS256", secret(last), fmt.Sprintf("k%d", last), baseClaims())); err != nil {
		t.Fatalf("token naming its key among %d keys: %v", MaxCandidateKeys+1, err)
	}
}
