package authn

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestAPIKeys(t *testing.T) {
	set, err := NewAPIKeySet([]APIKey{
		{Hash: HashAPIKey("key-one"), ID: "svc-one", Roles: []string{"reader"}, Scopes: []string{"read"}},
		{Hash: strings.TrimPrefix(HashAPIKey("key-two"), APIKeyHashPrefix), ID: "svc-two", Roles: []string{"admin"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		key, wantID string
	}{{"key-one", "svc-one"}, {"key-two", "svc-two"}, {"key-three", ""}, {"", ""}, {"key-one ", ""}, {"KEY-ONE", ""}}
	for _, c := range cases {
		id, err := set.Lookup(c.key)
		if c.wantID == "" {
			if err == nil || ReasonOf(err) != ReasonInvalidAPIKey {
				t.Errorf("%q: got %v, %v", c.key, id, err)
			}
			continue
		}
		if err != nil || id.ID != c.wantID || id.Method != "api_key" {
			t.Errorf("%q: got %+v, %v", c.key, id, err)
		}
	}
	id, _ := set.Lookup("key-one")
	if id.Claims["sub"] != "svc-one" || id.Claims["scope"] != "read" || len(id.Roles) != 1 || id.Scopes[0] != "read" {
		t.Errorf("synthesised identity = %+v", id)
	}
}

// TestAPIKeyComparisonIsTimingSafe proves the lookup compares the presented
// key's hash with every stored hash, with the constant-time comparator,
// whether it matches the first entry, the last or none: the work done does
// not depend on where (or whether) the key matches.
func TestAPIKeyComparisonIsTimingSafe(t *testing.T) {
	var keys []APIKey
	for i := range 5 {
		keys = append(keys, APIKey{Hash: HashAPIKey("k" + string(rune('0'+i))), ID: "id"})
	}
	set, err := NewAPIKeySet(keys)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	constantTime := set.compare
	set.compare = func(a, b []byte) int {
		calls++
		if len(a) != sha256.Size || len(b) != sha256.Size {
			t.Fatalf("compared %d and %d bytes, want two SHA-256 sums", len(a), len(b))
		}
		return constantTime(a, b)
	}
	for _, key := range []string{"k0", "k4", "nope", strings.Repeat("x", 10000)} {
		calls = 0
		_, _ = set.Lookup(key)
		if calls != len(keys) {
			t.Fatalf("%q: %d comparisons, want %d", key[:min(len(key), 8)], calls, len(keys))
		}
	}
}

func TestAPIKeyConfigErrors(t *testing.T) {
	good := HashAPIKey("x")
	cases := []struct {
		keys []APIKey
		want string
	}{
		{[]APIKey{{Hash: "plaintext-key", ID: "a"}}, "64 hex digits"},
		{[]APIKey{{Hash: good}}, "identity ID is required"},
		{[]APIKey{{Hash: good, ID: "a"}, {Hash: strings.ToUpper(good[7:]), ID: "b"}}, "configured twice"},
	}
	for _, c := range cases {
		if _, err := NewAPIKeySet(c.keys); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("err = %v, want %q", err, c.want)
		}
	}
}

func TestHashAndGenerate(t *testing.T) {
	sum := sha256.Sum256([]byte("hello"))
	if got := HashAPIKey("hello"); got != "sha256:"+hex.EncodeToString(sum[:]) {
		t.Fatalf("HashAPIKey = %s", got)
	}
	a, err := GenerateAPIKey()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := GenerateAPIKey()
	if a == b || !strings.HasPrefix(a, "gh_") || len(a) != 3+43 {
		t.Fatalf("generated %q and %q", a, b)
	}
}
