package contract

import (
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

var _ = strings.Repeat
