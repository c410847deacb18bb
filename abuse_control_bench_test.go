package gatehouse

import (
	"net/http/httptest"
	"testing"
)

// BenchmarkAbuseControlServe is the whole handler on the local path: one
// rule keyed by client IP, one limit; with and without RateLimit headers
// on allowed responses (building them is most of the cost).
func BenchmarkAbuseControlServe(b *testing.B) {
	for _, headers := range []string{"off", "all"} {
		b.Run("headers_"+headers, func(b *testing.B) {
			h, _ := abProvision(b, `abuse_control {
				rule bench_`+headers+` {
					rate 1000000000/s
				}
				headers `+headers+`
			}`)
			r := abRequest(abReq{ip: "203.0.113.7"})
			next := &abOK{}
			w := httptest.NewRecorder()
			b.ReportAllocs()
			for b.Loop() {
				clear(w.Header())
				if err := h.ServeHTTP(w, r, next); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
