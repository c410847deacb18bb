package redact

import (
	"strings"
	"testing"
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
