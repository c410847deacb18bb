package authn

import (
	"fmt"

	"github.com/golang-jwt/jwt/v5"
)

// Mint signs claims with key (an HMAC secret []byte, or an *rsa.PrivateKey,
// *ecdsa.PrivateKey or ed25519.PrivateKey) under alg, with an optional kid.
// It serves the CLI and tests; the gateway itself never mints tokens.
func Mint(alg string, key any, kid string, claims map[string]any) (string, error) {
	method := jwt.GetSigningMethod(alg)
	if method == nil || alg == "none" {
		return "", fmt.Errorf("unsupported algorithm %q", alg)
	}
	t := jwt.NewWithClaims(method, jwt.MapClaims(claims))
	if kid != "" {
		t.Header["kid"] = kid
	}
	s, err := t.SignedString(key)
	if err != nil {
		return "", fmt.Errorf("signing %s token: %w", alg, err)
	}
	return s, nil
}
