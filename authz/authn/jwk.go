package authn

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
)

// jwk is the subset of RFC 7517/7518/8037 members we read. Private members
// (d, p, q, ...) are ignored: only the public half is ever used.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
	Crv string `json:"crv"`
	N   string `json:"n"`
	E   string `json:"e"`
	X   string `json:"x"`
	Y   string `json:"y"`
	K   string `json:"k"`
}

// ParseJWK parses one JSON Web Key. An `alg` member pins the key to that
// single algorithm; without it the key gets its family's algorithms.
func ParseJWK(data []byte) (*Key, error) {
	var j jwk
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("decoding JWK: %w", err)
	}
	return j.key()
}

// ParseJWKSet parses a JWK Set. Keys whose `use` is not "sig" and keys of
// unsupported types are skipped (an IdP may publish encryption keys next to
// signing keys); a set with no usable key is an error.
func ParseJWKSet(data []byte) ([]*Key, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("decoding JWK Set: %w", err)
	}
	var (
		keys    []*Key
		lastErr error
	)
	for i, raw := range set.Keys {
		var j jwk
		if err := json.Unmarshal(raw, &j); err != nil {
			lastErr = fmt.Errorf("key %d: %w", i, err)
			continue
		}
		if j.Use != "" && j.Use != "sig" {
			continue
		}
		k, err := j.key()
		if err != nil {
			lastErr = fmt.Errorf("key %d (kid %q): %w", i, truncate(j.Kid, 64), err)
			continue
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		if lastErr != nil {
			return nil, fmt.Errorf("no usable signing key in JWK Set: %w", lastErr)
		}
		return nil, errors.New("no usable signing key in JWK Set")
	}
	return keys, nil
}

func (j *jwk) key() (*Key, error) {
	var (
		material any
		err      error
	)
	switch j.Kty {
	case "RSA":
		material, err = j.rsa()
	case "EC":
		material, err = j.ecdsa()
	case "OKP":
		material, err = j.okp()
	case "oct":
		material, err = b64(j.K, "k")
	default:
		return nil, fmt.Errorf("unsupported JWK kty %q", truncate(j.Kty, 16))
	}
	if err != nil {
		return nil, err
	}
	var algs []string
	if j.Alg != "" {
		algs = []string{j.Alg}
	}
	return newKey(j.Kid, material, algs)
}

func b64(s, name string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("JWK member %q is not non-empty base64url", name)
	}
	return b, nil
}

func (j *jwk) rsa() (*rsa.PublicKey, error) {
	n, err := b64(j.N, "n")
	if err != nil {
		return nil, err
	}
	e, err := b64(j.E, "e")
	if err != nil {
		return nil, err
	}
	if len(e) > 4 {
		return nil, errors.New("RSA exponent too large")
	}
	// Go's crypto/rsa refuses exponents above 2^31-1 at verification time;
	// refuse them here so such a key fails at load, not on every token.
	exp := new(big.Int).SetBytes(e).Int64()
	if exp > 1<<31-1 {
		return nil, errors.New("RSA exponent too large")
	}
	if exp < 3 || exp%2 == 0 {
		return nil, errors.New("invalid RSA exponent")
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(exp)}, nil
}

func (j *jwk) ecdsa() (*ecdsa.PublicKey, error) {
	var curve elliptic.Curve
	switch j.Crv {
	case "P-256":
		curve = elliptic.P256()
	case "P-384":
		curve = elliptic.P384()
	case "P-521":
		curve = elliptic.P521()
	default:
		return nil, fmt.Errorf("unsupported EC curve %q", truncate(j.Crv, 16))
	}
	x, err := b64(j.X, "x")
	if err != nil {
		return nil, err
	}
	y, err := b64(j.Y, "y")
	if err != nil {
		return nil, err
	}
	size := (curve.Params().BitSize + 7) / 8
	if len(x) != size || len(y) != size {
		return nil, errors.New("EC coordinates have the wrong length")
	}
	// Validate the point through the uncompressed encoding, which rejects
	// points off the curve (invalid-curve attacks).
	raw := append(append([]byte{4}, x...), y...)
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, raw)
	if err != nil {
		return nil, fmt.Errorf("invalid EC point: %w", err)
	}
	return pub, nil
}

func (j *jwk) okp() (ed25519.PublicKey, error) {
	if j.Crv != "Ed25519" {
		return nil, fmt.Errorf("unsupported OKP curve %q", truncate(j.Crv, 16))
	}
	x, err := b64(j.X, "x")
	if err != nil {
		return nil, err
	}
	if len(x) != ed25519.PublicKeySize {
		return nil, errors.New("Ed25519 key has the wrong length")
	}
	return ed25519.PublicKey(x), nil
}

// PublicJWK renders the public half of a key as a JWK, for tests and the
// CLI (serving a JWKS for a minted token).
func PublicJWK(kid, alg string, pub any) (map[string]any, error) {
	enc := base64.RawURLEncoding.EncodeToString
	m := map[string]any{}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		m["kty"], m["n"], m["e"] = "RSA", enc(k.N.Bytes()), enc(big.NewInt(int64(k.E)).Bytes())
	case *ecdsa.PublicKey:
		size := (k.Curve.Params().BitSize + 7) / 8
		raw, err := k.Bytes()
		if err != nil {
			return nil, err
		}
		m["kty"], m["crv"] = "EC", k.Curve.Params().Name
		m["x"], m["y"] = enc(raw[1:1+size]), enc(raw[1+size:])
	case ed25519.PublicKey:
		m["kty"], m["crv"], m["x"] = "OKP", "Ed25519", enc(k)
	default:
		return nil, fmt.Errorf("unsupported public key type %T", pub)
	}
	if kid != "" {
		m["kid"] = kid
	}
	if alg != "" {
		m["alg"] = alg
	}
	m["use"] = "sig"
	return m, nil
}
