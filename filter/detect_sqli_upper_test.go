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
