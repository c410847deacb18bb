package authn

import (
	"encoding/json"
	"testing"
)

func TestClaimString(t *testing.T) {
	var claims map[string]any
	if err := json.Unmarshal([]byte(`{
		"sub": "alice",
		"n": 1700000000,
		"f": 1.5,
		"ok": true,
		"groups": ["a", "b", 3],
		"realm_access": {"roles": ["admin", "dev"], "deep": {"x": "y"}},
		"https://example.com/roles": ["r1"],
		"https://example.com": {"nested": "n"},
		"null": null
	}`), &claims); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path, want string
		ok         bool
	}{
		{"sub", "alice", true},
		{"n", "1700000000", true},
		{"f", "1.5", true},
		{"ok", "true", true},
		{"groups", "a,b,3", true},
		{"realm_access.roles", "admin,dev", true},
		{"realm_access.deep.x", "y", true},
		{"realm_access.deep", `{"x":"y"}`, true},
		{"https://example.com/roles", "r1", true},
		{"https://example.com.nested", "n", true},
		{"realm_access.missing", "", false},
		{"sub.x", "", false},
		{"null", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		got, ok := ClaimString(claims, c.path)
		if got != c.want || ok != c.ok {
			t.Errorf("ClaimString(%q) = %q, %v; want %q, %v", c.path, got, ok, c.want, c.ok)
		}
	}
}
