package filter

import (
	"testing"
)

func TestRFIURLGrammar(t *testing.T) {
	in, err := NewInspector(InspectorOptions{Paranoia: 1})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		kind        Kind
		name, value string
		want        bool
	}{
		// Raw source text or a script in a parameter named for what the
		// page includes or shows.
		{KindQueryValue, "page", "http://evil.example/inc.txt", true},
		{KindQueryValue, "page", "hTtP://evil.example/inc.txt", true},
		{KindQueryValue, "file", "https://raw.example/attacker/x/main/shell.php", true},
		{KindBodyValue, "module", "http://evil.example/backdoor.inc", true},
		{KindBodyValue, "config.module", "http://evil.example/wso.txt?&cmd=id", true},
		{KindQueryValue, "params[template]", "https://evil.example/c99.txt", true},
		{KindBodyValue, "view", "//evil.example/shell.txt", true},
		{KindBodyValue, "view", "https://evil.example/%2e%2e/shell.txt", true},
		{KindQueryValue, "template", "https://evil.example/../x/shell.php", true},
		// A template for a template parameter; an include prefix on an
		// FTP address.
		{KindQueryValue, "template", "https://attacker.example/evil.tpl", true},
		{KindBodyValue, "templateUrl", "https://attacker.example/x.twig", true},
		{KindQueryValue, "document_root", "ftp://203.0.113.50/pub/", true},
		{KindQueryValue, "mosConfig_absolute_path", "http://evil.example/shell.txt?", true},
		{KindQueryValue, "template", "https://cdn.example.com/themes/light.css", false},
		{KindQueryValue, "src", "http://attacker.example/shell.php", true},
		{KindBodyValue, "avatar_url", "https://evil.example/x.jsp", true},
		{KindQueryValue, "src", "https://cdn.example.com/img/hero.jpg", false},
		{KindQueryValue, "src", "https://shop.example.com/image.php?id=42", false},
		// Cut off so that the page's own suffix lands in a query, a
		// fragment or after a NUL.
		{KindQueryValue, "include", "http://evil.example/payload.txt#", true},
		{KindQueryValue, "template", "http://evil.example/c99.txt%00", true},
		{KindQueryValue, "template", "http://evil.example/c99.txt\x00", true},
		{KindQueryValue, "template", "https://evil.example/a.txt%253f", true},
		{KindQueryValue, "x", "https://evil.example/r57.php?", true},
		{KindQueryValue, "x", "https://evil.example/r57.php??", true},
		{KindQueryValue, "path", "http://paste.example/raw/abc123?", true},
		{KindQueryValue, "page", "http://paste.example/raw/abc123?", true},
		// A server script over FTP or SMB, whatever the parameter; a
		// header named for an include.
		{KindBodyValue, "url", "ftp://anonymous:anonymous@evil.example/inc.php", true},
		{KindQueryValue, "src", "smb://203.0.113.9/share/shell.asp", true},
		{KindHeaderValue, "X-Template", "hTtP://evil.example/x.txt?", true},
		{KindBodyValue, "url", "ftp://ftp.example.org/pub/readme.txt", false},
		{KindHeaderValue, "X-Forwarded-Proto", "https", false},
		{KindHeaderValue, "X-Original-Url", "https://app.example.com/page?", false},
		// A query that is only the extension the page checks.
		{KindCookieValue, "lang", "http://evil.example/shell.jpg?.php", true},
		{KindQueryValue, "lang", "http://evil.example/inc?.txt", true},
		{KindQueryValue, "q", "http://evil.example/x.gif#.php", true},
		// A script on a host written as an IP, in any name.
		{KindQueryValue, "src", "http://203.0.113.9/shell.txt", true},
		{KindQueryValue, "src", "http://203.0.113.9:8080/x.php.txt", true},
		{KindBodyValue, "module", "http://0xcb007109/s.txt", true},
		{KindQueryValue, "src", "http://3405803785/s.php", true},
		{KindQueryValue, "src", "http://[::ffff:cb00:7109]/shell.txt", true},
		{KindQueryValue, "src", "http://2001:db8:1::9/s.php", true},
		{KindCookieValue, "lang", "ftp://anonymous:x@203.0.113.9/w.php", true},
		{KindBodyValue, "view", "smb://203.0.113.9/share/inc.php", true},

		// Look-alikes: the URL of the page a visitor is on, media and
		// documents, URLs in fields that are not includes, prose.
		{KindQueryValue, "page", "https://www.example.com/index.php", false},
		{KindQueryValue, "page", "https://www.example.com/products.php?id=3", false},
		{KindQueryValue, "view", "https://cdn.example.com/img/a.png", false},
		{KindQueryValue, "file", "https://cdn.example.com/files/report.pdf", false},
		{KindQueryValue, "template", "https://templates.example.com/invoice", false},
		{KindQueryValue, "doc", "https://docs.example.com/guide.html", false},
		{KindQueryValue, "link", "https://example.com/download.php", false},
		{KindQueryValue, "src", "https://example.com/image.php?id=3", false},
		{KindQueryValue, "callback", "https://example.com/hooks/receive.php", false},
		{KindQueryValue, "url", "https://example.com/robots.txt", false},
		{KindQueryValue, "next", "https://example.com/search?", false},
		{KindQueryValue, "q", "how to include http://example.com/x.txt in php", false},
		{KindQueryValue, "page", "2", false},
		{KindQueryValue, "lang", "en-US", false},
		{KindQueryValue, "path", "/docs/readme.txt", false},
		{KindQueryValue, "file", "notes.txt", false},
		{KindQueryValue, "src", "https://203.0.113.9/logo.png", false},
		{KindHeaderValue, "Referer", "https://evil.example/r57.php?", false},
	}
	for _, c := range cases {
		hits := in.InspectValue(nil, c.kind, c.name, c.value)
		got := false
		for _, h := range hits {
			if h.Rule == "rfi-script-url" {
				got = true
			}
		}
		if got != c.want {
			t.Errorf("%s %q: rfi-script-url = %v, want %v (hits %v)", c.name, c.value, got, c.want, hits)
		}
	}
}

// FuzzParseRFIURL: the URL reader never panics and reports a host for
// every URL it accepts.
func FuzzParseRFIURL(f *testing.F) {
	for _, s := range []string{"http://evil.example/inc.txt", "//h/x.php?", "http://2001:db8::9/s.php", "ftp://a@b/c?.php", "https://[::1", "smb://", "http://h/%2500", "//", "http://@/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if u, ok := parseRFIURL(s); ok && u.host == "" {
			t.Fatalf("%q: accepted without a host", s)
		}
	})
}
