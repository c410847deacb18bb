package gatehouse

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/gatehouse-dev/caddy-gatehouse/redact"
)

// sparseJSON is API-like JSON where one record in 50 carries a secret.
func sparseJSON(size int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"items":[`)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"sku":"SKU-%06d","name":"Widget %d","price":%d.99,"qty":%d,"created":"2024-03-%02dT10:%02d:00Z","tags":["blue","large"],"active":true`,
			i, i*7, i, i%500, i%9, i%28+1, i%60)
		if i%50 == 0 {
			fmt.Fprintf(&b, `,"contact":"%s"`, plantedSecrets[5])
		}
		b.WriteByte('}')
	}
	b.WriteString("]}")
	return b.Bytes()
}

// discardWriter is a ResponseWriter that drops the body, like a fast client.
type discardWriter struct {
	h http.Header
	n int64
}

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) WriteHeader(int)             {}
func (d *discardWriter) Write(p []byte) (int, error) { d.n += int64(len(p)); return len(p), nil }
func (d *discardWriter) Flush()                      {}

// BenchmarkResponseRedactHandler measures the whole handler (header rules,
// decoding, engine, output coalescing) on a 1 MiB body written in 32 KiB
// pieces, as reverse_proxy does; bytes/s are of the decoded body. The
// "baseline" cases in the same run: "skipped" is the handler on a binary
// type (wrapper overhead only), "engine" is redact.Stream alone.
func BenchmarkResponseRedactHandler(b *testing.B) {
	const size = 1 << 20
	bodies := map[string][]byte{"sparse": sparseJSON(size), "dense": secretJSON(size, "b")}
	h := newTestRedact(b, nil)
	for _, density := range []string{"sparse", "dense"} {
		body := bodies[density]
		for _, coding := range []string{"identity", "gzip"} {
			enc := encodeBody(b, coding, body)
			hdr := jsonHeader()
			if coding != "identity" {
				hdr.Set("Content-Encoding", coding)
			}
			b.Run(density+"/"+coding, func(b *testing.B) {
				benchHandler(b, h, &upstream{header: hdr, body: enc, chunk: 32 << 10}, int64(len(body)))
			})
		}
		b.Run(density+"/skipped", func(b *testing.B) {
			up := &upstream{header: http.Header{"Content-Type": {"application/octet-stream"}}, body: body, chunk: 32 << 10}
			benchHandler(b, h, up, int64(len(body)))
		})
		b.Run(density+"/engine", func(b *testing.B) {
			r, err := redact.New(redact.Config{})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			defer redactBenchReportCPU(b, redactBenchCPUTime(), int64(len(body)))
			for b.Loop() {
				s := r.NewStream(io.Discard, redact.KindJSON)
				for p := body; len(p) > 0; {
					n := min(32<<10, len(p))
					if _, err := s.Write(p[:n]); err != nil {
						b.Fatal(err)
					}
					p = p[n:]
				}
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchHandler(b *testing.B, h *ResponseRedact, up *upstream, decoded int64) {
	b.SetBytes(decoded)
	b.ReportAllocs()
	defer redactBenchReportCPU(b, redactBenchCPUTime(), decoded)
	for b.Loop() {
		w := &discardWriter{h: make(http.Header)}
		r := newTestRequest(http.MethodGet, "/bench", httptest.NewRecorder())
		if err := h.ServeHTTP(w, r, up); err != nil {
			b.Fatal(err)
		}
		if w.n == 0 {
			b.Fatal("no output")
		}
	}
}

// redactBenchCPUTime is the CPU time (user+system, all threads, so GC and the
// decoder goroutine included) the process used so far. The benchmark
// machine is shared, so besides wall-clock MB/s the benchmarks report
// "MB/cpu-s", decoded bytes per CPU-second of this process: what one core
// achieves whatever else competes for it. (The same metric as in
// redact/bench_test.go.)
func redactBenchCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// redactBenchReportCPU adds the MB/cpu-s metric for n bytes per op since start.
func redactBenchReportCPU(b *testing.B, start time.Duration, n int64) {
	if d := redactBenchCPUTime() - start; d > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/d.Seconds()/1e6, "MB/cpu-s")
	}
}

// BenchmarkResponseRedactSmall measures what response_redact costs per
// response on a small JSON body: the 200-byte object of scripts/load.sh's
// small GET (internal/benchbackend), written in one piece with the headers
// reverse_proxy hands on (Content-Type, Content-Length, Date, and Caddy's
// Server, which the default rules remove). There the cost per response
// (header rules, deciding the mode, the stream's set-up, findings, the
// metric, the access log field) outweighs the engine's per byte.
//
// Everything the loop itself would allocate is set up once: one request
// (as Caddy's server prepares it; the handler restores the headers it
// changes, and the access log field it sets is replaced, not appended,
// on the next response), one discarding writer whose header map is cleared
// between responses, and an upstream that refills it from preallocated
// slices. "baseline" runs the same loop through a pass-through handler,
// so the handler's own cost is "handler" minus "baseline" (in ns/op, B/op
// and allocs/op); "masked" is the same body with one e-mail address,
// "skipped" the same body as an image/png (out of scope: header rules
// only). The logger drops everything (as in Caddy below INFO; at INFO a
// clean response writes no line either). Besides wall-clock ns/op, each
// case reports cpu-ns/op, the process's CPU time (getrusage, GC included)
// per response: on a shared machine the less noisy of the two.
func BenchmarkResponseRedactSmall(b *testing.B) {
	body := []byte(`{"id":42,"name":"blue widget","price":19.99,"currency":"EUR","stock":17,"tags":["tools","garden"],"updated":"2026-11-30T12:00:00Z","description":"A sturdy widget for everyday use."}`)
	masked := bytes.Replace(body, []byte(`"A sturdy widget for everyday use."`), []byte(`"Ask alice.smith@example.org"`), 1)
	h := newTestRedact(b, nil)
	up := func(ct string, body []byte) *smallUpstream {
		return newSmallUpstream(body,
			"Content-Type", ct,
			"Content-Length", strconv.Itoa(len(body)),
			"Date", "Thu, 03 Dec 2026 06:05:51 GMT",
			"Server", "Caddy")
	}
	b.Run("baseline", func(b *testing.B) { benchSmall(b, passThrough{}, up("application/json", body), len(body)) })
	b.Run("handler", func(b *testing.B) { benchSmall(b, h, up("application/json", body), len(body)) })
	b.Run("masked", func(b *testing.B) { benchSmall(b, h, up("application/json", masked), -1) })
	b.Run("skipped", func(b *testing.B) { benchSmall(b, h, up("image/png", body), len(body)) })
}

// benchSmall serves one response per iteration through h; want is the
// body length the client must get (-1: any non-empty body).
func benchSmall(b *testing.B, h caddyhttp.MiddlewareHandler, up *smallUpstream, want int) {
	w := &discardWriter{h: make(http.Header)}
	r := newTestRequest(http.MethodGet, "/small", httptest.NewRecorder())
	b.ReportAllocs()
	start := redactBenchCPUTime()
	defer func() {
		b.ReportMetric(float64(redactBenchCPUTime()-start)/float64(b.N), "cpu-ns/op")
	}()
	for b.Loop() {
		clear(w.h)
		w.n = 0
		if err := h.ServeHTTP(w, r, up); err != nil {
			b.Fatal(err)
		}
		if w.n == 0 || want >= 0 && w.n != int64(want) {
			b.Fatalf("client got %d bytes, want %d", w.n, want)
		}
	}
}

// passThrough is a handler that does nothing but call the next one.
type passThrough struct{}

func (passThrough) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	return next.ServeHTTP(w, r)
}

// smallUpstream answers like a backend without allocating: its header
// values are copied into slices of its own, refilled for every response
// (the handler may rewrite header values in place).
type smallUpstream struct {
	keys       []string
	vals, want [][]string
	body       []byte
}

func newSmallUpstream(body []byte, kv ...string) *smallUpstream {
	u := &smallUpstream{body: body}
	for i := 0; i+1 < len(kv); i += 2 {
		u.keys = append(u.keys, http.CanonicalHeaderKey(kv[i]))
		u.want = append(u.want, []string{kv[i+1]})
		u.vals = append(u.vals, make([]string, 1))
	}
	return u
}

func (u *smallUpstream) ServeHTTP(w http.ResponseWriter, _ *http.Request) error {
	hdr := w.Header()
	for i, k := range u.keys {
		copy(u.vals[i], u.want[i])
		hdr[k] = u.vals[i]
	}
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(u.body)
	return err
}
