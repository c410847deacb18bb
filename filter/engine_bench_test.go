package filter

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// benchGET is "a GET with 5 query parameters and 10 ordinary headers".
func benchGET() *http.Request {
	r, _ := http.NewRequest("GET", "http://shop.example.com/products/search?q=running+shoes&size=42&color=blue&page=2&sort=price_asc", nil)
	r.RequestURI = "/products/search?q=running+shoes&size=42&color=blue&page=2&sort=price_asc"
	h := r.Header
	h.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36")
	h.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8")
	h.Set("Accept-Language", "en-US,en;q=0.9,fr;q=0.8")
	h.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	h.Set("Referer", "https://shop.example.com/products?category=shoes")
	h.Set("Cookie", "session=3f9a1c7e5b2d4a6f8e0c1b3d5f7a9c2e; theme=dark")
	h.Set("Cache-Control", "max-age=0")
	h.Set("Sec-Fetch-Mode", "navigate")
	h.Set("Sec-Fetch-Site", "same-origin")
	h.Set("Upgrade-Insecure-Requests", "1")
	r.RemoteAddr = "192.0.2.10:51234"
	return r
}

// benchJSON builds a JSON document of about n bytes, typical of an API:
// nested objects, arrays, strings, numbers.
func benchJSON(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"order":{"id":"ord_8f2a1c","currency":"EUR","customer":{"name":"Ada Lovelace","email":"ada@example.com","address":{"street":"12 Analytical Engine Road","city":"London","zip":"NW1 6XE"}},"items":[`)
	for i := 0; b.Len() < n-80; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"sku":"SKU-%05d","title":"Trail running shoe, size %d","qty":%d,"price":%d.99}`, i, 36+i%10, 1+i%3, 40+i)
	}
	b.WriteString(`],"note":"Please leave at the door."}}`)
	return b.Bytes()
}

func benchPOST(body []byte, ctype string) (*http.Request, *bytes.Reader) {
	rd := bytes.NewReader(body)
	r, _ := http.NewRequest("POST", "http://api.example.com/v1/orders", rd)
	r.RequestURI = "/v1/orders"
	r.Header.Set("Content-Type", ctype)
	r.Header.Set("User-Agent", "okhttp/4.12.0")
	r.Header.Set("Accept", "application/json")
	r.Header.Set("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl")
	r.ContentLength = int64(len(body))
	r.RemoteAddr = "192.0.2.10:51234"
	return r, rd
}

func runInspect(b *testing.B, e *Engine, r *http.Request, rd *bytes.Reader, body []byte) {
	b.Helper()
	b.ReportAllocs()
	if body != nil {
		b.SetBytes(int64(len(body)))
	}
	for b.Loop() {
		if rd != nil {
			rd.Reset(body)
			r.Body = io.NopCloser(rd)
		}
		d, err := e.Inspect(r)
		if err != nil || d.Blocked {
			b.Fatalf("benign request: %v %+v", err, d)
		}
	}
}

// benchModes runs a benchmark three times in the same process: the whole
// filter on values it has never seen ("full": the clean-value cache off,
// the cost of a first request), the same request repeated by one client
// ("repeat": its long header and cookie values inspected once), and the
// request layer alone, detectors skipped ("walk"), so that the ratios
// between them are measured under the same conditions.
func benchModes(b *testing.B, run func(b *testing.B, e *Engine)) {
	for _, mode := range []string{"full", "repeat", "walk"} {
		b.Run(mode, func(b *testing.B) {
			e := mustEngine(b, Config{})
			e.walkOnly = mode == "walk"
			if mode == "full" {
				e.clean = nil
			}
			run(b, e)
		})
	}
}

// BenchmarkInspectGET: target ≤ 20 µs.
func BenchmarkInspectGET(b *testing.B) {
	benchModes(b, func(b *testing.B, e *Engine) { runInspect(b, e, benchGET(), nil, nil) })
}

// BenchmarkInspectJSON1KB: target ≤ 100 µs.
func BenchmarkInspectJSON1KB(b *testing.B) {
	body := benchJSON(1024)
	benchModes(b, func(b *testing.B, e *Engine) {
		r, rd := benchPOST(body, "application/json")
		runInspect(b, e, r, rd, body)
	})
}

// BenchmarkInspectForm1KB is the form-encoded counterpart.
func BenchmarkInspectForm1KB(b *testing.B) {
	var sb strings.Builder
	for i := 0; sb.Len() < 1000; i++ {
		fmt.Fprintf(&sb, "field%d=value+number+%d&", i, i)
	}
	body := []byte(sb.String())
	benchModes(b, func(b *testing.B, e *Engine) {
		r, rd := benchPOST(body, "application/x-www-form-urlencoded")
		runInspect(b, e, r, rd, body)
	})
}

// BenchmarkInspectJSONScaling shows the cost per byte staying flat as
// bodies grow (linear time); compare the MB/s column.
func BenchmarkInspectJSONScaling(b *testing.B) {
	for _, n := range []int{1 << 10, 4 << 10, 16 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("%dKB", n>>10), func(b *testing.B) {
			body := benchJSON(n)
			benchModes(b, func(b *testing.B, e *Engine) {
				r, rd := benchPOST(body, "application/json")
				runInspect(b, e, r, rd, body)
			})
		})
	}
}

// BenchmarkInspectTextScaling is the same for a raw text body (one value).
func BenchmarkInspectTextScaling(b *testing.B) {
	line := "The quick brown fox jumps over the lazy dog, again and again.\n"
	for _, n := range []int{1 << 10, 16 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("%dKB", n>>10), func(b *testing.B) {
			body := []byte(strings.Repeat(line, n/len(line)+1)[:n])
			benchModes(b, func(b *testing.B, e *Engine) {
				r, rd := benchPOST(body, "text/plain")
				runInspect(b, e, r, rd, body)
			})
		})
	}
}

// BenchmarkWalkJSON isolates the tokenizer.
func BenchmarkWalkJSON(b *testing.B) {
	s := string(benchJSON(16 << 10))
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		if err := walkJSON(s, 64, func(bool, []byte, string, string) bool { return true }); err != nil {
			b.Fatal(err)
		}
	}
}
