package authn

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"maps"
	"strings"

	"github.com/gatehouse-dev/caddy-gatehouse/authz"
)

// APIKeyHashPrefix prefixes stored API key hashes. The stored form is
// "sha256:" followed by the lowercase hex SHA-256 of the key's bytes (64
// hex digits); the bare 64 hex digits are accepted too. A fast hash is
// enough because keys are random and high-entropy (GenerateAPIKey gives
// 256 bits), unlike passwords.
const APIKeyHashPrefix = "sha256:"

// HashAPIKey returns the stored form of an API key.
func HashAPIKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return APIKeyHashPrefix + hex.EncodeToString(sum[:])
}

// GenerateAPIKey returns a new random key: "gh_" and 32 random bytes in
// unpadded base64url.
func GenerateAPIKey() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generating API key: %w", err)
	}
	return "gh_" + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// APIKey maps a stored key hash to an identity.
type APIKey struct {
	Hash   string // "sha256:<hex>" or "<hex>"
	ID     string
	Roles  []string
	Scopes []string
	Claims map[string]any // extra synthesised claims
}

type apiKeyEntry struct {
	sum [sha256.Size]byte
	id  *authz.Identity
}

// APIKeySet checks presented API keys against stored hashes.
type APIKeySet struct {
	entries []apiKeyEntry
	// compare is subtle.ConstantTimeCompare; tests wrap it to prove every
	// entry is compared whatever the outcome.
	compare func(a, b []byte) int
}

// NewAPIKeySet validates the hashes and precomputes the identities.
func NewAPIKeySet(keys []APIKey) (*APIKeySet, error) {
	s := &APIKeySet{compare: subtle.ConstantTimeCompare}
	seen := map[[sha256.Size]byte]bool{}
	for i, k := range keys {
		h := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(k.Hash), APIKeyHashPrefix))
		raw, err := hex.DecodeString(h)
		if err != nil || len(raw) != sha256.Size {
			return nil, fmt.Errorf("API key %d (%q): hash must be %s<64 hex digits> (see `caddy gatehouse hash-key`)", i, k.ID, APIKeyHashPrefix)
		}
		if k.ID == "" {
			return nil, fmt.Errorf("API key %d: an identity ID is required", i)
		}
		var e apiKeyEntry
		copy(e.sum[:], raw)
		if seen[e.sum] {
			return nil, fmt.Errorf("API key %d (%q): hash configured twice", i, k.ID)
		}
		seen[e.sum] = true
		claims := maps.Clone(k.Claims)
		if claims == nil {
			claims = map[string]any{}
		}
		claims["sub"] = k.ID
		roles := make([]any, len(k.Roles))
		for j, r := range k.Roles {
			roles[j] = r
		}
		claims["roles"] = roles
		if len(k.Scopes) > 0 {
			claims["scope"] = strings.Join(k.Scopes, " ")
		}
		e.id = &authz.Identity{ID: k.ID, Method: "api_key", Roles: k.Roles, Scopes: k.Scopes, Claims: claims}
		s.entries = append(s.entries, e)
	}
	return s, nil
}

// Len returns the number of configured keys.
func (s *APIKeySet) Len() int { return len(s.entries) }

// Lookup returns the identity of key. It hashes the key and compares the
// hash with every stored hash in constant time, without stopping at a
// match, so timing reveals neither which entry matched nor how much of a
// hash did.
func (s *APIKeySet) Lookup(key string) (*authz.Identity, error) {
	sum := sha256.Sum256([]byte(key))
	var match *authz.Identity
	for i := range s.entries {
		if s.compare(sum[:], s.entries[i].sum[:]) == 1 {
			match = s.entries[i].id
		}
	}
	if match == nil {
		return nil, reject(ReasonInvalidAPIKey, "")
	}
	return match, nil
}
