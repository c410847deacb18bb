package contract

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// The large documents are fetched by scripts/fetch-openapi-specs.sh; the
// benchmarks that need them skip without.
const githubSpec = "testdata/large/api.github.com.json"

var (
	githubOnce     sync.Once
	githubContract *Contract
	githubErr      error
)

func loadGitHub(tb testing.TB) *Contract {
	tb.Helper()
	if _, err := os.Stat(githubSpec); err != nil {
		tb.Skip("run scripts/fetch-openapi-specs.sh for GitHub's OpenAPI document")
	}
	githubOnce.Do(func() { githubContract, githubErr = LoadFile(githubSpec, Options{}) })
	if githubErr != nil {
		tb.Fatal(githubErr)
	}
	return githubContract
}

// TestGitHubLoad loads GitHub's description (≈ 1,000 operations) and
// reports time and retained heap; run with -v to see them.
func TestGitHubLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("large document")
	}
	if _, err := os.Stat(githubSpec); err != nil {
		t.Skip("run scripts/fetch-openapi-specs.sh for GitHub's OpenAPI document")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	c, err := LoadFile(githubSpec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("GitHub: %d operations in %v, retained heap %d MiB, total allocated %d MiB, %d warnings",
		c.Operations, took, (int64(after.HeapAlloc)-int64(before.HeapAlloc))>>20, (after.TotalAlloc-before.TotalAlloc)>>20, len(c.Warnings))
	for _, w := range c.Warnings[:min(3, len(c.Warnings))] {
		t.Log(w)
	}
	runtime.KeepAlive(c)
}

func BenchmarkRouteGitHub(b *testing.B) {
	c := loadGitHub(b)
	paths := []struct{ method, path string }{
		{"GET", "/repos/octocat/hello-world/issues/42/comments"},
		{"GET", "/orgs/github/teams/core/members"},
		{"POST", "/repos/octocat/hello-world/pulls"},
		{"GET", "/user"},
		{"DELETE", "/repos/octocat/hello-world/actions/runners/7"},
	}
	var m Match
	for _, p := range paths {
		c.Route(p.method, p.path, &m)
		if m.Result != RouteFound {
			b.Fatalf("%s %s: %v", p.method, p.path, m.Result)
		}
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := paths[i%len(paths)]
		c.Route(p.method, p.path, &m)
	}
}

// benchBody is a 1 KB issue as GitHub's "create an issue" takes it.
var benchBody = []byte(`{"title":"Found a bug in the ` + strings.Repeat("parser ", 90) + `","body":"I'm having a problem with this.","assignees":["octocat","hubot"],"milestone":1,"labels":["bug","help wanted"]}`)

// BenchmarkRequestGitHub: route + 5 parameters (2 path, 3 query) + a
// 1 KB JSON body, against GitHub's document.
func BenchmarkRequestGitHub(b *testing.B) {
	c := loadGitHub(b)
	hdr := http.Header{}
	b.Run("get_5_params", func(b *testing.B) {
		var m Match
		for b.Loop() {
			c.Route("GET", "/repos/octocat/hello-world/issues", &m)
			if vs := m.Op.CheckParams(&m, "state=open&per_page=30&page=2", hdr); len(vs) > 0 {
				b.Fatal(vs)
			}
		}
	})
	b.Run("post_1KB_json", func(b *testing.B) {
		var m Match
		b.SetBytes(int64(len(benchBody)))
		for b.Loop() {
			c.Route("POST", "/repos/octocat/hello-world/issues", &m)
			if vs := m.Op.CheckParams(&m, "", hdr); len(vs) > 0 {
				b.Fatal(vs)
			}
			if res, vs := m.Op.CheckBody("application/json", benchBody); res != BodyOK {
				b.Fatal(vs)
			}
		}
	})
}

// BenchmarkRequestFeatures: 5 parameters and a 1 KB body on the small
// feature document (no download needed).
func BenchmarkRequestFeatures(b *testing.B) {
	c := features(b)
	body := []byte(`{"name":"Rex ` + strings.Repeat("a", 0) + `","tag":"dog","tags":["a","b","c"],"owner":{"name":"` + strings.Repeat("x", 900) + `","email":"a@example.com"}}`)
	hdr := http.Header{"X-Request-Id": {"123e4567-e89b-12d3-a456-426614174000"}, "Cookie": {"session=deadbeef"}}
	var m Match
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		c.Route("GET", "/v1/pets", &m)
		if vs := m.Op.CheckParams(&m, "limit=10&sort=name&ids=1,2,3", hdr); len(vs) > 0 {
			b.Fatal(vs)
		}
		c.Route("POST", "/v1/pets", &m)
		if res, vs := m.Op.CheckBody("application/json", body); res != BodyOK {
			b.Fatal(vs)
		}
	}
}

// stripCorpus is a list of GitHub issues with fields the schema does not
// declare mixed in.
func stripCorpus(n int) []byte {
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i := 0; i < n; i++ {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(`{"id":1,"node_id":"MDU6SXNzdWUx","url":"https://api.github.com/repos/octocat/Hello-World/issues/1347","number":1347,"state":"open","title":"Found a bug","body":"I'm having a problem with this. ` + strings.Repeat("Some text, ", 20) + `","internal_notes":"do not ship","password_hash":"$2a$10$abcdefghijklmnopqrstuv","user":{"login":"octocat","id":1,"site_admin":false,"secret_flag":true},"labels":[{"id":208045946,"name":"bug","color":"f29513","default":true}],"locked":true,"comments":0,"created_at":"2011-04-22T13:33:48Z","updated_at":"2011-04-22T13:33:48Z"}`)
	}
	buf.WriteByte(']')
	return buf.Bytes()
}

func BenchmarkStripGitHub(b *testing.B) {
	c := loadGitHub(b)
	var m Match
	c.Route("GET", "/repos/octocat/hello-world/issues", &m)
	s, v := m.Op.Response(200, "application/json")
	if v != ResponseSchema {
		b.Fatal(v)
	}
	data := stripCorpus(500)
	benchStrip(b, s, data)
}

func BenchmarkStripFeatures(b *testing.B) {
	c := features(b)
	var m Match
	c.Route("GET", "/v1/pets", &m)
	s, _ := m.Op.Response(200, "application/json")
	benchStrip(b, s, jsonArrayOf(2000, `{"id":12345,"name":"Rex the dog","tag":"dog","password_hash":"$2a$10$abcdefghijklmnop","owner":{"name":"Alice Example","email":"alice@example.com","ssn":"078-05-1120"},"tags":["good","boy"]}`))
}

// jsonArrayOf is a JSON array of n copies of item.
func jsonArrayOf(n int, item string) []byte {
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(item)
	}
	buf.WriteByte(']')
	return buf.Bytes()
}

func benchStrip(b *testing.B, s *Schema, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		st := NewStripper(io.Discard, s)
		for off := 0; off < len(data); off += 32 << 10 {
			if _, err := st.Write(data[off:min(off+32<<10, len(data))]); err != nil {
				b.Fatal(err)
			}
		}
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		if st.Mismatch() != nil {
			b.Fatal(st.Mismatch())
		}
		if n, _ := st.Removed(); n == 0 {
			b.Fatal("nothing removed")
		}
	}
}

// BenchmarkKeywords31: request bodies whose schemas use the 2020-12
// keywords (testdata/keywords31.yaml), and stripping against
// patternProperties and unevaluatedProperties.
func BenchmarkKeywords31(b *testing.B) {
	c := keywords31(b)
	for _, tt := range []struct{ name, path, body string }{
		{"unevaluatedProperties_oneOf", "/uneval", `{"kind":"cat","name":"Tom","lives":9}`},
		{"if_then_unevaluated", "/cond", `{"country":"US","postal_code":"94105","state":"CA"}`},
		{"patternProperties", "/patterns", `{"id":1,"x-trace":"a","n_count":3,"obj_a":{"a":1}}`},
		{"dependent", "/dependent", `{"name":"a","credit_card":"4111","billing_address":"x","billing_zip":"1"}`},
	} {
		b.Run(tt.name, func(b *testing.B) {
			var m Match
			body := []byte(tt.body)
			for b.Loop() {
				c.Route("POST", tt.path, &m)
				if res, vs := m.Op.CheckBody("application/json", body); res != BodyOK {
					b.Fatal(vs)
				}
			}
		})
	}
	for _, tt := range []struct{ name, path, item string }{
		{"strip_patternProperties", "/patterns", `{"id":1,"x-trace":"abc","n_count":2,"secret_key":"k","obj_a":{"a":1,"b":2},"other":{"q":1}}`},
		{"strip_unevaluated_oneOf", "/uneval", `{"kind":"cat","name":"Tom","lives":9,"bark":true,"owner_ssn":"078-05-1120"}`},
	} {
		b.Run(tt.name, func(b *testing.B) {
			var m Match
			c.Route("POST", tt.path, &m)
			s, _ := m.Op.Response(200, "application/json")
			// The item schema is the document's; an array of them.
			benchStrip(b, &Schema{Types: tArray, Items: s, MinLength: -1, MaxLength: -1, MinItems: -1, MaxItems: -1,
				MinProperties: -1, MaxProperties: -1, schemaExt: &noExt, view: arrayView(s)}, jsonArrayOf(2000, tt.item))
		})
	}
}

// arrayView is the view of an array of s.
func arrayView(s *Schema) *view {
	v := newView()
	v.types, v.items = tArray, s.view
	return v
}
