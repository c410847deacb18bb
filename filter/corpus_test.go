package filter

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"go.yaml.in/yaml/v3"
)

// The corpus replay: every payload of the GoTestWAF test cases, in every
// encoding and placeholder its file names, is built into the HTTP request
// GoTestWAF would send and run through Engine.Inspect at default settings.
//
//	GATEHOUSE_CORPUS=/path/to/gotestwaf go test -run TestCorpusReplay -v ./filter/
//
// GATEHOUSE_CORPUS_MISSES=1 also logs every attack that passed and every
// benign text that was blocked. The corpus is not part of this repository:
// without it the test is skipped.

// corpusDir finds the corpus (env GATEHOUSE_CORPUS, else the shared
// development copy next to the repository).
func corpusDir(t testing.TB) string {
	dir := sharedCorpusDir(t, "GATEHOUSE_CORPUS", "gotestwaf", "testcases")
	return filepath.Dir(dir)
}

// sharedCorpusDir is sub inside a development corpus: the directory that
// env names, else the shared copy named name next to the repository. The
// test is skipped when it is missing (a user's clone has no ../shared).
func sharedCorpusDir(t testing.TB, env, name, sub string) string {
	dir := os.Getenv(env)
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "corpora", name)
	}
	dir = filepath.Join(dir, sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus %s not found at %s (set %s): %v", name, dir, env, err)
	}
	return dir
}

// corpusEngine is the engine a corpus replay runs: default settings, or the
// paranoia level GATEHOUSE_CORPUS_PARANOIA names (goals are asserted at the
// default level only).
func corpusEngine(t testing.TB) (*Engine, Config) {
	cfg := Config{}
	if p := os.Getenv("GATEHOUSE_CORPUS_PARANOIA"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Paranoia = n
	}
	eng, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return eng, cfg
}

// corpusCase is one YAML file of test cases.
type corpusCase struct {
	Payload     []string `yaml:"payload"`
	Encoder     []string `yaml:"encoder"`
	Placeholder []any    `yaml:"placeholder"`
	Type        string   `yaml:"type"`
}

// corpusRequest is one built request and what it should become.
type corpusRequest struct {
	file, encoder, placeholder, payload string
	req                                 *http.Request
	uri                                 string
}

// encodePayload applies a GoTestWAF encoder.
func encodePayload(enc, p string) (string, error) {
	switch enc {
	case "Plain":
		return p, nil
	case "URL":
		return url.QueryEscape(p), nil
	case "Base64":
		return base64.StdEncoding.EncodeToString([]byte(p)), nil
	case "Base64Flat":
		return strings.ReplaceAll(base64.StdEncoding.EncodeToString([]byte(p)), "=", ""), nil
	case "JSUnicode":
		return jsUnicode(p), nil
	case "XMLEntity":
		var b bytes.Buffer
		if err := xml.NewEncoder(&b).Encode(p); err != nil {
			return "", err
		}
		return b.String(), nil
	}
	return "", fmt.Errorf("unknown encoder %q", enc)
}

// jsUnicode writes every UTF-16 code unit as \uXXXX, like GoTestWAF.
func jsUnicode(p string) string {
	var b strings.Builder
	for _, u := range utf16.Encode([]rune(p)) {
		fmt.Fprintf(&b, `\u%04x`, u)
	}
	return b.String()
}

const soapWrapper = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
	xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
	<soapenv:Header>
		<ns1:RequestHeader soapenv:actor="http://schemas.xmlsoap.org/soap/actor/next"
			soapenv:mustUnderstand="0" xmlns:ns1="https://www.google.com/apis/ads/publisher/v202002">
		</ns1:RequestHeader>
	</soapenv:Header>
	<soapenv:Body>
		<getAdUnitsByStatement xmlns="https://www.google.com/apis/ads/publisher/v202002">
			<filterStatement>
				<%s>%s</%s>
			</filterStatement>
		</getAdUnitsByStatement>
	</soapenv:Body>
</soapenv:Envelope>`

const corpusBase = "http://localhost:8080"

// buildRequest builds the request of one placeholder, as GoTestWAF does.
// It returns (nil, reason) for requests that cannot be sent over HTTP/1.1
// (gRPC) or that a Go client refuses to send (control bytes in a header).
func buildRequest(ph string, conf map[string]any, param, payload string) (*http.Request, string, error) {
	var (
		req *http.Request
		err error
	)
	switch ph {
	case "URLPath":
		req, err = http.NewRequest("GET", corpusBase+"/"+payload, nil)
	case "URLParam":
		req, err = http.NewRequest("GET", corpusBase+"/?"+param+"="+payload, nil)
	case "Header":
		if strings.ContainsAny(payload, "\r\n\x00") {
			return nil, "header value with CR/LF/NUL is not sendable", nil
		}
		req, err = http.NewRequest("GET", corpusBase+"/", nil)
		if err == nil {
			req.Header.Add("X-"+param, payload)
		}
	case "UserAgent":
		if strings.ContainsAny(payload, "\r\n\x00") {
			return nil, "header value with CR/LF/NUL is not sendable", nil
		}
		req, err = http.NewRequest("GET", corpusBase+"/", nil)
		if err == nil {
			req.Header.Set("User-Agent", payload)
		}
	case "HTMLForm":
		req, err = http.NewRequest("POST", corpusBase+"/", strings.NewReader(param+"="+payload))
		if err == nil {
			req.Header.Add("Content-Type", "application/x-www-form-urlencoded")
		}
	case "HTMLMultipartForm":
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormField(param)
		_, _ = fw.Write([]byte(payload))
		_ = mw.Close()
		req, err = http.NewRequest("POST", corpusBase+"/", bytes.NewReader(body.Bytes()))
		if err == nil {
			req.Header.Add("Content-Type", mw.FormDataContentType())
		}
	case "JSONRequest":
		body := fmt.Sprintf(`{"test":true, "%s": "%s"}`, param, jsUnicode(payload))
		req, err = http.NewRequest("POST", corpusBase+"/", strings.NewReader(body))
		if err == nil {
			req.Header.Add("Content-Type", "application/json")
		}
	case "JSONBody":
		req, err = http.NewRequest("POST", corpusBase+"/", strings.NewReader(payload))
		if err == nil {
			req.Header.Add("Content-Type", "application/json")
		}
	case "XMLBody":
		req, err = http.NewRequest("POST", corpusBase+"/", strings.NewReader(payload))
		if err == nil {
			req.Header.Add("Content-Type", "text/xml")
		}
	case "SOAPBody":
		enc, _ := encodePayload("XMLEntity", payload)
		p := "ab" + param
		req, err = http.NewRequest("POST", corpusBase+"/", strings.NewReader(fmt.Sprintf(soapWrapper, p, enc, p)))
		if err == nil {
			req.Header.Add("SOAPAction", `"http://schemas.xmlsoap.org/soap/actor/next"`)
			req.Header.Add("Content-Type", "text/xml")
		}
	case "RequestBody":
		req, err = http.NewRequest("POST", corpusBase+"/", strings.NewReader(payload))
	case "GraphQL":
		if m, _ := conf["method"].(string); m == "POST" {
			req, err = http.NewRequest("POST", corpusBase+"/", strings.NewReader(payload))
		} else {
			q := url.Values{"query": {payload}}
			req, err = http.NewRequest("GET", corpusBase+"/?"+q.Encode(), nil)
		}
	case "RawRequest":
		method, _ := conf["method"].(string)
		path, _ := conf["path"].(string)
		body, _ := conf["body"].(string)
		u := corpusBase + "/" + strings.TrimPrefix(strings.ReplaceAll(path, "{{payload}}", payload), "/")
		body = strings.ReplaceAll(body, "{{payload}}", payload)
		var rd *strings.Reader
		if body != "" {
			rd = strings.NewReader(body)
			req, err = http.NewRequest(method, u, rd)
		} else {
			req, err = http.NewRequest(method, u, nil)
		}
		if err == nil {
			if hs, ok := conf["headers"].(map[string]any); ok {
				for k, v := range hs {
					s, _ := v.(string)
					req.Header.Add(k, strings.ReplaceAll(s, "{{payload}}", payload))
				}
			}
		}
	case "gRPC":
		return nil, "gRPC is not replayable over HTTP/1.1", nil
	default:
		return nil, "", fmt.Errorf("unknown placeholder %q", ph)
	}
	if err != nil {
		return nil, "Go's http.NewRequest rejects the URL: " + err.Error(), nil
	}
	return req, "", nil
}

// corpusStats counts one group of requests.
type corpusStats struct{ total, blocked, skipped int }

func (s corpusStats) pct() float64 {
	if s.total == 0 {
		return 0
	}
	return 100 * float64(s.blocked) / float64(s.total)
}

// replayCorpus replays the corpus through eng and returns per-file stats
// for attacks and benign texts.
func replayCorpus(t testing.TB, eng *Engine, dir string, logMisses bool) (attacks, benign map[string]*corpusStats) {
	attacks, benign = map[string]*corpusStats{}, map[string]*corpusStats{}
	files, err := filepath.Glob(filepath.Join(dir, "testcases", "*", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test cases under %s: %v", dir, err)
	}
	sort.Strings(files)
	n := 0
	for _, f := range files {
		rel, _ := filepath.Rel(filepath.Join(dir, "testcases"), f)
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c corpusCase
		if err := yaml.Unmarshal(raw, &c); err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		isBenign := strings.HasPrefix(rel, "false-pos")
		st := &corpusStats{}
		if isBenign {
			benign[rel] = st
		} else {
			attacks[rel] = st
		}
		for _, p := range c.Payload {
			for _, enc := range c.Encoder {
				encoded, err := encodePayload(enc, p)
				if err != nil {
					t.Fatalf("%s: %v", rel, err)
				}
				for _, phv := range c.Placeholder {
					ph, conf := placeholderOf(phv)
					n++
					param := fmt.Sprintf("a%08x", n*2654435761%4294967291)
					req, skip, err := buildRequest(ph, conf, param, encoded)
					if err != nil {
						t.Fatalf("%s: %v", rel, err)
					}
					if req == nil {
						st.skipped++
						if logMisses {
							t.Logf("SKIP %s %s/%s: %s", rel, enc, ph, skip)
						}
						continue
					}
					st.total++
					req.RemoteAddr = "192.0.2.10:40000"
					d, err := eng.Inspect(req)
					blocked := d.Blocked || err != nil
					if blocked {
						st.blocked++
					}
					if logMisses && blocked == isBenign {
						what := "MISS"
						if isBenign {
							what = "FP"
						}
						rules := make([]string, 0, len(d.Matches))
						for _, m := range d.Matches {
							rules = append(rules, fmt.Sprintf("%s@%s", m.Rule, m.Location))
						}
						t.Logf("%s %s %s/%s score=%d %v: %.120q", what, rel, enc, ph, d.Score, rules, p)
					}
				}
			}
		}
	}
	return attacks, benign
}

// placeholderOf reads "Name" or {"Name": {config}}.
func placeholderOf(v any) (string, map[string]any) {
	switch p := v.(type) {
	case string:
		return p, nil
	case map[string]any:
		for k, c := range p {
			conf, _ := c.(map[string]any)
			return k, conf
		}
	}
	return fmt.Sprint(v), nil
}

func sumStats(m map[string]*corpusStats) corpusStats {
	var s corpusStats
	for _, v := range m {
		s.total += v.total
		s.blocked += v.blocked
		s.skipped += v.skipped
	}
	return s
}

func logStats(t testing.TB, kind string, m map[string]*corpusStats) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s := m[k]
		t.Logf("%-7s %-40s %4d/%-4d blocked (%5.1f%%)  skipped %d", kind, k, s.blocked, s.total, s.pct(), s.skipped)
	}
}

func TestCorpusReplay(t *testing.T) {
	dir := corpusDir(t)
	eng, cfg := corpusEngine(t)
	attacks, benign := replayCorpus(t, eng, dir, os.Getenv("GATEHOUSE_CORPUS_MISSES") != "")
	logStats(t, "attack", attacks)
	logStats(t, "benign", benign)
	a, b := sumStats(attacks), sumStats(benign)
	t.Logf("SUMMARY attacks blocked %d/%d (%.1f%%), benign blocked %d/%d (%.1f%%), not replayable: %d attack, %d benign",
		a.blocked, a.total, a.pct(), b.blocked, b.total, b.pct(), a.skipped, b.skipped)
	// The project goals at default settings.
	if cfg.Paranoia > 1 {
		return
	}
	if a.pct() < 90 {
		t.Errorf("attacks blocked %.1f%% < 90%%", a.pct())
	}
	if b.pct() > 2 {
		t.Errorf("benign blocked %.1f%% > 2%%", b.pct())
	}
}

// BenchmarkCorpusReplay measures the cost of inspecting the whole corpus
// (building requests included once per iteration, bodies replayed).
func BenchmarkCorpusReplay(b *testing.B) {
	dir := corpusDir(b)
	eng, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		replayCorpus(b, eng, dir, false)
	}
}
