package filter

import (
	"net/http"
	"testing"
)

// TestSessionParamNames: framework session cookie names and the usual
// session-id spellings are session parameters, and the query prefilter
// lets every one of them through; ordinary names are not.
func TestSessionParamNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"PHPSESSID", true}, {"jsessionid", true}, {"ASPSESSIONIDQQGGGNCU", true}, {"laravel_session", true},
		{"connect.sid", true}, {"sails.sid", true}, {"rack.session", true}, {"koa.sess", true}, {"koa:sess", true},
		{"cakephp", true}, {"meteor_login_token", true}, {"_session_id", true}, {"zend_session_id", true},
		{"session-id", true}, {"x-sessid", true}, {"next-auth.session-token", true}, {"CFID", true}, {"CFTOKEN", true},
		{"session", false}, {"sessions", false}, {"page", false}, {"sid", false}, {"meteor", false}, {"cake", false},
	} {
		if got := sessionParam(tc.name); got != tc.want {
			t.Errorf("sessionParam(%q) = %v, want %v", tc.name, got, tc.want)
		}
		if tc.want && !sessionHint(tc.name+"=x") {
			t.Errorf("sessionHint misses %q", tc.name)
		}
	}
}

// TestSessionFixationReferer: a session id in the query with a Referer
// from another site is blocked; the application's own links are not.
func TestSessionFixationReferer(t *testing.T) {
	e := mustEngine(t, Config{})
	for _, tc := range []struct {
		query, host, referer string
		blocked              bool
	}{
		{"cakephp=abc123def456", "cakeapp.com", "http://malware-site.com/", true},
		{"rack.session=BAh7CEkiD3", "shop.example", "https://evil.example/", true},
		{"_session_id=abc", "shop.example", "https://phish.example/x", true},
		{"cakephp=abc123def456", "cakeapp.com", "https://www.cakeapp.com/login", false},
		{"session=2024-fall", "conf.example", "https://other.example/", false},
	} {
		r, _ := http.NewRequest("GET", "http://"+tc.host+"/login?"+tc.query, nil)
		r.Header.Set("Referer", tc.referer)
		d, err := e.InspectRequest(r, RequestInfo{All: true})
		if err != nil || d.Blocked != tc.blocked {
			t.Errorf("%s from %s: blocked=%v (%v), want %v", tc.query, tc.referer, d.Blocked, err, tc.blocked)
		}
	}
}
