package redact

import (
	"strings"
	"testing"
	"unicode"
)

func TestUnicodeEmails(t *testing.T) {
	r := mustNew(t, Config{})
	for _, tc := range []struct {
		name, in, addr string // addr "": nothing masked
	}{
		{"accented local", "write to josé.garcía@example.com today", "josé.garcía@example.com"},
		{"idn domain", "mail jane@bücher.de now", "jane@bücher.de"},
		{"cjk", "联系 用户@例子.广告 。", "用户@例子.广告"},
		{"cyrillic", "адрес: иван@почта.рф", "иван@почта.рф"},
		{"punycode tld", "to jane@xn--bcher-kva.xn--p1ai.", "jane@xn--bcher-kva.xn--p1ai"},
		{"greek local ascii domain", "(δοκιμή@example.org)", "δοκιμή@example.org"},
		{"combining mark", "jose\u0301@example.com", "jose\u0301@example.com"},
		{"nbsp before", "mail:\u00a0josé@example.com", "josé@example.com"},
		{"ascii still", "jane.roe+tag@mail.example.org", "jane.roe+tag@mail.example.org"},
		// Near-misses.
		{"no dot", "café@localhost", ""},
		{"handle", "@josé", ""},
		{"numeric tld", "josé@b.c1", ""},
		{"price", "2 pour 3,50 € @ café", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, kind := range []BodyKind{KindText, KindJSON} {
				in := tc.in
				if kind == KindJSON {
					in = `{"v":"` + tc.in + `"}`
				}
				out, f := maskAll(t, r, kind, []byte(in))
				if tc.addr == "" {
					if string(out) != in {
						t.Fatalf("%q changed to %q (%v)", in, out, f.Types)
					}
					continue
				}
				if f.Types[DetEmail] != 1 {
					t.Fatalf("%q: e-mail not found once (%v) -> %q", in, f.Types, out)
				}
				k := strings.Index(in, tc.addr)
				if string(out[:k]) != in[:k] || string(out[k+len(tc.addr):]) != in[k+len(tc.addr):] {
					t.Fatalf("%q: surroundings changed -> %q", in, out)
				}
				masked := string(out[k : k+len(tc.addr)])
				for _, c := range masked {
					if c >= 0x80 || c != '@' && c != '.' && c != '-' && c != '*' && c != '+' {
						t.Fatalf("%q: %q left visible in %q", in, string(c), out)
					}
				}
			}
		})
	}
}

func TestUnicodeEmailEscapedJSON(t *testing.T) {
	r := mustNew(t, Config{})
	in := `{"v":"jos\u00e9.garc\u00EDa@b\u00fccher.de"}`
	out, f := maskAll(t, r, KindJSON, []byte(in))
	if f.Types[DetEmail] != 1 || strings.ContainsAny(strings.ReplaceAll(string(out), `\u002a`, ""), "josgarcbhdeE") {
		t.Fatalf("%s -> %s (%v)", in, out, f.Types)
	}
}

// TestEmailLocalPartSymbols: RFC 5322 allows more than letters, digits
// and ".+-_%" in a local part; URL delimiters before an address stay
// outside it, '?', '&' and '/' elsewhere inside it.
func TestEmailLocalPartSymbols(t *testing.T) {
	r := mustNew(t, Config{})
	for _, tc := range []struct {
		in, addr string // addr "": nothing masked
		kind     BodyKind
	}{
		{"mail o'brien@example.com now", "o'brien@example.com", KindText},
		{"a!b|c~d@example.com", "a!b|c~d@example.com", KindText},
		{"{tag}x@example.com", "tag}x@example.com", KindText},
		{"'jane@example.com'", "jane@example.com", KindText},
		{"‘jane@example.com’", "jane@example.com", KindText},
		{"mo‘min.aliyeva@example.uz", "mo‘min.aliyeva@example.uz", KindText},
		{"https://x.example/?email=jane@example.com&a=1", "jane@example.com", KindText},
		{"/users/jane@example.com", "jane@example.com", KindText},
		{"https://x.example/u/jane@example.com", "jane@example.com", KindText},
		{"/login?a=1&jane@example.com", "jane@example.com", KindText},
		{"user=jane@example.com ok", "jane@example.com", KindText},
		// '?', '&' and '/' outside a URL's query or path are the local
		// part's own: masked whole.
		{"E-mail: Joseph?Asamoah11@example.com", "Joseph?Asamoah11@example.com", KindText},
		{"E-mail: Bohemond&Baron@example.com", "Bohemond&Baron@example.com", KindText},
		{"E-mail: julijs/lasmane-aigare@example.lv", "julijs/lasmane-aigare@example.lv", KindText},
		{`{"v":"from Joseph?Asamoah11@example.com"}`, "Joseph?Asamoah11@example.com", KindJSON},
		{`{"v":"a=b?c/d&e@example.com"}`, "a=b?c/d&e@example.com", KindJSON},
		{`{"v":"see ?email=jane@example.com"}`, "jane@example.com", KindJSON},
		{"@handle and !important", "", KindText},
	} {
		out, f := maskAll(t, r, tc.kind, []byte(tc.in))
		if tc.addr == "" {
			if string(out) != tc.in {
				t.Errorf("%q -> %q", tc.in, out)
			}
			continue
		}
		k := strings.Index(tc.in, tc.addr)
		rest := len(tc.in) - k - len(tc.addr)
		if f.Types[DetEmail] != 1 || string(out[:k]) != tc.in[:k] || string(out[len(out)-rest:]) != tc.in[len(tc.in)-rest:] {
			t.Errorf("%q -> %q (%v)", tc.in, out, f.Types)
			continue
		}
		for _, c := range string(out[k : len(out)-rest]) {
			if unicode.IsLetter(c) || unicode.IsDigit(c) {
				t.Errorf("%q -> %q: %q visible", tc.in, out, string(c))
				break
			}
		}
	}
}
