package filter

import (
	"bytes"
	"compress/flate"
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
