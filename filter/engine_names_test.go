package filter

import (
	"net/http"
	"strings"
	"testing"
)

// TestPrototypePollutionJSONKey: a "__proto__" key anywhere in a JSON body
// is blocked; other double-underscore keys that clients send (GraphQL's
// __typename) pass.
func TestPrototypePollutionJSONKey(t *testing.T) {
	e := mustEngine(t, Config{})
	for _, tc := range []struct {
		body    string
		blocked bool
	}{
		{`{"text":"a","title":{"__proto__":{"isAdmin":true}}}`, true},
		{`{"__proto__":{"polluted":1}}`, true},
		{`{"cart":{"__typename":"Cart","id":"c1"},"__v":0}`, false},
		{`{"prototype":"P-12","constructor":"ACME Build Ltd"}`, false},
	} {
		r, _ := http.NewRequest("POST", "http://api.example/v1/items", strings.NewReader(tc.body))
		r.Header.Set("Content-Type", "application/json")
		d, err := e.InspectRequest(r, RequestInfo{All: true})
		if err != nil || d.Blocked != tc.blocked {
			t.Errorf("%s: blocked=%v (%v), want %v", tc.body, d.Blocked, err, tc.blocked)
		}
	}
}
