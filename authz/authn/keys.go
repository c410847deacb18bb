package authn

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Key is a verification key pinned to the algorithms it may verify. A key
// never verifies a token whose alg is outside Algorithms, whatever the token
// says, which rules out HS/RS confusion and `none`.
type Key struct {
	// ID is the key ID (JWK `kid`); empty matches any token kid.
	ID string
	// Algorithms the key may verify, e.g. ["RS256"].
	Algorithms []string
	// material is an *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey or
	// []byte (HMAC secret).
	material any
}

// Material returns the key as golang-jwt expects it for verification.
func (k *Key) Material() any { return k.material }

// Allows reports whether the key may verify a token signed with alg.
func (k *Key) Allows(alg string) bool { return slices.Contains(k.Algorithms, alg) }

// RSA modulus bounds: RFC 7518 §3.3 requires at least 2048 bits; the upper
// bound keeps a hostile or broken JWKS from making every verification
// arbitrarily expensive (a 64k-bit modulus costs ~1000× a 2048-bit one).
const (
	minRSABits = 2048
	maxRSABits = 8192
)

// familyAlgorithms returns the algorithms a key of this type may verify
// when the configuration does not narrow them: the key's own family only.
func familyAlgorithms(material any) ([]string, error) {
	switch k := material.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return nil, fmt.Errorf("RSA key of %d bits is too small (minimum %d)", k.N.BitLen(), minRSABits)
		}
		if k.N.BitLen() > maxRSABits {
			return nil, fmt.Errorf("RSA key of %d bits is too large (maximum %d)", k.N.BitLen(), maxRSABits)
		}
		return []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}, nil
	case *ecdsa.PublicKey:
		// An ECDSA curve fixes its algorithm (RFC 7518 §3.4).
		switch k.Curve {
		case elliptic.P256():
			return []string{"ES256"}, nil
		case elliptic.P384():
			return []string{"ES384"}, nil
		case elliptic.P521():
			return []string{"ES512"}, nil
		}
		return nil, fmt.Errorf("unsupported ECDSA curve %s", k.Curve.Params().Name)
	case ed25519.PublicKey:
		return []string{"EdDSA"}, nil
	case []byte:
		// A secret may only be used with hashes no longer than itself.
		var algs []string
		for _, a := range []struct {
			alg  string
			size int
		}{{"HS256", 32}, {"HS384", 48}, {"HS512", 64}} {
			if len(k) >= a.size {
				algs = append(algs, a.alg)
			}
		}
		if len(algs) == 0 {
			return nil, fmt.Errorf("HMAC secret of %d bytes is too short (minimum 32)", len(k))
		}
		return algs, nil
	}
	return nil, fmt.Errorf("unsupported key type %T", material)
}

// newKey pins material to algs, which must be a non-empty subset of the
// key's family; empty algs means the whole family.
func newKey(id string, material any, algs []string) (*Key, error) {
	family, err := familyAlgorithms(material)
	if err != nil {
		return nil, err
	}
	if len(algs) == 0 {
		return &Key{ID: id, Algorithms: family, material: material}, nil
	}
	for _, a := range algs {
		if !slices.Contains(family, a) {
			return nil, fmt.Errorf("algorithm %q cannot be used with this key (allowed: %s)", a, strings.Join(family, ", "))
		}
	}
	return &Key{ID: id, Algorithms: slices.Clone(algs), material: material}, nil
}

// Restrict returns a copy of k allowed only the algorithms in both k and
// algs, with id if k has none. It fails when nothing is left.
func (k *Key) Restrict(id string, algs []string) (*Key, error) {
	out := *k
	if out.ID == "" {
		out.ID = id
	}
	if len(algs) == 0 {
		return &out, nil
	}
	out.Algorithms = nil
	for _, a := range k.Algorithms {
		if slices.Contains(algs, a) {
			out.Algorithms = append(out.Algorithms, a)
		}
	}
	if len(out.Algorithms) == 0 {
		return nil, fmt.Errorf("key %q allows %s, none of %s", k.ID, strings.Join(k.Algorithms, ", "), strings.Join(algs, ", "))
	}
	return &out, nil
}

// NewHMACKey pins a raw secret to the HMAC algorithms it is long enough for
// (or to algs, if given).
func NewHMACKey(id string, secret []byte, algs ...string) (*Key, error) {
	return newKey(id, bytes.Clone(secret), algs)
}

// Secret encoding prefixes accepted by DecodeSecret.
const (
	SecretRaw       = "raw:"
	SecretBase64    = "base64:"
	SecretBase64URL = "base64url:"
)

// ErrAmbiguousSecret is returned by DecodeSecret for an unprefixed secret
// that is valid base64: it could be meant as the bytes of the string or as
// the bytes it decodes to, and guessing wrong makes every token fail.
var ErrAmbiguousSecret = errors.New(`ambiguous secret: it is valid base64, so it could be the raw bytes of the string or the bytes it decodes to; prefix it with raw: (use the string as is) or base64: / base64url: (decode it)`)

// DecodeSecret decodes an HMAC secret whose encoding is explicit:
//
//	raw:<string>        the bytes of the string, as is
//	base64:<text>       standard base64 alphabet, padding optional
//	base64url:<text>    URL-safe base64 alphabet, padding optional
//
// An unprefixed secret is taken as raw bytes only when it cannot be read as
// base64 in any alphabet; an unprefixed secret that is valid base64 is
// refused with ErrAmbiguousSecret. Surrounding white space is ignored in
// the base64 forms and refused in the raw ones.
func DecodeSecret(s string) ([]byte, error) {
	switch {
	case strings.HasPrefix(s, SecretRaw):
		return rawSecret(s[len(SecretRaw):])
	case strings.HasPrefix(s, SecretBase64URL):
		return decodeBase64Secret(s[len(SecretBase64URL):], base64.URLEncoding, base64.RawURLEncoding, "base64url")
	case strings.HasPrefix(s, SecretBase64):
		return decodeBase64Secret(s[len(SecretBase64):], base64.StdEncoding, base64.RawStdEncoding, "base64")
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if _, err := enc.DecodeString(strings.TrimSpace(s)); err == nil {
			return nil, ErrAmbiguousSecret
		}
	}
	return rawSecret(s)
}

func rawSecret(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("secret is empty")
	}
	if strings.TrimSpace(s) != s {
		return nil, errors.New("raw secret starts or ends with white space")
	}
	return []byte(s), nil
}

func decodeBase64Secret(s string, padded, unpadded *base64.Encoding, name string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("secret is empty")
	}
	if b, err := padded.DecodeString(s); err == nil {
		return b, nil
	}
	if b, err := unpadded.DecodeString(s); err == nil {
		return b, nil
	}
	return nil, fmt.Errorf("secret is not valid %s", name)
}

// ParseKeys parses key material in any supported format, detected from its
// content: PEM (public keys, certificates; private keys are reduced to their
// public half), a JWK, or a JWK Set. HMAC secrets come only from JWKs of
// type "oct" or from NewHMACKey, never from PEM, so an RSA public key PEM can
// never become an HMAC secret.
func ParseKeys(data []byte) ([]*Key, error) {
	trimmed := bytes.TrimSpace(data)
	switch {
	case bytes.HasPrefix(trimmed, []byte("-----BEGIN")):
		return ParsePEM(trimmed)
	case bytes.HasPrefix(trimmed, []byte("{")):
		if bytes.Contains(trimmed, []byte(`"keys"`)) {
			return ParseJWKSet(trimmed)
		}
		k, err := ParseJWK(trimmed)
		if err != nil {
			return nil, err
		}
		return []*Key{k}, nil
	}
	return nil, errors.New("key material is neither PEM nor JSON (JWK / JWK Set)")
}

// ParsePEM parses every PEM block in data.
func ParsePEM(data []byte) ([]*Key, error) {
	var keys []*Key
	for n := 1; ; n++ {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		pub, err := pemPublicKey(block)
		if err != nil {
			return nil, fmt.Errorf("PEM block %d (%s): %w", n, block.Type, err)
		}
		k, err := newKey("", pub, nil)
		if err != nil {
			return nil, fmt.Errorf("PEM block %d (%s): %w", n, block.Type, err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("no PEM block found")
	}
	return keys, nil
}

func pemPublicKey(block *pem.Block) (crypto.PublicKey, error) {
	switch block.Type {
	case "PUBLIC KEY":
		return x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		return x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		return cert.PublicKey, nil
	case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
		priv, err := ParsePrivateKeyPEM(pem.EncodeToMemory(block))
		if err != nil {
			return nil, err
		}
		return priv.Public(), nil
	}
	return nil, fmt.Errorf("unsupported PEM type %q", block.Type)
}

// ParsePrivateKeyPEM parses the first private key in data (PKCS#8, PKCS#1
// or SEC 1). It serves token minting in tests and the CLI.
func ParsePrivateKeyPEM(data []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	var (
		key any
		err error
	)
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("unsupported private key PEM type %q", block.Type)
	}
	if err != nil {
		return nil, err
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("unsupported private key type %T", key)
	}
	return signer, nil
}
