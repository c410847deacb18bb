package filter

import (
	"net/url"
	"strings"
	"testing"

	"github.com/corazawaf/libinjection-go"
)

// sqliUpperSeeds are the values of the detector tables, raw and
// percent-decoded, plus the spellings where letter case matters to
// libinjection.
func sqliUpperSeeds() []string {
	var s []string
	add := func(v string) {
		s = append(s, v)
		if d, err := url.QueryUnescape(v); err == nil && d != v {
			s = append(s, d)
		}
	}
	for _, c := range attackCases {
		add(c.value)
	}
	for _, c := range variantCases {
		add(c.value)
	}
	for _, c := range benignValues {
		add(c.value)
	}
	for _, c := range langCases() {
		add(c.value)
	}
	return append(s,
		`1 or \N`, `1 or \n`, `x$a$ or 1$A$--`, `$tag$ union $TAG$`,
		`1' or 1=1 -- sp_password`, `1' or 1=1 -- SP_PASSWORD`, `1' oR 1=1 -- Sp_PassWord`,
		`ſelect 1`, `1 unıon select`, `x' or 'ß'='ß`, `0x7e`, `0X7E`, `b'01'`, `N'abc'`, `q'[x]'`, `u&'x'`, `e'\x'`,
		`1 if(1,1,1)`, `1;If 1=1 select 1`, `Seán O'Brien`, `union station`,
	)
}

// TestSQLiUpperCase: libinjection reaches the same verdict and fingerprint
// on a value and on the upper-cased form isSQLi passes it.
func TestSQLiUpperCase(t *testing.T) {
	sc := &scratch{}
	for _, v := range sqliUpperSeeds() {
		checkSQLiUpper(t, sc, v)
	}
}

func FuzzSQLiUpperCase(f *testing.F) {
	for _, v := range sqliUpperSeeds() {
		f.Add(v)
	}
	sc := &scratch{}
	f.Fuzz(func(t *testing.T, v string) { checkSQLiUpper(t, sc, v) })
}

func checkSQLiUpper(t *testing.T, sc *scratch, v string) {
	t.Helper()
	ok, fp := libinjection.IsSQLi(v)
	gotOK, gotFP := isSQLi(sc, v)
	if ok != gotOK || fp != gotFP {
		t.Fatalf("%q: libinjection says (%v, %q) as given, (%v, %q) upper-cased (%q)", v, ok, fp, gotOK, gotFP, sqliUpper(sc, v))
	}
	if u := sqliUpper(sc, v); u != v && strings.ToUpper(v) != u && isASCII(v) {
		t.Fatalf("%q: upper-cased as %q", v, u)
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// proseSeeds are sentences with apostrophes, some of them holding what
// libinjection's strong fingerprints are made of.
var proseSeeds = []string{
	"Seán O'Brien", "It's on the left, don't ring", "it's 5 o'clock or later", "O'Brien and null",
	"don't union select it", "we're current_user now", "can't localtıme it", "it's ſelect time",
	"she's @home; call", "isn't it -- maybe", "I'd say it's # one", "they've x=1 or 1=1",
	"it's OR 1=1", "l'hôtel d'Orsay", "rock 'n' roll isn't dead", "I'm sure it's UNKNOWN",
	"it's 1 xor 1", "won't drop table users", "we'll see values", "it's a \\N test",
}

// FuzzProseSkip: the hits of a value are the same whether or not
// proseCannotInject spares libinjection a prose value.
func FuzzProseSkip(f *testing.F) {
	for _, s := range proseSeeds {
		f.Add(s)
	}
	fast, err := NewInspector(InspectorOptions{Paranoia: 4})
	if err != nil {
		f.Fatal(err)
	}
	asked, _ := NewInspector(InspectorOptions{Paranoia: 4})
	asked.askProse = true
	f.Fuzz(func(t *testing.T, s string) { checkProseSkip(t, fast, asked, s) })
}

func TestProseSkip(t *testing.T) {
	fast, _ := NewInspector(InspectorOptions{Paranoia: 4})
	asked, _ := NewInspector(InspectorOptions{Paranoia: 4})
	asked.askProse = true
	for _, s := range proseSeeds {
		checkProseSkip(t, fast, asked, s)
	}
	// The skip must happen, or it saves nothing.
	v := value{dec: "Seán OBrien", norm: "seán obrien"}
	if !proseCannotInject(&v, v.dec) {
		t.Fatal("a name with an apostrophe is still sent to libinjection")
	}
}

func checkProseSkip(t *testing.T, fast, asked *Inspector, s string) {
	t.Helper()
	for _, kind := range []Kind{KindBodyValue, KindQueryValue, KindHeaderValue} {
		got, want := fast.InspectValue(nil, kind, "comment", s), asked.InspectValue(nil, kind, "comment", s)
		if len(got) != len(want) {
			t.Fatalf("%q (%v): %v with the prose skip, %v without", s, kind, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%q (%v): %v with the prose skip, %v without", s, kind, got, want)
			}
		}
	}
}

func TestUnionAsWords(t *testing.T) {
	for n, want := range map[string]bool{
		"guide to union select": true, "what is union select?": true, "the union select committee": true,
		"/api/items/o'reilly's guide to union select/details": true, "q=union select tutorial": true,
		"union select": false, "' union select 1": false, "x' union select password from users--": false,
		"1 union select null,null": false, "a union select/**/1": false, "a union all select version()": false,
	} {
		if got := unionAsWords(n); got != want {
			t.Errorf("unionAsWords(%q) = %v, want %v", n, got, want)
		}
	}
}
