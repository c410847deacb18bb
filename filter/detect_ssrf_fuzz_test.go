package filter

import (
	"strings"
	"testing"
	"time"
)

// FuzzURLAuthority: the authority parsing behind redirect-open,
// ssrf-internal-target and the SSRF host rules, where URL parsers
// disagree (several '@', '#' or '?' before '@', backslashes, missing
// slashes, bracketed and obfuscated IPs), never panics, stays linear and
// judges a value the same way every time, in each parameter that reads it
// as a target.
func FuzzURLAuthority(f *testing.F) {
	for _, s := range []string{
		"http://foo@127.0.0.1:80@evil.example/", "http://evil.example#@127.0.0.1/", "http://evil.example?@10.0.0.1",
		`http:\\127.0.0.1\admin`, "https:/10.0.0.5/admin", "http:127.0.0.1", "//%2fevil.example", "/\\evil.example",
		"https://trusted.example@evil.example", "https://evil%2f@trusted.example", "java\tscript:alert(1)",
		"http://[::ffff:127.0.0.1]/", "http://[64:ff9b::127.0.0.1]:8080/", "http://0x7f.1/", "http://2130706433/",
		"gopher://redis:6379/_INFO", "http://127.0.0.1.nip.io/", "http://a@b@c@d#e?f\\g/", "http://[", "http://@", "//", ":",
	} {
		f.Add(s)
	}
	in, err := NewInspector(InspectorOptions{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start := time.Now()
		n := strings.ToLower(s)
		urlHost(n)
		parseHostIP(n)
		redirectShape(s)
		if rest, ok := strings.CutPrefix(n, "http://"); ok {
			authorityInternal(rest, true)
		}
		if h, ok := slashlessURLHost(n); ok {
			canonicalHost(h)
			internalHost(h)
		}
		for _, name := range []string{"next", "url", "webhook", "redirect_uri"} {
			for _, kind := range []Kind{KindQueryValue, KindBodyValue, KindCookieValue} {
				a := in.InspectValue(nil, kind, name, s)
				b := in.InspectValue(nil, kind, name, s)
				if len(a) != len(b) {
					t.Fatalf("%s=%q inspected twice: %v then %v", name, s, a, b)
				}
			}
		}
		if el := time.Since(start); el > 2*time.Second && len(s) < 1<<14 {
			t.Fatalf("%d bytes took %v", len(s), el)
		}
	})
}
