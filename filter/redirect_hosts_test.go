package filter

import (
	"net/url"
	"strings"
	"testing"
)

// TestRedirectHosts: with redirect_hosts, a redirect parameter's absolute
// or protocol-relative target must be the site or a listed host, in the
// query, a form or JSON; without it, a navigation parameter's target must
// be of the site (or its owner's country domains, or carry the site back),
// and other redirect parameters are judged on evasive, protocol-relative
// off-site and site-imitating targets only.
func TestRedirectHosts(t *testing.T) {
	strict := mustEngine(t, Config{RedirectHosts: []string{"accounts.example.com", "*.partner.example", "Sso.Example.NET."}})
	open := mustEngine(t, Config{})
	tests := []struct {
		name, v      string
		strict, dflt bool // blocked with and without redirect_hosts
	}{
		{"next", "https://evil.example/", true, true},
		{"next", "//evil.example/x", true, true},
		{"next", "//203.0.113.9/x", true, true},
		{"return_to", "HTTPS://EVIL.example", true, true},
		{"successUrl", " https://evil.example/", true, true},
		{"redirect_uri", "https://partner.example.evil/cb", true, false},
		{"continue", "https://user@evil.example/", true, true},
		{"next", "https://accounts.example.com.evil.example/", true, true},
		{"next", "https://evil.io", true, true},
		{"RelayState", "https://evil.example/phish", true, true},
		{"url", "https://evil.example/", true, false},
		{"redirect_uri", "https://zapier.example/oauth/return", true, false},
		{"redirect_uri", "https://app.example.com/oauth/cb/../../redirect?url=https://evil.example", true, true},
		{"redirect_uri", "https://app.example.com/oauth/cb/%2e%2e/%2e%2e/out", true, true},
		{"return_to", "/account/..%2f..%2fredirect", true, true},
		{"redirect_uri", "https://app.example.com/oauth/cb?step=../x", false, false},
		// The site, listed hosts and their names under a wildcard.
		{"next", "https://app.example.com/orders", false, false},
		{"next", "//APP.example.com./orders", false, false},
		{"next", "https://app.example.com:8443/x", false, false},
		{"next", "https://accounts.example.com/login?x=1", false, false},
		{"next", "https://partner.example/", false, true},
		{"redirect_uri", "https://a.b.partner.example/cb", false, false},
		{"return", "https://sso.example.net/", false, true},
		{"next", "https://shop.example.de/", true, false},
		{"next", "https://sso.partner.example/login?return=https%3A%2F%2Fapp.example.com%2F", false, false},
		{"next", "https://sso.other.example/login?return=https%3A%2F%2Fapp.example.com%2F", true, false},
		{"next", "/dashboard", false, false},
		{"next", "//www.example.com/x", true, false},
		{"next", "//dashboard", true, false},
		// Not a redirect parameter, or not a URL.
		{"q", "https://evil.example/", false, false},
		{"homepage", "https://evil.example/", false, false},
		{"next", "orders", false, false},
	}
	for _, tc := range tests {
		for _, place := range []string{"query", "form", "json"} {
			expectBlocked(t, strict, place, tc.name, tc.v, tc.strict)
			expectBlocked(t, open, place, tc.name, tc.v, tc.dflt)
		}
	}
	// An identity provider gets the service provider's RelayState with
	// its SAMLRequest and hands it back untouched; the service provider
	// gets it with the response (or alone) and goes there.
	idp := newReq("GET", "http://login.idp.example/adfs/ls/?SAMLRequest=fZFNa4MwGMe%2F&RelayState="+url.QueryEscape("https://admin.app.example.com/console"), "", "")
	if d, _ := open.Inspect(idp); d.Blocked {
		t.Errorf("RelayState of a SAMLRequest blocked: %v", d.Matches)
	}
	sp := newReq("GET", "http://app.example.com/sso/saml/login?RelayState="+url.QueryEscape("https://evil.example/phish"), "", "")
	if d, _ := open.Inspect(sp); !d.Blocked {
		t.Errorf("RelayState to another site passed: %v", d.Matches)
	}
	// Parameter pollution, the site's domain inside another, fullwidth
	// solidi.
	for _, c := range []struct {
		target string
		block  bool
	}{
		{"/oidc/authorize?redirect_uri=" + url.QueryEscape("https://app.example.com/cb") + "&redirect_uri=" + url.QueryEscape("https://attacker.example/cb"), true},
		{"/oidc/authorize?redirect_uri=" + url.QueryEscape("https://portal.example.com.attacker.example/cb"), true},
		{"/login?next=" + url.QueryEscape("／／attacker.example"), true},
		{"/oidc/authorize?redirect_uri=" + url.QueryEscape("https://app.example.com/cb") + "&redirect_uri=" + url.QueryEscape("https://app.example.com/cb"), false},
		{"/oidc/authorize?redirect_uri=" + url.QueryEscape("https://shop.example.com.au/cb"), false},
		{"/oidc/authorize?redirect_uri=" + url.QueryEscape("https://example.community/cb"), false},
	} {
		expectVerdict(t, open, newReq("GET", "http://app.example.com"+c.target, "", ""), c.target, c.block)
	}
	if d, _ := strict.Inspect(sendIn("query", "next", "https://evil.example/")); len(d.Matches) == 0 || d.Matches[0].Rule != "redirect-open" || d.Matches[0].Location != "query:next" {
		t.Errorf("off-site target reported as %v, want redirect-open at query:next", d.Matches)
	}
}

func TestRedirectHostsValidate(t *testing.T) {
	for _, h := range []string{"example.com", "*.example.com", "localhost", "xn--bcher-kva.example"} {
		if err := (Config{RedirectHosts: []string{h}}).Validate(); err != nil {
			t.Errorf("%q refused: %v", h, err)
		}
	}
	for _, h := range []string{"", "*", "*.", "https://example.com", "example.com:443", "example.com/x", "a..b", ".example.com", "ex*ample.com", "[::1]"} {
		err := (Config{RedirectHosts: []string{h}}).Validate()
		if err == nil || !strings.Contains(err.Error(), "redirect_hosts") {
			t.Errorf("%q: error %v, want one naming redirect_hosts", h, err)
		}
	}
}
