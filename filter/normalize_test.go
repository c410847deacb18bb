package filter

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecode(t *testing.T) {
	cases := []struct{ in, want string }{
		{"%27", "'"},
		{"%2527", "'"},
		{"%252527", "'"},
		{"%u003C", "<"},
		{"%U0027", "'"},
		{"&lt;", "<"},
		{"&LT;", "<"},
		{"&#60;", "<"},
		{"&#x3C;", "<"},
		{"&#0000060", "<"},
		{"&colon;&lpar;&rpar;", ":()"},
		{"%26lt%3B", "<"},
		{`\u003c`, "<"},
		{`\x3c`, "<"},
		{`\u{3c}`, "<"},
		// Legacy octal escapes of printable characters: two or three
		// digits, a third only after 0-3; one digit (a regexp's
		// back-reference) and control characters stay.
		{`\141\154\145\162\164\50\61\51`, "alert(1)"},
		{`\74script\76`, "<script>"},
		{`\400`, " 0"},
		{`(a)\1`, `(a)\1`},
		{`x\12y`, `x\12y`},
		{`\377`, `\377`},
		{"%c0%ae%c0%ae%c0%af", "../"},
		{"%e0%80%ae", "."},
		{"＜ｓｃｒｉｐｔ＞", "<script>"},
		{"ⒶⓑⒸ", "AbC"},
		{"a\x00b", "ab"},
		{"a\u200bb\ufeffc", "abc"},
		{"a\u3000b", "a b"},
		// Left alone.
		{"100% sure", "100% sure"},
		{"%zz", "%zz"},
		{"&copy_id=1&x", "&copy_id=1&x"},
		{"AT&T", "AT&T"},
		{"a+b", "a+b"},
		{`C:\Users\me`, `C:\Users\me`},
		{"naïve café", "naïve café"},
		{"東京", "東京"},
	}
	for _, c := range cases {
		got, _, _ := decode(nil, nil, c.in)
		if string(got) != c.want {
			t.Errorf("decode(%q) = %q, want %q", c.in, got, c.want)
		}
		if needsDecode(c.in) != (c.in != c.want) {
			t.Errorf("needsDecode(%q) = %v", c.in, needsDecode(c.in))
		}
	}
}

func TestNormalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"SeLeCt/**/x", "select x"},
		{"union/*comment*/select", "union select"},
		{"/*!50000UNION*/ /*!SELECT*/", " union select "},
		{`a\b`, "a/b"},
		{"a \t\r\n b", "a b"},
		{"a+b", "a b"},
		{"x/*unterminated", "x "},
		{"*/", " "},
		{"plain", "plain"},
	}
	for _, c := range cases {
		if got := string(normalize(nil, c.in)); got != c.want {
			t.Errorf("normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestBase64Text(t *testing.T) {
	cases := []struct {
		kind Kind
		in   string
		want string
	}{
		{KindQueryValue, "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "<script>alert(1)</script>"},
		{KindQueryValue, "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg", "<script>alert(1)</script>"},
		{KindQueryValue, "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg ", ""}, // trailing space: not b64 alphabet at end → decodes badly
		{KindPath, "/Jy1hbGVydCgxKS8v", "'-alert(1)//"},
		{KindQueryValue, "Administrator", ""},
		{KindQueryValue, "550e8400e29b41d4a716446655440000", ""},
		{KindQueryValue, "short", ""},
		{KindQueryValue, "hello world and more", ""},
	}
	for _, c := range cases {
		got, ok := base64Text(nil, c.kind, c.in)
		if c.want == "" {
			if ok && !printableText(got) {
				t.Errorf("base64Text(%q) returned non-text %q", c.in, got)
			}
			continue
		}
		if !ok || string(got) != c.want {
			t.Errorf("base64Text(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

func TestResolveLookups(t *testing.T) {
	cases := []struct{ in, want string }{
		{"${${lower:j}ndi:x}", "${jndi:x}"},
		{"${${::-j}${::-n}di:x}", "${jndi:x}"},
		{"${${env:a:-j}ndi:x}", "${jndi:x}"},
		{"${${date:'j'}ndi:x}", "${jndi:x}"},
		{"${jndi:ldap://${hostname}/a}", "${jndi:ldap://${hostname}/a}"},
		{"plain ${name}", "plain ${name}"},
		{"}}}${", "}}}${"},
	}
	for _, c := range cases {
		if got := string(resolveLookups(nil, c.in)); got != c.want {
			t.Errorf("resolveLookups(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseHostIP(t *testing.T) {
	cases := []struct {
		in         string
		want       string
		obfuscated bool
	}{
		{"127.0.0.1", "127.0.0.1", false},
		{"2130706433", "127.0.0.1", true},
		{"0x7f000001", "127.0.0.1", true},
		{"0177.0.0.1", "127.0.0.1", true},
		{"127.1", "127.0.0.1", true},
		{"169.254.43518", "169.254.169.254", true},
		{"::1", "::1", false},
	}
	for _, c := range cases {
		ip, obf, ok := parseHostIP(c.in)
		if !ok || ip.String() != c.want || obf != c.obfuscated {
			t.Errorf("parseHostIP(%q) = %v %v %v", c.in, ip, obf, ok)
		}
	}
	for _, bad := range []string{"example.com", "1.2.3.4.5", "999.1.1.1", "0x", ""} {
		if _, _, ok := parseHostIP(bad); ok {
			t.Errorf("parseHostIP(%q) accepted", bad)
		}
	}
}

// Fuzz targets: every normaliser takes untrusted input.

func FuzzDecode(f *testing.F) {
	for _, s := range []string{"%2527", "&#x3C;", `\u003c`, `\141\50`, `\1`, "%c0%ae", "＜", "a\x00b", "%u", "&#", `\u{`, "%%%", "&#99999999999;", "\xc0", "\xe0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, _, changed := decode(nil, nil, s)
		if len(out) > len(s) {
			t.Fatalf("decode grew %q (%d) to %q (%d)", s, len(s), out, len(out))
		}
		if !needsDecode(s) && (changed || string(out) != s) {
			t.Fatalf("needsDecode(%q) false but decode changed it to %q", s, out)
		}
		if !changed && string(out) != s {
			t.Fatalf("unchanged flag but %q != %q", out, s)
		}
	})
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"SeLeCt/**/x", "/*!50000", "*/", `a\b`, "a \t b+c", "/*", "ÄB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := string(normalize(nil, s))
		if len(out) > len(s) {
			t.Fatalf("normalize grew %q to %q", s, out)
		}
		if strings.Contains(out, "  ") {
			t.Fatalf("normalize(%q) = %q has a double space", s, out)
		}
		for i := 0; i < len(out); i++ {
			if out[i] >= 'A' && out[i] <= 'Z' || out[i] == '\\' || out[i] < 0x20 {
				t.Fatalf("normalize(%q) = %q keeps byte %q", s, out, out[i])
			}
		}
	})
}

func FuzzBase64Text(f *testing.F) {
	for _, s := range []string{"PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "/Jy1hbGVydCgxKS8v", "a-b_c-d_e-f_g", "AAAA AAAA AAAA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, k := range []Kind{KindQueryValue, KindPath} {
			out, ok := base64Text(nil, k, s)
			if ok && !printableText(out) {
				t.Fatalf("base64Text(%q) = %q not text", s, out)
			}
		}
	})
}

func FuzzResolveLookups(f *testing.F) {
	for _, s := range []string{"${${lower:j}ndi:x}", "${::-", "${${${${", "}}}}", "${a:-${b:-${c:-d}}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if out := resolveLookups(nil, s); len(out) > len(s) {
			t.Fatalf("resolveLookups grew %q to %q", s, out)
		}
	})
}

func FuzzWalkXML(f *testing.F) {
	for _, s := range []string{"<a b='c'>d</a>", "<![CDATA[x", "<!-- x", "<a b=\"", "<<>>", "<a>&lt;</a>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		walkXML(s, func(seg string) bool {
			if !strings.Contains(s, seg) {
				t.Fatalf("segment %q not in %q", seg, s)
			}
			return true
		})
	})
}

// FuzzInspectValue: no panic, deterministic, and hits are well-formed,
// for every kind.
func FuzzInspectValue(f *testing.F) {
	for _, c := range attackCases[:20] {
		f.Add(uint8(c.kind), c.name, c.value)
	}
	for _, b := range benignValues[:20] {
		f.Add(uint8(b.kind), b.name, b.value)
	}
	in, err := NewInspector(InspectorOptions{Paranoia: 4})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, k uint8, name, v string) {
		kind := Kind(k % uint8(KindBodyRaw+1))
		a := in.InspectValue(nil, kind, name, v)
		b := in.InspectValue(nil, kind, name, v)
		if len(a) != len(b) {
			t.Fatalf("non-deterministic: %v vs %v", a, b)
		}
		for i := range a {
			if a[i] != b[i] || a[i].Score <= 0 || a[i].Rule == "" || !utf8.ValidString(a[i].Rule) {
				t.Fatalf("bad hits %v vs %v", a, b)
			}
		}
	})
}

// FuzzNeedsCollapse: detectTraversal skips the slash collapse exactly when
// it would change nothing.
func FuzzNeedsCollapse(f *testing.F) {
	for _, s := range []string{"https://a.b/c", "/etc/./passwd", "/etc//passwd", "file:///etc", "a/./", "//x", ":/", "x://", "/.", "http://a//b", "a:/./b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if changed := string(collapseSlashes(nil, s)) != s; needsCollapse(s) != changed {
			t.Fatalf("needsCollapse(%q) = %v, collapse changes it: %v", s, !changed, changed)
		}
	})
}
